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

// routeInput is what the routes layer is built from.
type routeInput struct {
	giocopp, frontex, waypoints, land string
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
	regions  map[string]string // MMP route → most frequent incident region
}

func buildRoutes(in routeInput, incidents []*geojson.Feature) (built, []corridorCheck, error) {
	land, err := loadLandMask(in.land)
	if err != nil {
		return built{}, nil, err
	}
	b := &routeBuilder{land: land, regions: incidentRegions(incidents)}
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
	layer := geodata.Layer{
		Meta: geodata.Meta{
			ID:    "routes",
			Kind:  geodata.KindRoute,
			Title: "Migration routes",
			Description: "Corridors of the main migration routes, named after the IOM Missing Migrants Project route " +
				"taxonomy. Mediterranean, Atlantic, Channel and Balkan corridors are traced (giocopp, from the IOM DTM " +
				"route overview) or schematic (Frontex 2015). The US-Mexico border, Afghanistan to Iran, Sahara, Eastern " +
				"Route and Darien corridors have no public geometry: they are schematic, drawn through named waypoints, and " +
				"marked approximate. No line is a surveyed track; each shows which places a route links.",
			Sources: []geodata.Source{
				{Name: "giocopp/Missing-Migrants-Count, route corridors", URL: "https://github.com/giocopp/Missing-Migrants-Count",
					License: "CC BY 4.0", Attribution: "Route corridors: giocopp/Missing-Migrants-Count, traced from IOM DTM, CC BY 4.0"},
				{Name: "Frontex migratory routes 2015, IFRC dashboard (SimonbJohnson/greece-15-migration-routes)",
					URL: "https://github.com/SimonbJohnson/greece-15-migration-routes", License: "MIT",
					Attribution: "Frontex routes 2015: SimonbJohnson/greece-15-migration-routes (IFRC), MIT"},
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
func (b *routeBuilder) routeProps(name string, mmpRoute bool, mode, source string) geojson.Properties {
	p := geojson.Properties{
		"name":        name,
		"mode":        mode,
		"approximate": source == sourceSchematic,
		"source":      source,
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
	p                          orb.Point
}

// schematicLine is one branch of a schematic corridor.
type schematicLine struct {
	route string
	line  orb.LineString
}

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
	r.FieldsPerRecord = 9
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
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
		if canon, ok := mmp.CanonicalRoute(row[0]); !ok || canon != row[0] {
			return nil, fmt.Errorf("%s row %d: %q is not an MMP route name", path, line, row[0])
		}
		switch row[7] {
		case "desert", "jungle", "land", "sea", "mixed":
		default:
			return nil, fmt.Errorf("%s row %d: mode %q is not desert, jungle, land, sea or mixed", path, line, row[7])
		}
		k := key{row[0], row[1]}
		if _, seen := branches[k]; !seen {
			order = append(order, k)
		}
		branches[k] = append(branches[k], waypoint{route: row[0], branch: row[1], place: row[3], mode: row[7], order: n, p: orb.Point{lon, lat}})
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
			if w.order != i+1 || w.mode != wps[0].mode {
				return nil, fmt.Errorf("%s: %s / %s: waypoints must be numbered 1, 2, … and share one mode", path, k.route, k.branch)
			}
			ls = append(ls, w.p)
			places = append(places, w.place)
		}
		if !validLine(ls) {
			return nil, fmt.Errorf("%s: %s / %s has fewer than two waypoints", path, k.route, k.branch)
		}
		props := b.routeProps(k.route, true, wps[0].mode, sourceSchematic)
		props["branch"] = k.branch
		props["waypoints"] = strings.Join(places, " – ")
		props["flags"] = codeSchematic
		b.issue(pos, id, "geometry", codeSchematic, geodata.Flagged,
			"%s (%s) has no public geometry; drawn through %d waypoints", k.route, k.branch, len(wps))
		b.add(id, ls, props)
		lines = append(lines, schematicLine{route: k.route, line: ls})
	}
	return lines, nil
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
