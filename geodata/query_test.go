package geodata

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

var incidentMeta = Meta{
	ID: "incidents", Kind: KindIncident, TimeProperty: "date",
	Schema: []Field{{"cause", "string"}, {"cause_category", "string"}, {"date", "date"}, {"dead", "integer"}, {"route", "string"}},
}

func TestParseQueryAccepts(t *testing.T) {
	tests := []struct {
		name  string
		query string
		check func(t *testing.T, q Query)
	}{
		{"defaults", "", func(t *testing.T, q Query) {
			if q.Limit != DefaultLimit || q.Precision != -1 || q.BBox != nil || q.Time != nil || q.Properties != nil {
				t.Errorf("defaults = %+v", q)
			}
		}},
		{"bbox", "bbox=-10,20.5,30,40", func(t *testing.T, q Query) {
			if q.BBox.Min[0] != -10 || q.BBox.Min[1] != 20.5 || q.BBox.Max[0] != 30 || q.BBox.Max[1] != 40 {
				t.Errorf("bbox = %v", q.BBox)
			}
		}},
		{"date interval covers the whole end day", "datetime=2020-01-01/2020-12-31", func(t *testing.T, q Query) {
			if !q.Time.Contains(time.Date(2020, 12, 31, 23, 0, 0, 0, time.UTC)) || q.Time.Contains(time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("interval = %v", q.Time)
			}
		}},
		{"open start", "datetime=../2020-01-01", func(t *testing.T, q Query) {
			if !q.Time.Start.IsZero() || q.Time.End.IsZero() {
				t.Errorf("interval = %v", q.Time)
			}
		}},
		{"open end, empty", "datetime=2020-01-01T00:00:00Z/", func(t *testing.T, q Query) {
			if q.Time.Start.IsZero() || !q.Time.End.IsZero() {
				t.Errorf("interval = %v", q.Time)
			}
		}},
		{"single day", "datetime=2020-02-29", func(t *testing.T, q Query) {
			if !q.Time.Contains(time.Date(2020, 2, 29, 12, 0, 0, 0, time.UTC)) || q.Time.Contains(time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("interval = %v", q.Time)
			}
		}},
		{"cause alias reads cause_category; repeated values sorted and unique", "cause=Violence&cause=Drowning&cause=Violence", func(t *testing.T, q Query) {
			if len(q.Filters) != 1 || q.Filters[0].Property != "cause_category" || strings.Join(q.Filters[0].Values, "|") != "Drowning|Violence" {
				t.Errorf("filters = %+v", q.Filters)
			}
		}},
		{"a value keeps its commas", "cause=Harsh+environmental+conditions+%2F+lack+of+adequate+shelter%2C+food%2C+water", func(t *testing.T, q Query) {
			if len(q.Filters) != 1 || len(q.Filters[0].Values) != 1 || q.Filters[0].Values[0] != "Harsh environmental conditions / lack of adequate shelter, food, water" {
				t.Errorf("filters = %+v", q.Filters)
			}
		}},
		{"schema property as filter", "dead=3", func(t *testing.T, q Query) {
			if len(q.Filters) != 1 || q.Filters[0].Property != "dead" {
				t.Errorf("filters = %+v", q.Filters)
			}
		}},
		{"properties subset sorted", "properties=route,dead", func(t *testing.T, q Query) {
			if strings.Join(q.Properties, ",") != "dead,route" {
				t.Errorf("properties = %v", q.Properties)
			}
		}},
		{"limit, offset, precision", "limit=50000&offset=10&precision=4", func(t *testing.T, q Query) {
			if q.Limit != 50000 || q.Offset != 10 || q.Precision != 4 {
				t.Errorf("q = %+v", q)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, _ := url.ParseQuery(tt.query)
			q, err := ParseQuery(v, incidentMeta)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", tt.query, err)
			}
			tt.check(t, q)
		})
	}
}

var (
	routeMeta   = Meta{ID: "routes", Kind: KindRoute, Schema: []Field{{"approximate", "boolean"}, {"mode", "string"}, {"name", "string"}}}
	serviceMeta = Meta{ID: "services", Kind: KindService, Schema: []Field{{"category", "string"}, {"name", "string"}, {"organization", "string"}}}
	areaMeta    = Meta{ID: "areas", Kind: KindArea, Schema: []Field{{"name", "string"}}}
	segmentMeta = Meta{ID: "risk-segments", Kind: KindSegment, Schema: []Field{{"risk_class", "string"}, {"route", "string"}}}
	// bareIncidents is an incident layer without routes, causes or dates.
	bareIncidents = Meta{ID: "uploaded", Kind: KindIncident, Schema: []Field{{"dead", "integer"}, {"name", "string"}}}
)

// TestMapFiltersApplyWhereALayerHasTheirProperty: every map filter on
// every kind of layer either filters on the property it reads or is
// ignored, and said to be.
func TestMapFiltersApplyWhereALayerHasTheirProperty(t *testing.T) {
	tests := []struct {
		meta    Meta
		applied map[string]string // map filter → property it reads; the others are ignored
	}{
		{incidentMeta, map[string]string{"route": "route", "cause": "cause_category", "datetime": "date"}},
		{bareIncidents, map[string]string{}},
		{routeMeta, map[string]string{"route": "name", "mode": "mode"}},
		{serviceMeta, map[string]string{"category": "category"}},
		{areaMeta, map[string]string{}},
		{segmentMeta, map[string]string{"route": "route"}},
		// The time property of an incident upload whose features have no date.
		{Meta{ID: "undated", Kind: KindIncident, TimeProperty: "date", Schema: []Field{{"cause_category", "string"}}},
			map[string]string{"cause": "cause_category"}},
		{Meta{ID: "dated-services", Kind: KindService, TimeProperty: "last_verified",
			Schema: []Field{{"category", "string"}, {"country", "string"}, {"last_verified", "date"}}},
			map[string]string{"category": "category", "country": "country", "datetime": "last_verified"}},
	}
	values := map[string]string{"route": "Central Mediterranean", "cause": "Drowning", "category": "health",
		"country": "Libya", "mode": "sea", "datetime": "2023-01-01/2023-12-31"}
	for _, tt := range tests {
		for _, name := range MapFilters {
			t.Run(tt.meta.ID+"/"+name, func(t *testing.T) {
				v := url.Values{name: {values[name]}}
				q, err := ParseQuery(v, tt.meta)
				if err != nil {
					t.Fatalf("ParseQuery(%s): %v", v.Encode(), err)
				}
				prop, applies := tt.applied[name]
				ignored := IgnoredFilters(v, tt.meta)
				switch {
				case !applies:
					if len(q.Filters) != 0 || q.Time != nil || strings.Join(q.Ignored, ",") != name || strings.Join(ignored, ",") != name {
						t.Errorf("%s must be ignored: filters %+v, time %v, ignored %v / %v", name, q.Filters, q.Time, q.Ignored, ignored)
					}
					if q.Key() != "limit=1000" {
						t.Errorf("an ignored filter is in the key %q", q.Key())
					}
				case name == "datetime":
					if q.Time == nil || len(q.Ignored) != 0 || len(ignored) != 0 || prop != tt.meta.TimeProperty {
						t.Errorf("datetime must apply: time %v, ignored %v / %v", q.Time, q.Ignored, ignored)
					}
				default:
					if len(q.Filters) != 1 || q.Filters[0].Property != prop || len(q.Ignored) != 0 || len(ignored) != 0 {
						t.Errorf("%s must read %s: filters %+v, ignored %v / %v", name, prop, q.Filters, q.Ignored, ignored)
					}
				}
			})
		}
	}
	// All at once: the ignored ones sorted.
	v, _ := url.ParseQuery("route=A&cause=Drowning&category=health&datetime=2023-01-01/..&limit=5")
	q, err := ParseQuery(v, serviceMeta)
	if err != nil || strings.Join(q.Ignored, ",") != "cause,datetime,route" || len(q.Filters) != 1 || q.Limit != 5 {
		t.Errorf("services: %+v, %v", q, err)
	}
	if got := strings.Join(IgnoredFilters(v, serviceMeta), ","); got != "cause,datetime,route" {
		t.Errorf("IgnoredFilters = %q", got)
	}
}

func TestParseQueryRejects(t *testing.T) {
	tests := []struct {
		name, query string
		meta        Meta
		wantInMsg   string
	}{
		{"bbox NaN", "bbox=NaN,0,1,1", incidentMeta, "finite"},
		{"bbox Inf", "bbox=0,0,Inf,1", incidentMeta, "finite"},
		{"bbox three numbers", "bbox=0,0,1", incidentMeta, "3 numbers"},
		{"bbox out of range", "bbox=-181,0,0,1", incidentMeta, "out of range"},
		{"bbox lat out of range", "bbox=0,-91,1,1", incidentMeta, "out of range"},
		{"bbox min lat > max lat", "bbox=0,5,1,0", incidentMeta, "minimum latitude greater"},
		{"bbox text", "bbox=a,b,c,d", incidentMeta, "not a finite number"},
		{"datetime garbage", "datetime=yesterday", incidentMeta, "RFC 3339"},
		{"datetime reversed", "datetime=2021-01-01/2020-01-01", incidentMeta, "ends before"},
		{"datetime open both", "datetime=../..", incidentMeta, "open at both"},
		{"bad datetime on timeless layer", "datetime=yesterday", routeMeta, "RFC 3339"},
		{"empty filter the layer ignores", "category=", incidentMeta, "empty"},
		{"a filter the layer ignores, too long", "cause=" + strings.Repeat("x", MaxFilterValueBytes+1), routeMeta, "at most 400 bytes"},
		{"unknown parameter beside ignored filters", "category=health&colour=red", incidentMeta, "unknown parameter"},
		{"limit zero", "limit=0", incidentMeta, "from 1 to 50000"},
		{"limit too big", "limit=50001", incidentMeta, "from 1 to 50000"},
		{"limit negative", "limit=-5", incidentMeta, "whole number"},
		{"precision too big", "precision=16", incidentMeta, "from 0 to 15"},
		{"unknown parameter", "colour=red", incidentMeta, "unknown parameter"},
		{"hostile parameter name is cut", "<script>" + strings.Repeat("x", 200) + "=1", incidentMeta, "unknown parameter"},
		{"unknown property", "properties=secret", incidentMeta, "does not have"},
		{"empty filter", "route=", incidentMeta, "empty"},
		{"one empty of two", "route=Darien&route=+", incidentMeta, "empty"},
		{"repeated parameter", "bbox=0,0,1,1&bbox=0,0,2,2", incidentMeta, "more than once"},
		{"filter value too long", "route=" + strings.Repeat("x", MaxFilterValueBytes+1), incidentMeta, "at most 400 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			_, err = ParseQuery(v, tt.meta)
			var ge *Error
			if !errors.As(err, &ge) || ge.Code != Invalid {
				t.Fatalf("err = %v, want an Invalid *Error", err)
			}
			if !strings.Contains(ge.Message, tt.wantInMsg) {
				t.Errorf("message %q does not say %q", ge.Message, tt.wantInMsg)
			}
			if len(ge.Message) > 600 {
				t.Errorf("message is %d bytes; hostile input must not be echoed whole", len(ge.Message))
			}
		})
	}
}

func TestQueryKeyIsCanonical(t *testing.T) {
	a, _ := url.ParseQuery("route=B&route=A&bbox=0,0,1,1&limit=10")
	b, _ := url.ParseQuery("limit=10&bbox=0.0,0,1,1.0&route=A&route=B&route=A")
	qa, err := ParseQuery(a, incidentMeta)
	if err != nil {
		t.Fatal(err)
	}
	qb, err := ParseQuery(b, incidentMeta)
	if err != nil {
		t.Fatal(err)
	}
	if qa.Key() != qb.Key() {
		t.Errorf("keys differ for the same query:\n%s\n%s", qa.Key(), qb.Key())
	}
	c, _ := url.ParseQuery("route=A&bbox=0,0,1,1&limit=10")
	qc, _ := ParseQuery(c, incidentMeta)
	if qc.Key() == qa.Key() {
		t.Error("different queries share a key")
	}
}
