package render

import (
	"cmp"
	"fmt"
	"image/color"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata/vocab"
)

// Legend groups are ordered as the dashboard orders them (main.ts,
// legend.ts GROUP_ORDER): routes, risk, incidents, hotspots, services.
var groupOrder = map[Style]int{
	StyleRoutes:        0,
	StyleRiskSegments:  1,
	StyleIncidents:     2,
	StyleIncidentCells: 2,
	StyleEvents:        3,
	StyleHotspots:      4,
	StyleServices:      5,
	StyleAreas:         6,
}

// defaultHeading is the legend heading of a layer without a title.
var defaultHeading = map[Style]string{
	StyleRoutes:        headingRoutes,
	StyleRiskSegments:  headingRisk,
	StyleIncidents:     headingIncidents,
	StyleIncidentCells: headingIncidents,
	StyleHotspots:      headingHotspots,
	StyleServices:      headingServices,
	StyleEvents:        headingEvents,
	StyleAreas:         headingAreas,
}

// addLayer projects a layer's features into drawing operations and returns
// its legend group.
func (sc *scene) addLayer(l Layer) legendGroup {
	g := legendGroup{order: groupOrder[l.Style], title: clean(l.Title)}
	if g.title == "" {
		g.title = defaultHeading[l.Style]
	}
	switch l.Style {
	case StyleRoutes:
		sc.addRoutes(l.Features, &g)
	case StyleRiskSegments:
		sc.addRisk(l.Features, &g)
	case StyleHotspots:
		sc.addHotspots(l.Features, &g)
	case StyleIncidents, StyleIncidentCells, StyleServices:
		sc.addPoints(l, &g)
	case StyleEvents:
		sc.addEvents(l.Features, &g)
	case StyleAreas:
		sc.addAreas(l.Features, &g)
	}
	if len(g.rows) == 0 {
		g.note = labelNothingInView
	}
	return g
}

// addRoutes draws route lines, one colour per name: the names of the
// layer sorted, then TOL_MUTED in turn (palette.ts routeColours), so that
// the colours match the dashboard's whatever the view.
func (sc *scene) addRoutes(features []*geojson.Feature, g *legendGroup) {
	names := map[string]bool{}
	for _, f := range features {
		if f != nil {
			if n, _ := f.Properties["name"].(string); n != "" {
				names[n] = true
			}
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	slices.SortFunc(sorted, func(a, b string) int {
		if lessUTF16(a, b) {
			return -1
		}
		if lessUTF16(b, a) {
			return 1
		}
		return 0
	})
	colours := make(map[string]color.NRGBA, len(sorted))
	for i, n := range sorted {
		colours[n] = tolMuted[i%len(tolMuted)]
	}
	inView := map[string]bool{} // name → approximate
	var others otherShapes
	for _, f := range features {
		if f == nil {
			continue
		}
		name, _ := f.Properties["name"].(string)
		approx := isApproximate(f.Properties)
		c, ok := colours[name]
		if !ok {
			c = fallbackRouteColour(name)
		}
		ps := geometryParts(f.Geometry)
		var lines []orb.LineString
		for _, l := range ps.lines {
			lines = append(lines, sc.line(l)...)
		}
		if len(lines) > 0 {
			sc.ops = append(sc.ops, op{lines: lines, ls: routeStyle(c, approx)})
			if name != "" {
				inView[name] = inView[name] || approx
			}
		}
		others.add(sc, ps.polygons, nil, ps.points, serviceStyle, serviceRadius)
	}
	shown := make([]string, 0, len(inView))
	for n := range inView {
		shown = append(shown, n)
	}
	slices.SortFunc(shown, func(a, b string) int {
		return cmp.Or(strings.Compare(strings.ToLower(a), strings.ToLower(b)), strings.Compare(a, b))
	})
	anyApprox := false
	for _, n := range shown {
		label := clean(n)
		if inView[n] {
			label = fmt.Sprintf(labelApproximate, label)
			anyApprox = true
		}
		c, ok := colours[n]
		if !ok {
			c = fallbackRouteColour(n)
		}
		g.rows = append(g.rows, legendRow{swatch: swatchLine, ls: routeStyle(c, inView[n]), label: label})
	}
	if anyApprox {
		g.note = noteApproximate
	}
	others.legend(g)
}

// addRisk draws route segments by risk class, one path per class, the
// highest on top (analysislayers.ts).
func (sc *scene) addRisk(features []*geojson.Feature, g *legendGroup) {
	drawn := sc.addClassed(features, riskClasses, riskClasses, func(cls string) lineStyle {
		if cls == "" {
			return riskFallbackStyle
		}
		return riskStyle[cls]
	})
	if len(drawn) == 0 {
		return
	}
	classes := vocab.RiskClasses()
	for i, rc := range classes {
		s := riskStyle[rc.Class]
		var label string
		from := fmt.Sprint(rc.From)
		switch {
		case i == 0:
			label = fmt.Sprintf(labelRiskBelow, rc.Label, fmt.Sprint(classes[1].From))
		case i < len(classes)-1:
			label = fmt.Sprintf(labelRiskRange, rc.Label, from, fmt.Sprint(classes[i+1].From))
		default:
			label = fmt.Sprintf(labelRiskFrom, rc.Label, from)
		}
		g.rows = append(g.rows, legendRow{swatch: swatchLine, ls: s, label: label})
	}
	if drawn[""] {
		g.rows = append(g.rows, legendRow{swatch: swatchLine, ls: riskFallbackStyle, label: labelRiskUnknown})
	}
	g.note = noteRisk
}

// addHotspots draws hotspot cells by class, one path per class, the most
// confident on top.
func (sc *scene) addHotspots(features []*geojson.Feature, g *legendGroup) {
	drawn := sc.addClassed(features, hotspotClasses, hotspotDrawOrder, func(cls string) lineStyle {
		if cls == "" {
			return hotspotStyle["not_significant"]
		}
		return hotspotStyle[cls]
	})
	if len(drawn) == 0 {
		return
	}
	for _, cls := range hotspotClasses {
		g.rows = append(g.rows, legendRow{swatch: swatchArea, ls: hotspotStyle[cls], label: hotspotLabel[cls]})
	}
	if drawn[""] {
		g.rows = append(g.rows, legendRow{swatch: swatchArea, ls: hotspotStyle["not_significant"], label: labelHotspotUnknown})
	}
	g.note = noteHotspots
}

// addClassed draws the lines and polygons of an analysis layer grouped by
// the "class" property (one of classes, else ""), classless first, then in
// drawOrder; it returns the classes drawn.
func (sc *scene) addClassed(features []*geojson.Feature, classes, drawOrder []string, style func(string) lineStyle) map[string]bool {
	lines := map[string][]orb.LineString{}
	polys := map[string][]orb.Polygon{}
	for _, f := range features {
		if f == nil {
			continue
		}
		cls := classOf(f.Properties, classes)
		ps := geometryParts(f.Geometry)
		for _, l := range ps.lines {
			lines[cls] = append(lines[cls], sc.line(l)...)
		}
		for _, p := range ps.polygons {
			if q := sc.polygon(p); q != nil {
				polys[cls] = append(polys[cls], q)
			}
		}
	}
	drawn := map[string]bool{}
	for _, cls := range append([]string{""}, drawOrder...) {
		if len(lines[cls]) == 0 && len(polys[cls]) == 0 {
			continue
		}
		drawn[cls] = true
		sc.ops = append(sc.ops, op{lines: lines[cls], polys: polys[cls], ls: style(cls), butt: true})
	}
	return drawn
}

// addPoints draws incidents or services: points as circles (incidents
// sized by dead and missing, the largest first so that small ones stay
// visible), public cells graded by their count, other shapes as areas.
func (sc *scene) addPoints(l Layer, g *legendGroup) {
	incidents := l.Style != StyleServices
	style, fills, outline, unit := incidentStyle, incidentCellFills, incidentCellOutline, "incidents"
	if !incidents {
		style, fills, outline, unit = serviceStyle, serviceCellFills, serviceCellOutline, "services"
	}
	type circle struct{ x, y, r float64 }
	var circles []circle
	categories := map[string]bool{}
	cells := false
	var others otherShapes
	for _, f := range l.Features {
		if f == nil {
			continue
		}
		r := serviceRadius
		if incidents {
			r = incidentRadius(deadMissing(f.Properties))
		}
		ps := geometryParts(f.Geometry)
		for _, p := range ps.points {
			if x, y, ok := sc.point(p, r+style.weight); ok {
				circles = append(circles, circle{x, y, r})
				if !incidents {
					categories[text(f.Properties, "category")] = true
				}
			}
		}
		if isAggregated(f.Properties) || l.Style == StyleIncidentCells {
			s := cellStyle(fills, outline, cellClass(cellCount(f.Properties)))
			for _, p := range ps.polygons {
				if q := sc.polygon(p); q != nil {
					sc.ops = append(sc.ops, op{polys: []orb.Polygon{q}, ls: s})
					cells = true
				}
			}
			ps.polygons = nil
		}
		others.add(sc, ps.polygons, ps.lines, nil, style, r)
	}
	slices.SortStableFunc(circles, func(a, b circle) int { return cmp.Compare(b.r, a.r) })
	for _, c := range circles {
		sc.ops = append(sc.ops, op{circle: true, x: c.x, y: c.y, r: c.r, ps: style})
	}

	if cells {
		for i, from := range cellBreaks {
			label := fmt.Sprintf(strings.Replace(labelCellFrom, "incidents", unit, 1), int(from))
			if i+1 < len(cellBreaks) {
				label = fmt.Sprintf(strings.Replace(labelCellRange, "incidents", unit, 1), int(from), int(cellBreaks[i+1])-1)
			}
			g.rows = append(g.rows, legendRow{swatch: swatchArea, ls: cellStyle(fills, outline, i), label: label})
		}
	}
	if len(circles) > 0 {
		if incidents {
			for _, n := range incidentSizeSamples {
				g.rows = append(g.rows, legendRow{swatch: swatchCircle, ps: incidentStyle, r: incidentRadius(float64(n)), label: fmt.Sprintf(labelIncidentSize, n)})
			}
		} else {
			// legend.ts draws the service swatch without the white rim.
			ps := serviceStyle
			ps.colour, ps.opacity = ps.fill, ps.fillOpacity
			g.rows = append(g.rows, legendRow{swatch: swatchCircle, ps: ps, r: serviceRadius, label: labelServicePoint})
			if names := categoryNames(categories); len(names) > 0 {
				g.note = fmt.Sprintf(noteServiceCategory, join(names))
			}
		}
	}
	others.legend(g)
}

// categoryNames are the labels of the service categories present: the
// known ones in the dashboard's order, then the others as they are, sorted.
func categoryNames(present map[string]bool) []string {
	var out, unknown []string
	known := map[string]bool{}
	for _, c := range vocab.ServiceCategories() {
		known[c.Category] = true
		if present[c.Category] {
			out = append(out, c.Label)
		}
	}
	for c := range present {
		if !known[c] && c != "" {
			unknown = append(unknown, clean(c))
		}
	}
	slices.Sort(unknown)
	return append(out, unknown...)
}

// otherShapes draws what a layer holds besides its own kind of shape, as
// the dashboard does: polygons as areas, lines as area outlines, points as
// circles of the layer's point style.
type otherShapes struct {
	areas  bool // an area or outline was drawn
	points bool // a point was drawn
}

func (o *otherShapes) add(sc *scene, polys []orb.Polygon, lines []orb.LineString, points []orb.Point, ps pointStyle, r float64) {
	for _, p := range polys {
		if q := sc.polygon(p); q != nil {
			sc.ops = append(sc.ops, op{polys: []orb.Polygon{q}, ls: areaStyle})
			o.areas = true
		}
	}
	outline := areaStyle
	outline.fillOpacity = 0
	for _, l := range lines {
		if ls := sc.line(l); len(ls) > 0 {
			sc.ops = append(sc.ops, op{lines: ls, ls: outline})
			o.areas = true
		}
	}
	for _, p := range points {
		if x, y, ok := sc.point(p, r+ps.weight); ok {
			sc.ops = append(sc.ops, op{circle: true, x: x, y: y, r: r, ps: ps})
			o.points = true
		}
	}
}

func (o *otherShapes) legend(g *legendGroup) {
	if o.areas {
		g.rows = append(g.rows, legendRow{swatch: swatchArea, ls: areaStyle, label: labelArea})
	}
}

// addEvents draws context events as small diamonds, their other shapes
// as areas; the legend says they are not migrant deaths.
func (sc *scene) addEvents(features []*geojson.Feature, g *legendGroup) {
	drawn := false
	var others otherShapes
	for _, f := range features {
		if f == nil {
			continue
		}
		ps := geometryParts(f.Geometry)
		for _, p := range ps.points {
			if x, y, ok := sc.point(p, eventRadius+eventStyle.weight); ok {
				sc.ops = append(sc.ops, op{polys: []orb.Polygon{diamond(x, y, eventRadius)}, ls: eventStyle})
				drawn = true
			}
		}
		others.add(sc, ps.polygons, ps.lines, nil, contextPointStyle, serviceRadius)
	}
	if drawn {
		g.rows = append(g.rows, legendRow{swatch: swatchDiamond, ls: eventStyle, r: eventRadius, label: labelEvent})
		g.note = noteEvents
	}
	others.legend(g)
}

// addAreas draws a context layer: polygons as areas, lines as outlines,
// points as small dots in the area colour.
func (sc *scene) addAreas(features []*geojson.Feature, g *legendGroup) {
	var others otherShapes
	for _, f := range features {
		if f != nil {
			ps := geometryParts(f.Geometry)
			others.add(sc, ps.polygons, ps.lines, ps.points, contextPointStyle, serviceRadius)
		}
	}
	others.legend(g)
	if others.points {
		g.rows = append(g.rows, legendRow{swatch: swatchCircle, ps: contextPointStyle, r: serviceRadius, label: labelContextPoint})
	}
}

// diamond is a square standing on a corner, centred on x, y, reaching r
// from it: the dashboard's event symbol.
func diamond(x, y, r float64) orb.Polygon {
	return orb.Polygon{{{x, y - r}, {x + r, y}, {x, y + r}, {x - r, y}, {x, y - r}}}
}
