package reads

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// clustered returns n incidents in a few clusters, as real ones lie, and a
// line, seeded.
func clustered(n int, seed uint64) []*geojson.Feature {
	r := rand.New(rand.NewPCG(seed, 3))
	centres := []orb.Point{{12.5, 35.5}, {-5.6, 36}, {-77.5, 8.4}, {8, 17}, {179.5, -17}}
	var out []*geojson.Feature
	for i := range n {
		c := centres[r.IntN(len(centres))]
		f := geojson.NewFeature(orb.Point{c[0] + r.NormFloat64(), c[1] + r.NormFloat64()})
		f.ID = fmt.Sprintf("f%d", i)
		f.Properties = geojson.Properties{"dead": float64(r.IntN(5)), "date": time.Date(2015+r.IntN(10), 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly),
			"route": []string{"Central Mediterranean", "Darien"}[i%2]}
		out = append(out, f)
	}
	line := geojson.NewFeature(orb.LineString{{10, 30}, {14, 38}})
	line.ID = "line"
	return append(out, line, geojson.NewFeature(nil))
}

// TestSplicedPagesEqualEncodedOnes: a page spliced from the compressed
// runs decompresses to exactly the page encoded feature by feature, for
// boxes of every size, pages anywhere in them, and filters; and the runs
// carry most of a large box.
func TestSplicedPagesEqualEncodedOnes(t *testing.T) {
	ld, err := prepare(&geodata.Layer{Meta: geodata.Meta{ID: "a", TimeProperty: "date"}, Features: clustered(6000, 1)})
	if err != nil {
		t.Fatal(err)
	}
	b := buildBlocks(ld)
	if b == nil {
		t.Fatal("no runs built for a pre-encoded layer")
	}
	r := rand.New(rand.NewPCG(5, 6))
	var spliced, whole int
	for i := range 300 {
		lon, lat := r.Float64()*360-180, r.Float64()*80-40
		if i%2 == 0 { // near a cluster
			c := clustered(1, uint64(i))[0].Geometry.(orb.Point)
			lon, lat = c[0]-r.Float64()*2, c[1]-r.Float64()*2
		}
		box := orb.Bound{Min: orb.Point{lon, lat}, Max: orb.Point{lon + r.Float64()*6, lat + r.Float64()*6}}
		q := geodata.Query{BBox: &box, Limit: []int{1, 10, 100, 2500}[i%4], Offset: []int{0, 0, 3, 57}[i/4%4], Precision: -1}
		if i%7 == 0 {
			iv := geodata.Interval{Start: time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)}
			q.Time = &iv
		}
		pg := page{path: "/api/v1/layers/a/features", timeStamp: i%5 == 0}
		matched := ld.index.Search(q)
		want, err := encodeMatched(nil, len(matched), q, pg, "", func(from, to int) ([][]byte, error) {
			feats := make([][]byte, to-from)
			for k, fi := range matched[from:to] {
				feats[k] = ld.encoded[fi]
			}
			return feats, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got := inflate(t, splicePage([]byte("lent"), ld, b, matched, q, pg)[4:])
		if pg.timeStamp { // computed a moment apart
			want, got = bytes.Replace(want, want[28:60], nil, 1), bytes.Replace(got, got[28:60], nil, 1)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("box %d (%v, limit %d offset %d): spliced page differs from the encoded one:\n%.300s\n%.300s", i, box, q.Limit, q.Offset, got, want)
		}
		start, end := min(q.Offset, len(matched)), min(q.Offset+q.Limit, len(matched))
		whole += end - start
		for j := start + 1; j < end; {
			if _, size, ok := b.run(ld, matched, j, end); ok {
				spliced += size
				j += size
			} else {
				j++
			}
		}
	}
	if spliced < whole/2 {
		t.Errorf("runs carried %d of %d features in the pages", spliced, whole)
	}
	t.Logf("runs carried %d of %d features in the pages", spliced, whole)
}

// TestBoxPagesAreSplicedOnceBuilt: a box's page is answered compressed
// already once the runs are built, the same page encoded before; a page
// with chosen properties, without a box or to be rendered is not.
func TestBoxPagesAreSplicedOnceBuilt(t *testing.T) {
	ld, err := prepare(&geodata.Layer{Meta: geodata.Meta{ID: "a"}, Features: clustered(500, 2)})
	if err != nil {
		t.Fatal(err)
	}
	box := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	q := geodata.Query{BBox: &box, Limit: 100, Precision: -1}
	first, err := encodePage(nil, ld, q, page{}, FeaturesRequest{})
	if err != nil || first.Gzipped {
		t.Fatalf("before the runs are built: gzipped %v, %v", first.Gzipped, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for ld.blocks.Load() == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	later, err := encodePage(nil, ld, q, page{}, FeaturesRequest{})
	if err != nil || !later.Gzipped {
		t.Fatalf("once the runs are built: gzipped %v, %v", later.Gzipped, err)
	}
	if !bytes.Equal(inflate(t, later.Bytes), first.Bytes) {
		t.Error("the spliced page differs from the encoded one")
	}
	chosen := q
	chosen.Properties = []string{"dead"}
	unboxed := q
	unboxed.BBox = nil
	for name, c := range map[string]struct {
		q geodata.Query
		r FeaturesRequest
	}{
		"chosen properties": {chosen, FeaturesRequest{}},
		"no box":            {unboxed, FeaturesRequest{}},
		"rendered":          {q, FeaturesRequest{Render: func(p []byte) ([]byte, error) { return p, nil }}},
	} {
		if a, err := encodePage(nil, ld, c.q, page{}, c.r); err != nil || a.Gzipped {
			t.Errorf("%s: gzipped %v, %v", name, a.Gzipped, err)
		}
	}
}

// BenchmarkBuildBlocks compresses the runs of 200,000 incidents and
// reports their size beside the encoded features'.
func BenchmarkBuildBlocks(b *testing.B) {
	ld, err := prepare(&geodata.Layer{Meta: geodata.Meta{ID: "a"}, Features: clustered(200000, 1)})
	if err != nil {
		b.Fatal(err)
	}
	var raw, packed int
	for _, e := range ld.encoded {
		raw += len(e) + 1
	}
	for b.Loop() {
		bl := buildBlocks(ld)
		packed = 0
		for _, level := range bl.runs {
			for _, p := range level {
				packed += p.Compressed()
			}
		}
	}
	b.ReportMetric(float64(packed)/float64(raw), "runs/encoded")
}
