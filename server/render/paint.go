package render

import (
	"image/color"
	"math"

	"github.com/paulmach/orb"
	"github.com/tdewolff/canvas"
)

// painter draws a scene onto a canvas renderer. For SVG, strokes are
// written as strokes. For PNG, canvas's stroker is slow on large paths
// (it removes self-intersections of the whole outline), so the painter
// builds stroke outlines itself: a quadrilateral per segment and a disc
// per vertex, all wound the same way and filled with the nonzero rule,
// which paints their union once (translucent strokes do not darken where
// the pieces overlap).
type painter struct {
	ctx    *canvas.Context
	raster bool    // build stroke outlines (PNG)
	ratio  float64 // device pixels per CSS pixel, to size discs
	// circles caches the disc and rim paths of point markers by radius
	// and rim width (thousands of markers share a few dozen sizes).
	circles map[[2]float64][2]*canvas.Path
}

// circlePaths returns the disc of radius r and the ring a rim of width w
// around it covers, centred on the origin.
func (p *painter) circlePaths(r, w float64) (disc, ring *canvas.Path) {
	key := [2]float64{r, w}
	if c, ok := p.circles[key]; ok {
		return c[0], c[1]
	}
	disc = polygonPath(discPolygon(r, p.ratio), false)
	ring = polygonPath(discPolygon(r+w/2, p.ratio), false)
	if inner := r - w/2; inner > 0 {
		ring = ring.Append(polygonPath(discPolygon(inner, p.ratio), true))
	}
	if p.circles == nil {
		p.circles = map[[2]float64][2]*canvas.Path{}
	}
	p.circles[key] = [2]*canvas.Path{disc, ring}
	return disc, ring
}

// draw paints the scene: page, sea, land, layers, the margins over what
// spills from the frame, the frame, texts, legend and scale bar.
func (sc *scene) draw(p *painter) {
	p.ctx.SetCoordSystem(canvas.CartesianIV)
	p.fillRect(rect{0, 0, sc.w, sc.h}, colourPage)
	p.fillRect(sc.frame, colourSea)
	if len(sc.land) > 0 {
		p.op(op{polys: sc.land, ls: lineStyle{colour: colourBorder, weight: basemapLineWidth, opacity: 1, fill: colourLand, fillOpacity: 1}})
	}
	for _, o := range sc.ops {
		p.op(o)
	}
	// The page margins cover what spills over the frame's edges.
	f := sc.frame
	p.fillRect(rect{0, 0, sc.w, f.y0}, colourPage)
	p.fillRect(rect{0, f.y1, sc.w, sc.h}, colourPage)
	p.fillRect(rect{0, f.y0, f.x0, f.y1}, colourPage)
	p.fillRect(rect{f.x1, f.y0, sc.w, f.y1}, colourPage)
	p.strokeRect(f, colourFrame, 1)
	for _, t := range sc.texts {
		p.text(t)
	}
	if sc.legend != nil {
		sc.legend.draw(p)
	}
	if sc.bar != nil {
		sc.bar.draw(p)
	}
}

func (p *painter) fillRect(r rect, c color.Color) {
	if r.w() <= 0 || r.h() <= 0 {
		return
	}
	p.ctx.ResetStyle()
	p.ctx.SetFillColor(c)
	p.ctx.SetStroke(canvas.Paint{})
	p.ctx.DrawPath(r.x0, r.y0, canvas.Rectangle(r.w(), r.h()))
}

func (p *painter) strokeRect(r rect, c color.NRGBA, width float64) {
	p.ctx.ResetStyle()
	p.ctx.SetFill(canvas.Paint{})
	p.ctx.SetStrokeColor(c)
	p.ctx.SetStrokeWidth(width)
	p.ctx.DrawPath(r.x0, r.y0, canvas.Rectangle(r.w(), r.h()))
}

func (p *painter) text(t placedText) {
	if t.s == "" {
		return
	}
	p.ctx.DrawText(t.x, t.y, canvas.NewTextLine(t.face, t.s, t.align))
}

// op paints one operation with its style.
func (p *painter) op(o op) {
	ctx := p.ctx
	ctx.ResetStyle()
	if o.circle {
		s := o.ps
		if p.raster {
			disc, ring := p.circlePaths(o.r, s.weight)
			p.fill(disc, o.x, o.y, s.fill, s.fillOpacity)
			if s.weight > 0 && s.opacity > 0 {
				p.fill(ring, o.x, o.y, s.colour, s.opacity)
			}
			return
		}
		setFill(ctx, s.fill, s.fillOpacity)
		setStroke(ctx, s.colour, s.opacity, s.weight)
		ctx.DrawPath(p.round(o.x), p.round(o.y), canvas.Circle(p.round(o.r)))
		return
	}
	path := &canvas.Path{}
	for _, l := range o.lines {
		if len(l) < 2 {
			continue
		}
		path.MoveTo(p.round(l[0][0]), p.round(l[0][1]))
		for _, q := range l[1:] {
			path.LineTo(p.round(q[0]), p.round(q[1]))
		}
	}
	for _, poly := range o.polys {
		for _, r := range poly {
			if len(r) < 3 {
				continue
			}
			path.MoveTo(p.round(r[0][0]), p.round(r[0][1]))
			for _, q := range r[1:] {
				path.LineTo(p.round(q[0]), p.round(q[1]))
			}
			path.Close()
		}
	}
	if path.Empty() {
		return
	}
	if p.raster {
		if len(o.polys) > 0 {
			p.fill(path, 0, 0, o.ls.fill, o.ls.fillOpacity)
		}
		if o.ls.weight > 0 && o.ls.opacity > 0 {
			var lines []orb.LineString
			lines = append(lines, o.lines...)
			for _, poly := range o.polys {
				for _, r := range poly {
					lines = append(lines, orb.LineString(r))
				}
			}
			if len(o.ls.dash) > 0 {
				lines = dashLines(lines, o.ls.dash)
			}
			outline := strokeOutline(lines, o.ls.weight, !o.butt, p.ratio)
			p.fill(outline, 0, 0, o.ls.colour, o.ls.opacity)
		}
		return
	}
	if len(o.polys) > 0 {
		setFill(ctx, o.ls.fill, o.ls.fillOpacity)
	} else {
		ctx.SetFill(canvas.Paint{})
	}
	setStroke(ctx, o.ls.colour, o.ls.opacity, o.ls.weight)
	if o.butt {
		ctx.SetStrokeCapper(canvas.ButtCap)
	} else {
		ctx.SetStrokeCapper(canvas.RoundCap)
	}
	ctx.SetStrokeJoiner(canvas.RoundJoin)
	if len(o.ls.dash) > 0 && o.ls.weight > 0 {
		// canvas measures dashes in stroke widths.
		d := make([]float64, len(o.ls.dash))
		for i, v := range o.ls.dash {
			d[i] = v / o.ls.weight
		}
		ctx.SetDashes(0, d...)
	}
	ctx.DrawPath(0, 0, path)
}

// round keeps two decimals of a vector coordinate (a hundredth of a
// pixel is below what any screen or printer shows; the SVG gets smaller);
// raster coordinates are kept as they are.
func (p *painter) round(v float64) float64 {
	if p.raster {
		return v
	}
	return math.Round(v*100) / 100
}

// fill fills a path at (x, y) with a colour at an opacity, nothing else.
func (p *painter) fill(path *canvas.Path, x, y float64, c color.NRGBA, opacity float64) {
	if opacity <= 0 || path.Empty() {
		return
	}
	p.ctx.ResetStyle()
	p.ctx.SetFillColor(alpha(c, opacity))
	p.ctx.SetStroke(canvas.Paint{})
	p.ctx.DrawPath(x, y, path)
}

func setFill(ctx *canvas.Context, c color.NRGBA, opacity float64) {
	if opacity <= 0 {
		ctx.SetFill(canvas.Paint{})
		return
	}
	ctx.SetFillColor(alpha(c, opacity))
}

func setStroke(ctx *canvas.Context, c color.NRGBA, opacity, width float64) {
	if opacity <= 0 || width <= 0 {
		ctx.SetStroke(canvas.Paint{})
		return
	}
	ctx.SetStrokeColor(alpha(c, opacity))
	ctx.SetStrokeWidth(width)
}

// strokeOutline is the area a stroke of the given width covers along the
// lines, with round joins, and round caps or butt caps: one quadrilateral
// per segment and a disc at every vertex where the line turns (and at the
// ends for round caps), every piece wound the same way (positive
// shoelace area), to be filled with the nonzero rule. ratio is the device pixels per unit,
// which sets how many sides the discs need to look round.
func strokeOutline(lines []orb.LineString, width float64, roundCaps bool, ratio float64) *canvas.Path {
	hw := width / 2
	disc := discPolygon(hw, ratio)
	out := &canvas.Path{}
	for _, l := range lines {
		for i := 1; i < len(l); i++ {
			a, b := l[i-1], l[i]
			dx, dy := b[0]-a[0], b[1]-a[1]
			d := math.Hypot(dx, dy)
			if d == 0 {
				continue
			}
			nx, ny := -dy/d*hw, dx/d*hw
			quad := [4]orb.Point{{a[0] + nx, a[1] + ny}, {b[0] + nx, b[1] + ny}, {b[0] - nx, b[1] - ny}, {a[0] - nx, a[1] - ny}}
			// Shoelace sign: n is d rotated a quarter turn, which makes
			// this order wound one way; keep every piece wound alike.
			if (quad[1][0]-quad[0][0])*(quad[2][1]-quad[0][1])-(quad[1][1]-quad[0][1])*(quad[2][0]-quad[0][0]) < 0 {
				quad[1], quad[3] = quad[3], quad[1]
			}
			out.MoveTo(quad[0][0], quad[0][1])
			for _, q := range quad[1:] {
				out.LineTo(q[0], q[1])
			}
			out.Close()
		}
		closed := len(l) > 2 && l[0] == l[len(l)-1]
		for i, v := range l {
			end := i == 0 || i == len(l)-1
			if end && !closed && !roundCaps {
				continue
			}
			if !end && !turns(l[i-1], v, l[i+1]) {
				continue
			}
			out.MoveTo(v[0]+disc[0][0], v[1]+disc[0][1])
			for _, q := range disc[1:] {
				out.LineTo(v[0]+q[0], v[1]+q[1])
			}
			out.Close()
		}
	}
	return out
}

// turns reports whether a line bends at b enough for the round join to
// show (straight runs need no disc).
func turns(a, b, c orb.Point) bool {
	ux, uy := b[0]-a[0], b[1]-a[1]
	vx, vy := c[0]-b[0], c[1]-b[1]
	cross := ux*vy - uy*vx
	dot := ux*vx + uy*vy
	return dot <= 0 || math.Abs(cross) > 1e-3*math.Hypot(ux, uy)*math.Hypot(vx, vy)
}

// discPolygon is a regular polygon of radius r around the origin, wound
// like strokeOutline's quadrilaterals, with enough sides to stay within a
// tenth of a device pixel of the circle.
func discPolygon(r, ratio float64) []orb.Point {
	rd := r * ratio
	n := 8
	if rd > 0.1 {
		n = int(math.Ceil(math.Pi / math.Acos(1-0.1/rd)))
	}
	n = max(8, min(n, 64))
	pts := make([]orb.Point, n)
	for i := range pts {
		t := 2 * math.Pi * float64(i) / float64(n)
		pts[i] = orb.Point{r * math.Cos(t), r * math.Sin(t)}
	}
	return pts
}

// polygonPath is a closed path through pts, backwards when reverse.
func polygonPath(pts []orb.Point, reverse bool) *canvas.Path {
	out := &canvas.Path{}
	for i := range pts {
		q := pts[i]
		if reverse {
			q = pts[len(pts)-1-i]
		}
		if i == 0 {
			out.MoveTo(q[0], q[1])
		} else {
			out.LineTo(q[0], q[1])
		}
	}
	out.Close()
	return out
}

// dashLines cuts lines into their dashes (on, off, on, … lengths in
// pixels), each line starting with a dash, as canvas and SVG do.
func dashLines(lines []orb.LineString, pattern []float64) []orb.LineString {
	if len(pattern)%2 == 1 {
		pattern = append(pattern[:len(pattern):len(pattern)], pattern...) // dashes and gaps swap on the repeat
	}
	total := 0.0
	for _, d := range pattern {
		if d < 0 {
			return lines
		}
		total += d
	}
	if total <= 0 {
		return lines
	}
	var out []orb.LineString
	for _, l := range lines {
		k := 0             // index in pattern
		left := pattern[0] // length left of the current dash or gap
		var cur orb.LineString
		if len(l) > 0 {
			cur = orb.LineString{l[0]}
		}
		for i := 1; i < len(l); i++ {
			a, b := l[i-1], l[i]
			seg := math.Hypot(b[0]-a[0], b[1]-a[1])
			pos := 0.0
			for seg-pos > left {
				pos += left
				t := pos / seg
				p := orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
				if k%2 == 0 { // a dash ends
					out = append(out, append(cur, p))
					cur = nil
				} else { // a gap ends
					cur = orb.LineString{p}
				}
				k = (k + 1) % len(pattern)
				left = pattern[k]
			}
			left -= seg - pos
			if k%2 == 0 {
				cur = append(cur, b)
			}
		}
		if k%2 == 0 && len(cur) >= 2 {
			out = append(out, cur)
		}
	}
	return out
}
