package render

import (
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/frontend"
)

// fixture reads a FeatureCollection from testdata.
func fixture(tb testing.TB, name string) []*geojson.Feature {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return fc.Features
}

// basemaps are the dashboard's two basemap files, decoded once.
var basemaps = sync.OnceValues(func() (map[string][]orb.Geometry, error) {
	out := map[string][]orb.Geometry{}
	for _, res := range []string{"110m", "50m"} {
		b, err := fs.ReadFile(frontend.Basemap(), "world-atlas_countries-"+res+".topojson.json")
		if err != nil {
			return nil, err
		}
		if out[res], err = LoadBasemap(b); err != nil {
			return nil, err
		}
	}
	return out, nil
})

// basemap returns the real offline basemap at resolution "110m" or "50m".
func basemap(tb testing.TB, res string) []orb.Geometry {
	tb.Helper()
	all, err := basemaps()
	if err != nil {
		tb.Fatal(err)
	}
	return all[res]
}

// centralMed is the view of most scenes: the Strait of Sicily, Libya to Crete.
var centralMed = orb.Bound{Min: orb.Point{9, 31}, Max: orb.Point{20, 39}}

// scenes are the golden scenes, by name.
func scenes(tb testing.TB) map[string]Map {
	tb.Helper()
	const attribution = "Missing Migrants Project (IOM); healthsites.io (OpenStreetMap contributors); Natural Earth; world-atlas"
	caveats := []string{
		"Figures are minimum estimates: the Missing Migrants Project records only the deaths and disappearances that someone reported, and many are never found or reported.",
		"A low value is not evidence of safety.",
		"Route lines are approximate corridors through named places, not tracks.",
	}
	return map[string]Map{
		// Staff view: route risk over incidents and services.
		"centralmed": {
			Width: 900, Height: 600, Bound: centralMed, Basemap: basemap(tb, "50m"),
			Title:    "Central Mediterranean: route risk, incidents and services",
			Subtitle: "Incidents 2014-01-01 to 2025-09-08, all causes; risk radius 25 km, half-life 365 days",
			AsOf:     "2026-11-27", Attribution: attribution, Legend: true,
			DataThrough: "2025-09-08", Caveats: caveats,
			Layers: []Layer{
				{Title: "Deaths and disappearances of people in migration", Style: StyleIncidents, Features: fixture(tb, "incidents.geojson")},
				{Title: "Health facilities", Style: StyleServices, Features: fixture(tb, "services.geojson")},
				{Style: StyleRiskSegments, Features: fixture(tb, "risk_segments.geojson")},
			},
		},
		// Public view: incidents as cells over hotspots, with the privacy note.
		"public": {
			Width: 700, Height: 520, Bound: orb.Bound{Min: orb.Point{5, 29}, Max: orb.Point{30, 41}}, Basemap: basemap(tb, "50m"),
			Title: "Incidents per area, Central and Eastern Mediterranean", AsOf: "2026-11-27", Attribution: attribution, Legend: true,
			PrivacyNote: "Incidents shown as counts per area; areas with fewer than 5 incidents hidden. Exact locations are shown to signed-in partners and staff.",
			Layers: []Layer{
				{Style: StyleHotspots, Features: fixture(tb, "hotspots.geojson")},
				{Title: "Incidents", Style: StyleIncidentCells, Features: fixture(tb, "incident_cells.geojson")},
			},
		},
		// The world with every route, schematic ones dashed.
		"world": {
			Width: 1000, Height: 560, Bound: orb.Bound{Min: orb.Point{-125, -10}, Max: orb.Point{80, 62}}, Basemap: basemap(tb, "110m"),
			Title: "Migration routes", Subtitle: "Routes of the Missing Migrants Project, Frontex and schematic corridors",
			AsOf: "2026-11-27", Attribution: "giocopp/Missing-Migrants-Count; Frontex; RouteRisk schematic corridors; Natural Earth; world-atlas", Legend: true,
			Layers: []Layer{{Title: "Migration routes", Style: StyleRoutes, Features: fixture(tb, "routes.geojson")}},
		},
		// The smallest image, with hostile text: nothing may overlap or overflow.
		"small": {
			Width: MinSize, Height: MinSize, PixelRatio: 2, Bound: centralMed, Basemap: basemap(tb, "110m"),
			Title:    "A very long title </text><script>alert(1)</script> & \"quoted\" that cannot fit on a small map at all",
			Subtitle: "Σ 中文 مصحة إيوان الجديدة", AsOf: "2026-11-27", Attribution: attribution, Legend: true,
			PrivacyNote: "Incidents shown as counts per area; areas with fewer than 5 incidents hidden",
			DataThrough: "2025-09", Caveats: caveats,
			Layers: []Layer{
				{Title: "Route risk", Style: StyleRiskSegments, Features: fixture(tb, "risk_segments.geojson")},
				{Style: StyleRoutes, Features: fixture(tb, "routes.geojson")},
			},
		},
	}
}
