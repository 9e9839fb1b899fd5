package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
	"github.com/tdewolff/canvas"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/ingest"
	"github.com/routerisk/routerisk/geodata/topojson"
)

// The context layers: public reference layers of kind area that the
// analysis and the map read beside routes, incidents and services. They
// go through the importer (geodata/ingest) like an upload, so the report
// and the checks are the same.

// contextInput names the files the context layers are built from.
type contextInput struct {
	sar, land, dtm, ports, seas string
}

func contextInputs(shared func(...string) string) contextInput {
	return contextInput{
		sar:   shared("sar", "central_med_sar_regions_onefleet.geojson"),
		land:  shared("basemap", "world-atlas_land-10m.topojson"),
		dtm:   shared("routes", "dtm_americas_fms_survey_points_2022_2023.geojson"),
		ports: shared("context", "ne_10m_ports.geojson"),
		seas:  shared("context", "ne_10m_marine_label_polys.geojson"),
	}
}

// Sources of the context layers.
var (
	sourceNaturalEarth = geodata.Source{Name: "Natural Earth 1:10m, via martynafford/natural-earth-geojson", URL: "https://www.naturalearthdata.com/",
		License: "public domain", Attribution: "Made with Natural Earth"}
	sourceNaturalEarthLand = geodata.Source{Name: "Natural Earth 1:10m land, via world-atlas 2.0.2 (used to clip the regions to the sea)",
		URL: "https://github.com/topojson/world-atlas", License: "public domain (world-atlas: ISC)", Attribution: "Made with Natural Earth"}
	sourceSAR = geodata.Source{Name: "SRR limits as declared by the coastal states to the IMO, transcribed in prototypefund/civilmrcc-onefleet src/constants/sar-zones.ts",
		URL: "https://github.com/prototypefund/civilmrcc-onefleet", License: "limits are facts declared to the IMO; transcription from an AGPL-3.0 repository",
		Attribution: "SAR regions: IMO declarations, transcribed by civilmrcc-onefleet"}
	sourceDTM = geodata.Source{Name: "IOM DTM Flow Monitoring Surveys, Americas (dtm_fms_americas), via iom/gdidata",
		URL: "https://dtm.iom.int/", License: "IOM terms of use; iom/gdidata package MIT",
		Attribution: "IOM Displacement Tracking Matrix (DTM)"}
)

// buildContext builds the four public context layers: SAR regions, the
// IOM DTM survey sites of the Americas, ports and sea names.
func buildContext(in contextInput) ([]built, error) {
	sar, err := buildSARRegions(in.sar, in.land)
	if err != nil {
		return nil, err
	}
	dtm, err := importContext(in.dtm, geodata.Meta{
		ID: "dtm-americas-sites", Title: "Reception and transit points, Americas (IOM DTM)",
		Description: "50 places on the Americas route where IOM's Displacement Tracking Matrix surveyed people in migration, " +
			"2022-05 to 2023-12: the Darién reception stations (San Vicente, Lajas Blancas), the Paso Canoas temporary migrant " +
			"centre, Los Chiles, Tapachula, the COMAR office in Tenosique, Ciudad Juárez, Tijuana and others. They are waypoints " +
			"of the route and proxies for reception points, not a list of services; respondents counts the people surveyed, " +
			"first_survey and last_survey the survey period.",
		Sources: []geodata.Source{sourceDTM},
	}, "dtm-", ingest.Mapping{"name": "location"})
	if err != nil {
		return nil, err
	}
	ports, err := importContext(in.ports, geodata.Meta{
		ID: "ports", Title: "Ports",
		Description: "1,081 sea and river ports of Natural Earth 1:10m, with their scalerank (smaller is larger). Used to find the " +
			"landing place of a sea crossing.",
		Sources: []geodata.Source{sourceNaturalEarth},
	}, "port-", nil)
	if err != nil {
		return nil, err
	}
	seas, err := importContext(in.seas, geodata.Meta{
		ID: "sea-names", Title: "Seas, gulfs and straits",
		Description: "The named seas, gulfs, bays and straits of Natural Earth 1:10m (marine label polygons; featurecla says which; " +
			"the unnamed ones are left out), " +
			"used to name sea stretches (Strait of Sicily, Alboran Sea, Gulf of Aden…). The polygons are label areas, not legal limits.",
		Sources: []geodata.Source{sourceNaturalEarth},
	}, "sea-", nil)
	if err != nil {
		return nil, err
	}
	return []built{sar, dtm, ports, seas}, nil
}

// importContext reads a GeoJSON file through the importer as a public
// area layer with meta's id, title, description and sources. Features
// without an id get idPrefix and their position in the file.
func importContext(path string, meta geodata.Meta, idPrefix string, m ingest.Mapping) (built, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return built{}, err
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return built{}, fmt.Errorf("%s: %w", path, err)
	}
	for i, f := range fc.Features {
		if f.ID == nil {
			f.ID = idPrefix + strconv.Itoa(i+1)
		}
	}
	if data, err = json.Marshal(fc); err != nil {
		return built{}, err
	}
	return importContextBytes(filepath.Base(path), data, meta, m)
}

func importContextBytes(name string, data []byte, meta geodata.Meta, m ingest.Mapping) (built, error) {
	src := formats.Source{Name: name, Size: int64(len(data)), R: bytes.NewReader(data)}
	res, err := ingest.Run(src, ingest.Options{Kind: geodata.KindArea, Format: formats.GeoJSON, Mapping: m, OnError: ingest.SkipFeatures})
	if err != nil {
		return built{}, fmt.Errorf("%s: %w", name, err)
	}
	meta.Kind, meta.Sensitivity = geodata.KindArea, geodata.Public
	// A context feature without a name names nothing (Natural Earth has
	// unnamed "internal waters" label polygons): left out, reported.
	named := res.Features[:0]
	for _, f := range res.Features {
		if n, _ := f.Properties["name"].(string); strings.TrimSpace(n) != "" {
			named = append(named, f)
			continue
		}
		note, _ := f.Properties["note"].(string)
		res.Report.Accepted--
		res.Report.Rejected++
		res.Report.Add(geodata.Issue{ID: fmt.Sprint(f.ID), Field: "name", Code: codeContextNoName, Action: geodata.Rejected,
			Message: fmt.Sprintf("%s feature %v has no name (%s); a context layer names places, so it is left out", name, f.ID, orDash(note))})
	}
	layer := geodata.Layer{Meta: meta, Features: named}
	finish(&layer)
	return built{layer: layer, report: res.Report}, nil
}

// codeContextNoName is the issue of a context feature without a name.
const codeContextNoName = "missing_name"

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// sarShortNames give each region of the onefleet file the name of its
// search-and-rescue region, as segments quote it in srr.
var sarShortNames = map[string]string{
	"Lybian": "Libya SRR", "Maltese": "Malta SRR", "Tunesian": "Tunisia SRR",
	"Palermo": "Italy SRR (MRSC Palermo)", "Catania": "Italy SRR (MRSC Catania)", "Calabria": "Italy SRR (MRSC Reggio Calabria)",
}

// buildSARRegions reads the SAR regions, subtracts the land from each
// (the Libyan ring crosses the coast; every region is meant for the sea)
// and imports them as the sar-regions layer.
func buildSARRegions(sarPath, landPath string) (built, error) {
	data, err := os.ReadFile(sarPath)
	if err != nil {
		return built{}, err
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return built{}, fmt.Errorf("%s: %w", sarPath, err)
	}
	land, err := loadLand(landPath)
	if err != nil {
		return built{}, err
	}
	out := geojson.NewFeatureCollection()
	for i, f := range fc.Features {
		zone, _ := f.Properties["zone"].(string)
		name, _ := f.Properties["name"].(string)
		note, _ := f.Properties["note"].(string)
		clipped, removed, err := subtractLand(f.Geometry, land)
		if err != nil {
			return built{}, fmt.Errorf("%s feature %d (%s): %w", sarPath, i+1, name, err)
		}
		g := geojson.NewFeature(clipped)
		g.ID = "sar-" + strings.ToLower(zone)
		srr := sarShortNames[zone]
		if srr == "" {
			srr = name
		}
		g.Properties = geojson.Properties{
			"name": name, "srr": srr, "zone": zone,
			"note":          strings.TrimSpace(note + "; clipped to the sea with Natural Earth 1:10m land"),
			"land_removed":  removed,
			"approximate":   true,
			"authoritative": false,
		}
		out.Append(g)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return built{}, err
	}
	return importContextBytes(filepath.Base(sarPath), b, geodata.Meta{
		ID: "sar-regions", Title: "Search and rescue regions, Central Mediterranean",
		Description: "The maritime search-and-rescue regions (SRR) of Libya (declared 2018), Malta (a 4-vertex simplification), " +
			"Tunisia and Italy's sub-regions Palermo, Catania and Reggio Calabria, from the limits the states declared to the IMO " +
			"as transcribed by civil sea-rescue organisations (civilmrcc-onefleet). Each is clipped to the sea with the Natural " +
			"Earth 1:10m land (land_removed says whether land was cut away). Not authoritative: for orientation, not for " +
			"deciding who must rescue.",
		Sources: []geodata.Source{sourceSAR, sourceNaturalEarthLand},
	}, nil)
}

// landPolys is the land as polygons with their bounds.
type landPolys struct {
	polys  []orb.Polygon
	bounds []orb.Bound
}

func loadLand(path string) (*landPolys, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fc, err := topojson.DecodeObject(data, "land")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	l := &landPolys{}
	add := func(p orb.Polygon) {
		l.polys = append(l.polys, p)
		l.bounds = append(l.bounds, p.Bound())
	}
	for _, f := range fc.Features {
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			add(g)
		case orb.MultiPolygon:
			for _, p := range g {
				add(p)
			}
		}
	}
	return l, nil
}

// subtractLand answers g less the land, as a MultiPolygon (or a Polygon
// when one part remains), and whether any land was removed. The polygon
// difference is canvas's Bentley-Ottmann boolean operation (snapping to a
// 1e-8 degree grid); orb has no polygon difference.
func subtractLand(g orb.Geometry, land *landPolys) (orb.Geometry, bool, error) {
	var sea orb.MultiPolygon
	switch v := g.(type) {
	case orb.Polygon:
		sea = orb.MultiPolygon{v}
	case orb.MultiPolygon:
		sea = v
	default:
		return nil, false, fmt.Errorf("a %s, not a polygon", g.GeoJSONType())
	}
	b := sea.Bound()
	var cut canvas.Paths
	for i, p := range land.polys {
		if land.bounds[i].Intersects(b) {
			cut = append(cut, polygonPath(p))
		}
	}
	if len(cut) == 0 {
		return g, false, nil
	}
	var subject canvas.Paths
	for _, p := range sea {
		subject = append(subject, polygonPath(p))
	}
	var res orb.MultiPolygon
	for _, part := range subject.Not(cut) {
		var poly orb.Polygon
		for _, sub := range part.Split() {
			pts := sub.Coords()
			if len(pts) < 3 {
				continue
			}
			r := make(orb.Ring, 0, len(pts)+1)
			for _, c := range pts {
				r = append(r, orb.Point{c.X, c.Y})
			}
			if r[0] != r[len(r)-1] {
				r = append(r, r[0])
			}
			if len(r) < 4 || math.Abs(planar.Area(r)) < 1e-12 {
				continue
			}
			// GeoJSON (RFC 7946): outer rings counter-clockwise, holes clockwise.
			if (len(poly) == 0) != (r.Orientation() == orb.CCW) {
				r.Reverse()
			}
			poly = append(poly, r)
		}
		if len(poly) > 0 {
			res = append(res, poly)
		}
	}
	if len(res) == 0 {
		return nil, false, fmt.Errorf("nothing is left once the land is removed")
	}
	removed := math.Abs(planar.Area(res)-planar.Area(sea)) > 1e-9
	if len(res) == 1 {
		return res[0], removed, nil
	}
	return res, removed, nil
}

// polygonPath draws a polygon as a closed canvas path, one subpath per
// ring.
func polygonPath(p orb.Polygon) *canvas.Path {
	path := &canvas.Path{}
	for _, r := range p {
		if len(r) < 4 {
			continue
		}
		path.MoveTo(r[0][0], r[0][1])
		for _, q := range r[1 : len(r)-1] {
			path.LineTo(q[0], q[1])
		}
		path.Close()
	}
	return path
}
