package mmp

import (
	"embed"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb"
)

//go:embed countries.csv country_names.csv
var countryFiles embed.FS

// swapMargin is how far, in degrees, a point may lie outside the bounding
// box of its country before its coordinate order is questioned. Sea
// incidents lie offshore, so the margin is generous; see doc.go.
const swapMargin = 2.5

// countryBounds maps a normalised country name to its bounding box.
type countryBounds map[string]orb.Bound

// countries is parsed once from the embedded tables; it is never written
// after that.
var countries = sync.OnceValues(func() (countryBounds, error) {
	return loadCountryBounds(countryFiles)
})

// CountryBound returns the bounding box of the country named name, as
// spelt by MMP (UN M49 names such as "Iran (Islamic Republic of)") or by
// Natural Earth. The boxes come from Natural Earth 1:50m (see
// countries.csv). ok is false for names the table does not know.
func CountryBound(name string) (b orb.Bound, ok bool) {
	idx, err := countries()
	if err != nil {
		return orb.Bound{}, false
	}
	b, ok = idx[normCountry(name)]
	return b, ok
}

func loadCountryBounds(fsys embed.FS) (countryBounds, error) {
	f, err := fsys.Open("countries.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := readTable(f, 8)
	if err != nil {
		return nil, fmt.Errorf("countries.csv: %w", err)
	}
	byCode := map[string]orb.Bound{}
	idx := countryBounds{}
	for _, r := range rows {
		var v [4]float64
		for i := range v {
			v[i], err = strconv.ParseFloat(r[4+i], 64)
			if err != nil {
				return nil, fmt.Errorf("countries.csv: %s: %w", r[0], err)
			}
		}
		b := orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}
		for _, code := range []string{r[0], r[3]} {
			if code != "" && code != "-99" {
				byCode[code] = b
			}
		}
		for _, n := range []string{r[1], r[2]} {
			if n != "" {
				idx[normCountry(n)] = b
			}
		}
	}
	g, err := fsys.Open("country_names.csv")
	if err != nil {
		return nil, err
	}
	defer g.Close()
	names, err := readTable(g, 2)
	if err != nil {
		return nil, fmt.Errorf("country_names.csv: %w", err)
	}
	for _, r := range names {
		b, ok := byCode[r[1]]
		if !ok {
			return nil, fmt.Errorf("country_names.csv: %q names code %s, which countries.csv lacks", r[0], r[1])
		}
		idx[normCountry(r[0])] = b
	}
	return idx, nil
}

// readTable reads a CSV with a header row and '#' comments, checking the
// number of columns.
func readTable(r io.Reader, cols int) ([][]string, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = cols
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("no header")
	}
	return rows[1:], nil
}

var diacritics = strings.NewReplacer(
	"ü", "u", "ö", "o", "ô", "o", "é", "e", "è", "e", "ç", "c", "ã", "a", "í", "i", "å", "a",
	"’", "'", "‘", "'",
)

// normCountry folds case, HTML entities, a few diacritics and spacing so
// that "Côte d&#039;Ivoire" and "cote d'ivoire" meet.
func normCountry(s string) string {
	s = strings.ToLower(html.UnescapeString(strings.TrimSpace(s)))
	s = diacritics.Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// LonLatSwapped reports whether the point p ([lon, lat]) of a place said
// to be in country was most likely written in the wrong order: p lies more
// than 2.5° outside the bounding box of the country while [p[1], p[0]]
// lies inside it. It is false for countries the table does not know and
// for those whose box spans the antimeridian.
func LonLatSwapped(p orb.Point, country string) bool {
	b, ok := CountryBound(country)
	if !ok {
		return false
	}
	// A box spanning the whole globe in longitude (countries across the
	// antimeridian) says nothing about order.
	if b.Max[0]-b.Min[0] > 300 {
		return false
	}
	wide := b.Pad(swapMargin)
	if wide.Contains(p) {
		return false
	}
	return b.Contains(orb.Point{p[1], p[0]})
}
