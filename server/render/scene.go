package render

import (
	"image/color"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/tdewolff/canvas"
)

// scene is one image laid out on the page, in CSS pixels with y pointing
// down: texts placed, geometries projected, culled and clipped, the legend
// sized and placed. Drawing it onto a renderer is then mechanical.
type scene struct {
	w, h   float64
	k      float64 // text scale of the page
	fonts  *fonts
	title  string // cleaned title, for SVG's <title>
	texts  []placedText
	frame  rect
	view   view
	land   []orb.Polygon // basemap in page pixels
	ops    []op          // the layers' drawing, bottom to top
	legend *legendBox
	bar    *placedBar
}

// placedText is one line of text; (x, y) is the start of its baseline, or
// its end for right-aligned text.
type placedText struct {
	x, y  float64
	s     string
	face  *canvas.FontFace
	align canvas.TextAlign
}

// op is one drawing operation of a layer.
type op struct {
	lines  []orb.LineString // stroked as one path
	polys  []orb.Polygon    // filled and stroked as one path
	ls     lineStyle
	butt   bool // butt caps (the analysis layers); round otherwise (Leaflet's default)
	circle bool
	x, y   float64
	r      float64
	ps     pointStyle
}

// Page geometry, in CSS pixels before the text scale k.
const (
	pagePad        = 14.0 // around everything
	titleSize      = 20.0
	subtitleSize   = 13.0
	asOfSize       = 12.0
	noteSize       = 11.0
	sourceSize     = 10.5
	headerGap      = 8.0  // between the header and the map
	footerGap      = 7.0  // between the map and the footer
	frameInset     = 10.0 // between the frame and the legend or scale bar
	clipPad        = 12.0 // lines and polygons are clipped this far outside the frame; the margin hides the rest
	simplifyPx     = 0.3  // vertices closer than this to the last kept one are dropped
	maxLegendFrac  = 0.5  // of the frame's width
	maxLegendCover = 0.35 // of the frame's area, for a legend over data
)

// newScene lays out m. m must have passed Validate.
//
// The legend goes over the map in a corner where it hides nothing drawn;
// when every corner would hide something and the page is wide enough, it
// goes beside the map instead (the map is then laid out again, narrower);
// otherwise it takes the corner where it hides least, unless it would
// cover more than maxLegendCover of the map or had to leave layers out
// (small images): then there is no legend.
func newScene(m Map, f *fonts) *scene {
	sc := &scene{w: float64(m.Width), h: float64(m.Height), fonts: f, title: clean(m.Title)}
	sc.k = math.Max(0.85, math.Min(1.5, math.Min(sc.w, sc.h)/800))
	sc.layoutPage(m)
	groups := sc.build(m)
	if m.Legend && len(groups) > 0 {
		in := frameInset * sc.k
		maxInner := math.Min(legendMaxWidth*sc.k, maxLegendFrac*sc.frame.w()-2*legendPad*sc.k)
		if lb := sc.layoutLegend(groups, maxInner, sc.frame.h()-2*in); lb != nil {
			box, covered := sc.legendCorner(lb.box.w(), lb.box.h())
			lb.at(box.x0, box.y0)
			if covered == 0 || (!lb.partial && box.w()*box.h() <= maxLegendCover*sc.frame.w()*sc.frame.h()) {
				sc.legend = lb
			}
			if narrower := sc.frame.w() - lb.box.w() - in; covered > 0 && narrower >= 0.6*sc.frame.w() {
				sc.frame.x1 -= lb.box.w() + in
				groups = sc.build(m)
				if panel := sc.layoutLegend(groups, lb.inner, sc.frame.h()); panel != nil {
					panel.panel = true
					panel.at(sc.frame.x1+in, sc.frame.y0-panel.pad)
					sc.legend = panel
				}
			}
		}
	}
	sc.placeScaleBar()
	return sc
}

// build fits the view into the frame and projects the basemap and the
// layers; it returns the layers' legend groups in legend order.
func (sc *scene) build(m Map) []legendGroup {
	sc.view = fitView(m.Bound, sc.frame)
	sc.land, sc.ops = nil, nil
	sc.projectBasemap(m.Basemap)
	groups := make([]legendGroup, 0, len(m.Layers))
	routesBelow := false
	for _, l := range m.Layers {
		g := sc.addLayer(l)
		if l.Style == StyleRoutes && len(g.rows) > 0 {
			routesBelow = true
		}
		if l.Style == StyleRiskSegments && routesBelow && len(g.rows) > 0 {
			g.note += " " + noteRiskOverRoutes // legend.ts riskOverRoutes
		}
		groups = append(groups, g)
	}
	slices.SortStableFunc(groups, func(a, b legendGroup) int { return a.order - b.order })
	return groups
}

// layoutPage places the header (title, as-of date, subtitle) and the
// footer (privacy note, data-through date and caveats, sources) and gives
// the rest to the map frame. On small pages texts lose lines until the map
// keeps two fifths of the height; the caveats go first, down to one line
// that still starts with the data-through date.
func (sc *scene) layoutPage(m Map) {
	subtitle, asOf := clean(m.Subtitle), clean(m.AsOf)
	privacy, sources := clean(m.PrivacyNote), cleanMax(m.Attribution, maxSourcesRunes)
	caveats := footerCaveats(m.DataThrough, m.Caveats)
	if asOf != "" {
		asOf = "As of " + asOf
	}
	if sources != "" {
		sources = "Sources: " + sources
	}
	maxLines := [5]int{2, 2, 3, 3, 3} // title, subtitle, privacy note, sources, caveats
	for range 12 {
		sc.texts = sc.texts[:0]
		top := sc.layoutHeader(sc.title, subtitle, asOf, maxLines[0], maxLines[1])
		bottom := sc.layoutFooter([]footerText{
			{privacy, maxLines[2], noteSize, colourInk},
			{caveats, maxLines[4], noteSize, colourInk},
			{sources, maxLines[3], sourceSize, colourMuted},
		})
		sc.frame = rect{pagePad * sc.k, top, sc.w - pagePad*sc.k, bottom}
		if sc.frame.h() >= 0.4*sc.h {
			return
		}
		shrunk := false
		for _, i := range []int{4, 2, 1, 3, 0} {
			if maxLines[i] > 1 {
				maxLines[i]--
				shrunk = true
				break
			}
		}
		if !shrunk {
			return
		}
	}
}

// layoutHeader places the title lines (with the as-of date right-aligned
// on the first when there is room, else on a line of its own) and the
// subtitle, and returns the top of the map frame.
func (sc *scene) layoutHeader(title, subtitle, asOf string, titleLines, subtitleLines int) float64 {
	k := sc.k
	x0, x1 := pagePad*k, sc.w-pagePad*k
	width := x1 - x0
	y := pagePad * k
	tf := sc.fonts.face(true, titleSize*k, colourInk)
	sf := sc.fonts.face(false, subtitleSize*k, colourMuted)
	af := sc.fonts.face(false, asOfSize*k, colourMuted)
	asOfOnTitle := false
	titleWidth := width
	if asOf != "" && title != "" {
		if aw := af.TextWidth(asOf); aw <= 0.35*width {
			asOfOnTitle = true
			titleWidth = width - aw - 16*k
		}
	}
	for i, line := range wrap(tf, title, titleWidth, titleLines) {
		y += lineHeight(tf)
		if i == 0 {
			y += ascentExtra(tf)
		}
		sc.texts = append(sc.texts, placedText{x: x0, y: y, s: line, face: tf, align: canvas.Left})
		if i == 0 && asOfOnTitle {
			sc.texts = append(sc.texts, placedText{x: x1, y: y, s: fit(af, asOf, width), face: af, align: canvas.Right})
		}
	}
	if title != "" {
		y += 3 * k
	}
	for _, line := range wrap(sf, subtitle, width, subtitleLines) {
		y += lineHeight(sf)
		sc.texts = append(sc.texts, placedText{x: x0, y: y, s: line, face: sf, align: canvas.Left})
	}
	if asOf != "" && !asOfOnTitle {
		y += lineHeight(af)
		sc.texts = append(sc.texts, placedText{x: x0, y: y, s: fit(af, asOf, width), face: af, align: canvas.Left})
	}
	if y == pagePad*k {
		return y // no header at all
	}
	return y + descent(sf) + headerGap*k
}

// footerCaveats is the footer's note on the data: "Data through <date>."
// then the caveats, one text; "" when there is neither.
func footerCaveats(through string, caveats []string) string {
	var parts []string
	if t := clean(through); t != "" {
		parts = append(parts, "Data through "+t+".")
	}
	for _, c := range caveats {
		if c = cleanMax(c, maxCaveatRunes); c != "" {
			parts = append(parts, c)
		}
	}
	return cleanMax(strings.Join(parts, " "), maxCaveatRunes)
}

// footerText is one text of the footer: at most lines lines of size px.
type footerText struct {
	s      string
	lines  int
	size   float64
	colour color.Color
}

// layoutFooter places the footer's texts, in order, from the bottom up
// and returns the bottom of the map frame.
func (sc *scene) layoutFooter(texts []footerText) float64 {
	k := sc.k
	x0, x1 := pagePad*k, sc.w-pagePad*k
	var lines []placedText
	for _, t := range texts {
		f := sc.fonts.face(false, t.size*k, t.colour)
		for _, s := range wrap(f, t.s, x1-x0, t.lines) {
			lines = append(lines, placedText{x: x0, s: s, face: f, align: canvas.Left})
		}
	}
	y := sc.h - pagePad*k
	if len(lines) == 0 {
		return y
	}
	y -= descent(lines[len(lines)-1].face)
	for i := len(lines) - 1; i >= 0; i-- {
		lines[i].y = y
		y -= lineHeight(lines[i].face)
	}
	sc.texts = append(sc.texts, lines...)
	return y + lineHeight(lines[0].face) - ascent(lines[0].face) - footerGap*k
}

// Line metrics of a face, in pixels.
func ascent(f *canvas.FontFace) float64  { return f.Metrics().Ascent }
func descent(f *canvas.FontFace) float64 { return f.Metrics().Descent }

// lineHeight is the distance between baselines: 1.3 times the size.
func lineHeight(f *canvas.FontFace) float64 { return 1.3 * f.Size }

// ascentExtra moves the first baseline so that the ascent, not the line
// height, sits under the top margin.
func ascentExtra(f *canvas.FontFace) float64 { return ascent(f) - lineHeight(f) }

// visibleLonLat is the lon/lat box features must touch to be drawn.
func (sc *scene) visibleLonLat() orb.Bound { return sc.view.lonLatBound(incidentRadiusMax + 2) }

// projectBasemap projects, simplifies and clips the country polygons.
func (sc *scene) projectBasemap(geoms []orb.Geometry) {
	vis := sc.visibleLonLat()
	for _, g := range geoms {
		if g == nil || !g.Bound().Intersects(vis) {
			continue
		}
		for _, p := range geometryParts(g).polygons {
			if q := sc.polygon(p); q != nil {
				sc.land = append(sc.land, q)
			}
		}
	}
}

// line projects a lon/lat line into page pixels and clips it to the frame
// (with a margin): nil when nothing of it is in view.
func (sc *scene) line(ls orb.LineString) []orb.LineString {
	if len(ls) < 2 || !ls.Bound().Intersects(sc.visibleLonLat()) {
		return nil
	}
	px := sc.projectPoints(ls, false)
	if len(px) < 2 {
		return nil
	}
	var out []orb.LineString
	for _, l := range clip.LineString(sc.frame.grow(clipPad).bound(), orb.LineString(px)) {
		if len(l) >= 2 {
			out = append(out, l)
		}
	}
	return out
}

// polygon projects a lon/lat polygon into page pixels and clips it to the
// frame (with a margin): nil when nothing of it is in view.
func (sc *scene) polygon(p orb.Polygon) orb.Polygon {
	if len(p) == 0 || len(p[0]) < 3 || !p.Bound().Intersects(sc.visibleLonLat()) {
		return nil
	}
	out := make(orb.Polygon, 0, len(p))
	for i, r := range p {
		px := sc.projectPoints(r, true)
		if len(px) < 4 {
			if i == 0 {
				return nil // smaller than a pixel
			}
			continue
		}
		out = append(out, orb.Ring(px))
	}
	out = clip.Polygon(sc.frame.grow(clipPad).bound(), out)
	if len(out) == 0 || len(out[0]) < 3 {
		return nil
	}
	return out
}

// projectPoints projects positions into page pixels, dropping those within
// simplifyPx of the last one kept (the last position is always kept, and a
// closed ring stays closed).
func (sc *scene) projectPoints(pts []orb.Point, ring bool) []orb.Point {
	out := make([]orb.Point, 0, len(pts))
	for i, p := range pts {
		x, y := sc.view.project(p[0], p[1])
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
			continue
		}
		q := orb.Point{x, y}
		if n := len(out); n > 0 && i < len(pts)-1 {
			if d := math.Hypot(q[0]-out[n-1][0], q[1]-out[n-1][1]); d < simplifyPx {
				continue
			}
		}
		out = append(out, q)
	}
	if ring && len(out) > 0 && out[0] != out[len(out)-1] {
		out = append(out, out[0])
	}
	return out
}

// point projects a lon/lat point; ok is false when a circle of radius r
// there would not touch the frame.
func (sc *scene) point(p orb.Point, r float64) (x, y float64, ok bool) {
	x, y = sc.view.project(p[0], p[1])
	return x, y, sc.frame.grow(r+1).contains(x, y)
}

// hits counts the drawn shapes (circles, line segments, polygons) that
// touch r, to keep the legend off the data.
func (sc *scene) hits(r rect) int {
	n := 0
	for _, o := range sc.ops {
		if o.circle {
			dx := math.Max(0, math.Max(r.x0-o.x, o.x-r.x1))
			dy := math.Max(0, math.Max(r.y0-o.y, o.y-r.y1))
			if dx*dx+dy*dy <= o.r*o.r {
				n++
			}
			continue
		}
		for _, l := range o.lines {
			for i := 1; i < len(l); i++ {
				if segmentTouches(l[i-1], l[i], r) {
					n++
				}
			}
		}
		for _, p := range o.polys {
			if len(p) > 0 {
				b := p[0].Bound()
				if r.intersects(rect{b.Min.X(), b.Min.Y(), b.Max.X(), b.Max.Y()}) {
					n++
				}
			}
		}
	}
	return n
}

// segmentTouches reports whether the segment a–b touches r (Liang–Barsky).
func segmentTouches(a, b orb.Point, r rect) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := b[0]-a[0], b[1]-a[1]
	for _, e := range [4][2]float64{{-dx, a[0] - r.x0}, {dx, r.x1 - a[0]}, {-dy, a[1] - r.y0}, {dy, r.y1 - a[1]}} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return false
			}
			continue
		}
		t := q / p
		if p < 0 {
			t0 = math.Max(t0, t)
		} else {
			t1 = math.Min(t1, t)
		}
		if t0 > t1 {
			return false
		}
	}
	return true
}

// placedBar is the scale bar in its corner.
type placedBar struct {
	box   rect
	bar   rect
	label placedText
}

// placeScaleBar sizes the scale bar for the Mercator scale at the frame's
// centre latitude and puts it in a bottom corner away from the legend.
// When the scale changes by more than 5 % across the frame, the label says
// at which latitude the bar is true.
func (sc *scene) placeScaleBar() {
	k := sc.k
	lat := sc.view.centreLatitude()
	sb, ok := chooseScaleBar(sc.view.metresPerPixel(lat), math.Min(160*k, 0.3*sc.frame.w()))
	if !ok {
		return
	}
	label := sb.label
	_, top := sc.view.unproject(0, sc.frame.y0)
	_, bottom := sc.view.unproject(0, sc.frame.y1)
	c := math.Cos(lat * math.Pi / 180)
	for _, edge := range []float64{top, bottom} {
		if r := c / math.Cos(edge*math.Pi/180); r < 0.95 || r > 1.05 {
			label += " at " + latitudeLabel(lat)
			break
		}
	}
	face := sc.fonts.face(false, noteSize*k, colourInk)
	pad := 5 * k
	barH := 5 * k
	w := math.Max(sb.pixels, face.TextWidth(label)) + 2*pad
	h := pad + ascent(face) + 4*k + barH + pad
	if w > sc.frame.w()-2*frameInset*k || h > sc.frame.h()/3 {
		return
	}
	left, right := sc.frame.x0+frameInset*k, sc.frame.x1-frameInset*k-w
	xs := []float64{left, right}
	if sc.legend != nil && !sc.legend.panel && sc.legend.box.x0 < (sc.frame.x0+sc.frame.x1)/2 {
		xs = []float64{right, left}
	}
	y := sc.frame.y1 - frameInset*k - h
	for _, x := range xs {
		box := rect{x, y, x + w, y + h}
		if sc.legend != nil && !sc.legend.panel && box.intersects(sc.legend.box.grow(2*k)) {
			continue
		}
		barTop := y + pad + ascent(face) + 4*k
		sc.bar = &placedBar{
			box:   box,
			bar:   rect{x + pad, barTop, x + pad + sb.pixels, barTop + barH},
			label: placedText{x: x + pad, y: y + pad + ascent(face), s: label, face: face, align: canvas.Left},
		}
		return
	}
}

func (b *placedBar) draw(p *painter) {
	ctx := p.ctx
	ctx.ResetStyle()
	ctx.SetFillColor(alpha(colourPage, 0.85))
	ctx.SetStroke(canvas.Paint{})
	ctx.DrawPath(b.box.x0, b.box.y0, canvas.RoundedRectangle(b.box.w(), b.box.h(), 3))
	half := b.bar.w() / 2
	p.fillRect(rect{b.bar.x0, b.bar.y0, b.bar.x0 + half, b.bar.y1}, colourInk)
	p.fillRect(rect{b.bar.x0 + half, b.bar.y0, b.bar.x1, b.bar.y1}, colourPage)
	p.strokeRect(b.bar, colourInk, 0.8)
	p.text(b.label)
}

// join lists names, "A, B and C".
func join(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
