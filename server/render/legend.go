package render

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/tdewolff/canvas"
)

// swatchKind is how a legend row shows its symbol (legend.ts LegendEntry).
type swatchKind int

const (
	swatchLine swatchKind = iota
	swatchCircle
	swatchArea
	swatchDiamond
)

// legendRow is one symbol and its label.
type legendRow struct {
	swatch swatchKind
	ls     lineStyle  // line and area swatches
	ps     pointStyle // circle swatches
	r      float64    // circle radius
	label  string
}

// legendGroup is the legend of one layer: a heading, rows and a note.
type legendGroup struct {
	order int // position among the groups (groupOrder)
	title string
	rows  []legendRow
	note  string
}

// Legend geometry, in CSS pixels before the text scale k.
const (
	legendPad        = 8.0
	legendGap        = 7.0 // between a swatch and its label
	legendGroupGap   = 8.0
	legendRowHeight  = 17.0
	legendSwatch     = 26.0 // width of the swatch column
	legendMaxWidth   = 290.0
	legendMinWidth   = 110.0
	legendHeadSize   = 12.5
	legendLabelSize  = 12.0
	legendNoteSize   = 10.5
	legendHeadLines  = 2
	legendNoteLines  = 4
	legendBoxOpacity = 0.94
)

// itemKind is what one line of the legend box holds.
type itemKind int

const (
	itemHeading itemKind = iota
	itemRow
	itemNote
	itemMore
)

// legendItem is one heading, row, note or "and N more" line, at y below
// the inner top of the box.
type legendItem struct {
	kind  itemKind
	y, h  float64
	lines []string // heading and note lines; the text of itemMore
	row   legendRow
}

// legendBox is the laid-out legend.
type legendBox struct {
	box               rect
	inner             float64 // width inside the padding
	swatchW           float64
	items             []legendItem
	head, label, note *canvas.FontFace
	pad, gap          float64
	panel             bool // beside the map on the page, not over it: no box
	partial           bool // some groups did not fit
}

// layoutLegend sizes the legend for at most maxInner pixels of text
// width and availH of height, dropping notes and then rows (the longest
// lists first, each replaced by "… and N more") until it fits. Its box is
// placed at the origin; nil when there is no room for a legend.
func (sc *scene) layoutLegend(groups []legendGroup, maxInner, availH float64) *legendBox {
	k := sc.k
	lb := &legendBox{
		head:  sc.fonts.face(true, legendHeadSize*k, colourInk),
		label: sc.fonts.face(false, legendLabelSize*k, colourInk),
		note:  sc.fonts.face(false, legendNoteSize*k, colourMuted),
		pad:   legendPad * k,
		gap:   legendGap * k,
	}
	lb.swatchW = legendSwatch * k
	for _, g := range groups {
		for _, r := range g.rows {
			if r.swatch == swatchCircle {
				lb.swatchW = math.Max(lb.swatchW, 2*r.r+6)
			}
		}
	}
	if maxInner < lb.swatchW+lb.gap+20 || availH < 3*legendRowHeight*k {
		return nil
	}
	natural := 0.0
	for _, g := range groups {
		natural = math.Max(natural, lb.head.TextWidth(g.title))
		for _, r := range g.rows {
			natural = math.Max(natural, lb.swatchW+lb.gap+lb.label.TextWidth(r.label))
		}
	}
	lb.inner = math.Max(math.Min(legendMinWidth*k, maxInner), math.Min(natural, maxInner))

	shown := make([]int, len(groups)) // rows shown per group
	for i, g := range groups {
		shown[i] = len(g.rows)
	}
	notes := true
	n := len(groups)
	for {
		items, h := lb.build(groups[:n], shown, notes)
		if h <= availH {
			lb.items = items
			break
		}
		if notes {
			notes = false
			continue
		}
		// Shorten the longest list, keeping one row and the "more" line.
		longest := -1
		for i := range n {
			if shown[i] > 1 && (longest < 0 || shown[i] > shown[longest]) {
				longest = i
			}
		}
		if longest >= 0 {
			shown[longest]--
			continue
		}
		if n > 1 {
			n--
			lb.partial = true
			continue
		}
		lb.items = items // the first group alone does not fit: keep what there is
		break
	}
	h := 2 * lb.pad
	if len(lb.items) > 0 {
		last := lb.items[len(lb.items)-1]
		h += last.y + last.h
	}
	lb.box = rect{0, 0, lb.inner + 2*lb.pad, math.Min(h, availH)}
	return lb
}

// at moves the legend box to (x, y).
func (lb *legendBox) at(x, y float64) {
	lb.box = rect{x, y, x + lb.box.w(), y + lb.box.h()}
}

// build lays out the groups with shown[i] rows each, and returns the
// items and the box height they need.
func (lb *legendBox) build(groups []legendGroup, shown []int, notes bool) ([]legendItem, float64) {
	var items []legendItem
	y := 0.0
	headStep := lineHeight(lb.head)
	noteStep := lineHeight(lb.note)
	for gi, g := range groups {
		if gi > 0 {
			y += legendGroupGap * lb.pad / legendPad
		}
		lines := wrap(lb.head, g.title, lb.inner, legendHeadLines)
		h := float64(len(lines))*headStep + 2*lb.pad/legendPad
		items = append(items, legendItem{kind: itemHeading, y: y, h: h, lines: lines})
		y += h
		for _, r := range g.rows[:shown[gi]] {
			h := math.Max(legendRowHeight*lb.pad/legendPad, r.ls.weight+6)
			if r.swatch == swatchCircle {
				h = math.Max(h, 2*r.r+4)
			}
			items = append(items, legendItem{kind: itemRow, y: y, h: h, row: r})
			y += h
		}
		if more := len(g.rows) - shown[gi]; more > 0 {
			h := legendRowHeight * lb.pad / legendPad
			items = append(items, legendItem{kind: itemMore, y: y, h: h, lines: []string{fmt.Sprintf(labelMoreLegendItems, more)}})
			y += h
		}
		if notes && g.note != "" {
			lines := wrap(lb.note, g.note, lb.inner, legendNoteLines)
			h := float64(len(lines))*noteStep + 2*lb.pad/legendPad
			items = append(items, legendItem{kind: itemNote, y: y, h: h, lines: lines})
			y += h
		}
	}
	return items, y + 2*lb.pad
}

// legendCorner returns the frame corner for a w×h legend where it covers
// the fewest drawn shapes (top right, top left, bottom right, bottom left
// on ties), and how many it covers there.
func (sc *scene) legendCorner(w, h float64) (rect, int) {
	in := frameInset * sc.k
	f := sc.frame
	corners := []rect{
		{f.x1 - in - w, f.y0 + in, f.x1 - in, f.y0 + in + h},
		{f.x0 + in, f.y0 + in, f.x0 + in + w, f.y0 + in + h},
		{f.x1 - in - w, f.y1 - in - h, f.x1 - in, f.y1 - in},
		{f.x0 + in, f.y1 - in - h, f.x0 + in + w, f.y1 - in},
	}
	best, bestN := 0, -1
	for i, c := range corners {
		n := sc.hits(c.grow(3))
		if bestN < 0 || n < bestN {
			best, bestN = i, n
		}
	}
	return corners[best], bestN
}

// draw paints the legend box and its items.
func (lb *legendBox) draw(p *painter) {
	ctx := p.ctx
	b := lb.box
	if !lb.panel {
		ctx.ResetStyle()
		ctx.SetFillColor(alpha(colourPage, legendBoxOpacity))
		ctx.SetStrokeColor(colourFrame)
		ctx.SetStrokeWidth(0.8)
		ctx.DrawPath(b.x0, b.y0, canvas.RoundedRectangle(b.w(), b.h(), 4))
	}
	x0, y0 := b.x0+lb.pad, b.y0+lb.pad
	headStep := lineHeight(lb.head)
	noteStep := lineHeight(lb.note)
	k := lb.pad / legendPad
	for _, it := range lb.items {
		top := y0 + it.y
		if top+it.h > b.y1-lb.pad/2 {
			break
		}
		switch it.kind {
		case itemHeading:
			for i, s := range it.lines {
				p.text(placedText{x: x0, y: top + k + float64(i)*headStep + ascent(lb.head), s: s, face: lb.head, align: canvas.Left})
			}
		case itemNote:
			for i, s := range it.lines {
				p.text(placedText{x: x0, y: top + k + float64(i)*noteStep + ascent(lb.note), s: s, face: lb.note, align: canvas.Left})
			}
		case itemMore:
			cy := top + it.h/2
			p.text(placedText{x: x0 + lb.swatchW + lb.gap, y: cy + capHeight(lb.note)/2, s: it.lines[0], face: lb.note, align: canvas.Left})
		case itemRow:
			cy := top + it.h/2
			lb.drawSwatch(p, it.row, x0, cy)
			label := fit(lb.label, it.row.label, lb.inner-lb.swatchW-lb.gap)
			p.text(placedText{x: x0 + lb.swatchW + lb.gap, y: cy + capHeight(lb.label)/2, s: label, face: lb.label, align: canvas.Left})
		}
	}
}

// drawSwatch draws a row's symbol in the swatch column, centred on cy.
func (lb *legendBox) drawSwatch(p *painter, r legendRow, x, cy float64) {
	k := lb.pad / legendPad
	switch r.swatch {
	case swatchLine:
		p.op(op{lines: []orb.LineString{{{x + 2*k, cy}, {x + lb.swatchW - 2*k, cy}}}, ls: r.ls, butt: true})
	case swatchCircle:
		p.op(op{circle: true, x: x + lb.swatchW/2, y: cy, r: r.r, ps: r.ps})
	case swatchArea:
		x0, x1 := x+3*k, x+lb.swatchW-3*k
		y0, y1 := cy-6*k, cy+6*k
		ls := r.ls
		ls.weight = math.Max(ls.weight, 1)
		p.op(op{polys: []orb.Polygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}, ls: ls})
	case swatchDiamond:
		p.op(op{polys: []orb.Polygon{diamond(x+lb.swatchW/2, cy, r.r)}, ls: r.ls})
	}
}

// capHeight is the height of capitals above the baseline, to centre a
// line of text on a swatch.
func capHeight(f *canvas.FontFace) float64 {
	if c := f.Metrics().CapHeight; c > 0 {
		return c
	}
	return 0.7 * f.Size
}
