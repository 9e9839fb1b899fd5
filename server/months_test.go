package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/auth"
	"github.com/routerisk/routerisk/server/cache"
)

// monthSeries is the answer of GET /api/v1/layers/{id}/months.
type monthSeries struct {
	Layer  string `json:"layer"`
	Months []struct {
		Month     string   `json:"month"`
		Incidents *float64 `json:"incidents"`
		Dead      *float64 `json:"dead"`
		Missing   *float64 `json:"missing"`
	} `json:"months"`
	DataThrough string   `json:"data_through"`
	Caveats     []string `json:"caveats"`
}

func (r response) months(t *testing.T) monthSeries {
	t.Helper()
	if r.Code != http.StatusOK {
		t.Fatalf("status %d: %s", r.Code, r.body(t))
	}
	var s monthSeries
	if err := json.Unmarshal(r.body(t), &s); err != nil {
		t.Fatalf("%v: %s", err, r.body(t))
	}
	return s
}

// totals sums a series; a withheld count adds nothing.
func (s monthSeries) totals() (incidents, dead, missing float64) {
	for _, m := range s.Months {
		for _, p := range []struct {
			v   *float64
			sum *float64
		}{{m.Incidents, &incidents}, {m.Dead, &dead}, {m.Missing, &missing}} {
			if p.v != nil {
				*p.sum += *p.v
			}
		}
	}
	return
}

func (s monthSeries) month(t *testing.T, ym string) (incidents, dead, missing *float64) {
	t.Helper()
	for _, m := range s.Months {
		if m.Month == ym {
			return m.Incidents, m.Dead, m.Missing
		}
	}
	t.Fatalf("no month %s in %+v", ym, s.Months)
	return
}

func TestMonthsSeries(t *testing.T) {
	e := newTestAppWith(t, cache.NewLRU(1<<20), map[string]geodata.Meta{
		"testdata/routes.geojson": {ID: "routes", Kind: geodata.KindRoute, Title: "Routes", Sensitivity: geodata.Public},
	})
	all := do(t, e, http.MethodGet, "/api/v1/layers/incidents/months")
	s := all.months(t)
	// Five dated incidents from May 2016 to July 2023: 87 months, the empty ones zero.
	if s.Layer != "incidents" || len(s.Months) != 87 || s.Months[0].Month != "2016-05" || s.Months[86].Month != "2023-07" {
		t.Fatalf("span: %s %d months %+v", s.Layer, len(s.Months), s.Months[0])
	}
	if n, d, m := s.totals(); n != 5 || d != 52 || m != 12 {
		t.Fatalf("totals %v %v %v", n, d, m)
	}
	if n, d, m := s.month(t, "2016-05"); *n != 1 || *d != 45 || *m != 10 {
		t.Fatalf("2016-05: %v %v %v", *n, *d, *m)
	}
	if n, _, _ := s.month(t, "2018-02"); n == nil || *n != 0 {
		t.Fatalf("an empty month is not zero: %v", n)
	}
	if s.DataThrough != "2023-07-04" || len(s.Caveats) == 0 {
		t.Fatalf("data_through %q, caveats %v", s.DataThrough, s.Caveats)
	}
	if again := do(t, e, http.MethodGet, "/api/v1/layers/incidents/months"); !strings.EqualFold(again.Header().Get("X-Cache"), "hit") || again.Header().Get("ETag") != all.Header().Get("ETag") {
		t.Fatalf("second read: X-Cache %q, ETag %q vs %q", again.Header().Get("X-Cache"), again.Header().Get("ETag"), all.Header().Get("ETag"))
	}

	filtered := []struct {
		query                   string
		months                  int
		first                   string
		incidents, dead, missed float64
	}{
		{"route=Central+Mediterranean", 87, "2016-05", 2, 48, 10},
		{"cause=Drowning", 87, "2016-05", 2, 46, 12},
		{"route=Central+Mediterranean&route=Darien", 87, "2016-05", 3, 50, 10},
		{"datetime=2017-01-01/2017-12-31", 12, "2017-01", 1, 3, 0},
		{"datetime=2019-01-01/..&cause=Drowning", 55, "2019-01", 1, 1, 2},
		{"route=Nowhere", 87, "2016-05", 0, 0, 0},
	}
	for _, tt := range filtered {
		s := do(t, e, http.MethodGet, "/api/v1/layers/incidents/months?"+tt.query).months(t)
		n, d, m := s.totals()
		if len(s.Months) != tt.months || s.Months[0].Month != tt.first || n != tt.incidents || d != tt.dead || m != tt.missed {
			t.Errorf("%s: %d months from %s, totals %v %v %v", tt.query, len(s.Months), s.Months[0].Month, n, d, m)
		}
	}

	bad := []struct {
		path, want string
		status     int
	}{
		{"/api/v1/layers/incidents/months?datetime=last+year", "datetime", 400},
		{"/api/v1/layers/incidents/months?bbox=0,0,10,10", "is not taken by the monthly series", 400},
		{"/api/v1/layers/incidents/months?limit=10", "is not taken by the monthly series", 400},
		{"/api/v1/layers/incidents/months?zoom=5", "is not taken by the monthly series", 400},
		{"/api/v1/layers/incidents/months?colour=red", `unknown parameter \"colour\"`, 400},
		{"/api/v1/layers/incidents/months?route=", "is empty", 400},
		{"/api/v1/layers/incidents/months?datetime=2017-01-01/2017-12-31&datetime=2018-01-01/..", "more than once", 400},
		{"/api/v1/layers/routes/months", "has no monthly series", 400},
		{"/api/v1/layers/nowhere/months", "does not exist", 404},
	}
	for _, tt := range bad {
		r := do(t, e, http.MethodGet, tt.path)
		if r.Code != tt.status || !strings.Contains(r.Body.String(), tt.want) || !strings.Contains(r.Body.String(), `"message"`) {
			t.Errorf("%s: %d %s, want %d with %q", tt.path, r.Code, r.Body, tt.status, tt.want)
		}
	}
}

func TestMonthsTiers(t *testing.T) {
	a := newPrivacyApp(t)
	partner := []string{"Authorization", "Bearer " + a.tokens[auth.Partner]}
	staff := []string{"Authorization", "Bearer " + a.tokens[auth.Staff]}
	num := func(v float64) *float64 { return &v }
	tiers := []struct {
		tier    string
		headers []string
		through string
		april   [3]*float64 // six incidents, 12 dead, 6 missing
		nov     [3]*float64 // three incidents, 3 dead, 3 missing
		public  bool
	}{
		{"public", nil, "2023-04", [3]*float64{num(5), num(10), num(5)}, [3]*float64{nil, nil, nil}, true},
		{"partner", partner, "2023-04", [3]*float64{num(6), num(12), num(6)}, [3]*float64{num(3), num(3), num(3)}, false},
		{"staff", staff, "2023-04-08", [3]*float64{num(6), num(12), num(6)}, [3]*float64{num(3), num(3), num(3)}, false},
	}
	same := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	for _, tt := range tiers {
		r := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/months", tt.headers...)
		if r.Header().Get("X-Privacy-Tier") != tt.tier {
			t.Fatalf("%s: X-Privacy-Tier %q", tt.tier, r.Header().Get("X-Privacy-Tier"))
		}
		if exactTraces.Match(r.body(t)) && tt.public {
			t.Fatalf("public months expose an incident: %s", r.body(t))
		}
		s := r.months(t)
		if len(s.Months) != 23 || s.Months[0].Month != "2021-06" || s.DataThrough != tt.through {
			t.Fatalf("%s: %d months from %s, data_through %q", tt.tier, len(s.Months), s.Months[0].Month, s.DataThrough)
		}
		for _, c := range []struct {
			month string
			want  [3]*float64
		}{{"2023-04", tt.april}, {"2022-11", tt.nov}} {
			n, d, m := s.month(t, c.month)
			if !same(n, c.want[0]) || !same(d, c.want[1]) || !same(m, c.want[2]) {
				t.Errorf("%s %s: %v %v %v", tt.tier, c.month, n, d, m)
			}
		}
		if n, _, _ := s.month(t, "2021-06"); tt.public != (n == nil) {
			t.Errorf("%s: a month of one incident shows %v", tt.tier, n)
		}
		hasRule := strings.Contains(strings.Join(s.Caveats, " "), "withheld")
		if hasRule != tt.public {
			t.Errorf("%s: caveats %v", tt.tier, s.Caveats)
		}
	}
	// At the public tier every day of a month answers as the month; filters on
	// free text are refused; the tiers never share an answer.
	day := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/months?datetime=2023-04-04/2023-04-05")
	month := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/months?datetime=2023-04-01/2023-04-30")
	if day.Header().Get("ETag") == "" || day.Header().Get("ETag") != month.Header().Get("ETag") {
		t.Fatalf("a day and its month: %q vs %q", day.Header().Get("ETag"), month.Header().Get("ETag"))
	}
	if r := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/months?location=Ceuta"); r.Code != http.StatusForbidden {
		t.Fatalf("public filter on free text: %d %s", r.Code, r.Body)
	}
	if pub, st := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/months"), do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/months", staff...); pub.Header().Get("ETag") == st.Header().Get("ETag") {
		t.Fatal("public and staff share an ETag")
	}
}

// TestValuesFollowOtherFilters: the counts of a property's values are
// those of the features passing the other filters, never its own.
func TestValuesFollowOtherFilters(t *testing.T) {
	e := newTestApp(t, cache.NewLRU(1<<20))
	values := func(t *testing.T, query string) map[string]int {
		t.Helper()
		r := do(t, e, http.MethodGet, "/api/v1/layers/incidents/values?"+query)
		if r.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", query, r.Code, r.Body)
		}
		var v struct {
			Values []struct {
				Value string
				Count int
			}
		}
		if err := json.Unmarshal(r.body(t), &v); err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, x := range v.Values {
			out[x.Value] = x.Count
		}
		return out
	}
	tests := []struct {
		query string
		want  map[string]int
	}{
		{"property=cause_category", map[string]int{"Drowning": 2, "Violence": 1, "Harsh environmental conditions / lack of adequate shelter, food, water": 3}},
		{"property=cause_category&route=Central+Mediterranean", map[string]int{"Drowning": 1, "Harsh environmental conditions / lack of adequate shelter, food, water": 1}},
		{"property=cause_category&datetime=2019-01-01/..", map[string]int{"Drowning": 1, "Violence": 1, "Harsh environmental conditions / lack of adequate shelter, food, water": 1}},
		// The menu's own choice does not narrow its counts.
		{"property=cause_category&cause=Drowning&route=Central+Mediterranean", map[string]int{"Drowning": 1, "Harsh environmental conditions / lack of adequate shelter, food, water": 1}},
		{"property=route&route=Darien", map[string]int{"Central Mediterranean": 2, "Western Mediterranean": 1, "Darien": 1, "Sahara Desert crossing": 1, "US-Mexico border crossing": 1}},
		{"property=route&cause=Drowning", map[string]int{"Central Mediterranean": 1, "Western Mediterranean": 1}},
		{"property=route&cause=Nothing+of+the+kind", map[string]int{}},
	}
	for _, tt := range tests {
		got := values(t, tt.query)
		if len(got) != len(tt.want) {
			t.Errorf("%s: %v, want %v", tt.query, got, tt.want)
			continue
		}
		for k, n := range tt.want {
			if got[k] != n {
				t.Errorf("%s: %v, want %v", tt.query, got, tt.want)
			}
		}
	}
	for _, tt := range []struct{ query, want string }{
		{"property=route&bbox=0,0,1,1", "is not taken by values"},
		{"property=route&datetime=yesterday", "datetime"},
		{"property=route&property=cause_category", "more than once"},
		{"route=Darien", "property"},
		{"property=route&size=3", "unknown parameter"},
	} {
		if r := do(t, e, http.MethodGet, "/api/v1/layers/incidents/values?"+tt.query); r.Code != http.StatusBadRequest || !strings.Contains(r.Body.String(), tt.want) {
			t.Errorf("%s: %d %s", tt.query, r.Code, r.Body)
		}
	}
}

// TestPublicValuesFollowFilters: at the public tier the narrowed counts
// keep the disclosure rule, and filters on free text stay refused.
func TestPublicValuesFollowFilters(t *testing.T) {
	a := newPrivacyApp(t)
	var v struct {
		Values []struct {
			Value string
			Count int
		}
	}
	r := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/values?property=route&datetime=2023-04-04/2023-04-05")
	if err := json.Unmarshal(r.body(t), &v); err != nil || len(v.Values) != 1 || v.Values[0].Count != 5 {
		t.Fatalf("%d %s", r.Code, r.body(t))
	}
	r = do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/values?property=route&datetime=2022-11-01/2022-11-30")
	if err := json.Unmarshal(r.body(t), &v); err != nil || len(v.Values) != 0 {
		t.Fatalf("three incidents shown: %s", r.body(t))
	}
	if r := do(t, a.e, http.MethodGet, "/api/v1/layers/incidents/values?property=route&location=Ceuta"); r.Code != http.StatusForbidden {
		t.Fatalf("public values filtered on free text: %d", r.Code)
	}
}
