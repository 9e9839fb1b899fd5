package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/mmp"
)

// buildLayers builds the sample layers in their fixed order: routes,
// incidents, services, then the context layers (context.go). It reports
// the schematic corridor checks to log.
func buildLayers(cfg config, log io.Writer) ([]built, error) {
	shared := func(parts ...string) string { return filepath.Join(append([]string{cfg.Shared}, parts...)...) }
	incidents, err := buildIncidents(shared("incidents", "mmp_hdx_api_json"))
	if err != nil {
		return nil, err
	}
	routes, checks, err := buildRoutes(routeInput{
		giocopp:   shared("routes", "giocopp_route_corridors.geojson"),
		frontex:   shared("routes", "frontex_routes_2015_ifrc_dashboard.geojson"),
		waypoints: cfg.Waypoints,
		labels:    cfg.Labels,
		land:      shared("basemap", "ne_110m_admin_0_countries.geojson"),
	}, incidents.layer.Features)
	if err != nil {
		return nil, err
	}
	for _, c := range checks {
		fmt.Fprintf(log, "corridor  %-28s %5d incidents: %5.1f%% within 100 km, %5.1f%% within 300 km, median %4.0f km\n",
			c.route, c.incidents, 100*c.within100, 100*c.within300, c.median)
	}
	if land, err := loadLandIndex(shared("basemap", "world-atlas_land-10m.topojson")); err == nil {
		st := measureReach(routes.layer.Features, incidents.layer.Features, land)
		fmt.Fprintf(log, "reach     %.1f%% of %.0f dead and missing within reach of a route (sea_radius_km at sea, else %g km); "+
			"%.1f%% within 25 km, %.1f%% within 50 km of a line\n",
			100*st.share(), st.total, reachDefaultKm, 100*ratio(st.within25, st.total), 100*ratio(st.within50, st.total))
	} else if !os.IsNotExist(err) {
		return nil, err
	}
	services, err := buildServices(
		shared("services", "healthsites_io_LBY_TUN_NER_MAR_MLI_TCD_MRT.geojson"),
		shared("services", "who_kemri_public_health_facilities_sahel.csv"),
		giscoHospitalFiles(shared("services")),
	)
	if err != nil {
		return nil, err
	}
	context, err := buildContext(contextInputs(shared))
	if err != nil {
		return nil, err
	}
	return append([]built{routes, incidents, services}, context...), nil
}

// buildIncidents imports every MMP API page in dir, in file-name order.
func buildIncidents(dir string) (built, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return built{}, err
	}
	if len(names) == 0 {
		return built{}, fmt.Errorf("%s: no MMP API pages", dir)
	}
	sort.Strings(names)
	d := mmp.NewDecoder()
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			return built{}, err
		}
		err = d.DecodePage(filepath.Base(n), f)
		f.Close()
		if err != nil {
			return built{}, err
		}
	}
	layer := geodata.Layer{
		Meta: geodata.Meta{
			ID:    "incidents",
			Kind:  geodata.KindIncident,
			Title: "Deaths and disappearances of people in migration",
			Description: "Incidents in which people in migration died or went missing, 2014-01-01 to 2025-09-08, as recorded by " +
				"the IOM Missing Migrants Project (2024 ends on 2024-07-28 and 2025 on 2025-09-08 in this extract, so both " +
				"years are partial). dead and missing are minimum estimates; female, male and children count the dead and " +
				"missing; geo_precision is approximate where MMP gives a whole-number coordinate or where 10 or more other " +
				"records share the coordinate (an administrative centre); flags lists what the import " +
				"found in a record (see the import report).",
			Sources: []geodata.Source{{
				Name:        "IOM Missing Migrants Project, API data as published on HDX (OCHA-DAP/hdx-scraper-iom-missingmigrants)",
				URL:         "https://missingmigrants.iom.int/",
				License:     "CC BY-IGO 3.0",
				Attribution: "IOM Missing Migrants Project",
			}},
			Sensitivity:  geodata.Restricted,
			TimeProperty: "date",
		},
		Features: d.Features(),
	}
	rep := d.Report()
	geodata.MarkPileUps(layer.Features, &rep)
	rep.CapIssues(mmp.DefaultMaxIssuesPerCode)
	finish(&layer)
	return built{layer: layer, report: rep}, nil
}
