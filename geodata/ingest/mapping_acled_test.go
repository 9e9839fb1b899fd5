package ingest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/mmp"
)

// acledHeader is the header of an ACLED export, in ACLED's order.
const acledHeader = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1," +
	"actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude," +
	"geo_precision,source,source_scale,notes,fatalities,tags,timestamp"

// TestIsACLEDHeader: the five columns make a header ACLED's, in any case
// and order; four of them, or the columns of other files, do not.
func TestIsACLEDHeader(t *testing.T) {
	tests := []struct {
		name    string
		columns string
		want    bool
	}{
		{"ACLED export", acledHeader, true},
		{"upper case, spaces, other order", "FATALITIES,Longitude,Latitude,Event Type,Event Date", true},
		{"ACLED without fatalities", "event_id_cnty,event_date,event_type,latitude,longitude", false},
		{"ACLED without coordinates", "event_date,event_type,fatalities,location", false},
		{"MMP 2026 export", "Main ID,Incident ID,Incident Type,Region of Incident,Incident Date,Incident Year,Month,Number of Dead,Minimum Estimated Number of Missing,Total Number of Dead and Missing,Number of Survivors,Country of Origin,Cause of Death,Migration Route,Location of death,Information Source,Coordinates,UNSD Geographical Grouping,Source Quality", false},
		{"generic incidents", "date,dead,missing,latitude,longitude,event type", false},
		{"services", "name,category,organization,latitude,longitude", false},
		{"exposure", "route,month,count", false},
		{"DTM flow monitoring", "t,fmp,fmp_country,route,subroute,movement,previous,next,final,nat,n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsACLEDHeader(strings.Split(tt.columns, ",")); got != tt.want {
				t.Errorf("IsACLEDHeader = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestRunACLEDDetected reads the ACLED sample with no kind and no
// mapping: it is an event layer, its columns mapped onto the event fields,
// and the row with a bad latitude is rejected naming its row and column.
func TestRunACLEDDetected(t *testing.T) {
	res, err := Run(openFixture(t, "acled_sample.csv"), Options{OnError: SkipFeatures})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Kind != geodata.KindEvent || res.Layout != LayoutACLED {
		t.Fatalf("kind %q layout %q, want event and %s (notes %q)", res.Kind, res.Layout, LayoutACLED, res.Notes)
	}
	if !strings.Contains(strings.Join(res.Notes, "\n"), "read as an event layer: the columns are an ACLED event export (event_date, event_type, latitude, longitude, fatalities)") {
		t.Errorf("notes %q do not say why", res.Notes)
	}
	want := Mapping{"event_id": "event_id_cnty", "date": "event_date", "event_type": "event_type", "sub_event_type": "sub_event_type",
		"actor1": "actor1", "actor2": "actor2", "fatalities": "fatalities", "country": "country", "location": "location",
		"geo_precision": "geo_precision", "source": "source", "notes": "notes"}
	for f, c := range want {
		if res.Mapping[f] != c {
			t.Errorf("mapping[%s] = %q, want %q", f, res.Mapping[f], c)
		}
	}
	if len(res.Mapping) != len(want) {
		t.Errorf("mapping %v, want %v", res.Mapping, want)
	}
	if r := res.Report; r.Read != 20 || r.Accepted != 19 || r.Rejected != 1 {
		t.Fatalf("read %d accepted %d rejected %d, want 20, 19, 1: %+v", r.Read, r.Accepted, r.Rejected, r.Issues)
	}
	is, ok := firstRejection(res.Report)
	if !ok || is.Feature != 7 || is.Code != formats.CodeCSVInvalidCoordinates ||
		!strings.Contains(is.Message, `row 7 (line 8) has "24.1x" in "latitude", which is not a decimal latitude`) {
		t.Errorf("rejection %+v, want row 7, column latitude", is)
	}
	for _, f := range res.Features {
		if f.ID == "LBY10107" {
			t.Errorf("the row with the bad latitude was kept")
		}
	}

	byID := map[string]int{}
	for i, f := range res.Features {
		byID[featureID(f.ID)] = i
	}
	tests := []struct {
		id    string
		point orb.Point
		props map[string]any
	}{
		{"LBY10102", orb.Point{13.1913, 32.8872}, map[string]any{"event_id": "LBY10102", "date": "2023-05-06",
			"event_type": "Violence against civilians", "sub_event_type": "Attack", "actor1": "Unidentified Armed Group (Libya)",
			"actor2": "Civilians (Libya)", "fatalities": 2, "country": "Libya", "location": "Tripoli", "geo_precision": "exact",
			"source": "Libya Herald", "assoc_actor_2": "Migrants (Libya)", "admin1": "Tripoli", "timestamp": "1686006000"}},
		{"NIG3201", orb.Point{0.3312, 14.8547}, map[string]any{"geo_precision": "approximate", "fatalities": 4, "country": "Niger"}},
		{"SDN20304", orb.Point{24.6667, 14.2}, map[string]any{"geo_precision": "approximate", "fatalities": 10, "date": "2023-05-28"}},
		{"LBY10101", orb.Point{12.7276, 32.7571}, map[string]any{"fatalities": 0, "actor2": "Zawiya Communal Militia (Libya)"}},
	}
	for _, tt := range tests {
		i, ok := byID[tt.id]
		if !ok {
			t.Errorf("no feature %s", tt.id)
			continue
		}
		f := res.Features[i]
		if f.Geometry != tt.point {
			t.Errorf("%s: geometry %v, want %v", tt.id, f.Geometry, tt.point)
		}
		for k, v := range tt.props {
			if f.Properties[k] != v {
				t.Errorf("%s: %s = %#v, want %#v", tt.id, k, f.Properties[k], v)
			}
		}
		for _, k := range []string{"event_id_cnty", "event_date", "latitude", "longitude", "flags"} {
			if _, has := f.Properties[k]; has {
				t.Errorf("%s: property %s kept (%v)", tt.id, k, f.Properties[k])
			}
		}
	}
	if !strings.HasPrefix(res.Features[byID["LBY10102"]].Properties["notes"].(string), "On 6 May 2023, unidentified gunmen") {
		t.Errorf("notes %q", res.Features[byID["LBY10102"]].Properties["notes"])
	}
}

// TestRunACLEDRejectsFile: by default a bad row rejects the whole file,
// and the error names the row and the column.
func TestRunACLEDRejectsFile(t *testing.T) {
	res, err := Run(openFixture(t, "acled_sample.csv"), Options{Kind: geodata.KindEvent})
	if geodata.ErrorCode(err) != geodata.Unprocessable || !strings.Contains(err.Error(), "1 of 20 features cannot be used, so nothing was stored") {
		t.Fatalf("err %v, want Unprocessable naming 1 of 20", err)
	}
	if res == nil || res.Report.Issues[0].Feature != 7 || !strings.Contains(res.Report.Issues[0].Message, `"latitude"`) {
		t.Errorf("report %+v does not name row 7 and latitude", res)
	}
}

// TestRunACLEDNamedDates reads the variant with dates as the ACLED export
// tool writes them (14 May 2023).
func TestRunACLEDNamedDates(t *testing.T) {
	res, err := Run(openFixture(t, "acled_sample_dmy.csv"), Options{})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Kind != geodata.KindEvent || res.Report.Accepted != 10 || res.Report.Rejected != 0 {
		t.Fatalf("kind %s, %+v", res.Kind, res.Report)
	}
	dates := map[string]string{}
	for _, f := range res.Features {
		d, _ := f.Properties["date"].(string)
		dates[featureID(f.ID)] = d
	}
	for id, want := range map[string]string{"LBY10104": "2023-05-14", "LBY10101": "2023-05-02", "NIG3204": "2023-05-27"} {
		if dates[id] != want {
			t.Errorf("%s: date %q, want %q", id, dates[id], want)
		}
	}
}

// TestRunACLEDNeverIncidents: an ACLED export given as incidents is
// refused, so that its events cannot reach the route risk.
func TestRunACLEDNeverIncidents(t *testing.T) {
	_, err := Run(openFixture(t, "acled_sample_dmy.csv"), Options{Kind: geodata.KindIncident})
	if geodata.ErrorCode(err) != geodata.Invalid || !strings.Contains(err.Error(), "not migrant deaths") ||
		!strings.Contains(err.Error(), "kind event") {
		t.Fatalf("err %v, want Invalid asking for kind event", err)
	}
	// With the fallback incident (a file that says nothing), the columns still decide.
	res, err := Run(openFixture(t, "acled_sample_dmy.csv"), Options{FallbackKind: geodata.KindIncident})
	if err != nil || res.Kind != geodata.KindEvent {
		t.Fatalf("kind %v, err %v; want event", res, err)
	}
}

// TestEventValues maps the values of event fields: ACLED's precision codes
// and the words, fatalities as counts, an unreadable date kept aside.
func TestEventValues(t *testing.T) {
	text := "event_id_cnty,event_date,event_type,latitude,longitude,fatalities,geo_precision\n" +
		"A1,2023-05-01,Battles,10,10,3,1\n" +
		"A2,2023-05-02,Battles,10,10,0,2\n" +
		"A3,2023-05-03,Battles,10,10,,3\n" +
		"A4,someday,Riots,10,10,many,4\n" +
		"A5,,Protests,10,10,-2,region\n" +
		"A6,2023-05-06,Protests,10,10,1.0,Exact\n"
	res, err := Run(formats.Source{Name: "events.csv", R: strings.NewReader(text), Size: int64(len(text))}, Options{OnError: SkipFeatures})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if res.Kind != geodata.KindEvent || len(res.Features) != 6 {
		t.Fatalf("kind %s, %d features", res.Kind, len(res.Features))
	}
	get := func(i int, k string) any { return res.Features[i].Properties[k] }
	wants := []struct {
		i          int
		precision  any
		fatalities any
		date       any
	}{
		{0, "exact", 3, "2023-05-01"},
		{1, "approximate", 0, "2023-05-02"},
		{2, "approximate", nil, "2023-05-03"},
		{3, "4", nil, nil},
		{4, "region", 0, nil},
		{5, "exact", 1, "2023-05-06"},
	}
	for _, w := range wants {
		if get(w.i, "geo_precision") != w.precision || get(w.i, "fatalities") != w.fatalities || get(w.i, "date") != w.date {
			t.Errorf("row %d: geo_precision %#v fatalities %#v date %#v; want %#v %#v %#v", w.i+1,
				get(w.i, "geo_precision"), get(w.i, "fatalities"), get(w.i, "date"), w.precision, w.fatalities, w.date)
		}
	}
	if get(3, "date_reported") != "someday" {
		t.Errorf("date_reported %#v", get(3, "date_reported"))
	}
	codes := map[string]string{}
	for _, is := range res.Report.Issues {
		if is.Feature > 0 {
			codes[is.Code] = is.Message
		}
	}
	for code, text := range map[string]string{
		CodeUnknownPrecision:  `feature 4: geo_precision "4" (column "geo_precision") is not exact, approximate or region, nor an ACLED code 1, 2 or 3`,
		mmp.CodeInvalidNumber: `feature 4: fatalities (column "fatalities") is "many", not a whole number`,
		mmp.CodeInvalidDate:   `feature 4: date "someday" (column "event_date") is not a date`,
		mmp.CodeEmptyDate:     `feature 5: no date (column "event_date"); the event has no date`,
		"negative_fatalities": `feature 5: fatalities is -2; stored as 0`,
	} {
		if !strings.Contains(codes[code], text) {
			t.Errorf("%s: message %q, want %q", code, codes[code], text)
		}
	}
}

// FuzzRunACLED feeds arbitrary rows under an ACLED header (and arbitrary
// files) to the importer with no kind given, and asserts what every
// stored event holds: a point in range, fatalities a whole number ≥ 0, a
// date YYYY-MM-DD when there is one, geo_precision exact, approximate or
// region unless flagged, and every row either stored or rejected.
func FuzzRunACLED(f *testing.F) {
	// The fixtures' header and first rows: short seeds keep the
	// minimising of new inputs quick.
	for _, name := range []string{"acled_sample.csv", "acled_sample_dmy.csv"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			lines := bytes.SplitAfter(b, []byte("\n"))
			f.Add(bytes.Join(lines[:min(4, len(lines))], nil))
			f.Add(append(bytes.Clone(lines[0]), lines[min(7, len(lines)-1)]...)) // the row with a bad latitude
		}
	}
	f.Add([]byte(acledHeader + "\nX1,14 May 2023,2023,1,,Riots,,,,,,,,,,,,,,,,,12.5 N,3.2 W,3,,,,-1,,\n"))
	f.Add([]byte("EVENT_DATE;EVENT_TYPE;LATITUDE;LONGITUDE;FATALITIES\n01/02/2023;Battles;91;10;1,000\n"))
	iso := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	f.Fuzz(func(t *testing.T, data []byte) {
		o := Options{OnError: SkipFeatures, Format: formats.CSV,
			Limits: formats.Limits{MaxFeatures: 1000, MaxVertices: 10000, MaxProperties: 50, MaxValueLength: 1024}}
		res, err := Run(formats.Source{Name: "events.csv", Size: int64(len(data)), R: bytes.NewReader(data)}, o)
		if err != nil {
			if geodata.ErrorCode(err) == geodata.Internal {
				t.Fatalf("internal error: %v", err)
			}
			return
		}
		if IsACLEDHeader(res.Columns) != (res.Kind == geodata.KindEvent) {
			t.Fatalf("columns %q read as %s", res.Columns, res.Kind)
		}
		if r := res.Report; r.Read != r.Accepted+r.Rejected || res.Layout != LayoutDTMFlows && r.Accepted != len(res.Features) {
			t.Fatalf("report %+v with %d features", r, len(res.Features))
		}
		if res.Kind != geodata.KindEvent {
			return
		}
		for _, f := range res.Features {
			p, ok := f.Geometry.(orb.Point)
			if !ok || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
				t.Fatalf("geometry %v", f.Geometry)
			}
			if v, has := f.Properties["fatalities"]; has {
				if n, ok := v.(int); !ok || n < 0 {
					t.Fatalf("fatalities %#v", v)
				}
			}
			if v, has := f.Properties["date"]; has {
				if s, ok := v.(string); !ok || !iso.MatchString(s) && !strings.Contains(fmt.Sprint(f.Properties["flags"]), mmp.CodeMonthOnlyDate) {
					t.Fatalf("date %#v", v)
				}
			}
			if v, has := f.Properties["geo_precision"]; has {
				flagged := strings.Contains(fmt.Sprint(f.Properties["flags"]), CodeUnknownPrecision)
				if s := v.(string); s != "exact" && s != "approximate" && s != "region" && !flagged {
					t.Fatalf("geo_precision %q not flagged", s)
				}
			}
		}
	})
}
