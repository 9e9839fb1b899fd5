package main

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/geodata/sea"
	"github.com/routerisk/routerisk/internal/testenv"
)

func TestGreatCircleToLineKm(t *testing.T) {
	deg := math.Pi / 180 * earthRadiusKm // km per degree of arc
	tests := []struct {
		name string
		p    orb.Point
		line orb.LineString
		want float64
	}{
		{"on the line", orb.Point{0, 5}, orb.LineString{{0, 0}, {0, 10}}, 0},
		{"beside the middle", orb.Point{1, 5}, orb.LineString{{0, 0}, {0, 10}}, 0.996 * deg},
		{"beyond the end", orb.Point{0, 11}, orb.LineString{{0, 0}, {0, 10}}, deg},
		{"before the start", orb.Point{-1, 0}, orb.LineString{{0, 0}, {0, 10}}, deg},
		// The great circle between two points of a parallel bulges
		// poleward: at 60°N, 10° apart, its midpoint is at 60.094°N,
		// 10.5 km north of the parallel.
		{"under an arc at 60N", orb.Point{5, 60}, orb.LineString{{0, 60}, {10, 60}}, 10.5},
		{"across the antimeridian", orb.Point{179.5, 0}, orb.LineString{{-179.5, -1}, {-179.5, 1}}, deg},
		{"second edge nearest", orb.Point{10, 11}, orb.LineString{{0, 0}, {0, 10}, {10, 10}}, deg},
		{"one point", orb.Point{0, 1}, orb.LineString{{0, 0}}, deg},
	}
	for _, tc := range tests {
		if got := greatCircleToLineKm(tc.p, tc.line); math.Abs(got-tc.want) > 1.5 {
			t.Errorf("%s: %.1f km, want %.1f", tc.name, got, tc.want)
		}
	}
}

func TestSlerpEnds(t *testing.T) {
	a, b := toVec(orb.Point{10, 20}), toVec(orb.Point{30, 40})
	for _, tc := range []struct {
		t    float64
		want orb.Point
	}{{0, orb.Point{10, 20}}, {1, orb.Point{30, 40}}} {
		if p := toPoint(slerp(a, b, tc.t)); math.Abs(p[0]-tc.want[0]) > 1e-9 || math.Abs(p[1]-tc.want[1]) > 1e-9 {
			t.Errorf("slerp at %g = %v, want %v", tc.t, p, tc.want)
		}
	}
	if got, want := angle(a, slerp(a, b, 0.25)), angle(a, b)/4; math.Abs(got-want) > 1e-12 {
		t.Errorf("a quarter of the way: angle %g, want %g", got, want)
	}
}

func landForTest(t *testing.T) *sea.LandIndex {
	t.Helper()
	land, err := loadLandIndex(testenv.SharedData(t, "basemap", "world-atlas_land-10m.topojson"))
	if err != nil {
		t.Fatal(err)
	}
	return land
}

func TestLandIndex(t *testing.T) {
	land := landForTest(t)
	tests := []struct {
		name string
		p    orb.Point
		want bool
	}{
		{"Strait of Sicily", orb.Point{12.5, 35.5}, false},
		{"off Zuwara", orb.Point{12.0, 33.3}, false},
		{"central Sahara", orb.Point{14.0, 25.0}, true},
		{"Lampedusa", orb.Point{12.60, 35.51}, true},
		{"Gulf of Aden", orb.Point{47.0, 12.5}, false},
		{"Andaman Sea", orb.Point{96.0, 11.0}, false},
		{"Tapachula", orb.Point{-92.27, 14.90}, true},
		{"Florida Straits", orb.Point{-81.5, 24.0}, false},
		{"Minsk", orb.Point{27.57, 53.90}, true},
		{"Caspian Sea (inland, not ocean)", orb.Point{51.0, 42.0}, false},
	}
	for _, tc := range tests {
		if got := land.OnLand(tc.p); got != tc.want {
			t.Errorf("%s %v: onLand = %v, want %v", tc.name, tc.p, got, tc.want)
		}
	}
}

func TestMeasureReach(t *testing.T) {
	land := landForTest(t)
	line := func(props geojson.Properties, pts ...orb.Point) *geojson.Feature {
		f := geojson.NewFeature(orb.LineString(pts))
		f.Properties = props
		return f
	}
	inc := func(p orb.Point, dead, missing float64) *geojson.Feature {
		f := geojson.NewFeature(p)
		f.Properties = geojson.Properties{"dead": dead, "missing": missing}
		return f
	}
	// Zuwara to Lampedusa, at sea but for its ends, with a 75 km sea
	// radius; and a Sahara line without one.
	routes := []*geojson.Feature{
		line(geojson.Properties{"sea_radius_km": 75.0}, orb.Point{12.08, 32.93}, orb.Point{12.60, 35.50}),
		line(geojson.Properties{}, orb.Point{14.0, 24.0}, orb.Point{14.0, 26.0}),
	}
	incidents := []*geojson.Feature{
		inc(orb.Point{12.35, 34.2}, 10, 0), // on the sea line
		inc(orb.Point{12.95, 34.2}, 0, 20), // ~56 km off it, at sea: in reach (not within 50 km)
		inc(orb.Point{13.60, 34.2}, 40, 0), // ~115 km off it: out of reach
		inc(orb.Point{14.40, 25.0}, 5, 0),  // ~40 km off the desert line: out of its 25 km
		inc(orb.Point{14.10, 25.0}, 1, 2),  // ~10 km off it
		inc(orb.Point{0, 0}, 0, 0),         // no dead or missing: not counted
		inc(orb.Point{14.10, 25.0}, -3, 0), // negative counts count as 0
	}
	st := measureReach(routes, incidents, land)
	if st.total != 78 || st.reached != 33 || st.within25 != 13 || st.within50 != 18 {
		t.Errorf("total %g reached %g within25 %g within50 %g; want 78 33 13 18", st.total, st.reached, st.within25, st.within50)
	}
	if st.seaPieces == 0 || st.seaPieces >= st.allPieces {
		t.Errorf("%d of %d segments at sea", st.seaPieces, st.allPieces)
	}
	if len(st.far) != 2 || st.far[0].deadMiss != 40 || st.unreachedN != 2 {
		t.Errorf("out of reach: %+v (%d incidents)", st.far, st.unreachedN)
	}
}

// TestBundledRoutesReach measures, on the committed layers, the share of
// recorded dead and missing within reach of a route (issue 14: at least
// 75%): within a segment's sea_radius_km of a segment at sea, else within
// 25 km.
func TestBundledRoutesReach(t *testing.T) {
	land := landForTest(t)
	routes, _, _ := readLayer(t, "../../geodata/sample/layers", "routes")
	incidents, _, _ := readLayer(t, "../../geodata/sample/layers", "incidents")
	st := measureReach(routes.Features, incidents.Features, land)
	t.Logf("%.1f%% of %.0f dead and missing within reach (%d of %d segments at sea with a sea radius); %.1f%% within 25 km, %.1f%% within 50 km of a line",
		100*st.share(), st.total, st.seaPieces, st.allPieces, 100*ratio(st.within25, st.total), 100*ratio(st.within50, st.total))
	for i, c := range st.far {
		if i == 10 {
			break
		}
		t.Logf("out of reach: %4d°E %3d°N %5.0f dead and missing in %3d incidents, largest %q", c.lon, c.lat, c.deadMiss, c.incidents, c.largest)
	}
	if st.total < 70000 {
		t.Errorf("only %.0f dead and missing in the bundled incidents", st.total)
	}
	if st.share() < 0.75 {
		t.Errorf("%.1f%% of dead and missing within reach of a route, want at least 75%%", 100*st.share())
	}
}

// waypointRows reads the committed waypoints CSV.
func waypointRows(t *testing.T) [][]string {
	t.Helper()
	f, err := os.Open("../../geodata/sample/source/schematic_waypoints.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

func lonLat(t *testing.T, row []string) orb.Point {
	t.Helper()
	lon, err1 := strconv.ParseFloat(row[5], 64)
	lat, err2 := strconv.ParseFloat(row[6], 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("row %v", row)
	}
	return orb.Point{lon, lat}
}

// TestBestiaWaypointsOnRailways checks that the La Bestia branches run
// through places on the Natural Earth railways.
func TestBestiaWaypointsOnRailways(t *testing.T) {
	fc, _, err := readCollection(testenv.SharedData(t, "routes", "ne_10m_railroads_mexico_centralamerica.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	var rails []orb.LineString
	for _, f := range fc.Features {
		switch g := f.Geometry.(type) {
		case orb.LineString:
			rails = append(rails, g)
		case orb.MultiLineString:
			rails = append(rails, g...)
		}
	}
	n := 0
	for _, row := range waypointRows(t) {
		if !strings.Contains(row[1], "La Bestia") {
			continue
		}
		n++
		p := lonLat(t, row)
		d := math.Inf(1)
		for _, r := range rails {
			d = math.Min(d, greatCircleToLineKm(p, r))
		}
		if d > 15 {
			t.Errorf("%s (%s) is %.0f km from the nearest railway", row[3], row[1], d)
		}
	}
	if n < 30 {
		t.Errorf("%d La Bestia waypoints", n)
	}
}

// TestSurveySiteWaypoints checks that the waypoints noted as IOM DTM
// flow-monitoring sites are at one.
func TestSurveySiteWaypoints(t *testing.T) {
	fc, _, err := readCollection(testenv.SharedData(t, "routes", "dtm_americas_fms_survey_points_2022_2023.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, row := range waypointRows(t) {
		if !strings.Contains(row[9], "IOM DTM flow-monitoring site") {
			continue
		}
		n++
		p := lonLat(t, row)
		d := math.Inf(1)
		for _, f := range fc.Features {
			if q, ok := f.Geometry.(orb.Point); ok {
				d = math.Min(d, greatCircleToLineKm(p, orb.LineString{q}))
			}
		}
		if d > 5 {
			t.Errorf("%s is %.1f km from the nearest survey site", row[3], d)
		}
	}
	if n < 10 {
		t.Errorf("%d survey-site waypoints", n)
	}
}

// TestWaypointsCSVIsTidy checks the committed CSV: coordinates rounded
// to 0.01°, every branch's places named.
func TestWaypointsCSVIsTidy(t *testing.T) {
	for _, row := range waypointRows(t) {
		for _, v := range row[5:7] {
			if i := strings.IndexByte(v, '.'); i < 0 || len(v)-i-1 != 2 {
				t.Errorf("%s (%s): coordinate %s is not rounded to 0.01°", row[3], row[1], v)
			}
		}
		if strings.TrimSpace(row[3]) == "" {
			t.Errorf("unnamed waypoint in %s / %s", row[0], row[1])
		}
	}
}
