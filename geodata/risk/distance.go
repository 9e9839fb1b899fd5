package risk

// arc is a great-circle arc from a to b (the shorter way round), prepared
// for point-to-arc distances.
type arc struct {
	a, b vec3
	// n is the unit normal of the arc's plane (a×b normalised); P·n is the
	// sine of P's cross-track angle. Zero for an arc of no length.
	n vec3
	// ta and tb bound the lune over the arc: a point P projects onto the
	// arc (rather than onto the rest of its great circle) exactly when
	// P·ta ≥ 0 and P·tb ≥ 0. ta = n×a points from a towards b, tb = b×n
	// from b towards a.
	ta, tb vec3
	// degenerate marks an arc whose ends coincide (or are antipodal, which
	// leaves the great circle undefined): only its end points count.
	degenerate bool
}

func newArc(a, b vec3) arc {
	c := a.cross(b)
	l := c.norm()
	if l < 1e-15 {
		return arc{a: a, b: b, degenerate: true}
	}
	n := c.scale(1 / l)
	return arc{a: a, b: b, n: n, ta: n.cross(a), tb: b.cross(n)}
}

// nearer returns the square of the angle from p to the nearest of arcs,
// and whether that angle is at most lim, given as lim², sin lim and
// cos lim (lim < π/4). It works on squared angles from dot products alone
// (asin2, chordAsin2: no square root, no arcsine) and rejects most far
// points with one dot product per arc, as no point of an arc is nearer to
// p than the arc's great circle, at asin(|p·n|).
func nearer(arcs []arc, p vec3, lim2, sinLim, cosLim float64) (float64, bool) {
	best, ok := lim2, false
	sin2 := sinLim * sinLim
	for i := range arcs {
		r := &arcs[i]
		if !r.degenerate {
			s := p.x*r.n.x + p.y*r.n.y + p.z*r.n.z
			s2 := s * s
			if s2 > sin2 {
				continue
			}
			if p.dot(r.ta) >= 0 && p.dot(r.tb) >= 0 {
				if t := asin2(s2); t <= best {
					best, ok = t, true
				}
				continue
			}
		}
		// Beyond an end: the nearer end, if it can be within lim (the
		// slack covers rounding in the dot products).
		c := max(p.dot(r.a), p.dot(r.b))
		if c >= cosLim-1e-12 {
			if t := chordAsin2(1 - c); t <= best {
				best, ok = t, true
			}
		}
	}
	return best, ok
}
