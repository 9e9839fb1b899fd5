package spatial

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// synthetic returns n points and a few lines with dates and routes, seeded.
func synthetic(n int, seed uint64) []*geojson.Feature {
	r := rand.New(rand.NewPCG(seed, 1))
	routes := []string{"Central Mediterranean", "Darien", "Sahara Desert crossing"}
	var out []*geojson.Feature
	for i := range n {
		f := geojson.NewFeature(orb.Point{r.Float64()*360 - 180, r.Float64()*180 - 90})
		f.ID = fmt.Sprint(i)
		f.Properties = geojson.Properties{"route": routes[i%len(routes)]}
		if i%10 != 0 { // every tenth feature has no date
			f.Properties["date"] = time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(4000)).Format(time.DateOnly)
		}
		out = append(out, f)
	}
	// A diagonal line whose bound covers a box it does not touch.
	diag := geojson.NewFeature(orb.LineString{{0, 0}, {10, 10}})
	diag.ID = "diag"
	out = append(out, diag, geojson.NewFeature(nil))
	return out
}

// brute answers a query by looking at every feature, in layer order;
// Search's order with a box is checked apart (bySpatialOrder).
func brute(fs []*geojson.Feature, q geodata.Query) []int {
	var out []int
	for i, f := range fs {
		if q.Time != nil {
			t, ok := geodata.ParseDate(f.Properties["date"])
			if !ok || !q.Time.Contains(t) {
				continue
			}
		}
		if !q.MatchesFilters(f) {
			continue
		}
		if q.BBox != nil {
			if f.Geometry == nil {
				continue
			}
			if p, isPoint := f.Geometry.(orb.Point); isPoint {
				if !q.BBox.Contains(p) {
					continue
				}
			} else if !intersects(*q.BBox, f.Geometry) {
				continue
			}
		}
		out = append(out, i)
	}
	return out
}

func TestSearchMatchesBruteForce(t *testing.T) {
	fs := synthetic(5000, 7)
	ix := New(fs, "date")
	r := rand.New(rand.NewPCG(3, 4))
	var reused []int // SearchAppend's slice, holding the previous answer
	for i := range 200 {
		var q geodata.Query
		if i%3 != 0 {
			lon, lat := r.Float64()*340-170, r.Float64()*160-80
			q.BBox = &orb.Bound{Min: orb.Point{lon, lat}, Max: orb.Point{lon + r.Float64()*40, lat + r.Float64()*20}}
		}
		if i%2 == 0 {
			start := time.Date(2014+r.IntN(10), 1, 1, 0, 0, 0, 0, time.UTC)
			q.Time = &geodata.Interval{Start: start, End: start.AddDate(1, 0, 0)}
		}
		if i%5 == 0 {
			q.Filters = []geodata.Filter{{Param: "route", Property: "route", Values: []string{"Darien"}}}
		}
		got, want := ix.Search(q), brute(fs, q)
		if q.BBox != nil {
			want = bySpatialOrder(ix, want)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("query %d (%+v): index found %d features, brute force %d", i, q, len(got), len(want))
		}
		if reused = ix.SearchAppend(reused, q); !slices.Equal(reused, want) {
			t.Fatalf("query %d: SearchAppend over the previous answer found %d features, want %d", i, len(reused), len(want))
		}
	}
}

func TestSearchLineBoundIsNotEnough(t *testing.T) {
	fs := synthetic(0, 1)
	ix := New(fs, "")
	off := orb.Bound{Min: orb.Point{6, 1}, Max: orb.Point{9, 3}} // inside the diagonal's bound, off the line
	if got := ix.Search(geodata.Query{BBox: &off}); len(got) != 0 {
		t.Errorf("a box beside the line matched it: %v", got)
	}
	on := orb.Bound{Min: orb.Point{4, 4}, Max: orb.Point{6, 6}}
	if got := ix.Search(geodata.Query{BBox: &on}); len(got) != 1 {
		t.Errorf("a box on the line found %v", got)
	}
}

func TestSearchEmptyIndex(t *testing.T) {
	ix := New(nil, "date")
	b := orb.Bound{Max: orb.Point{1, 1}}
	if got := ix.Search(geodata.Query{BBox: &b, Time: &geodata.Interval{Start: time.Now()}}); len(got) != 0 {
		t.Errorf("empty index found %v", got)
	}
}

func BenchmarkSearchBBox(b *testing.B) {
	fs := synthetic(18000, 9)
	ix := New(fs, "date")
	box := orb.Bound{Min: orb.Point{-20, 20}, Max: orb.Point{40, 50}} // roughly the Mediterranean
	b.ReportAllocs()
	for b.Loop() {
		_ = ix.Search(geodata.Query{BBox: &box})
	}
}

// BenchmarkNew builds the index of 200k points and reports what it keeps
// per feature (the heap it holds after a collection, features excluded).
func BenchmarkNew(b *testing.B) {
	fs := synthetic(200000, 9)
	var ix *Index
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for b.Loop() {
		ix = New(fs, "date")
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(len(fs)), "index-B/feature")
	runtime.KeepAlive(ix)
}

func BenchmarkSearchScan(b *testing.B) {
	fs := synthetic(18000, 9)
	box := orb.Bound{Min: orb.Point{-20, 20}, Max: orb.Point{40, 50}}
	b.ReportAllocs()
	for b.Loop() {
		_ = brute(fs, geodata.Query{BBox: &box})
	}
}

// TestSearchAcrossTheAntimeridian: a box from 170° to -170° finds the
// features on both sides of ±180° once each, and none in between.
func TestSearchAcrossTheAntimeridian(t *testing.T) {
	pts := []orb.Point{{175, 0}, {-175, 1}, {0, 0}, {179.9, -9}, {-160, 0}}
	var fs []*geojson.Feature
	for _, p := range pts {
		fs = append(fs, geojson.NewFeature(p))
	}
	fs = append(fs, geojson.NewFeature(orb.LineString{{-179, 5}, {179, 5}})) // drawn across the map, touching both parts
	ix := New(fs, "")
	box, err := geodata.ParseBBox("170,-10,-170,10")
	if err != nil {
		t.Fatal(err)
	}
	got := ix.Search(geodata.Query{BBox: box})
	if want := bySpatialOrder(ix, []int{0, 1, 3, 5}); !slices.Equal(got, want) {
		t.Errorf("across the antimeridian: %v, want %v", got, want)
	}
	if q := (geodata.Query{BBox: box}).Values().Get("bbox"); q != "170,-10,-170,10" {
		t.Errorf("the box written back: %q", q)
	}
}

// TestSearchEdgesAtFullPrecision: the tree keeps float32 boxes, yet a
// point a hair outside the query box (closer than float32 can tell) is not
// found, one on its edge is, and so is a line that only grazes it.
func TestSearchEdgesAtFullPrecision(t *testing.T) {
	const lon, lat = 12.123456789, 35.987654321
	eps := 1e-9 // far below float32's step at these values (about 1e-6)
	cases := []struct {
		name string
		g    orb.Geometry
		want bool
	}{
		{"on the west edge", orb.Point{lon, lat + 0.5}, true},
		{"just west of it", orb.Point{lon - eps, lat + 0.5}, false},
		{"on the south-west corner", orb.Point{lon, lat}, true},
		{"just south of it", orb.Point{lon + 0.5, lat - eps}, false},
		{"on the east edge", orb.Point{lon + 1, lat + 0.5}, true},
		{"just east of it", orb.Point{lon + 1 + eps, lat + 0.5}, false},
		{"just north of it", orb.Point{lon + 0.5, lat + 1 + eps}, false},
		{"a line ending on the north edge", orb.LineString{{lon + 0.5, lat + 1}, {lon + 0.5, lat + 2}}, true},
		{"a line ending just north of it", orb.LineString{{lon + 0.5, lat + 1 + eps}, {lon + 0.5, lat + 2}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ix := New([]*geojson.Feature{geojson.NewFeature(c.g)}, "")
			box := orb.Bound{Min: orb.Point{lon, lat}, Max: orb.Point{lon + 1, lat + 1}}
			got := len(ix.Search(geodata.Query{BBox: &box})) == 1
			if got != c.want {
				t.Errorf("found %v, want %v", got, c.want)
			}
		})
	}
}

// bySpatialOrder sorts positions by their rank.
func bySpatialOrder(ix *Index, positions []int) []int {
	out := slices.Clone(positions)
	slices.SortFunc(out, func(a, b int) int { return ix.Rank(a) - ix.Rank(b) })
	return out
}

// TestSpatialOrder: ranks are a permutation of the layer (AtRank its
// inverse), features without geometry come last, and the order follows
// the Hilbert curve: the four quadrants of the world in its order, each
// one's features together.
func TestSpatialOrder(t *testing.T) {
	fs := synthetic(3000, 5)
	ix := New(fs, "date")
	seen := make([]bool, len(fs))
	for i := range fs {
		r := ix.Rank(i)
		if seen[r] || ix.AtRank(r) != i {
			t.Fatalf("rank %d of feature %d is taken twice or AtRank gives %d", r, i, ix.AtRank(r))
		}
		seen[r] = true
	}
	if last := ix.AtRank(len(fs) - 1); fs[last].Geometry != nil {
		t.Errorf("the last place holds feature %d, which has a geometry; the feature without one should be last", last)
	}
	// The first-order Hilbert curve visits the quadrants SW, NW, NE, SE.
	quadrant := func(p orb.Point) int {
		switch {
		case p[0] < 0 && p[1] < 0:
			return 0
		case p[0] < 0:
			return 1
		case p[1] >= 0:
			return 2
		}
		return 3
	}
	prev := 0
	for r := range len(fs) - 1 {
		p, ok := fs[ix.AtRank(r)].Geometry.(orb.Point)
		if !ok {
			continue
		}
		if q := quadrant(p); q < prev {
			t.Fatalf("place %d is in quadrant %d after a feature of quadrant %d", r, q, prev)
		} else {
			prev = q
		}
	}
	if prev != 3 {
		t.Errorf("the order ends in quadrant %d, want 3 (south-east)", prev)
	}
}

// TestHilbert: the curve starts at the south-west corner, ends at the
// south-east one, passes through the quadrants SW, NW, NE, SE in turn,
// and neighbours along the curve are neighbouring cells.
func TestHilbert(t *testing.T) {
	const half, last = 1 << (hilbertOrder - 1), 1<<hilbertOrder - 1
	quarter := uint64(half) * half
	if got := hilbert(0, 0); got != 0 {
		t.Errorf("the south-west corner is at %d, want 0", got)
	}
	if got := hilbert(last, 0); got != 4*quarter-1 {
		t.Errorf("the south-east corner is at %d, want %d", got, 4*quarter-1)
	}
	for q, c := range [][2]uint32{{1, 2}, {3, half + 5}, {half + 7, half + 9}, {half + 11, 13}} {
		if got := hilbert(c[0], c[1]); got < uint64(q)*quarter || got >= uint64(q+1)*quarter {
			t.Errorf("cell %v is at %d, outside quadrant %d", c, got, q)
		}
	}
	// On a corner of the grid of 16×16 cells, every step is one cell.
	const side = 16
	at := map[uint64][2]uint32{}
	for x := uint32(0); x < side; x++ {
		for y := uint32(0); y < side; y++ {
			at[hilbert(x, y)] = [2]uint32{x, y}
		}
	}
	for d := uint64(1); d < side*side; d++ {
		a, b := at[d-1], at[d]
		if dx, dy := int(a[0])-int(b[0]), int(a[1])-int(b[1]); dx*dx+dy*dy != 1 {
			t.Fatalf("steps %d and %d of the curve are cells %v and %v, not neighbours", d-1, d, a, b)
		}
	}
}

// TestInOrder: ranks come back sorted and without repeats, by sorting
// (few) and by the bitmap (many).
func TestInOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct{ found, n int }{{0, 10}, {5, 100}, {63, 100000}, {64, 100}, {2500, 200000}, {5000, 6000}} {
		found := make([]int, c.found)
		for i := range found {
			found[i] = r.IntN(c.n)
		}
		want := slices.Compact(slices.Sorted(slices.Values(found)))
		if got := inOrder(slices.Clone(found), c.n); !slices.Equal(got, want) {
			t.Errorf("%d positions below %d: got %d positions, want %d in order", c.found, c.n, len(got), len(want))
		}
	}
}
