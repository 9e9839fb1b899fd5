package formats

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/vocab"
)

// hsdsFixture zips the CSVs of testdata/hsds/tijuana, renamed by rename
// (nil keeps the names) and put under dir ("" for the root).
func hsdsFixture(t testing.TB, dir string, rename map[string]string) []byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "hsds", "tijuana", "*.csv"))
	if err != nil || len(paths) == 0 {
		t.Fatal("no HSDS fixture CSVs", err)
	}
	sort.Strings(paths)
	var entries []testZipEntry
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(p)
		if r, ok := rename[name]; ok {
			name = r
		}
		entries = append(entries, testZipEntry{name: dir + name, data: b})
	}
	return buildTestZip(t, entries...)
}

func TestDecodeHSDSFixture(t *testing.T) {
	singular := map[string]string{"organizations.csv": "organization.csv", "services.csv": "service.csv", "locations.csv": "location.csv",
		"taxonomy_terms.csv": "taxonomy_term.csv", "phones.csv": "phone.csv", "schedules.csv": "schedule.csv", "languages.csv": "language.csv"}
	committed, err := os.ReadFile(filepath.Join("testdata", "hsds", "tijuana_hsds.zip"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		zip  []byte
	}{
		{"HSDS 2 names", hsdsFixture(t, "", nil)},
		{"HSDS 3 singular names in a folder", hsdsFixture(t, "tijuana/", singular)},
		{"the committed zip", committed},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := archiveSource("directory.zip", c.zip)
			if f, err := DetectSource(src, c.zip[:64]); err != nil || f != HSDS {
				t.Fatalf("DetectSource = %q, %v; want hsds", f, err)
			}
			d, err := DecodeHSDS(src, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkReportCounts(t, d)
			if d.Report.Read != 9 || d.Report.Accepted != 8 || d.Report.Rejected != 1 {
				t.Fatalf("read %d accepted %d rejected %d, want 9/8/1", d.Report.Read, d.Report.Accepted, d.Report.Rejected)
			}
			got := map[string]map[string]any{}
			for _, f := range d.Features {
				got[f.ID.(string)] = f.Properties
			}
			want := map[string]map[string]any{
				"sal1": {"category": "shelter", "subtype": "shelter", "name": "Albergue temporal", "organization": "Casa del Migrante en Tijuana",
					"phone": "+52 664 682 5180", "hours": "Every day, entry 17:00-19:00", "last_verified": "2025-05-01", "location": "Casa del Migrante"},
				"sal2": {"category": "legal", "subtype": "legal_aid", "languages": "Spanish, English, Haitian Creole", "last_verified": "2025-03-10",
					"taxonomy_terms": "Advocacy & Legal Aid"},
				"sal3": {"category": "food", "hours": "Mo,Tu,We,Th,Fr 08:00-10:00", "taxonomy_terms": "Community Kitchen"},
				"sal4": {"category": "health", "subtype": "clinic", "phone": "+52 664 000 0000 ext. 12", "hours": "Mo,We,Fr 09:00-14:00"},
				"sal5": {"category": "psychosocial", "languages": "Spanish", "organization": "Médicos del Mundo"},
				"sal6": {"category": "wash", "subtype": "shower"},
				"sal7": {"category": nil, "flags": CodeHSDSNoCategory},
				"sal9": {"category": "health", "subtype": "clinic", "name": "Mobile clinic"},
			}
			for id, props := range want {
				if got[id] == nil {
					t.Errorf("no feature %s", id)
					continue
				}
				for k, v := range props {
					if got[id][k] != v {
						t.Errorf("%s %s = %#v, want %#v", id, k, got[id][k], v)
					}
				}
			}
			codes := map[string][]string{}
			for _, is := range d.Report.Issues {
				codes[is.Code] = append(codes[is.Code], is.Message)
			}
			if m := codes[CodeHSDSNoCoordinates]; len(m) != 1 || !strings.Contains(m[0], "line 6") || !strings.Contains(m[0], "Unidad móvil") {
				t.Errorf("no-coordinates issue: %q", m)
			}
			terms := strings.Join(codes[CodeHSDSUnmappedTerm], "|")
			if len(codes[CodeHSDSUnmappedTerm]) != 2 || !strings.Contains(terms, `"Tax Preparation"`) || !strings.Contains(terms, `"Mobile Health Unit"`) {
				t.Errorf("unmapped terms: %q", codes[CodeHSDSUnmappedTerm])
			}
			if len(codes[CodeHSDSNoCategory]) != 1 {
				t.Errorf("no-category issues: %q", codes[CodeHSDSNoCategory])
			}
		})
	}
}

func TestDecodeHSDSv3Attributes(t *testing.T) {
	zb := buildTestZip(t,
		testZipEntry{name: "service.csv", data: []byte("id,name,organization_id\ns1,Centro,o1\n")},
		testZipEntry{name: "location.csv", data: []byte("id,name,latitude,longitude\nl1,Sede,\"35,5\",12.6\n")},
		testZipEntry{name: "service_at_location.csv", data: []byte("id,service_id,location_id\n,s1,l1\n")},
		testZipEntry{name: "taxonomy_term.csv", data: []byte("id,code,name,parent_id\nx1,LS,Legal Services,\n")},
		testZipEntry{name: "attribute.csv", data: []byte("id,link_id,link_type,taxonomy_term_id\na1,s1,service,x1\n")},
	)
	d, err := DecodeHSDS(archiveSource("v3.zip", zb), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Features) != 1 {
		t.Fatalf("%d features", len(d.Features))
	}
	f := d.Features[0]
	if f.ID != "s1@l1" || f.Properties["category"] != "legal" || f.Geometry.Bound().Min[1] != 35.5 {
		t.Errorf("feature %v %v at %v", f.ID, f.Properties, f.Geometry)
	}
}

func TestDecodeHSDSErrors(t *testing.T) {
	ok := func(name, body string) testZipEntry { return testZipEntry{name: name, data: []byte(body)} }
	cases := []struct {
		name    string
		entries []testZipEntry
		code    geodata.Code
		msg     string
	}{
		{"no service_at_location", []testZipEntry{ok("services.csv", "id\n"), ok("locations.csv", "id\n")}, geodata.Invalid, "no service_at_location table"},
		{"bad csv", []testZipEntry{ok("services.csv", "id,name\ns1,\"open\n"), ok("locations.csv", "id\n"), ok("service_at_location.csv", "id\n")},
			geodata.Invalid, "services.csv line"},
		{"not utf-8", []testZipEntry{ok("services.csv", "id,name\ns1,Caf\xe9\n"), ok("locations.csv", "id\n"), ok("service_at_location.csv", "id\n")},
			geodata.Invalid, "not UTF-8"},
		{"nested archive", []testZipEntry{ok("services.csv", "id\n"), ok("more.zip", "PK")}, geodata.Invalid, "another archive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeHSDS(archiveSource("x.zip", buildTestZip(t, c.entries...)), Options{})
			if geodata.ErrorCode(err) != c.code || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("err = %v, want %s holding %q", err, c.code, c.msg)
			}
		})
	}
	// Dangling references are rejected rows, not whole-file errors.
	d, err := DecodeHSDS(archiveSource("x.zip", buildTestZip(t,
		ok("services.csv", "id,name\ns1,A\n"), ok("locations.csv", "id,latitude,longitude\nl1,1,2\n"),
		ok("service_at_location.csv", "id,service_id,location_id\nr1,s9,l1\nr2,s1,l7\nr3,s1,l1\n"))), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Report.Rejected != 2 || d.Report.Counts[CodeHSDSDanglingRef] != 2 || len(d.Features) != 1 {
		t.Errorf("report %+v", d.Report)
	}
}

// TestDetectZipKinds checks a Shapefile zip stays a Shapefile.
func TestDetectZipKinds(t *testing.T) {
	shp := buildTestZip(t, testZipEntry{name: "a.shp", data: []byte("x")}, testZipEntry{name: "services.csv", data: []byte("id\n")})
	if f, _ := DetectSource(archiveSource("a.zip", shp), shp[:16]); f != Shapefile {
		t.Errorf("a zip with a .shp and services.csv: %q, want shapefile", f)
	}
	if HSDS.ImpliedKind() != geodata.KindService || OSM.ImpliedKind() != geodata.KindService || GeoJSON.ImpliedKind() != "" {
		t.Error("ImpliedKind")
	}
}

func TestHSDSTermTable(t *testing.T) {
	subtypes := map[string][]string{}
	for _, c := range vocab.ServiceCategories() {
		subtypes[c.Category] = c.Subtypes
	}
	seen := map[string]string{}
	for _, r := range append(append([]HSDSTermRule(nil), HSDSTermTable...), hsdsNameRules...) {
		if !vocab.IsServiceCategory(r.Category) {
			t.Errorf("%q → %q: not a category", r.Term, r.Category)
		}
		if r.Subtype != "" && !containsString(subtypes[r.Category], r.Subtype) {
			t.Errorf("%q → %s/%s: the subtype is not in the vocabulary", r.Term, r.Category, r.Subtype)
		}
	}
	for _, r := range HSDSTermTable {
		k := FoldName(r.Term)
		if prev, dup := seen[k]; dup {
			t.Errorf("%q and %q fold to the same term", prev, r.Term)
		}
		seen[k] = r.Term
	}
	for term, want := range map[string]string{"Legal Services": "legal", "mental health care": "psychosocial", "TEMPORARY SHELTER": "shelter",
		"Food": "food", "Medical Care": "health", "Advocacy & Legal Aid": "legal"} {
		if r, ok := hsdsTermRule(term); !ok || r.Category != want {
			t.Errorf("%q → %v %v, want %s", term, r, ok, want)
		}
	}
	for name, want := range map[string]string{"Mental health drop-in": "psychosocial", "Community health post": "health", "Free legal advice": "legal",
		"Hot meals": "food", "Orientación": ""} {
		r, _ := hsdsNameRule(name)
		if r.Category != want {
			t.Errorf("name %q → %q, want %q", name, r.Category, want)
		}
	}
}

func TestIsHSDSZipNotAZip(t *testing.T) {
	if IsHSDSZip(Source{Name: "x", Size: 4, R: bytes.NewReader([]byte("PK\x03\x04"))}) {
		t.Error("a broken zip is not HSDS")
	}
}
