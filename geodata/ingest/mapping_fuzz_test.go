package ingest

import (
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

var fuzzKinds = []geodata.Kind{geodata.KindIncident, geodata.KindService, geodata.KindRoute, geodata.KindArea, geodata.KindEvent}

// FuzzParseDate checks that whatever ParseDate accepts is a real ISO
// date (or month) that reads back as itself.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2020-01-05", "Thu, 01/01/2026 - 12:00", "January 05, 2020", "05/01/2020", "13/01/2020",
		"2020-01", "January 2020", "5 de enero de 2020", "1er février 2020", "Sun, 05/01/2020", "2020-01-05T10:00:00Z", ""} {
		f.Add(s, uint8(0))
	}
	iso := regexp.MustCompile(`^\d{4}-\d{2}(-\d{2})?$`)
	f.Fuzz(func(t *testing.T, s string, order uint8) {
		r := ParseDate(s, DateOrder(order%3))
		if !r.OK {
			if r.Value != "" {
				t.Fatalf("not OK but Value %q", r.Value)
			}
			return
		}
		if !iso.MatchString(r.Value) || r.MonthOnly != (len(r.Value) == 7) {
			t.Fatalf("ParseDate(%q) = %+v", s, r)
		}
		layout := time.DateOnly
		if r.MonthOnly {
			layout = "2006-01"
		}
		if _, err := time.Parse(layout, r.Value); err != nil {
			t.Fatalf("ParseDate(%q) = %q, not a date: %v", s, r.Value, err)
		}
		if again := ParseDate(r.Value, OrderUnknown); again != r {
			t.Fatalf("ParseDate(%q) = %+v, but its value reads as %+v", s, r, again)
		}
	})
}

// FuzzParseMapping checks that an accepted mapping names only fields of
// the kind, each column at most once.
func FuzzParseMapping(f *testing.F) {
	for _, s := range []string{`{"date": "Incident Date"}`, `{"name": "Facility name", "category": ""}`, `{"x": 1}`, `[]`, `null`, ``,
		`{"date": "a", "Date": "b"}`, `{"dead": "n", "missing": "n"}`} {
		f.Add(uint8(0), s)
	}
	f.Fuzz(func(t *testing.T, kind uint8, s string) {
		k := fuzzKinds[int(kind)%len(fuzzKinds)]
		m, err := ParseMapping(k, s)
		if err != nil {
			if geodata.ErrorCode(err) != geodata.Invalid {
				t.Fatalf("error %v is not Invalid", err)
			}
			return
		}
		allowed := map[string]bool{}
		for _, n := range FieldNames(k) {
			allowed[n] = true
		}
		columns := map[string]bool{}
		for field, column := range m {
			if !allowed[field] || len(column) > 256 {
				t.Fatalf("accepted %q → %q for %s", field, column, k)
			}
			if column != "" && columns[column] {
				t.Fatalf("column %q accepted twice", column)
			}
			columns[column] = true
		}
	})
}

// FuzzApplyMapping builds features from CSV-like text (first line the
// header) and maps them with a fuzzed or detected mapping. It asserts no
// panic, no feature lost, typed fields of the right type and range, and
// short property names; then runs the same features through the MMP path.
func FuzzApplyMapping(f *testing.F) {
	f.Add(uint8(0), "Incident Date,Number Dead,Minimum Estimated Number of Missing,Cause of Death,Migration route,Source Quality\n"+
		"\"Thu, 01/01/2026 - 12:00\",1,-2,Drowning,Central Mediterranean Route,4\n05/01/2020,1.0,NA,,x,45\n", "")
	f.Add(uint8(1), "Facility name,Facility type,referral\nClinic,Hospital,yes\nSchool,education,maybe\n", "")
	f.Add(uint8(2), "Route_name,mode,valid_from\nCentral Mediterranean Route,sea,2015-08\n", `{"name": "Route_name"}`)
	f.Add(uint8(0), "a,b\n1,2\n", `{"date": "a", "dead": "b"}`)
	iso := regexp.MustCompile(`^\d{4}-\d{2}(-\d{2})?$`)
	f.Fuzz(func(t *testing.T, kind uint8, text, mapping string) {
		k := fuzzKinds[int(kind)%len(fuzzKinds)]
		lines := strings.Split(text, "\n")
		if len(lines) > 200 {
			lines = lines[:200]
		}
		header := strings.Split(lines[0], ",")
		var feats []*geojson.Feature
		for i, line := range lines[1:] {
			props := geojson.Properties{}
			for j, cell := range strings.Split(line, ",") {
				if j < len(header) {
					props[header[j]] = cell
				}
			}
			if i%3 == 2 {
				props["n"] = float64(i) - 1.5
			}
			feats = append(feats, &geojson.Feature{Type: "Feature", Geometry: orb.Point{float64(i), float64(-i)}, Properties: props})
		}
		m, err := ParseMapping(k, mapping)
		if err != nil || len(m) == 0 {
			m, _ = DetectMapping(k, header)
		}
		var rep geodata.Report
		out := ApplyMapping(k, m, feats, &rep)
		if len(out) != len(feats) {
			t.Fatalf("%d features in, %d out", len(feats), len(out))
		}
		fields := map[string]bool{}
		for _, n := range FieldNames(k) {
			fields[n] = true
		}
		for _, f := range out {
			for key, v := range f.Properties {
				if !fields[key] {
					if len(key) > maxKeyLength || key == "" || !utf8.ValidString(key) {
						t.Fatalf("key %q", key)
					}
					continue
				}
				switch key {
				case "dead", "missing", "survivors", "fatalities":
					if n, ok := v.(int); !ok || n < 0 {
						t.Fatalf("%s = %#v", key, v)
					}
				case "source_quality":
					if n, ok := v.(int); !ok || n < 1 || n > 5 {
						t.Fatalf("%s = %#v", key, v)
					}
				case "date", "valid_from", "valid_to", "last_verified":
					if s, ok := v.(string); !ok || !iso.MatchString(s) {
						t.Fatalf("%s = %#v", key, v)
					}
				}
			}
			if k == geodata.KindIncident {
				if c, _ := f.Properties["cause_category"].(string); c == "" {
					t.Fatal("incident without cause_category")
				}
			}
		}
		if k == geodata.KindIncident {
			mapped, mrep, err := MapIncidentsMMP(LayoutMMPCSV2026, feats)
			if err != nil || mrep.Read != len(feats) || mrep.Accepted != len(mapped) || mrep.Read != mrep.Accepted+mrep.Rejected {
				t.Fatalf("MMP path: err %v, report %+v, %d features", err, mrep, len(mapped))
			}
		}
	})
}
