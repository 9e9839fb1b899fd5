package server

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata/hxl"
	"github.com/routerisk/routerisk/server/auth"
)

// hxlCore reads the copy of the HXL core schema kept with geodata/hxl.
func hxlCore(t *testing.T) hxl.Core {
	t.Helper()
	f, err := os.Open("../geodata/hxl/testdata/core-schema.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := hxl.ReadCore(f)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readCSV(t *testing.T, target string, body []byte) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("%s: not a CSV with rows (%v):\n%.400s", target, err, body)
	}
	return recs
}

// TestCSVsCarryHXL reads every CSV the product writes with its HXL
// hashtag row and checks the row against the HXL tag grammar and the core
// schema's hashtags and attributes; without it, the second row is data.
func TestCSVsCarryHXL(t *testing.T) {
	core := hxlCore(t)
	a := newPrivacyApp(t)
	staff := "Bearer " + a.tokens[auth.Staff]
	for _, tc := range []struct {
		target   string
		tagged   bool
		firstCol string
	}{
		{"/api/v1/risk/priorities?format=csv", true, "rank"},
		{"/api/v1/risk/priorities?format=csv&hxl=1", true, "rank"},
		{"/api/v1/risk/priorities?format=csv&hxl=0", false, "rank"},
		{"/api/v1/layers/incidents/download?format=csv&hxl=1", true, "id"},
		{"/api/v1/layers/incidents/download?format=csv", false, "id"},
		{"/api/v1/layers/routes/download?format=csv&hxl=true", true, "id"},
		{"/api/v1/risk/routes?year=2023&format=csv&hxl=1", true, "route"},
		{"/api/v1/risk/routes?year=2023&format=csv", false, "route"},
		{"/api/v1/risk/backtest?format=csv&hxl=1", true, "split"},
		{"/api/v1/risk/backtest?format=csv", false, "split"},
	} {
		for range 2 { // the second answer comes from the cache
			r := a.send(t, http.MethodGet, tc.target, nil, "Authorization", staff)
			if r.Code != http.StatusOK || !strings.HasPrefix(r.Header().Get("Content-Type"), "text/csv") {
				t.Fatalf("%s: %d %q %s", tc.target, r.Code, r.Header().Get("Content-Type"), r.Body)
			}
			recs := readCSV(t, tc.target, r.body(t))
			if recs[0][0] != tc.firstCol {
				t.Errorf("%s: header %q", tc.target, recs[0])
			}
			if got := hxl.IsHashtagRow(recs[1]); got != tc.tagged {
				t.Errorf("%s (X-Cache %s): second row %q tagged %v, want %v", tc.target, r.Header().Get("X-Cache"), recs[1], got, tc.tagged)
				continue
			}
			if !tc.tagged {
				continue
			}
			if len(recs[1]) != len(recs[0]) {
				t.Errorf("%s: %d hashtags for %d columns", tc.target, len(recs[1]), len(recs[0]))
			}
			if err := core.CheckRow(recs[1]); err != nil {
				t.Errorf("%s: %v\n%q", tc.target, err, recs[1])
			}
		}
	}
	// Every column of the product's own tables is tagged.
	r := a.send(t, http.MethodGet, "/api/v1/risk/priorities?format=csv", nil, "Authorization", staff)
	recs := readCSV(t, "priorities", r.body(t))
	for i, tag := range recs[1] {
		if tag == "" {
			t.Errorf("priorities column %s has no hashtag", recs[0][i])
		}
	}
	for _, target := range []string{
		"/api/v1/risk/priorities?format=csv&hxl=2",
		"/api/v1/risk/priorities?format=csv&hxl=1&hxl=0",
		"/api/v1/layers/routes/download?format=csv&hxl=yes",
		"/api/v1/risk/routes?year=2023&format=csv&hxl=",
		"/api/v1/risk/backtest?format=csv&hxl=on",
		"/api/v1/risk/routes?year=2023&format=xlsx",
		"/api/v1/risk/backtest?format=geojson",
	} {
		r := a.send(t, http.MethodGet, target, nil, "Authorization", staff)
		if r.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", target, r.Code)
			continue
		}
		if e := errorOf(t, r); !strings.Contains(e.Message, "hxl") && !strings.Contains(e.Message, "format") {
			t.Errorf("%s: message %q", target, e.Message)
		}
	}
}
