package spatial

import (
	"math"
	"math/bits"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/geojson"
	"github.com/tidwall/rtree"

	"github.com/routerisk/routerisk/geodata"
)

// noTime marks a feature without a usable date.
const noTime = math.MinInt64

// Index answers feature queries over one layer version.
type Index struct {
	features []*geojson.Feature
	// tree holds each feature's bound in float32, rounded outwards: half
	// the memory of float64 boxes, and every feature a box touches is
	// found; the exact test against the geometry comes after.
	tree   rtree.RTreeGN[float32, int32]
	times  []int64 // unix seconds of each feature's time property, or noTime
	points []bool  // whether a feature is a point
	// rank is each feature's place in the layer's spatial order, byRank
	// the feature at each place (see Rank).
	rank, byRank []int32
}

// box returns b as float32 corners rounded outwards, so it holds b.
func box(b orb.Bound) (lo, hi [2]float32) {
	for k := range 2 {
		lo[k] = down(b.Min[k])
		hi[k] = up(b.Max[k])
	}
	return lo, hi
}

// down returns the largest float32 not above v; up the smallest not below.
func down(v float64) float32 {
	f := float32(v)
	if float64(f) > v {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return f
}

func up(v float64) float32 {
	f := float32(v)
	if float64(f) < v {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return f
}

// New indexes features; timeProperty names the date property ("" for none).
// Features without geometry are kept for attribute queries but never match
// a bounding box.
func New(features []*geojson.Feature, timeProperty string) *Index {
	ix := &Index{
		features: features,
		times:    make([]int64, len(features)),
		points:   make([]bool, len(features)),
	}
	for i, f := range features {
		ix.times[i] = noTime
		if timeProperty != "" {
			if t, ok := geodata.ParseDate(f.Properties[timeProperty]); ok {
				ix.times[i] = t.Unix()
			}
		}
		if f.Geometry == nil {
			continue
		}
		_, ix.points[i] = f.Geometry.(orb.Point)
		lo, hi := box(f.Geometry.Bound())
		ix.tree.Insert(lo, hi, int32(i))
	}
	ix.rank, ix.byRank = spatialOrder(features)
	return ix
}

// spatialOrder ranks features along a Hilbert curve through the centres
// of their bounds (features without geometry last, in layer order): rank
// gives each feature's place, byRank the feature at each place.
func spatialOrder(features []*geojson.Feature) (rank, byRank []int32) {
	keys := make([]uint64, len(features))
	byRank = make([]int32, len(features))
	for i, f := range features {
		byRank[i] = int32(i)
		keys[i] = math.MaxUint64
		if f.Geometry != nil {
			c := f.Geometry.Bound().Center()
			keys[i] = hilbert(cellOf(c[0], -180, 360), cellOf(c[1], -90, 180))
		}
	}
	slices.SortStableFunc(byRank, func(a, b int32) int {
		switch {
		case keys[a] < keys[b]:
			return -1
		case keys[a] > keys[b]:
			return 1
		}
		return 0
	})
	rank = make([]int32, len(features))
	for r, i := range byRank {
		rank[i] = int32(r)
	}
	return rank, byRank
}

// hilbertOrder is the order of the Hilbert curve of spatialOrder: a grid
// of 2^20 cells a side, about 40 m at the equator.
const hilbertOrder = 20

// cellOf returns the grid column (or row) of coordinate v on an axis
// from lo spanning span degrees, clamped to the grid.
func cellOf(v, lo, span float64) uint32 {
	c := (v - lo) / span * (1 << hilbertOrder)
	if !(c > 0) { // below, or NaN
		return 0
	}
	return uint32(min(c, 1<<hilbertOrder-1))
}

// hilbert returns the distance along the Hilbert curve of the grid cell
// (x, y).
func hilbert(x, y uint32) uint64 {
	var d uint64
	for s := uint32(1) << (hilbertOrder - 1); s > 0; s /= 2 {
		var rx, ry uint32
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		if ry == 0 { // rotate the quadrant
			if rx == 1 {
				x, y = s-1-x, s-1-y
			}
			x, y = y, x
		}
	}
	return d
}

// Len returns the number of indexed features.
func (ix *Index) Len() int { return len(ix.features) }

// Features returns every indexed feature in layer order; callers must not
// modify the slice or the features.
func (ix *Index) Features() []*geojson.Feature { return ix.features }

// Feature returns the i-th feature in layer order.
func (ix *Index) Feature(i int) *geojson.Feature { return ix.features[i] }

// Rank returns the place of feature i in the layer's spatial order: the
// features sorted along a Hilbert curve through the centres of their
// bounds, features without geometry last. Features near each other in
// that order lie near each other on the map, so a box holds long runs of
// consecutive ranks.
func (ix *Index) Rank(i int) int { return int(ix.rank[i]) }

// AtRank returns the feature at place r of the spatial order (Rank).
func (ix *Index) AtRank(r int) int { return int(ix.byRank[r]) }

// Search returns the positions of the features that intersect q.BBox,
// fall within q.Time and pass q's attribute filters: in layer order
// without a box, in spatial order (Rank) with one, so that a page of a
// box's features covers one compact part of it. Limit and Offset are not
// applied.
func (ix *Index) Search(q geodata.Query) []int { return ix.SearchAppend(nil, q) }

// SearchAppend is Search appending to dst (emptied first), so that a
// caller searching often can reuse one slice.
func (ix *Index) SearchAppend(dst []int, q geodata.Query) []int {
	filtered := q.Time != nil || len(q.Filters) > 0
	keep := func(i int) bool {
		if q.Time != nil {
			t := ix.times[i]
			if t == noTime {
				return false
			}
			if !q.Time.Start.IsZero() && t < q.Time.Start.Unix() {
				return false
			}
			if !q.Time.End.IsZero() && t > q.Time.End.Unix() {
				return false
			}
		}
		return q.MatchesFilters(ix.features[i])
	}
	out := dst[:0]
	if q.BBox == nil {
		for i := range ix.features {
			if !filtered || keep(i) {
				out = append(out, i)
			}
		}
		return out
	}
	// A box across the antimeridian is searched as its two parts.
	parts := geodata.BoundParts(*q.BBox)
	for _, b := range parts {
		lo, hi := box(b)
		// A point whose rounded box lies within inLo–inHi (b rounded
		// inwards) is inside b; only those near its edges need their exact
		// coordinates.
		inLo, inHi := [2]float32{up(b.Min[0]), up(b.Min[1])}, [2]float32{down(b.Max[0]), down(b.Max[1])}
		ix.tree.Search(lo, hi, func(min, max [2]float32, data int32) bool {
			i := int(data)
			if filtered && !keep(i) {
				return true
			}
			inside := ix.points[i] && min[0] >= inLo[0] && min[1] >= inLo[1] && max[0] <= inHi[0] && max[1] <= inHi[1]
			if inside || touches(b, ix.features[i].Geometry, ix.points[i]) {
				out = append(out, i)
			}
			return true
		})
	}
	for k, i := range out {
		out[k] = int(ix.rank[i])
	}
	out = inOrder(out, len(ix.features))
	for k, r := range out {
		out[k] = int(ix.byRank[r])
	}
	return out
}

// inOrder sorts the ranks found (below n) and drops repeats (a feature on
// both sides of the antimeridian is found twice). Many ranks are put in
// order through a bitmap of the layer, one pass over n/64 words, faster
// than sorting them; few are sorted.
func inOrder(found []int, n int) []int {
	if len(found) < 64 || len(found) < n/512 {
		slices.Sort(found)
		return slices.Compact(found)
	}
	set := make([]uint64, (n+63)/64)
	for _, i := range found {
		set[i>>6] |= 1 << (i & 63)
	}
	found = found[:0]
	for w, word := range set {
		for word != 0 {
			found = append(found, w<<6|bits.TrailingZeros64(word))
			word &= word - 1
		}
	}
	return found
}

// touches reports whether g, a point when point is true, touches b.
func touches(b orb.Bound, g orb.Geometry, point bool) bool {
	if point {
		return b.Contains(g.(orb.Point))
	}
	return b.Intersects(g.Bound()) && intersects(b, g)
}

// intersects reports whether g touches b, beyond their bounds overlapping.
func intersects(b orb.Bound, g orb.Geometry) bool {
	if b.Contains(g.Bound().Min) && b.Contains(g.Bound().Max) {
		return true
	}
	c := clip.Geometry(b, orb.Clone(g))
	if c == nil {
		return false
	}
	return !isEmpty(c)
}

func isEmpty(g orb.Geometry) bool {
	switch x := g.(type) {
	case orb.MultiPoint:
		return len(x) == 0
	case orb.LineString:
		return len(x) == 0
	case orb.MultiLineString:
		return len(x) == 0
	case orb.Ring:
		return len(x) == 0
	case orb.Polygon:
		return len(x) == 0
	case orb.MultiPolygon:
		return len(x) == 0
	case orb.Collection:
		for _, c := range x {
			if !isEmpty(c) {
				return false
			}
		}
		return true
	}
	return false
}
