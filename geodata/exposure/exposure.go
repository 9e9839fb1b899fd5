// Package exposure holds the denominators of deaths per crossing: monthly
// counts of people detected, transiting or arriving on a migration route,
// from public series (Frontex, Panama's migration service, the UK Home
// Office, IOM's Displacement Tracking Matrix), and which series stands for
// which Missing Migrants route. Detections count events, not people: one
// person detected twice counts twice. make sample writes data/crossings.csv
// from ../shared/data/exposure.
//
// These are the bundled series. GIS staff can upload others as layers of
// kind exposure (rows of route, month YYYY-MM and count, without geometry;
// docs/importers.md): for a route an uploaded layer has, its counts replace
// the bundled series in the analyses (server/analysis), and of two
// uploaded layers with the route the most recently published wins.
package exposure

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"sync"

	"github.com/routerisk/routerisk/geodata/vocab"
)

//go:embed data/crossings.csv
var crossingsCSV []byte

// Series describes one monthly count.
type Series struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Counts      string `json:"counts"` // what one unit is
	Source      string `json:"source"`
	License     string `json:"license"`
	Attribution string `json:"attribution"`
}

// The bundled series.
var (
	Frontex = Series{ID: "frontex", Name: "Frontex detections of illegal border crossings", Counts: "detections at the EU external border (not people: one person may be detected more than once)",
		Source: "Frontex, via IOM gdidata", License: "reuse with acknowledgement", Attribution: "Frontex"}
	Darien = Series{ID: "panama-darien", Name: "Darién transits recorded by Panama", Counts: "people registered arriving from the Darién",
		Source: "Servicio Nacional de Migración de Panamá, via IOM gdidata", License: "public statistics", Attribution: "Servicio Nacional de Migración de Panamá"}
	Channel = Series{ID: "uk-small-boats", Name: "UK small-boat arrivals", Counts: "people arriving by small boat",
		Source: "UK Home Office via The National (thenationalnews-datavis/uk_small_boats)", License: "OGL v3; data CC BY 4.0", Attribution: "UK Home Office; The National"}
	EastAfrica = Series{ID: "dtm-eastern-corridor", Name: "IOM DTM flow monitoring, Eastern Corridor", Counts: "movements observed at flow-monitoring points (not all who cross)",
		Source: "IOM Displacement Tracking Matrix, via IOM gdidata", License: "IOM terms; package MIT", Attribution: "IOM DTM"}
	Arrivals = Series{ID: "dtm-arrivals", Name: "IOM DTM arrivals to Europe", Counts: "people arriving by sea and land in the country",
		Source: "IOM Displacement Tracking Matrix, via IOM gdidata", License: "IOM terms; package MIT", Attribution: "IOM DTM"}
)

// Denominator names, for one Missing Migrants route, the series its deaths
// per 1,000 crossings divide by, the key of that series' counts, and the
// series that serve as cross-checks.
type Denominator struct {
	Series Series
	Key    string     // the route name within the series
	Checks []CheckRef // cross-checks
}

// CheckRef is a cross-check series for a route.
type CheckRef struct {
	Series Series
	Keys   []string // the series' keys summed (e.g. arrival countries)
	Label  string
}

// Denominators maps Missing Migrants routes to their denominators.
var Denominators = map[string]Denominator{
	"Central Mediterranean": {Series: Frontex, Key: "Central Mediterranean Route",
		Checks: []CheckRef{{Series: Arrivals, Keys: []string{"ITA", "MLT"}, Label: "arrivals in Italy and Malta"}}},
	"Western Mediterranean": {Series: Frontex, Key: "Western Mediterranean Route",
		Checks: []CheckRef{{Series: Arrivals, Keys: []string{"ESP-WMR"}, Label: "arrivals in Spain by the Western Mediterranean"}}},
	"Eastern Mediterranean": {Series: Frontex, Key: "Eastern Mediterranean Route",
		Checks: []CheckRef{{Series: Arrivals, Keys: []string{"GRC", "CYP", "BGR"}, Label: "arrivals in Greece, Cyprus and Bulgaria"}}},
	"Western Africa / Atlantic route to the Canary Islands": {Series: Frontex, Key: "Western African Route",
		Checks: []CheckRef{{Series: Arrivals, Keys: []string{"ESP-WAAR"}, Label: "arrivals in Spain by the Atlantic"}}},
	"Western Balkans":            {Series: Frontex, Key: "Western Balkan Route"},
	"Belarus-EU border":          {Series: Frontex, Key: "Eastern Borders Route"},
	"Darien":                     {Series: Darien, Key: "Darien"},
	vocab.RouteEnglishChannel:    {Series: Channel, Key: "English Channel"},
	vocab.RouteMainlandEuropeUK:  {Series: Channel, Key: "English Channel"},
	"Eastern Route to/from EHOA": {Series: EastAfrica, Key: "Eastern Corridor"},
}

// Table holds monthly counts by series and key.
type Table struct {
	counts map[string]map[string]map[string]float64 // series id → key → YYYY-MM → count
}

var (
	once     sync.Once
	bundled  *Table
	loadFail error
)

// Default returns the bundled counts.
func Default() (*Table, error) {
	once.Do(func() { bundled, loadFail = Read(bytes.NewReader(crossingsCSV)) })
	return bundled, loadFail
}

// Read reads a counts table: a CSV with the header series,key,month,count
// (month YYYY-MM, count a non-negative number).
func Read(r io.Reader) (*Table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 4
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("crossings: %w", err)
	}
	if head[0] != "series" || head[1] != "key" || head[2] != "month" || head[3] != "count" {
		return nil, fmt.Errorf("crossings: header %q, want series,key,month,count", head)
	}
	t := &Table{counts: map[string]map[string]map[string]float64{}}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return nil, fmt.Errorf("crossings: %w", err)
		}
		n, err := strconv.ParseFloat(rec[3], 64)
		if err != nil || n < 0 || len(rec[2]) != 7 {
			return nil, fmt.Errorf("crossings line %d: month %q count %q: want YYYY-MM and a number ≥ 0", line, rec[2], rec[3])
		}
		if t.counts[rec[0]] == nil {
			t.counts[rec[0]] = map[string]map[string]float64{}
		}
		if t.counts[rec[0]][rec[1]] == nil {
			t.counts[rec[0]][rec[1]] = map[string]float64{}
		}
		t.counts[rec[0]][rec[1]][rec[2]] += n
	}
}

// Month returns the count of series and keys in month (YYYY-MM), and
// whether the series has a value for that month.
func (t *Table) Month(series string, keys []string, month string) (float64, bool) {
	var sum float64
	found := false
	for _, k := range keys {
		if v, ok := t.counts[series][k][month]; ok {
			sum += v
			found = true
		}
	}
	return sum, found
}

// Months returns the months a series has for any of keys, sorted.
func (t *Table) Months(series string, keys []string) []string {
	seen := map[string]bool{}
	for _, k := range keys {
		for m := range t.counts[series][k] {
			seen[m] = true
		}
	}
	out := make([]string, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}
