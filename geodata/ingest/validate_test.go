package ingest

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
)

func TestCheckFeature(t *testing.T) {
	square := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	tests := []struct {
		name     string
		kind     geodata.Kind
		geom     orb.Geometry
		props    geojson.Properties
		ok       bool
		repaired bool
		code     string
		has      string // in the issue message
		want     orb.Geometry
	}{
		{name: "point incident", kind: geodata.KindIncident, geom: orb.Point{13.4, 52.5}, ok: true},
		{name: "latitude out of range", kind: geodata.KindIncident, geom: orb.Point{13.4, 95}, code: CodeOutOfRange, has: "latitude -90..90"},
		{name: "swapped", kind: geodata.KindService, geom: orb.Point{52.5, 130.4}, code: CodeOutOfRange, has: "look swapped"},
		{name: "metres", kind: geodata.KindService, geom: orb.Point{500000, 4649776}, code: CodeOutOfRange, has: "metres"},
		{name: "NaN", kind: geodata.KindService, geom: orb.Point{math.NaN(), 1}, code: CodeOutOfRange},
		{name: "infinite", kind: geodata.KindService, geom: orb.Point{math.Inf(1), 1}, code: CodeOutOfRange},
		{name: "line in incident layer", kind: geodata.KindIncident, geom: orb.LineString{{0, 0}, {1, 1}}, code: CodeWrongGeometry, has: "not allowed in a incident layer"},
		{name: "one-point multipoint", kind: geodata.KindService, geom: orb.MultiPoint{{1, 2}}, ok: true, repaired: true, code: CodeSingleMember, want: orb.Point{1, 2}},
		{name: "two-point multipoint", kind: geodata.KindService, geom: orb.MultiPoint{{1, 2}, {3, 4}}, code: CodeWrongGeometry},
		{name: "route line", kind: geodata.KindRoute, geom: orb.LineString{{0, 0}, {1, 1}}, ok: true},
		{name: "duplicate vertex", kind: geodata.KindRoute, geom: orb.LineString{{0, 0}, {0, 0}, {1, 1}}, ok: true, repaired: true, code: CodeDuplicateVertex, want: orb.LineString{{0, 0}, {1, 1}}},
		{name: "degenerate line", kind: geodata.KindRoute, geom: orb.LineString{{0, 0}, {0, 0}}, code: CodeDegenerateLine, has: "two distinct points"},
		{name: "degenerate part", kind: geodata.KindRoute, geom: orb.MultiLineString{{{0, 0}, {1, 1}}, {{2, 2}}}, code: CodeDegenerateLine},
		{name: "polygon route", kind: geodata.KindRoute, geom: orb.Polygon{square}, code: CodeWrongGeometry},
		{name: "area", kind: geodata.KindArea, geom: orb.Polygon{square}, ok: true},
		{name: "reference point in an area layer", kind: geodata.KindArea, geom: orb.Point{12.6, 35.5}, ok: true},
		{name: "line in an area layer", kind: geodata.KindArea, geom: orb.LineString{{0, 0}, {1, 1}}, code: CodeWrongGeometry, has: "or reference points (Point)"},
		{name: "open ring", kind: geodata.KindArea, geom: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}, ok: true, repaired: true, code: CodeRingClosed, want: orb.Polygon{square}},
		{name: "degenerate ring", kind: geodata.KindArea, geom: orb.Polygon{{{0, 0}, {1, 0}, {0, 0}}}, code: CodeDegenerateRing, has: "three distinct points"},
		{name: "degenerate multipolygon", kind: geodata.KindArea, geom: orb.MultiPolygon{{square}, {{{0, 0}, {0, 0}}}}, code: CodeDegenerateRing},
		{name: "collection", kind: geodata.KindArea, geom: orb.Collection{orb.Point{1, 1}, orb.Polygon{square}}, code: CodeWrongGeometry},
		{name: "too many properties", kind: geodata.KindService, geom: orb.Point{1, 1}, props: manyProps(6), code: CodeTooManyProperties, has: "max_properties"},
		{name: "value too long", kind: geodata.KindService, geom: orb.Point{1, 1}, props: geojson.Properties{"name": strings.Repeat("x", 101)}, code: CodeValueTooLong, has: "max_value_length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := &geodata.Report{Counts: map[string]int{}}
			c := &checker{kind: tt.kind, lim: formats.Limits{MaxProperties: 5, MaxValueLength: 100}.WithDefaults(), rep: rep, ids: map[string]int{}}
			f := geojson.NewFeature(tt.geom)
			if tt.props != nil {
				f.Properties = tt.props
			}
			ok, repaired := c.check(7, f)
			if ok != tt.ok || repaired != tt.repaired {
				t.Fatalf("check = %v, %v; want %v, %v (issues %+v)", ok, repaired, tt.ok, tt.repaired, rep.Issues)
			}
			if tt.code != "" {
				if rep.Counts[tt.code] != 1 {
					t.Fatalf("counts %v; want one %s", rep.Counts, tt.code)
				}
				var found bool
				for _, is := range rep.Issues {
					if is.Code == tt.code {
						found = true
						if is.Feature != 7 || !strings.Contains(is.Message, tt.has) {
							t.Errorf("issue %+v; want feature 7 and a message with %q", is, tt.has)
						}
					}
				}
				if !found {
					t.Errorf("no issue listed for %s", tt.code)
				}
			}
			if tt.want != nil && !orb.Equal(f.Geometry, tt.want) {
				t.Errorf("geometry %v; want %v", f.Geometry, tt.want)
			}
		})
	}
}

func manyProps(n int) geojson.Properties {
	p := geojson.Properties{}
	for i := range n {
		p[string(rune('a'+i))] = i
	}
	return p
}

func TestCheckIDs(t *testing.T) {
	rep := &geodata.Report{Counts: map[string]int{}}
	c := &checker{kind: geodata.KindService, lim: formats.DefaultLimits, rep: rep, ids: map[string]int{}}
	var got []string
	for i, id := range []any{"a", nil, "a", "a~2", "a", nil} {
		f := geojson.NewFeature(orb.Point{1, 1})
		f.ID = id
		if ok, _ := c.check(i+1, f); !ok {
			t.Fatal("rejected")
		}
		got = append(got, featureID(f.ID))
	}
	// "2" (position of the second feature) and the repeated "a" made unique.
	if strings.Join(got, ",") != "a,2,a~2,a~2~2,a~3,6" {
		t.Fatalf("ids %v", got)
	}
	if rep.Counts[CodeDuplicateID] != 3 || rep.Counts[CodeMissingID] != 2 {
		t.Fatalf("counts %v", rep.Counts)
	}
}

func TestParseOnError(t *testing.T) {
	for in, want := range map[string]OnError{"": RejectFile, "reject": RejectFile, " SKIP ": SkipFeatures} {
		if got, err := ParseOnError(in); err != nil || got != want {
			t.Errorf("ParseOnError(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseOnError("ignore"); geodata.ErrorCode(err) != geodata.Invalid {
		t.Errorf("ParseOnError(ignore) = %v", err)
	}
}

func FuzzRepairGeometry(f *testing.F) {
	f.Add(0.0, 0.0, 1.0, 1.0, 0.0, 0.0, uint8(0))
	f.Add(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, uint8(2))
	f.Fuzz(func(t *testing.T, x1, y1, x2, y2, x3, y3 float64, shape uint8) {
		pts := []orb.Point{{x1, y1}, {x2, y2}, {x3, y3}}
		var g orb.Geometry
		switch shape % 4 {
		case 0:
			g = orb.LineString(pts)
		case 1:
			g = orb.Polygon{orb.Ring(pts)}
		case 2:
			g = orb.MultiPoint(pts)
		default:
			g = orb.MultiLineString{pts, pts[:1]}
		}
		for _, kind := range []geodata.Kind{geodata.KindRoute, geodata.KindArea, geodata.KindService} {
			rep := &geodata.Report{Counts: map[string]int{}}
			c := &checker{kind: kind, lim: formats.DefaultLimits, rep: rep, ids: map[string]int{}}
			ft := geojson.NewFeature(g)
			ok, _ := c.check(1, ft)
			if ok {
				if _, bad := firstBadPoint(ft.Geometry); bad {
					t.Fatalf("accepted an out-of-range geometry %v", ft.Geometry)
				}
				if p, isPoly := ft.Geometry.(orb.Polygon); isPoly && p[0][0] != p[0][len(p[0])-1] {
					t.Fatalf("accepted an open ring %v", p)
				}
			} else if len(rep.Issues) == 0 {
				t.Fatal("rejected without an issue")
			}
		}
	})
}

// TestRunNumbersIssuesByFilePosition: after the reader rejected feature 2,
// a problem found later in feature 3 is reported as feature 3, not as the
// second feature decoded.
func TestRunNumbersIssuesByFilePosition(t *testing.T) {
	data := `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"name":"A"}},
{"type":"Feature","id":"b","geometry":null,"properties":{"name":"B"}},
{"type":"Feature","id":"c","geometry":{"type":"Point","coordinates":[1,95]},"properties":{"name":"C"}}]}`
	src := formats.Source{Name: "x.geojson", Size: int64(len(data)), R: strings.NewReader(data)}
	res, err := Run(src, Options{Kind: geodata.KindService, OnError: SkipFeatures})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, is := range res.Report.Issues {
		got[is.Code] = is.Feature
	}
	if got["missing_geometry"] != 2 || got[CodeOutOfRange] != 3 {
		t.Fatalf("issues %+v", res.Report.Issues)
	}
	if res.Report.Read != 3 || res.Report.Accepted != 1 || res.Report.Rejected != 2 {
		t.Fatalf("report %+v", res.Report)
	}
}

// TestRunRefusesAMappingToAMissingColumn: an override naming a column the
// file does not have is a clear error, not a mapping that silently maps nothing.
func TestRunRefusesAMappingToAMissingColumn(t *testing.T) {
	data := `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"Facility":"A"}}`
	src := formats.Source{Name: "x.geojson", Size: int64(len(data)), R: strings.NewReader(data)}
	_, err := Run(src, Options{Kind: geodata.KindService, Mapping: Mapping{"name": "Facility name"}})
	if geodata.ErrorCode(err) != geodata.Invalid || !strings.Contains(err.Error(), "Facility name") {
		t.Fatalf("err = %v; want Invalid naming the column", err)
	}
	res, err := Run(src, Options{Kind: geodata.KindService, Mapping: Mapping{"name": "Facility"}})
	if err != nil || res.Features[0].Properties["name"] != "A" {
		t.Fatalf("override to an existing column: %v %+v", err, res)
	}
}

// TestRunMarksPileUps: an incident upload whose points pile up on one
// coordinate (an administrative centre) has them marked approximate,
// counted in the report.
func TestRunMarksPileUps(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range 12 {
		if i > 0 {
			b.WriteByte(',')
		}
		lon := "51.389"
		if i == 11 {
			lon = "51.5" // a point of its own
		}
		fmt.Fprintf(&b, `{"type":"Feature","id":"i%d","geometry":{"type":"Point","coordinates":[%s,35.6892]},"properties":{"date":"2020-01-0%d","dead":1,"geo_precision":"exact"}}`, i, lon, 1+i%9)
	}
	b.WriteString(`]}`)
	data := b.String()
	src := formats.Source{Name: "x.geojson", Size: int64(len(data)), R: strings.NewReader(data)}
	res, err := Run(src, Options{Kind: geodata.KindIncident})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Report.Counts[geodata.CodeSharedCoordinate]; got != 11 {
		t.Errorf("shared_coordinate counted %d, want 11", got)
	}
	for _, f := range res.Features {
		want := geodata.PrecisionApproximate
		if f.ID == "i11" {
			want = geodata.PrecisionExact
		}
		if got := f.Properties["geo_precision"]; got != want {
			t.Errorf("%v: geo_precision %v, want %v", f.ID, got, want)
		}
	}
}
