package ingest

import (
	"bytes"
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
)

// TestIsDTMFlowHeader: t, fmp, route and n make a DTM flow-monitoring
// table, in any case and order; three of them, or the other tables of
// IOM's package, do not.
func TestIsDTMFlowHeader(t *testing.T) {
	tests := []struct {
		name    string
		columns string
		want    bool
	}{
		{"East and Horn of Africa", "t,fmp,fmp_country,route,subroute,movement,previous,next,final,nat,n", true},
		{"West and Central Africa", "t,fmp,fmp_country,route,from,to,n", true},
		{"upper case, other order", "N,Route,FMP,T", true},
		{"no route", "t,fmp,fmp_country,from,to,n", false},
		{"no point", "t,route,subroute,n", false},
		{"Frontex detections", "route,type,nat,t,n", false},
		{"DTM arrivals to Europe", "t,q,geo,n", false},
		{"DTM migrant stock in Libya", "t,q,round,admin1,admin2,admin3,nat,n", false},
		{"exposure", "route,month,count,key", false},
		{"spelled out", "month,flow monitoring point,route,count", false}, // the generic exposure mapping reads it
		{"ACLED", acledHeader, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsDTMFlowHeader(strings.Split(tt.columns, ",")); got != tt.want {
				t.Errorf("IsDTMFlowHeader = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestInterchangeDetectionDoesNotMisfire reads the header of every CSV
// file of the repository's test data and of the shared exposure tables:
// only the DTM flow-monitoring tables read as DTM, and only the ACLED
// samples as ACLED.
func TestInterchangeDetectionDoesNotMisfire(t *testing.T) {
	var files []string
	filepath.WalkDir(filepath.Join("..", ".."), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git") {
			return fs.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".csv") && strings.Contains(p, "testdata") {
			files = append(files, p)
		}
		return nil
	})
	// The real exposure tables of ../shared beside the repository (CI
	// always has them).
	shared, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "data", "exposure", "*.csv"))
	if len(shared) == 0 && os.Getenv("CI") == "true" {
		t.Fatal("no CSV in ../shared/data/exposure beside the repository")
	}
	files = append(files, shared...)
	if len(files) < 10 {
		t.Fatalf("only %d CSV files found", len(files))
	}
	dtm, acled := 0, 0
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(f)
		r.FieldsPerRecord, r.LazyQuotes = -1, true
		header, err := r.Read()
		f.Close()
		if err != nil {
			continue
		}
		base := filepath.Base(p)
		wantDTM := strings.HasPrefix(base, "dtm_") && (strings.Contains(base, "fmp") || strings.Contains(base, "sample") || base == "dtm_bad.csv")
		if got := IsDTMFlowHeader(header); got != wantDTM {
			t.Errorf("%s: IsDTMFlowHeader = %v, want %v (header %q)", p, got, wantDTM, header)
		} else if got {
			dtm++
		}
		if got, want := IsACLEDHeader(header), strings.HasPrefix(base, "acled_"); got != want {
			t.Errorf("%s: IsACLEDHeader = %v, want %v (header %q)", p, got, want, header)
		} else if got {
			acled++
		}
	}
	if dtm < 3 || acled < 2 {
		t.Errorf("%d DTM and %d ACLED files among %d; the fixtures were not seen", dtm, acled, len(files))
	}
}

// TestDTMRoute maps the corridors of both regions.
func TestDTMRoute(t *testing.T) {
	for corridor, want := range map[string]struct {
		route  string
		mapped bool
	}{
		"Eastern Corridor":           {"Eastern Route to/from EHOA", true},
		"HoA Corridor":               {"Horn of Africa Route", true},
		"Horn of Africa Corridor":    {"Horn of Africa Route", true},
		"Nothern Corridor":           {"Northern Route from EHOA", true},
		"Southern Corridor":          {"Route to Southern Africa", true},
		"Libya/Niger":                {"Sahara Desert crossing", true},
		"Algeria/Niger":              {"Sahara Desert crossing", true},
		"Undefined":                  {DTMUndefinedRoute, false},
		"":                           {DTMUndefinedRoute, false},
		"Domestic":                   {"Domestic", false},
		" Burkina Faso/Mali ":        {"Burkina Faso/Mali", false},
		"Central Mediterranean":      {"Central Mediterranean", true},
		"Burkina Faso/Côte d’Ivoire": {"Burkina Faso/Côte d’Ivoire", false},
	} {
		route, mapped := DTMRoute(corridor)
		if route != want.route || mapped != want.mapped {
			t.Errorf("DTMRoute(%q) = %q, %v; want %q, %v", corridor, route, mapped, want.route, want.mapped)
		}
	}
}

// dtmRow is one stored row of a DTM upload.
type dtmRow struct {
	route, month, key string
	count             float64
}

// dtmRows reads the stored features back as rows, by route, month and key.
func dtmRows(t *testing.T, res *Result) map[[3]string]float64 {
	t.Helper()
	out := map[[3]string]float64{}
	for _, f := range res.Features {
		if f.Geometry != nil {
			t.Errorf("feature %v has a geometry", f.ID)
		}
		route, _ := f.Properties["route"].(string)
		month, _ := f.Properties["month"].(string)
		key, hasKey := f.Properties["key"].(string)
		if hasKey && key == "" {
			t.Errorf("an empty key is stored")
		}
		id := [3]string{route, month, key}
		if _, dup := out[id]; dup {
			t.Errorf("%v stored twice", id)
		}
		out[id] = f.Properties["count"].(float64)
	}
	return out
}

// TestRunDTMFlows reads the samples cut from IOM's tables, with no kind
// and with kind exposure: the rows are summed by route, month and point,
// the corridors read as MMP routes where there is one.
func TestRunDTMFlows(t *testing.T) {
	tests := []struct {
		file     string
		kind     geodata.Kind
		read     int
		features int
		want     []dtmRow
		notes    []string
	}{
		{"exposure/dtm_ehoa_sample.csv", "", 44, 11, []dtmRow{
			{"Eastern Route to/from EHOA", "2023-01", "Bossaso", 6156},
			{"Eastern Route to/from EHOA", "2023-01", "Obock", 4523},
			{"Eastern Route to/from EHOA", "2023-01", "Moyale", 65},
			{"Eastern Route to/from EHOA", "2023-02", "Bossaso", 4417},
			{"Eastern Route to/from EHOA", "2023-02", "Obock", 3814},
			{"Horn of Africa Route", "2020-10", "", 4},
			{"Horn of Africa Route", "2023-01", "Moyale", 1610},
			{"Route to Southern Africa", "2023-01", "Moyale", 3591},
			{"Undefined", "2023-01", "Moyale", 73},
		}, []string{
			"read as an exposure layer: the rows have no geometry and the columns are an IOM DTM flow monitoring table (t, fmp, route, n)",
			"read as IOM DTM flow monitoring: 44 rows summed into 11 rows of route, month and flow monitoring point (key), over the columns final, fmp_country, movement, nat, next, previous, subroute",
			"corridors read as Missing Migrants routes: Eastern Corridor → Eastern Route to/from EHOA; HoA Corridor → Horn of Africa Route; Southern Corridor → Route to Southern Africa",
			"corridors with no Missing Migrants route, kept under their own names: Undefined → Undefined",
		}},
		{"exposure/dtm_ehoa_sample.csv", geodata.KindExposure, 44, 11, []dtmRow{
			{"Eastern Route to/from EHOA", "2023-01", "Bossaso", 6156},
		}, nil},
		{"exposure/dtm_wca_sample.csv", "", 26, 11, []dtmRow{
			{"Sahara Desert crossing", "2022-06", "Arlit", 8005},
			{"Sahara Desert crossing", "2022-06", "Seguedine", 9288},
			{"Domestic", "2022-06", "Arlit", 16101},
			{"Undefined", "2022-06", "Madama", 3958},
			{"Burkina Faso/Mali", "2022-06", "Heremakono", 31315},
		}, []string{
			"corridors read as Missing Migrants routes: Algeria/Niger, Libya/Niger → Sahara Desert crossing",
			"corridors with no Missing Migrants route, kept under their own names: Burkina Faso/Mali → Burkina Faso/Mali; Domestic → Domestic; Niger/Nigeria → Niger/Nigeria; (empty) → Undefined",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+string(tt.kind), func(t *testing.T) {
			res, err := Run(openFixture(t, tt.file), Options{Kind: tt.kind})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if res.Kind != geodata.KindExposure || res.Layout != LayoutDTMFlows {
				t.Fatalf("kind %s layout %s (notes %q)", res.Kind, res.Layout, res.Notes)
			}
			want := Mapping{"month": "t", "count": "n", "key": "fmp", "route": "route"}
			if len(res.Mapping) != len(want) {
				t.Errorf("mapping %v, want %v", res.Mapping, want)
			}
			for f, c := range want {
				if res.Mapping[f] != c {
					t.Errorf("mapping[%s] = %q, want %q", f, res.Mapping[f], c)
				}
			}
			if r := res.Report; r.Read != tt.read || r.Accepted != tt.read || r.Rejected != 0 || len(res.Features) != tt.features {
				t.Errorf("read %d accepted %d rejected %d, %d features; want %d rows in %d features", r.Read, r.Accepted, r.Rejected, len(res.Features), tt.read, tt.features)
			}
			rows := dtmRows(t, res)
			for _, w := range tt.want {
				if got, ok := rows[[3]string{w.route, w.month, w.key}]; !ok || got != w.count {
					t.Errorf("%s %s %q: count %v (stored %v), want %v", w.route, w.month, w.key, got, ok, w.count)
				}
			}
			notes := strings.Join(res.Notes, "\n")
			for _, n := range tt.notes {
				if !strings.Contains(notes, n) {
					t.Errorf("notes do not say %q:\n%s", n, notes)
				}
			}
		})
	}
}

// TestRunDTMFlowsBadRows: a row whose month or count cannot be read is
// named with its row and column; by default nothing is stored, with
// on_error=skip the other rows are summed without it.
func TestRunDTMFlowsBadRows(t *testing.T) {
	res, err := Run(openFixture(t, "exposure/dtm_bad.csv"), Options{})
	if geodata.ErrorCode(err) != geodata.Unprocessable || !strings.Contains(err.Error(), "2 of 7 features cannot be used, so nothing was stored") {
		t.Fatalf("err %v, want Unprocessable naming 2 of 7", err)
	}
	want := map[int]string{
		4: `row 4: the month "2023-13" (column "t") is not a month; write it as YYYY-MM`,
		5: `row 5: the count "475 people" (column "n") is not a number`,
	}
	got := map[int]string{}
	for _, is := range res.Report.Issues {
		if is.Action == geodata.Rejected {
			got[is.Feature] = is.Message
		}
	}
	for row, text := range want {
		if !strings.Contains(got[row], text) {
			t.Errorf("row %d: %q, want %q", row, got[row], text)
		}
	}
	if len(got) != len(want) {
		t.Errorf("rejected %v", got)
	}

	res, err = Run(openFixture(t, "exposure/dtm_bad.csv"), Options{OnError: SkipFeatures})
	if err != nil {
		t.Fatal(err)
	}
	rows := dtmRows(t, res)
	if r := res.Report; r.Read != 7 || r.Accepted != 5 || r.Rejected != 2 {
		t.Errorf("report %+v", r)
	}
	if n := rows[[3]string{"Eastern Route to/from EHOA", "2023-01", "Bossaso"}]; n != 27+3580+1002 {
		t.Errorf("Bossaso 2023-01: %v, want the three good rows, %d", n, 27+3580+1002)
	}
	if _, ok := rows[[3]string{"Eastern Route to/from EHOA", "2023-13", "Bossaso"}]; ok {
		t.Error("the row with month 2023-13 was stored")
	}
}

// TestRunDTMFlowsMappingOverride: a mapping given with the upload is
// used as given, rows not summed — the client said how to read the file.
func TestRunDTMFlowsMappingOverride(t *testing.T) {
	res, err := Run(openFixture(t, "exposure/dtm_wca_sample.csv"), Options{Kind: geodata.KindExposure, OnError: SkipFeatures,
		Mapping: Mapping{"month": "t", "count": "n", "key": "fmp", "route": "to"}})
	if err != nil && res == nil {
		t.Fatal(err)
	}
	if res.Layout != LayoutDTMFlows || res.Mapping["route"] != "to" || strings.Contains(strings.Join(res.Notes, "\n"), "summed into") {
		t.Errorf("layout %s mapping %v notes %q", res.Layout, res.Mapping, res.Notes)
	}
}

// TestHeaderKind: the kind a file's header always is, and FileKind: the
// kind a file's format or header always is.
func TestHeaderKind(t *testing.T) {
	for file, want := range map[string]geodata.Kind{
		"acled_sample.csv":             geodata.KindEvent,
		"acled_sample_dmy.csv":         geodata.KindEvent,
		"exposure/dtm_ehoa_sample.csv": geodata.KindExposure,
		"exposure/dtm_wca_sample.csv":  geodata.KindExposure,
		"exposure/good.csv":            "", // route, month, count: read from the file, with a note
		"services.csv":                 "",
		"mmp_legacy.csv":               "",
		"incidents.geojson":            "",
	} {
		if got := HeaderKind(openFixture(t, file), ""); got != want {
			t.Errorf("%s: HeaderKind = %q, want %q", file, got, want)
		}
	}
	// FileKind: by format first, then by header; a named format is not detected again.
	osm, err := os.ReadFile(filepath.Join("..", "formats", "testdata", "osm", "palermo_services.osm"))
	if err != nil {
		t.Fatal(err)
	}
	osmSrc := formats.Source{Name: "palermo_services.osm", Size: int64(len(osm)), R: bytes.NewReader(osm)}
	for _, c := range []struct {
		name  string
		src   formats.Source
		named formats.Format
		want  geodata.Kind
	}{
		{"OpenStreetMap, by format", osmSrc, "", geodata.KindService},
		{"ACLED, by header", openFixture(t, "acled_sample.csv"), "", geodata.KindEvent},
		{"DTM, by header", openFixture(t, "exposure/dtm_ehoa_sample.csv"), "", geodata.KindExposure},
		{"DTM named GeoJSON: no header is read", openFixture(t, "exposure/dtm_ehoa_sample.csv"), formats.GeoJSON, ""},
		{"incidents: must be named", openFixture(t, "incidents.geojson"), "", ""},
	} {
		if got := FileKind(c.src, c.named); got != c.want {
			t.Errorf("%s: FileKind = %q, want %q", c.name, got, c.want)
		}
	}
	// Semicolons and a byte order mark.
	text := "\ufeffEVENT_DATE;EVENT_TYPE;LATITUDE;LONGITUDE;FATALITIES\n2023-05-14;Riots;12;13;0\n"
	if got := HeaderKind(formats.Source{Name: "e.csv", R: strings.NewReader(text), Size: int64(len(text))}, ""); got != geodata.KindEvent {
		t.Errorf("semicolons: %q", got)
	}
}

// TestDTMCorridorsDocumented checks that the corridor table of
// docs/importers.md gives every corridor of dtmCorridors its route.
func TestDTMCorridorsDocumented(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "importers.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "| DTM corridor | route |")
	if start < 0 {
		t.Fatal("docs/importers.md has no DTM corridor table")
	}
	documented := map[string]string{}
	for _, line := range strings.Split(doc[start:], "\n")[2:] {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) != 2 {
			break
		}
		route := strings.TrimSpace(strings.SplitN(cells[1], " (", 2)[0])
		for _, c := range strings.Split(cells[0], ", ") {
			c = strings.TrimSpace(strings.SplitN(c, " (", 2)[0])
			switch {
			case c == "or empty":
				documented[""] = route
			case foldKey(c) != "":
				documented[foldKey(c)] = route
			}
		}
	}
	for corridor, route := range dtmCorridors {
		if got, ok := documented[corridor]; !ok || got != route {
			t.Errorf("corridor %q: documented as %q (%v), want %q", corridor, got, ok, route)
		}
	}
}
