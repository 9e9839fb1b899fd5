package formats

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/routerisk/routerisk/geodata"
)

// csvUniqueColumns trims the header names (of spaces and stray byte
// order marks) and makes them unique: an empty
// name becomes column_N (N its 1-based position), a repeated name gets
// _2, _3, …; each change is flagged in rep with Feature 0.
func csvUniqueColumns(header []string, rep *geodata.Report) []string {
	columns := make([]string, len(header))
	seen := make(map[string]bool, len(header))
	for i, h := range header {
		columns[i] = strings.TrimFunc(h, func(r rune) bool { return unicode.IsSpace(r) || r == '\ufeff' })
		seen[columns[i]] = true
	}
	used := make(map[string]bool, len(header))
	next := map[string]int{}
	for i, name := range columns {
		switch {
		case name == "":
			name = csvFreeName(fmt.Sprintf("column_%d", i+1), seen, used, next)
			rep.Add(geodata.Issue{Field: name, Code: CodeCSVUnnamedColumn, Action: geodata.Flagged,
				Message: fmt.Sprintf("column %d has no name; its values are read as %q — name it in the header to choose another name", i+1, name)})
		case used[name]:
			orig := name
			name = csvFreeName(name, seen, used, next)
			rep.Add(geodata.Issue{Field: name, Code: CodeCSVDuplicateColumn, Action: geodata.Flagged,
				Message: fmt.Sprintf("column %d repeats the name %q; its values are read as %q — rename one of them in the header", i+1, csvClip(orig), csvClip(name))})
		}
		used[name] = true
		columns[i] = name
	}
	return columns
}

// csvFreeName returns base if unused, else base_2, base_3, … (names the
// header holds count as used, so a later column keeps its own name).
// next remembers where the search for each base stopped, so that a
// header repeating one name many times costs linear time.
func csvFreeName(base string, seen, used map[string]bool, next map[string]int) string {
	if !seen[base] && !used[base] {
		return base
	}
	for n := max(next[base], 2); ; n++ {
		name := fmt.Sprintf("%s_%d", base, n)
		if !seen[name] && !used[name] {
			next[base] = n + 1
			return name
		}
	}
}

// findCSVGeometry chooses the coordinate columns: those named in opts,
// else (a) a latitude and a longitude column, (b) a "lat, lon" column,
// (c) a WKT column.
func findCSVGeometry(columns []string, opts CSVOptions) (csvGeometry, error) {
	g := csvGeometry{names: columns}
	named := 0
	for _, s := range []string{opts.WKT, opts.Coordinates, opts.Latitude + opts.Longitude} {
		if strings.TrimSpace(s) != "" {
			named++
		}
	}
	if named > 1 {
		return g, geodata.Errorf(geodata.Invalid, "name either a latitude and a longitude column, or a coordinates column, or a WKT column — not several")
	}
	find := func(role, name string) (int, error) {
		i := csvFindColumn(columns, name)
		if i < 0 {
			return -1, &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"columns": columns},
				Message: fmt.Sprintf("the column %q given for %s is not in the header; the header has: %s", csvClip(name), role, csvHeaderList(columns))}
		}
		return i, nil
	}
	var err error
	switch {
	case strings.TrimSpace(opts.WKT) != "":
		g.source = csvWKT
		g.col, err = find("WKT geometry", opts.WKT)
		return g, err
	case strings.TrimSpace(opts.Coordinates) != "":
		g.source = csvPair
		g.col, err = find("coordinates", opts.Coordinates)
		return g, err
	case strings.TrimSpace(opts.Latitude) != "" || strings.TrimSpace(opts.Longitude) != "":
		if strings.TrimSpace(opts.Latitude) == "" || strings.TrimSpace(opts.Longitude) == "" {
			return g, geodata.Errorf(geodata.Invalid, "name both the latitude and the longitude column")
		}
		g.source = csvLatLon
		if g.lat, err = find("latitudes", opts.Latitude); err != nil {
			return g, err
		}
		g.lon, err = find("longitudes", opts.Longitude)
		return g, err
	}
	if lat, lon := csvFindLatLon(columns); lat >= 0 && lon >= 0 {
		g.source, g.lat, g.lon = csvLatLon, lat, lon
		return g, nil
	}
	for i, c := range columns {
		if csvPairName(c) {
			g.source, g.col = csvPair, i
			return g, nil
		}
	}
	for i, c := range columns {
		if csvWKTName(c) {
			g.source, g.col = csvWKT, i
			return g, nil
		}
	}
	if opts.Table != nil && opts.Table(columns) {
		g.source = csvTable
		return g, nil
	}
	return g, &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"columns": columns}, Message: fmt.Sprintf(
		"no coordinate columns found. The header has: %s. Recognised are a latitude and a longitude column "+
			"(lat, latitude, latitud, y and lon, lng, long, longitude, longitud, x; case, accents and units such as \"(WGS84)\" are ignored), "+
			"one \"latitude, longitude\" column (coordinates, coords, location coordinates) "+
			"or a WKT column (wkt, geometry, geom, the_geom). Or name the columns with the upload: lat=… and lon=…, coordinates=…, or wkt=…",
		csvHeaderList(columns))}
}

// csvFindColumn finds a column by its exact name, else by its name with
// case, accents and punctuation ignored; -1 when there is none.
func csvFindColumn(columns []string, name string) int {
	name = strings.TrimSpace(name)
	for i, c := range columns {
		if c == name {
			return i
		}
	}
	key := FoldName(name)
	for i, c := range columns {
		if key != "" && FoldName(c) == key {
			return i
		}
	}
	return -1
}

// csvFindLatLon finds the latitude and longitude columns, preferring
// explicit names (lat, longitude, …) to x and y.
func csvFindLatLon(columns []string) (lat, lon int) {
	lat, lon = -1, -1
	latRank, lonRank := 0, 0
	for i, c := range columns {
		axis, rank := csvAxis(c)
		switch {
		case axis == 'y' && rank > latRank:
			lat, latRank = i, rank
		case axis == 'x' && rank > lonRank:
			lon, lonRank = i, rank
		}
	}
	return lat, lon
}

// csvAxis says whether a column name means latitude ('y') or longitude
// ('x'), and how surely: 2 for a name such as "Latitude (WGS84)", 1 for
// a bare x or y.
func csvAxis(name string) (byte, int) {
	var kept []string
	for _, w := range strings.Fields(FoldName(name)) {
		switch w {
		case "wgs84", "wgs", "84", "dd", "deg", "degree", "degrees", "decimal", "dec", "gps", "epsg", "4326",
			"point", "coord", "coordinate", "n", "s", "e", "w":
			continue
		}
		kept = append(kept, w)
	}
	switch strings.Join(kept, "") {
	case "lat", "latitude", "latitud", "latitudine", "breitengrad", "decimallatitude", "ylat", "laty":
		return 'y', 2
	case "lon", "lng", "long", "longitude", "longitud", "longitudine", "langengrad", "decimallongitude", "xlon", "lonx", "xlong", "longx":
		return 'x', 2
	case "y":
		return 'y', 1
	case "x":
		return 'x', 1
	}
	return 0, 0
}

// csvPairName reports whether a column name means one "lat, lon" column.
func csvPairName(name string) bool {
	var kept []string
	for _, w := range strings.Fields(FoldName(name)) {
		switch w {
		case "wgs84", "wgs", "84", "dd", "decimal", "gps":
			continue
		}
		kept = append(kept, w)
	}
	switch strings.Join(kept, "") {
	case "coordinates", "coordinate", "coords", "coord", "latlon", "latlong", "latlng", "latitudelongitude",
		"locationcoordinates", "locationcoodinates", "geocoordinates", "coordonnees", "coordenadas":
		return true
	}
	return false
}

// csvWKTName reports whether a column name means WKT geometry.
func csvWKTName(name string) bool {
	switch strings.ReplaceAll(FoldName(name), " ", "") {
	case "wkt", "wktgeom", "wktgeometry", "geometry", "geom", "thegeom", "geometrywkt", "geomwkt":
		return true
	}
	return false
}

func csvHeaderList(columns []string) string {
	var quoted []string
	for i, c := range columns {
		if i == csvHeaderListMax {
			quoted = append(quoted, fmt.Sprintf("… (%d columns in all)", len(columns)))
			break
		}
		quoted = append(quoted, fmt.Sprintf("%q", csvClip(c)))
	}
	if len(quoted) == 0 {
		return "(no columns)"
	}
	return strings.Join(quoted, ", ")
}
