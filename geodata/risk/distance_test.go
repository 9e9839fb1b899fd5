package risk

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// kmPerDeg is one degree of a great circle on the analysis sphere.
const kmPerDeg = EarthRadiusKm * math.Pi / 180

// haversineKm is orb's haversine distance rescaled from orb's equatorial
// radius to the analysis sphere: an independent implementation.
func haversineKm(a, b orb.Point) float64 {
	return geo.DistanceHaversine(a, b) / 1000 * EarthRadiusKm / (orb.EarthRadius / 1000)
}

func deg(d float64) float64 { return d * math.Pi / 180 }

// TestAngleMatchesHaversine checks angle, with which the segmentation
// measures along the routes, against orb's haversine distance.
func TestAngleMatchesHaversine(t *testing.T) {
	tests := []struct {
		name string
		a, b orb.Point
		want float64
	}{
		{"one degree along the equator", orb.Point{0, 0}, orb.Point{1, 0}, kmPerDeg},
		{"one degree along a meridian", orb.Point{30, 10}, orb.Point{30, 11}, kmPerDeg},
		{"across the antimeridian", orb.Point{179.5, 0}, orb.Point{-179.5, 0}, kmPerDeg},
		{"over the pole", orb.Point{0, 89}, orb.Point{180, 89}, 2 * kmPerDeg},
		{"same point", orb.Point{12.5, 33}, orb.Point{12.5, 33}, 0},
		{"antipodes", orb.Point{0, 0}, orb.Point{180, 0}, 180 * kmPerDeg},
		{"Tripoli to Lampedusa", orb.Point{13.18, 32.89}, orb.Point{12.6, 35.5}, haversineKm(orb.Point{13.18, 32.89}, orb.Point{12.6, 35.5})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := angle(unit(tt.a), unit(tt.b)) * EarthRadiusKm
			if math.Abs(got-tt.want) > 1e-6 {
				t.Errorf("angle = %.9f km, want %.9f", got, tt.want)
			}
			if h := haversineKm(tt.a, tt.b); math.Abs(got-h) > 1e-6 {
				t.Errorf("angle = %.9f km, haversine %.9f", got, h)
			}
		})
	}
}

// angleTo is the reference distance in radians from the unit vector p to
// the nearest point of the arc, from math.Asin: the cross-track angle
// asin(|p·n|) when p projects onto the arc, else the angle to the nearer
// end, 2·asin(c/2) for the chord c. The analysis computes the same
// distance from dot products (nearer); the tests check one against the
// other, and the brute-force cross-check measures with this one.
func (r *arc) angleTo(p vec3) float64 {
	if !r.degenerate && p.dot(r.ta) >= 0 && p.dot(r.tb) >= 0 {
		return math.Asin(math.Min(math.Abs(p.dot(r.n)), 1))
	}
	da, db := p.sub(r.a), p.sub(r.b)
	c2 := math.Min(da.dot(da), db.dot(db))
	return 2 * math.Asin(math.Min(math.Sqrt(c2)/2, 1))
}

// arcKm is the reference distance in kilometres from p to the nearest
// point of the great-circle arc from a to b (longitude/latitude in
// degrees; the arc runs the shorter way round).
func arcKm(p, a, b orb.Point) float64 {
	r := newArc(unit(a), unit(b))
	return r.angleTo(unit(p)) * EarthRadiusKm
}

// nearerLimitKm is the search limit of nearerKm: nearer needs one below a
// quarter of a great circle.
const nearerLimitKm = 5000

// nearerKm measures from p to the arc from a to b as the analysis does,
// through nearer; ok is false when the arc is farther than nearerLimitKm.
func nearerKm(p, a, b orb.Point) (km float64, ok bool) {
	lim := nearerLimitKm / EarthRadiusKm
	theta2, ok := nearer([]arc{newArc(unit(a), unit(b))}, unit(p), lim*lim, math.Sin(lim), math.Cos(lim))
	return math.Sqrt(theta2) * EarthRadiusKm, ok
}

// TestPointToArc checks the point-to-arc distance of the analysis (nearer)
// and the reference (arcKm) on cases with known answers.
func TestPointToArc(t *testing.T) {
	tests := []struct {
		name    string
		p, a, b orb.Point
		want    float64 // km
	}{
		// Beside the arc: the cross-track distance. From the equator to
		// latitude φ it is φ itself.
		{"beside, north of the equator", orb.Point{5, 1}, orb.Point{0, 0}, orb.Point{10, 0}, kmPerDeg},
		{"beside, south of the equator", orb.Point{5, -1}, orb.Point{0, 0}, orb.Point{10, 0}, kmPerDeg},
		// From a meridian (normal (0,1,0)) to lon λ, lat φ: asin(cos φ sin λ).
		{"beside a meridian", orb.Point{1, 5}, orb.Point{0, 0}, orb.Point{0, 10},
			math.Asin(math.Cos(deg(5))*math.Sin(deg(1))) * EarthRadiusKm},
		// Beyond an end: the distance to that end, cos d = cos Δφ cos Δλ
		// from a point on the equator.
		{"beyond the east end", orb.Point{12, 0}, orb.Point{0, 0}, orb.Point{10, 0}, 2 * kmPerDeg},
		{"beyond the west end, off the line", orb.Point{-3, 4}, orb.Point{0, 0}, orb.Point{10, 0},
			math.Acos(math.Cos(deg(4))*math.Cos(deg(3))) * EarthRadiusKm},
		{"on the arc", orb.Point{3, 0}, orb.Point{0, 0}, orb.Point{10, 0}, 0},
		{"at an end", orb.Point{10, 0}, orb.Point{0, 0}, orb.Point{10, 0}, 0},
		// The arc from 179°E to 179°W is 2° long, across the antimeridian.
		{"antimeridian, beside", orb.Point{180, 0.5}, orb.Point{179, 0}, orb.Point{-179, 0}, 0.5 * kmPerDeg},
		{"antimeridian, on it", orb.Point{-180, 0}, orb.Point{179, 0}, orb.Point{-179, 0}, 0},
		{"antimeridian, beyond the end", orb.Point{-178, 0}, orb.Point{179, 0}, orb.Point{-179, 0}, kmPerDeg},
		{"antimeridian, far side of the world", orb.Point{0, 0}, orb.Point{179, 0}, orb.Point{-179, 0}, 179 * kmPerDeg},
		// From (0°, 89°N) to (180°, 89°N) the arc runs over the pole, in the
		// plane of the prime meridian: lon 90°, lat φ lies cos φ from it.
		{"near the pole, beside", orb.Point{90, 89.5}, orb.Point{0, 89}, orb.Point{180, 89}, 0.5 * kmPerDeg},
		{"near the pole, foot at the pole", orb.Point{90, 89}, orb.Point{0, 89}, orb.Point{180, 89}, kmPerDeg},
		{"near the pole, beyond an end", orb.Point{0, 87}, orb.Point{0, 89}, orb.Point{180, 89}, 2 * kmPerDeg},
		{"arc of no length", orb.Point{1, 0}, orb.Point{0, 0}, orb.Point{0, 0}, kmPerDeg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref := arcKm(tt.p, tt.a, tt.b)
			if math.Abs(ref-tt.want) > 1e-6 {
				t.Errorf("reference = %.9f km, want %.9f", ref, tt.want)
			}
			if dense := denseArcKm(tt.p, tt.a, tt.b); ref > dense+1e-6 || dense-ref > 0.05 {
				t.Errorf("reference = %.6f km, densified arc gives %.6f", ref, dense)
			}
			got, ok := nearerKm(tt.p, tt.a, tt.b)
			switch {
			case tt.want > nearerLimitKm:
				if ok {
					t.Errorf("nearer found the arc %.3f km away within %d km", got, nearerLimitKm)
				}
			case !ok:
				t.Errorf("nearer did not find the arc %.3f km away within %d km", tt.want, nearerLimitKm)
			case math.Abs(got-tt.want) > 1e-6:
				t.Errorf("nearer = %.9f km, want %.9f", got, tt.want)
			}
		})
	}
}

// denseArcKm measures from p to 20,001 points along the arc with orb's
// haversine: an upper bound within a few metres of the true distance.
func denseArcKm(p, a, b orb.Point) float64 {
	va, vb := unit(a), unit(b)
	theta := angle(va, vb)
	best := math.Inf(1)
	const n = 20000
	for i := 0; i <= n; i++ {
		q := slerp(va, vb, theta, float64(i)/n).lonLat()
		best = math.Min(best, haversineKm(p, q))
	}
	return best
}

func TestPointToArcAgainstDensifiedArc(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 200; i++ {
		a := orb.Point{rng.Float64()*360 - 180, rng.Float64()*170 - 85}
		// b within about 3° of a, sometimes across the antimeridian.
		b := orb.Point{a[0] + rng.Float64()*6 - 3, math.Max(-89, math.Min(89, a[1]+rng.Float64()*6-3))}
		if b[0] > 180 {
			b[0] -= 360
		} else if b[0] < -180 {
			b[0] += 360
		}
		p := orb.Point{a[0] + rng.Float64()*8 - 4, math.Max(-90, math.Min(90, a[1]+rng.Float64()*8-4))}
		p[0] = math.Mod(p[0]+540, 360) - 180
		got, ok := nearerKm(p, a, b)
		if !ok {
			t.Fatalf("p %v, arc %v–%v: nearer did not find the arc within %d km", p, a, b, nearerLimitKm)
		}
		dense := denseArcKm(p, a, b)
		if got > dense+1e-6 || dense-got > 0.01 {
			t.Fatalf("p %v, arc %v–%v: %.6f km, densified %.6f", p, a, b, got, dense)
		}
	}
}

// polylineAngle returns the angular distance from p to the nearest of
// arcs, by the reference angleTo.
func polylineAngle(arcs []arc, p vec3) float64 {
	best := math.Inf(1)
	for i := range arcs {
		if d := arcs[i].angleTo(p); d < best {
			best = d
		}
	}
	return best
}

// The analysis works on squared angles from dot products; they must agree
// with the reference (math.Asin, math.Atan2) to well under a millimetre.
func TestNearerAgreesWithReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 20000; i++ {
		lat := rng.Float64()*170 - 85
		lon := rng.Float64()*360 - 180
		pts := []orb.Point{{lon, lat}}
		for j := 0; j < 1+rng.IntN(3); j++ {
			last := pts[len(pts)-1]
			pts = append(pts, orb.Point{last[0] + rng.Float64()*0.4 - 0.2, math.Max(-89.9, math.Min(89.9, last[1]+rng.Float64()*0.4-0.2))})
		}
		var arcs []arc
		for j := 1; j < len(pts); j++ {
			arcs = append(arcs, newArc(unit(pts[j-1]), unit(pts[j])))
		}
		p := unit(orb.Point{lon + rng.Float64()*1.2 - 0.6, math.Max(-90, math.Min(90, lat+rng.Float64()*1.2-0.6))})
		want := polylineAngle(arcs, p)
		lim := (1 + rng.Float64()*199) / EarthRadiusKm
		got2, ok := nearer(arcs, p, lim*lim, math.Sin(lim), math.Cos(lim))
		switch {
		case ok && math.Abs(math.Sqrt(got2)-want)*EarthRadiusKm > 1e-6:
			t.Fatalf("case %d: nearer %.9f km, reference %.9f km", i, math.Sqrt(got2)*EarthRadiusKm, want*EarthRadiusKm)
		case ok != (want <= lim) && math.Abs(want-lim)*EarthRadiusKm > 1e-6:
			t.Fatalf("case %d: within %.3f km = %v, reference distance %.9f km", i, lim*EarthRadiusKm, ok, want*EarthRadiusKm)
		}
	}
}

func TestSeriesMatchMath(t *testing.T) {
	for _, x := range []float64{0, 1e-9, 1e-4, 0.001, 0.01, 0.03, 0.0499, 0.05, 0.2, 0.9, 1} {
		want := math.Asin(math.Sqrt(x)) * math.Asin(math.Sqrt(x))
		if got := asin2(x); math.Abs(got-want) > 1e-14*want {
			t.Errorf("asin2(%g) = %.17g, want %.17g", x, got, want)
		}
	}
}
