package places

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/routerisk/routerisk/geodata"
)

// AssetHeader is the first line of an asset: its format and version.
const AssetHeader = "routerisk-places\tv1"

// Limits the decoder enforces, so that a damaged or hostile asset cannot
// make it allocate without bound.
const (
	maxLineBytes  = 1 << 20 // one line (a sea or country outline is the longest)
	maxRecords    = 1 << 20 // records of all kinds
	maxShapePoint = 1 << 22 // points of all outlines together
)

// Country is a country of the asset: its code, English name and (coarse,
// simplified) outline.
type Country struct {
	Code  string           // ISO 3166-1 alpha-2
	Name  string           // English name
	Shape orb.MultiPolygon // may be empty
}

// Sea is a named sea area (sea, gulf, strait, bay…) with its simplified
// outline and a point inside it for its label.
type Sea struct {
	Name  string
	Label orb.Point
	Rank  int // Natural Earth scalerank: 0 for oceans, larger for smaller areas
	Shape orb.MultiPolygon
}

// Entry is a gazetteer place or a port with its rank.
//
// For places (Kind "place"), Rank is the prominence proxy: the number of
// other gazetteer places within 25 km, those within 5 km counted 5 times
// (the gazetteer carries no population; named places cluster in towns
// and cities, and GeoNames lists the quarters of the larger ones).
// For ports (Kind "port"), Rank is the Natural Earth scalerank (lower is
// more important).
type Entry struct {
	Place
	Rank int
}

// Asset is everything the index is built from, in the order it is
// written: countries, places and ports, seas.
type Asset struct {
	Comments  []string // written as "# " lines after the header (sources, licences)
	Countries []Country
	Entries   []Entry
	Seas      []Sea
}

// Encode writes the asset as tab-separated text, one record a line:
//
//	routerisk-places	v1
//	# comment
//	country	<ISO2>	<name>	<outline>
//	place	<name>	<ISO2>	<lon>	<lat>	<rank>
//	port	<name>	<ISO2>	<lon>	<lat>	<rank>
//	sea	<name>	<label lon>	<label lat>	<rank>	<outline>
//
// An outline is polygons separated by "|", rings by ";", points by ","
// and a point is "lon lat". Names may not hold tabs or line breaks (Encode
// replaces them with spaces). Equal assets give equal bytes.
func Encode(w io.Writer, a *Asset) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(AssetHeader + "\n")
	for _, c := range a.Comments {
		bw.WriteString("# " + clean(c) + "\n")
	}
	for _, c := range a.Countries {
		fmt.Fprintf(bw, "country\t%s\t%s\t%s\n", clean(c.Code), clean(c.Name), formatShape(c.Shape))
	}
	for _, e := range a.Entries {
		kind := e.Kind
		if kind != KindPlace && kind != KindPort {
			return fmt.Errorf("entry %q: kind %q, want %q or %q", e.Name, kind, KindPlace, KindPort)
		}
		fmt.Fprintf(bw, "%s\t%s\t%s\t%s\t%s\t%d\n", kind, clean(e.Name), clean(e.Country), num(e.Lon), num(e.Lat), e.Rank)
	}
	for _, s := range a.Seas {
		fmt.Fprintf(bw, "sea\t%s\t%s\t%s\t%d\t%s\n", clean(s.Name), num(s.Label[0]), num(s.Label[1]), s.Rank, formatShape(s.Shape))
	}
	return bw.Flush()
}

// Decode reads an asset written by Encode. Errors name the line and what
// is wrong with it.
func Decode(r io.Reader) (*Asset, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLineBytes)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("places asset: %w", err)
		}
		return nil, fmt.Errorf("places asset: empty")
	}
	if sc.Text() != AssetHeader {
		return nil, fmt.Errorf("places asset: line 1 is %q, want %q", geodata.Truncate(sc.Text(), 40), AssetHeader)
	}
	a := &Asset{}
	line, records, points := 1, 0, 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" {
			continue
		}
		if c, ok := strings.CutPrefix(text, "#"); ok {
			a.Comments = append(a.Comments, strings.TrimPrefix(c, " "))
			continue
		}
		if records++; records > maxRecords {
			return nil, fmt.Errorf("places asset: more than %d records", maxRecords)
		}
		f := strings.Split(text, "\t")
		fail := func(format string, args ...any) error {
			return fmt.Errorf("places asset: line %d (%s): %s", line, f[0], fmt.Sprintf(format, args...))
		}
		want := map[string]int{"country": 4, KindPlace: 6, KindPort: 6, "sea": 6}[f[0]]
		if want == 0 {
			return nil, fail("unknown record type")
		}
		if len(f) != want {
			return nil, fail("%d fields, want %d", len(f), want)
		}
		switch f[0] {
		case "country":
			shape, n, err := parseShape(f[3], maxShapePoint-points)
			if err != nil {
				return nil, fail("outline: %v", err)
			}
			points += n
			a.Countries = append(a.Countries, Country{Code: f[1], Name: f[2], Shape: shape})
		case KindPlace, KindPort:
			lon, lat, err := parsePoint(f[3], f[4])
			if err != nil {
				return nil, fail("%v", err)
			}
			rank, err := strconv.Atoi(f[5])
			if err != nil {
				return nil, fail("rank %q is not an integer", geodata.Truncate(f[5], 20))
			}
			if f[1] == "" {
				return nil, fail("no name")
			}
			a.Entries = append(a.Entries, Entry{Place: Place{Name: f[1], Country: f[2], Lon: lon, Lat: lat, Kind: f[0]}, Rank: rank})
		case "sea":
			lon, lat, err := parsePoint(f[2], f[3])
			if err != nil {
				return nil, fail("label: %v", err)
			}
			rank, err := strconv.Atoi(f[4])
			if err != nil {
				return nil, fail("rank %q is not an integer", geodata.Truncate(f[4], 20))
			}
			shape, n, err := parseShape(f[5], maxShapePoint-points)
			if err != nil {
				return nil, fail("outline: %v", err)
			}
			points += n
			if f[1] == "" {
				return nil, fail("no name")
			}
			a.Seas = append(a.Seas, Sea{Name: f[1], Label: orb.Point{lon, lat}, Rank: rank, Shape: shape})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("places asset: after line %d: %w", line, err)
	}
	return a, nil
}

// parsePoint reads a longitude and a latitude in range.
func parsePoint(x, y string) (float64, float64, error) {
	lon, err1 := strconv.ParseFloat(x, 64)
	lat, err2 := strconv.ParseFloat(y, 64)
	if err1 != nil || err2 != nil || !(lon >= -180 && lon <= 180) || !(lat >= -90 && lat <= 90) {
		return 0, 0, fmt.Errorf("coordinate %q %q is not a longitude -180…180 and a latitude -90…90", geodata.Truncate(x, 20), geodata.Truncate(y, 20))
	}
	return lon, lat, nil
}

// parseShape reads an outline of at most budget points, returning the
// number of points read.
func parseShape(s string, budget int) (orb.MultiPolygon, int, error) {
	if s == "" {
		return nil, 0, nil
	}
	var mp orb.MultiPolygon
	n := 0
	for pi, ps := range strings.Split(s, "|") {
		var poly orb.Polygon
		for ri, rs := range strings.Split(ps, ";") {
			pts := strings.Split(rs, ",")
			if n += len(pts); n > budget {
				return nil, n, fmt.Errorf("more than %d points in all", maxShapePoint)
			}
			if len(pts) < 4 {
				return nil, n, fmt.Errorf("polygon %d, ring %d has %d points, a ring needs at least 4", pi+1, ri+1, len(pts))
			}
			ring := make(orb.Ring, len(pts))
			for i, p := range pts {
				x, y, ok := strings.Cut(p, " ")
				if !ok {
					return nil, n, fmt.Errorf("polygon %d, ring %d, point %d: %q is not \"lon lat\"", pi+1, ri+1, i+1, geodata.Truncate(p, 30))
				}
				lon, lat, err := parsePoint(x, y)
				if err != nil {
					return nil, n, fmt.Errorf("polygon %d, ring %d, point %d: %v", pi+1, ri+1, i+1, err)
				}
				ring[i] = orb.Point{lon, lat}
			}
			poly = append(poly, ring)
		}
		mp = append(mp, poly)
	}
	return mp, n, nil
}

// formatShape writes an outline in the asset's notation.
func formatShape(mp orb.MultiPolygon) string {
	var b strings.Builder
	for pi, poly := range mp {
		if pi > 0 {
			b.WriteByte('|')
		}
		for ri, ring := range poly {
			if ri > 0 {
				b.WriteByte(';')
			}
			for i, p := range ring {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(num(p[0]))
				b.WriteByte(' ')
				b.WriteString(num(p[1]))
			}
		}
	}
	return b.String()
}

// num is the shortest decimal text of f ("-0" written as "0").
func num(f float64) string {
	if f == 0 || math.IsNaN(f) {
		return "0"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// clean replaces tabs, line breaks and other control characters with
// spaces, so that a name stays one field.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
