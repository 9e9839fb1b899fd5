package mmp

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"github.com/routerisk/routerisk/geodata/vocab"
)

//go:embed routes.csv
var routesCSV string

// routeTable is routes.csv, parsed.
type routeTable struct {
	names []string          // the MMP taxonomy (vocab.Routes)
	canon map[string]string // normalised name → MMP route, or "" for own names
	own   map[string]string // normalised name → spelling of a non-MMP name
}

var routes = sync.OnceValues(func() (routeTable, error) { return parseRoutes(routesCSV) })

func parseRoutes(src string) (routeTable, error) {
	rows, err := readTable(strings.NewReader(src), 3)
	if err != nil {
		return routeTable{}, fmt.Errorf("routes.csv: %w", err)
	}
	t := routeTable{names: vocab.Routes(), canon: map[string]string{}, own: map[string]string{}}
	known := map[string]bool{}
	for _, n := range t.names {
		known[n] = true
	}
	for _, r := range rows {
		if r[0] == r[1] && !known[r[0]] {
			return routeTable{}, fmt.Errorf("routes.csv: %q is listed as an MMP route, but the vocabulary does not name it", r[0])
		}
		key := normRoute(r[0])
		if _, dup := t.canon[key]; dup {
			return routeTable{}, fmt.Errorf("routes.csv: %q is listed twice", r[0])
		}
		if r[1] != "" && !known[r[1]] {
			return routeTable{}, fmt.Errorf("routes.csv: %q maps to %q, which is not an MMP route", r[0], r[1])
		}
		t.canon[key] = r[1]
		if r[1] == "" {
			t.own[key] = r[0]
		}
	}
	return t, nil
}

// CanonicalRoute maps a route name onto the MMP taxonomy. Matching ignores
// case, spacing around "-" and "/", and the dots of "ü"/"é", and knows the
// Frontex names ("Central Mediterranean Route" → "Central Mediterranean",
// "Western African Route" → "Western Africa / Atlantic route to the Canary
// Islands", …) and other common ones ("Darien Gap" → "Darien").
//
// ok is false when the name has no MMP equivalent. Three Frontex routes
// are such names and are returned in their Frontex spelling: "Eastern
// Borders Route" (MMP splits that border into "Belarus-EU border" and
// "Ukraine to Europe", neither of which covers it), "Black Sea Route" and
// "Circular Route from Albania to Greece" (no MMP route). Any other
// unknown name is returned trimmed.
func CanonicalRoute(name string) (string, bool) {
	trimmed := strings.TrimSpace(name)
	t, err := routes()
	if err != nil {
		return trimmed, false
	}
	key := normRoute(trimmed)
	mmp, listed := t.canon[key]
	switch {
	case listed && mmp != "":
		return mmp, true
	case listed:
		return t.own[key], false
	}
	return trimmed, false
}

// CurrentRoute returns the name MMP uses today for a route it has renamed
// ("English Channel to the UK" → "Mainland Europe to the UK"), and name
// itself otherwise. Current MMP exports use the new name for every year.
func CurrentRoute(name string) string {
	if name == vocab.RouteEnglishChannel {
		return vocab.RouteMainlandEuropeUK
	}
	return name
}

var routeFold = strings.NewReplacer(
	"ü", "u", "é", "e", "–", "-", "—", "-", " - ", "-", " -", "-", "- ", "-", " / ", "/", " /", "/", "/ ", "/",
)

// normRoute is the key route names are compared by.
func normRoute(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	return routeFold.Replace(s)
}
