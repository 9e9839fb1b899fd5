package spatial

import (
	"math"
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
	tree     rtree.RTreeGN[float64, int32]
	times    []int64 // unix seconds of each feature's time property, or noTime
	points   []bool  // whether a feature is a point (its bound is exact)
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
		b := f.Geometry.Bound()
		ix.tree.Insert([2]float64(b.Min), [2]float64(b.Max), int32(i))
	}
	return ix
}

// Len returns the number of indexed features.
func (ix *Index) Len() int { return len(ix.features) }

// Features returns every indexed feature in layer order; callers must not
// modify the slice or the features.
func (ix *Index) Features() []*geojson.Feature { return ix.features }

// Feature returns the i-th feature in layer order.
func (ix *Index) Feature(i int) *geojson.Feature { return ix.features[i] }

// Search returns, in layer order, the positions of the features that
// intersect q.BBox, fall within q.Time and pass q's attribute filters.
// Limit and Offset are not applied.
func (ix *Index) Search(q geodata.Query) []int {
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
	var out []int
	if q.BBox == nil {
		for i := range ix.features {
			if keep(i) {
				out = append(out, i)
			}
		}
		return out
	}
	// A box across the antimeridian is searched as its two parts.
	parts := geodata.BoundParts(*q.BBox)
	for _, b := range parts {
		ix.tree.Search([2]float64(b.Min), [2]float64(b.Max), func(_, _ [2]float64, data int32) bool {
			i := int(data)
			if keep(i) && (ix.points[i] || intersects(b, ix.features[i].Geometry)) {
				out = append(out, i)
			}
			return true
		})
	}
	slices.Sort(out)
	if len(parts) > 1 {
		out = slices.Compact(out) // a feature on both sides is found twice
	}
	return out
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
