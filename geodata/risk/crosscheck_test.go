package risk

import (
	"flag"
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// A brute-force computation, pair by pair, of what Analyse computes with
// its index: every segment against every feature, distances by
// arcKm (math.Asin, not the squared-angle series of nearer),
// properties read afresh from the features.

// nearBox is a plain longitude/latitude prefilter: the segment's vertex
// box grown by km (and by 0.01° for the bulge of its arcs).
type nearBox struct {
	b          orb.Bound
	dlat, dlon float64
	all        bool // near a pole or wider than half the world: no prefilter
}

func newNearBox(geom orb.LineString, km float64) nearBox {
	n := nearBox{b: geom.Bound(), dlat: km/kmPerDeg + 0.01}
	maxLat := math.Max(math.Abs(n.b.Min[1]), math.Abs(n.b.Max[1])) + n.dlat
	n.all = maxLat >= 89 || n.b.Max[0]-n.b.Min[0] > 180
	if !n.all {
		n.dlon = n.dlat / math.Cos(maxLat*math.Pi/180)
	}
	return n
}

// may reports whether p may lie within km of the segment.
func (n nearBox) may(p orb.Point) bool {
	if p[1] < n.b.Min[1]-n.dlat || p[1] > n.b.Max[1]+n.dlat {
		return false
	}
	if n.all {
		return true
	}
	lo, hi := n.b.Min[0]-n.dlon, n.b.Max[0]+n.dlon
	return (p[0] >= lo && p[0] <= hi) || (p[0]+360 >= lo && p[0]+360 <= hi) || (p[0]-360 >= lo && p[0]-360 <= hi)
}

func segmentKm(geom orb.LineString, p orb.Point) float64 {
	best := math.Inf(1)
	for i := 1; i < len(geom); i++ {
		best = math.Min(best, arcKm(p, geom[i-1], geom[i]))
	}
	return best
}

type bruteSegment struct {
	incidents     int
	dead, missing float64
	risk          float64
	boundary      int // incidents within a millimetre of the radius
}

func bruteForce(segs []Segment, incidents []*geojson.Feature, p Params) []bruteSegment {
	ref := p.ReferenceDate
	var oldest time.Time
	for _, f := range incidents {
		if t, ok := geodata.ParseDate(f.Properties["date"]); ok && (oldest.IsZero() || t.Before(oldest)) {
			if _, isPoint := f.Geometry.(orb.Point); isPoint {
				oldest = t
			}
		}
	}
	type point struct {
		p orb.Point
		f *geojson.Feature
	}
	var points []point
	for _, f := range incidents {
		if pt, ok := f.Geometry.(orb.Point); ok {
			points = append(points, point{pt, f})
		}
	}
	out := make([]bruteSegment, len(segs))
	for i, s := range segs {
		var sum float64
		// The segment's own radius: radius_km, or its route's
		// sea_radius_km where it runs at sea.
		radius := s.RadiusKm
		wide := max(radius, p.ApproxRadiusKm)
		box := newNearBox(s.Geometry, wide)
		for _, ip := range points {
			pt, f := ip.p, ip.f
			if !box.may(pt) {
				continue
			}
			// An approximate incident is spread over the wider radius,
			// its weight scaled by radius / wider radius.
			r, scale := radius, 1.0
			if Approximate(f.Properties["geo_precision"]) {
				r, scale = wide, radius/wide
			}
			d := segmentKm(s.Geometry, pt)
			if d > r+1e-6 {
				continue
			}
			if math.Abs(d-r) <= 1e-6 {
				out[i].boundary++
				continue
			}
			t, dated := geodata.ParseDate(f.Properties["date"])
			if dated && t.After(ref) {
				continue
			}
			var age float64
			if dated {
				age = ref.Sub(t).Hours() / 24
			} else {
				age = ref.Sub(oldest).Hours() / 24
			}
			dead, missing := geodata.Count(f.Properties["dead"]), geodata.Count(f.Properties["missing"])
			severity := dead + missing
			if severity == 0 {
				severity = p.NonFatalWeight
			}
			severity = math.Min(severity, p.SeverityCap)
			quality := 1.0
			if q := geodata.Count(f.Properties["source_quality"]); q >= 1 && q <= 5 {
				quality = p.QualityFloor + (1-p.QualityFloor)*(q-1)/4
			}
			u := d / r
			sum += severity * quality * scale * math.Exp(-math.Ln2*age/p.HalfLifeDays) * (1 - u*u) * (1 - u*u)
			out[i].incidents++
			out[i].dead += dead
			out[i].missing += missing
		}
		out[i].risk = sum * 100 / s.LengthKm()
	}
	return out
}

// fullCheck runs the brute-force comparisons over every bundled route
// rather than a few busy ones (about 30 s instead of 5).
var fullCheck = flag.Bool("risk.full", false, "compare every bundled route with the brute-force computation")

// checkedRoutes are the routes the brute-force comparisons cover without
// -risk.full: the busiest corridors by sea and land, where the services are.
func checkedRoutes() []string {
	if *fullCheck {
		return nil
	}
	return []string{"Central Mediterranean", "Sahara Desert crossing", "US-Mexico border crossing", "Western Balkans"}
}

// TestAnalyseMatchesBruteForce compares segments of the bundled routes
// with the brute-force computation: equal counts, and risk equal to 10⁻⁶
// relative (the two compute distances differently, agreeing to well under
// a millimetre, which an incident near the radius, whose kernel weight is
// tiny, turns into a larger relative difference of its weight); incidents
// within a millimetre of the radius may count in either.
func TestAnalyseMatchesBruteForce(t *testing.T) {
	l := sampleLayers(t)
	a := NewAnalyser(l.routes, l.incidents, l.services)
	p := DefaultParams(sampleDate)
	p.Routes = checkedRoutes()
	res, err := a.Analyse(p)
	if err != nil {
		t.Fatal(err)
	}
	want := bruteForce(res.Segments, l.incidents, p)
	pairs, boundary, maxRel := 0, 0, 0.0
	for i, s := range res.Segments {
		w := want[i]
		pairs += w.incidents
		boundary += w.boundary
		if w.boundary > 0 {
			if s.Incidents < w.incidents || s.Incidents > w.incidents+w.boundary {
				t.Errorf("segment %s: %d incidents, brute force %d (+%d at the radius)", s.ID(), s.Incidents, w.incidents, w.boundary)
			}
			continue
		}
		if s.Incidents != w.incidents || s.Dead != w.dead || s.Missing != w.missing {
			t.Errorf("segment %s: %d incidents, %g dead, %g missing; brute force %d, %g, %g", s.ID(), s.Incidents, s.Dead, s.Missing, w.incidents, w.dead, w.missing)
		}
		if rel := math.Abs(s.Risk-w.risk) / math.Max(w.risk, 1e-300); w.risk > 0 && rel > maxRel {
			maxRel = rel
		}
	}
	if maxRel > 1e-6 {
		t.Errorf("risk differs from the brute force by up to %.3g relative", maxRel)
	}
	t.Logf("%d segments, %d (segment, incident) pairs, %d at the radius; risk agrees to %.2g relative", len(res.Segments), pairs, boundary, maxRel)
}

// TestNearestMatchesBruteForce checks the pruned, seeded nearest-service
// search against every current service, for every bundled segment inside
// the computed coverage; a segment with a service within 100 km is always
// inside it.
func TestNearestMatchesBruteForce(t *testing.T) {
	l := sampleLayers(t)
	a := NewAnalyser(l.routes, nil, l.services)
	for _, p := range []Params{DefaultParams(sampleDate), func() Params {
		p := DefaultParams(sampleDate)
		p.ReachKm, p.StaleYears, p.SegmentKm = 10, 7, 25
		return p
	}()} {
		p.Routes = checkedRoutes()
		res, err := a.Analyse(p)
		if err != nil {
			t.Fatal(err)
		}
		cutoff := p.ReferenceDate.AddDate(-p.StaleYears, 0, 0)
		var current []orb.Point
		for _, f := range l.services {
			if !p.rule("health").counts(subtypeOf(f.Properties)) {
				continue
			}
			if v, ok := geodata.ParseDate(f.Properties["last_verified"]); ok && !v.Before(cutoff) {
				current = append(current, f.Geometry.(orb.Point))
			}
		}
		limit := NearestSearchFactor * p.ReachKm
		found, gaps := 0, 0
		for _, s := range res.Segments {
			best := math.Inf(1)
			from := s.Geometry
			if s.HasLanding { // at sea: measured from the landing place
				from = orb.LineString{s.LandingAt, s.LandingAt}
			}
			box := newNearBox(from, limit)
			for _, pt := range current {
				if box.may(pt) {
					best = math.Min(best, segmentKm(from, pt))
				}
			}
			c := s.Coverage[0]
			if c.Status == NoData {
				if best <= 100 {
					t.Fatalf("segment %s: no_data with a service %.1f km away", s.ID(), best)
				}
				continue
			}
			switch {
			case best <= limit-1e-6 && (!c.HasNearest || math.Abs(c.NearestKm-best) > 1e-6):
				t.Fatalf("segment %s: nearest %+v, brute force %.6f km", s.ID(), c, best)
			case best > limit+1e-6 && c.HasNearest:
				t.Fatalf("segment %s: nearest %+v, brute force none within %g km", s.ID(), c, limit)
			case (c.Status == Covered) != (best <= p.ReachKm) && math.Abs(best-p.ReachKm) > 1e-6:
				t.Fatalf("segment %s: status %s, nearest %.6f km, reach %g km", s.ID(), c.Status, best, p.ReachKm)
			}
			if c.HasNearest {
				found++
			}
			if c.Status == Gap {
				gaps++
			}
		}
		t.Logf("reach %g km: %d segments, %d with a health service within %g km, %d gaps", p.ReachKm, len(res.Segments), found, limit, gaps)
	}
}
