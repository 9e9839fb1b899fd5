package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/mmp"
	"github.com/routerisk/routerisk/geodata/vocab"
)

// Route source labels, written to each feature's source property.
const (
	sourceGiocopp   = "giocopp/Missing-Migrants-Count (traced from IOM DTM)"
	sourceFrontex   = "Frontex routes 2015 (IFRC dashboard)"
	sourceSchematic = "RouteRisk schematic (waypoints)"
)

// Route issue codes.
const (
	codeNotARoute   = "not_a_route"      // rejected: a point (hub, arrival place) in a corridor file
	codeBadGeometry = "invalid_geometry" // rejected: fewer than two points, or out of range
	codeNoMMPRoute  = "no_mmp_route"     // flagged: the name has no MMP equivalent; kept as given
	codeRouteAlias  = mmp.CodeRouteAlias // repaired: another name of an MMP route replaced by it
	codeLegacyCRS   = "legacy_crs"       // flagged: a crs member, dropped (RFC 7946 has none)
	codeSchematic   = "schematic"        // flagged: a corridor drawn through waypoints, not traced
)

// Route names and dates.
const (
	routeOther = "Other" // giocopp's name for a line outside the MMP taxonomy, kept for route filters
	// frontexValidFrom and frontexValidTo bound the year the Frontex lines
	// describe: they were drawn in December 2015 from Frontex FRAN data of
	// 2015, before the Balkan corridor closed and the EU–Turkey statement
	// (both March 2016) changed the Eastern Mediterranean and Balkan routes.
	frontexValidFrom, frontexValidTo = "2015-01-01", "2015-12-31"
	// seaRadiusKm is the sea_radius_km of the traced and Frontex lines
	// that cross the sea; the waypoints CSV header gives the reasons.
	seaRadiusKm = 75.0
)

// routeInput is what the routes layer is built from.
type routeInput struct {
	giocopp, frontex, waypoints, labels, land string
}

// corridorCheck is how well a schematic corridor matches the incidents
// MMP files under its route.
type corridorCheck struct {
	route                string
	incidents            int
	within100, within300 float64 // shares
	median               float64 // km
}

// routeBuilder accumulates the routes layer.
type routeBuilder struct {
	features []*geojson.Feature
	report   geodata.Report
	log      *issueLog
	land     *landMask
	regions  map[string]string    // MMP route → most frequent incident region
	labels   map[string]lineLabel // giocopp "Other" line id → its name
}

func buildRoutes(in routeInput, incidents []*geojson.Feature) (built, []corridorCheck, error) {
	land, err := loadLandMask(in.land)
	if err != nil {
		return built{}, nil, err
	}
	labels, err := readLineLabels(in.labels)
	if err != nil {
		return built{}, nil, err
	}
	b := &routeBuilder{land: land, regions: incidentRegions(incidents), labels: labels}
	b.log = newIssueLog(&b.report, 200)
	if err := b.readGiocopp(in.giocopp); err != nil {
		return built{}, nil, err
	}
	if err := b.readFrontex(in.frontex); err != nil {
		return built{}, nil, err
	}
	schematic, err := b.readWaypoints(in.waypoints)
	if err != nil {
		return built{}, nil, err
	}
	setValidFrom(b.features, incidents)
	layer := geodata.Layer{
		Meta: geodata.Meta{
			ID:    "routes",
			Kind:  geodata.KindRoute,
			Title: "Migration routes",
			Description: "Corridors of the main migration routes. name is the IOM Missing Migrants Project route (route filters " +
				"match it), or \"Other\" for a line outside that taxonomy; label is a descriptive name, e.g. \"Niger–Libya " +
				"(Agadez–Tripoli)\". Mediterranean, Atlantic and Channel corridors are traced by hand (giocopp, from the IOM DTM " +
				"route overview); the Frontex lines (2015) are schematic and valid_to 2015-12-31. The other corridors (the Americas " +
				"from the Darién through Central America and Mexico, with the La Bestia railways, to the US border; the Caribbean " +
				"crossings; Afghanistan to Iran; Iran and Syria to Türkiye and Türkiye to Europe; Belarus to the EU; the Western " +
				"Balkans since 2016; the Sahara; the Eastern Route to Yemen and Saudi Arabia; the Bay of Bengal and Andaman Sea; " +
				"Mayotte) have no public geometry: they are drawn through named waypoints. Every line is approximate: none is a " +
				"surveyed track; each shows which places a route links. valid_from is the first year with an incident recorded " +
				"within reach of the line; valid_to is null while the route is in use. Lines crossing the sea carry " +
				"sea_radius_km (75): on their segments at sea, incidents that far from the line belong to it, because a boat in " +
				"distress drifts 20-45 km a day (0.5-1 knot of current and wind) and is often adrift a day or two, wreck positions " +
				"are reported coarsely, and open-sea corridors are ~150 km wide (Libya to Lampedusa); on land the default " +
				"radius (25 km) applies.",
			Sources: []geodata.Source{
				{Name: "giocopp/Missing-Migrants-Count, route corridors", URL: "https://github.com/giocopp/Missing-Migrants-Count",
					License: "CC BY 4.0", Attribution: "Route corridors: giocopp/Missing-Migrants-Count, traced from IOM DTM, CC BY 4.0"},
				{Name: "Frontex migratory routes 2015, IFRC dashboard (SimonbJohnson/greece-15-migration-routes)",
					URL: "https://github.com/SimonbJohnson/greece-15-migration-routes", License: "MIT",
					Attribution: "Frontex routes 2015: SimonbJohnson/greece-15-migration-routes (IFRC), MIT"},
				{Name: "IOM DTM flow-monitoring survey sites, Americas 2022-2023 (iom/gdidata, dtm_fms_americas)",
					URL: "https://github.com/iom/gdidata", License: "MIT (package); IOM DTM terms apply",
					Attribution: "Waypoints of the Americas corridors at IOM DTM flow-monitoring survey sites (IOM DTM, via iom/gdidata)"},
				{Name: "Natural Earth 10m railroads (Mexico and Central America)", URL: "https://www.naturalearthdata.com/",
					License: "Public domain", Attribution: "La Bestia corridors through stations of the Natural Earth railroads (public domain)"},
				{Name: "RouteRisk schematic corridors (geodata/sample/source/schematic_waypoints.csv)",
					License:     "Waypoint coordinates after GeoNames (CC BY 4.0) and OpenStreetMap (ODbL)",
					Attribution: "Schematic corridors: RouteRisk, through places from GeoNames and © OpenStreetMap contributors"},
			},
			Sensitivity: geodata.Public,
		},
		Features: b.features,
	}
	finish(&layer)
	checks := checkCorridors(schematic, incidents)
	return built{layer: layer, report: b.report}, checks, nil
}

// incidentRegions finds, for each route, the MMP region most of its
// incidents are in. Both names of a renamed route count together.
func incidentRegions(incidents []*geojson.Feature) map[string]string {
	counts := map[string]map[string]int{}
	for _, f := range incidents {
		route, _ := f.Properties["route"].(string)
		region, _ := f.Properties["region"].(string)
		if route == "" || region == "" {
			continue
		}
		route = mmp.CurrentRoute(route)
		if counts[route] == nil {
			counts[route] = map[string]int{}
		}
		counts[route][region]++
	}
	out := map[string]string{}
	for route, byRegion := range counts {
		best, n := "", 0
		for region, c := range byRegion {
			if c > n || (c == n && region < best) {
				best, n = region, c
			}
		}
		out[route] = best
	}
	return out
}

// routeProps fills the properties every route feature has.
//
// Every line is approximate: the traced ones are hand-digitised from a
// schematic map, the Frontex and waypoint ones link places with straight
// legs. valid_from is set later from the incidents (setValidFrom);
// valid_to is null (the route is in use) unless the caller sets it.
func (b *routeBuilder) routeProps(name string, mmpRoute bool, mode, source string) geojson.Properties {
	p := geojson.Properties{
		"name":        name,
		"label":       name,
		"mode":        mode,
		"approximate": true,
		"source":      source,
		"valid_from":  nil,
		"valid_to":    nil,
	}
	if mmpRoute {
		p["taxonomy"] = "mmp"
		if r := b.regions[mmp.CurrentRoute(name)]; r != "" {
			p["region"] = r
		}
		if name == vocab.RouteMainlandEuropeUK {
			p["former_name"] = vocab.RouteEnglishChannel
		}
	} else {
		p["taxonomy"] = "other"
	}
	return p
}

func (b *routeBuilder) add(id string, ls orb.LineString, props geojson.Properties) {
	f := geojson.NewFeature(ls)
	f.ID = id
	f.Properties = props
	b.features = append(b.features, f)
	b.report.Accepted++
}

func (b *routeBuilder) issue(pos int, id, field, code string, action geodata.Action, format string, args ...any) {
	b.log.add(geodata.Issue{Feature: pos, ID: id, Field: field, Code: code, Action: action, Message: fmt.Sprintf(format, args...)})
}

// readGiocopp reads the corridors digitised by giocopp (62 lines named by
// MMP route, plus 16 hub and arrival points, which are left out).
func (b *routeBuilder) readGiocopp(path string) error {
	fc, _, err := readCollection(path)
	if err != nil {
		return err
	}
	name := filepath.Base(path)
	for i, f := range fc.Features {
		b.report.Read++
		pos := b.report.Read
		ls, ok := f.Geometry.(orb.LineString)
		if !ok {
			label, _ := f.Properties["name"].(string)
			b.report.Rejected++
			b.issue(pos, "", "geometry", codeNotARoute, geodata.Rejected, "%s feature %d (%s %q) is a %s, not a corridor; left out",
				name, i+1, f.Properties["kind"], label, f.Geometry.GeoJSONType())
			continue
		}
		seq, _ := f.Properties["seq"].(float64)
		id := fmt.Sprintf("giocopp-%d", int(seq))
		if !validLine(ls) {
			b.report.Rejected++
			b.issue(pos, id, "geometry", codeBadGeometry, geodata.Rejected, "%s feature %d: not a usable line", name, i+1)
			continue
		}
		raw, _ := f.Properties["route"].(string)
		route, isMMP := mmp.CanonicalRoute(raw)
		props := b.routeProps(route, isMMP, b.land.mode(ls), sourceGiocopp)
		if major, ok := f.Properties["major"].(bool); ok {
			props["major"] = major
		}
		if !isMMP {
			props["flags"] = codeNoMMPRoute
			b.issue(pos, id, "route", codeNoMMPRoute, geodata.Flagged,
				"%s feature %d: route %q is not an MMP route; kept under that name", name, i+1, raw)
			l, ok := b.labels[id]
			if !ok {
				return fmt.Errorf("%s feature %d (%s): line %q has no label; add it to the route labels CSV", name, i+1, id, raw)
			}
			props["label"] = l.label
			if l.seaRadiusKm > 0 {
				props["sea_radius_km"] = l.seaRadiusKm
			}
		} else if props["mode"] != "land" {
			props["sea_radius_km"] = seaRadiusKm
		}
		b.add(id, ls, props)
	}
	return nil
}

// readFrontex reads the 2015 Frontex routes (30 lines; a route spans
// several features sharing Route_name), mapping names with CanonicalRoute.
func (b *routeBuilder) readFrontex(path string) error {
	fc, crs, err := readCollection(path)
	if err != nil {
		return err
	}
	name := filepath.Base(path)
	if crs != "" {
		if crs != "urn:ogc:def:crs:OGC:1.3:CRS84" && crs != "EPSG:4326" {
			return geodata.Errorf(geodata.Invalid, "%s: coordinate reference system %q is not longitude/latitude", name, crs)
		}
		b.issue(0, "", "crs", codeLegacyCRS, geodata.Flagged,
			"%s has a legacy crs member (%s: longitude/latitude, as RFC 7946 requires); dropped", name, crs)
	}
	for i, f := range fc.Features {
		b.report.Read++
		pos := b.report.Read
		num, _ := f.Properties["id"].(float64)
		id := fmt.Sprintf("frontex-%d", int(num))
		ls, ok := f.Geometry.(orb.LineString)
		if !ok || !validLine(ls) {
			b.report.Rejected++
			b.issue(pos, id, "geometry", codeBadGeometry, geodata.Rejected, "%s feature %d: not a usable line", name, i+1)
			continue
		}
		raw, _ := f.Properties["Route_name"].(string)
		route, isMMP := mmp.CanonicalRoute(raw)
		mode, _ := f.Properties["landorsea"].(string)
		if mode != "land" && mode != "sea" {
			mode = b.land.mode(ls)
		}
		props := b.routeProps(route, isMMP, mode, sourceFrontex)
		props["frontex_name"] = raw
		props["label"] = raw + " (Frontex, 2015)"
		props["valid_from"], props["valid_to"] = frontexValidFrom, frontexValidTo
		if mode != "land" {
			props["sea_radius_km"] = seaRadiusKm
		}
		switch {
		case !isMMP:
			props["flags"] = codeNoMMPRoute
			b.issue(pos, id, "Route_name", codeNoMMPRoute, geodata.Flagged,
				"%s feature %d: Frontex route %q has no MMP equivalent; kept as %q", name, i+1, raw, route)
		case route != raw:
			props["flags"] = codeRouteAlias
			b.report.Repaired++
			b.issue(pos, id, "Route_name", codeRouteAlias, geodata.Repaired,
				"%s feature %d: Frontex route %q is MMP's %q", name, i+1, raw, route)
		}
		b.add(id, ls, props)
	}
	return nil
}

// readCollection reads a GeoJSON FeatureCollection and returns its legacy
// crs name, if any.
func readCollection(path string) (*geojson.FeatureCollection, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	var head struct {
		CRS *struct {
			Properties struct {
				Name string `json:"name"`
			} `json:"properties"`
		} `json:"crs"`
	}
	_ = json.Unmarshal(data, &head)
	crs := ""
	if head.CRS != nil {
		crs = head.CRS.Properties.Name
	}
	return fc, crs, nil
}

// waypoint is one row of schematic_waypoints.csv.
type waypoint struct {
	route, branch, place, mode string
	order                      int
	seaRadiusKm                float64 // 0 when the branch has none
	p                          orb.Point
}

// schematicLine is one branch of a schematic corridor.
type schematicLine struct {
	route string
	line  orb.LineString
}

// waypointFields is the column count of schematic_waypoints.csv: route,
// branch, order, place, country, lon, lat, mode, sea_radius_km, note.
const waypointFields = 10

// maxSeaRadiusKm bounds sea_radius_km (the analysis's largest radius).
const maxSeaRadiusKm = 200

// readWaypoints builds the schematic corridors: one LineString per route
// branch through its waypoints in order.
func (b *routeBuilder) readWaypoints(path string) ([]schematicLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = waypointFields
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w (columns: route, branch, order, place, country, lon, lat, mode, sea_radius_km, note)", path, err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("%s: no waypoints", path)
	}
	type key struct{ route, branch string }
	var order []key
	branches := map[key][]waypoint{}
	for i, row := range rows[1:] {
		line := i + 2
		lon, err1 := strconv.ParseFloat(row[5], 64)
		lat, err2 := strconv.ParseFloat(row[6], 64)
		n, err3 := strconv.Atoi(row[2])
		if err1 != nil || err2 != nil || err3 != nil || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
			return nil, fmt.Errorf("%s row %d: order, lon or lat unreadable or out of range", path, line)
		}
		if canon, ok := mmp.CanonicalRoute(row[0]); row[0] != routeOther && (!ok || canon != row[0]) {
			return nil, fmt.Errorf("%s row %d: %q is not an MMP route name (or %q)", path, line, row[0], routeOther)
		}
		switch row[7] {
		case "desert", "jungle", "land", "sea", "mixed":
		default:
			return nil, fmt.Errorf("%s row %d: mode %q is not desert, jungle, land, sea or mixed", path, line, row[7])
		}
		sea := 0.0
		if row[8] != "" {
			v, err := strconv.ParseFloat(row[8], 64)
			if err != nil || v <= 0 || v > maxSeaRadiusKm || math.IsNaN(v) {
				return nil, fmt.Errorf("%s row %d: sea_radius_km %q is not a number of km in (0, %d]", path, line, row[8], maxSeaRadiusKm)
			}
			if row[7] != "sea" && row[7] != "mixed" {
				return nil, fmt.Errorf("%s row %d: sea_radius_km is set on a %s branch; only sea and mixed branches cross the sea", path, line, row[7])
			}
			sea = v
		}
		k := key{row[0], row[1]}
		if _, seen := branches[k]; !seen {
			order = append(order, k)
		}
		branches[k] = append(branches[k], waypoint{route: row[0], branch: row[1], place: row[3], mode: row[7], order: n,
			seaRadiusKm: sea, p: orb.Point{lon, lat}})
	}
	var lines []schematicLine
	for _, k := range order {
		wps := branches[k]
		b.report.Read++
		pos := b.report.Read
		id := "schematic-" + slug(k.route) + "-" + slug(k.branch)
		var ls orb.LineString
		var places []string
		for i, w := range wps {
			if w.order != i+1 || w.mode != wps[0].mode || w.seaRadiusKm != wps[0].seaRadiusKm {
				return nil, fmt.Errorf("%s: %s / %s: waypoints must be numbered 1, 2, … and share one mode and sea_radius_km", path, k.route, k.branch)
			}
			ls = append(ls, w.p)
			places = append(places, w.place)
		}
		if !validLine(ls) {
			return nil, fmt.Errorf("%s: %s / %s has fewer than two waypoints", path, k.route, k.branch)
		}
		isMMP := k.route != routeOther
		props := b.routeProps(k.route, isMMP, wps[0].mode, sourceSchematic)
		props["branch"] = k.branch
		props["label"] = branchLabel(k.branch, places[0], places[len(places)-1])
		props["waypoints"] = strings.Join(places, " – ")
		props["flags"] = codeSchematic
		if wps[0].seaRadiusKm > 0 {
			props["sea_radius_km"] = wps[0].seaRadiusKm
		}
		b.issue(pos, id, "geometry", codeSchematic, geodata.Flagged,
			"%s (%s) has no public geometry; drawn through %d waypoints", k.route, k.branch, len(wps))
		if !isMMP {
			props["flags"] = codeSchematic + "," + codeNoMMPRoute
			b.issue(pos, id, "route", codeNoMMPRoute, geodata.Flagged,
				"%s (%s): the MMP taxonomy has no route for this corridor; named %q, labelled %q", k.route, k.branch, k.route, props["label"])
		}
		b.add(id, ls, props)
		lines = append(lines, schematicLine{route: k.route, line: ls})
	}
	return lines, nil
}

// branchLabel names a schematic line after its branch and its end places,
// e.g. "Niger–Libya (Agadez–Tripoli)": " - " becomes an en dash, and a
// place keeps its first name ("Ciudad Juarez / El Paso" → "Ciudad Juarez",
// "Sanchez (Samana Bay)" → "Sanchez"); a branch ending in a parenthesis
// takes the places inside it.
func branchLabel(branch, first, last string) string {
	short := func(place string) string {
		if i := strings.IndexAny(place, "/("); i > 0 {
			place = place[:i]
		}
		return strings.TrimSpace(place)
	}
	name := strings.ReplaceAll(branch, " - ", "–")
	a, z := short(first), short(last)
	switch {
	case strings.Contains(name, a) && strings.Contains(name, z):
		return name
	case strings.HasSuffix(name, ")"): // "Tapachula–Mexico City (La Bestia: Tapachula–Huehuetoca)"
		return strings.TrimSuffix(name, ")") + ": " + a + "–" + z + ")"
	}
	return name + " (" + a + "–" + z + ")"
}

// lineLabel is the descriptive name of a line its source calls "Other".
type lineLabel struct {
	label       string
	seaRadiusKm float64 // 0 unless the line crosses open sea
}

// readLineLabels reads the labels CSV: id,label,sea_radius_km,note.
func readLineLabels(path string) (map[string]lineLabel, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = 4
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w (columns: id, label, sea_radius_km, note)", path, err)
	}
	out := map[string]lineLabel{}
	for i, row := range rows {
		if i == 0 {
			continue // header
		}
		l := lineLabel{label: strings.TrimSpace(row[1])}
		if row[2] != "" {
			v, err := strconv.ParseFloat(row[2], 64)
			if err != nil || v <= 0 || v > maxSeaRadiusKm {
				return nil, fmt.Errorf("%s row %d: sea_radius_km %q is not a number of km in (0, %d]", path, i+1, row[2], maxSeaRadiusKm)
			}
			l.seaRadiusKm = v
		}
		if row[0] == "" || l.label == "" || l.label == routeOther {
			return nil, fmt.Errorf("%s row %d: give a line id and a descriptive label", path, i+1)
		}
		if _, dup := out[row[0]]; dup {
			return nil, fmt.Errorf("%s row %d: line %s is listed twice", path, i+1, row[0])
		}
		out[row[0]] = l
	}
	return out, nil
}

// setValidFrom sets the valid_from of each line its source does not date
// to 1 January of the first year with an incident recorded within reach
// of it: within its sea_radius_km (or 25 km) and, for a line named after
// an MMP route, filed under that route. A line with no such incident
// keeps valid_from null.
func setValidFrom(lines, incidents []*geojson.Feature) {
	for _, f := range lines {
		ls, ok := f.Geometry.(orb.LineString)
		if !ok || f.Properties["valid_from"] != nil {
			continue
		}
		name, _ := f.Properties["name"].(string)
		mmpRoute := f.Properties["taxonomy"] == "mmp"
		reach := reachDefaultKm
		if v, ok := f.Properties["sea_radius_km"].(float64); ok && v > reach {
			reach = v
		}
		box := ls.Bound().Pad(reach / 111.0 / math.Max(0.2, math.Cos(math.Max(math.Abs(ls.Bound().Min[1]), math.Abs(ls.Bound().Max[1]))*math.Pi/180)))
		first := ""
		for _, inc := range incidents {
			date, _ := inc.Properties["date"].(string)
			p, ok := inc.Geometry.(orb.Point)
			if len(date) < 4 || !ok || (first != "" && date[:4] >= first) || !box.Contains(p) {
				continue
			}
			if route, _ := inc.Properties["route"].(string); mmpRoute && mmp.CurrentRoute(route) != mmp.CurrentRoute(name) {
				continue
			}
			if greatCircleToLineKm(p, ls) <= reach {
				first = date[:4]
			}
		}
		if first != "" {
			f.Properties["valid_from"] = first + "-01-01"
		}
	}
}

// slug makes an id part: lower-case letters and digits, other runs as "-".
func slug(s string) string {
	var sb strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && sb.Len() > 0 {
				sb.WriteByte('-')
			}
			sb.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return sb.String()
}

// checkCorridors measures, for each schematic route, how many of the
// incidents MMP files under it lie within 100 and 300 km of the corridor.
func checkCorridors(lines []schematicLine, incidents []*geojson.Feature) []corridorCheck {
	byRoute := map[string][]orb.LineString{}
	var routes []string
	for _, l := range lines {
		if l.route == routeOther {
			continue // no MMP route to compare with
		}
		if byRoute[l.route] == nil {
			routes = append(routes, l.route)
		}
		byRoute[l.route] = append(byRoute[l.route], l.line)
	}
	var out []corridorCheck
	for _, route := range routes {
		var dists []float64
		for _, f := range incidents {
			if f.Properties["route"] != route {
				continue
			}
			p, ok := f.Geometry.(orb.Point)
			if !ok {
				continue
			}
			d := math.Inf(1)
			for _, ls := range byRoute[route] {
				d = math.Min(d, distanceToLineKm(p, ls))
			}
			dists = append(dists, d)
		}
		c := corridorCheck{route: route, incidents: len(dists)}
		if len(dists) > 0 {
			sort.Float64s(dists)
			n100 := sort.SearchFloat64s(dists, 100.0000001)
			n300 := sort.SearchFloat64s(dists, 300.0000001)
			c.within100 = float64(n100) / float64(len(dists))
			c.within300 = float64(n300) / float64(len(dists))
			c.median = dists[len(dists)/2]
		}
		out = append(out, c)
	}
	return out
}
