package tiles

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/klauspost/compress/gzip"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/maptile/tilecover"
	"github.com/paulmach/orb/simplify"
)

// Tile geometry constants.
const (
	// Extent is the MVT extent: tile coordinates run from 0 to 4096.
	Extent = mvt.DefaultExtent
	// bufferFraction is how far beyond its edges, as a share of its
	// side, a tile holds geometry, so symbols and strokes drawn across an
	// edge are whole on both sides.
	bufferFraction = 1.0 / 16
	// simplifyTolerance is the Douglas–Peucker tolerance in tile units:
	// half a pixel of a 256-pixel tile.
	simplifyTolerance = Extent / 256 / 2
)

// Layer is one named vector layer to cut into tiles.
type Layer struct {
	Name     string
	Features []*geojson.Feature
	// MinZoom is the lowest zoom the layer is in (below Options.MinZoom
	// counts as Options.MinZoom).
	MinZoom uint8
	// Show, when not nil, says whether feature i is drawn at zoom z: map
	// labels, say, thin out at low zooms.
	Show func(i int, z uint8) bool
	// PointBuffer is how far beyond a tile's edges, as a share of its
	// side, a point is still put in the tile: text labels are wider than
	// symbols. Zero takes the default buffer.
	PointBuffer float64
}

// Options bound a cut.
type Options struct {
	MinZoom, MaxZoom uint8
	// Bound limits the tiles made to those that meet it (longitude and
	// latitude).
	Bound orb.Bound
}

// CutStats count what a cut made.
type CutStats struct {
	Tiles    int            // tiles made (tiles with no feature are not)
	Features map[string]int // features written to tiles, per layer, over all zooms
}

// MaxZoom is the deepest zoom Cut makes.
const MaxZoom = 16

// Cut cuts the layers into vector tiles at every zoom from o.MinZoom to
// o.MaxZoom, within o.Bound, and passes each tile that holds a feature to
// emit as gzip-compressed MVT, in increasing TileID order (what Archive.Add
// wants). Geometry is projected to each tile, clipped a little beyond its
// edges, simplified to half a pixel; properties that are not strings,
// numbers or booleans are written as JSON text, nulls left out.
func Cut(ctx context.Context, layers []Layer, o Options, emit func(z uint8, x, y uint32, data []byte) error) (CutStats, error) {
	st := CutStats{Features: map[string]int{}}
	if o.MaxZoom > MaxZoom || o.MinZoom > o.MaxZoom {
		return st, fmt.Errorf("tiles: zooms %d to %d: they must rise from 0 to at most %d", o.MinZoom, o.MaxZoom, MaxZoom)
	}
	props := make([][]geojson.Properties, len(layers))
	for li, l := range layers {
		props[li] = make([]geojson.Properties, len(l.Features))
		for fi, f := range l.Features {
			if f.Geometry == nil {
				continue
			}
			p, err := sanitised(f.Properties)
			if err != nil {
				return st, fmt.Errorf("tiles: layer %s, feature %v: %w", l.Name, f.ID, err)
			}
			props[li][fi] = p
		}
	}
	for z := o.MinZoom; z <= o.MaxZoom; z++ {
		if err := cutZoom(ctx, layers, props, o, z, &st, emit); err != nil {
			return st, err
		}
	}
	return st, nil
}

type ref struct{ layer, feature int }

func cutZoom(ctx context.Context, layers []Layer, props [][]geojson.Properties, o Options, z uint8, st *CutStats, emit func(z uint8, x, y uint32, data []byte) error) error {
	zoom := maptile.Zoom(z)
	inBound := func(t maptile.Tile) bool { return t.Bound().Intersects(o.Bound) }
	byTile := map[maptile.Tile][]ref{}
	for li, l := range layers {
		if z < l.MinZoom {
			continue
		}
		buf := cmp.Or(l.PointBuffer, bufferFraction)
		for fi, f := range l.Features {
			if f.Geometry == nil || l.Show != nil && !l.Show(fi, z) {
				continue
			}
			if err := cover(f.Geometry, zoom, buf, func(t maptile.Tile) {
				if inBound(t) {
					byTile[t] = append(byTile[t], ref{li, fi})
				}
			}); err != nil {
				return fmt.Errorf("tiles: layer %s, feature %v: %w", l.Name, f.ID, err)
			}
		}
	}
	order := make([]maptile.Tile, 0, len(byTile))
	for t := range byTile {
		order = append(order, t)
	}
	slices.SortFunc(order, func(a, b maptile.Tile) int {
		return cmp.Compare(TileID(uint8(a.Z), a.X, a.Y), TileID(uint8(b.Z), b.X, b.Y))
	})
	margin := bufferFraction * Extent
	clipBox := orb.Bound{Min: orb.Point{-margin, -margin}, Max: orb.Point{Extent + margin, Extent + margin}}
	encode := func(t maptile.Tile, zw *gzip.Writer) ([]byte, map[string]int, error) {
		var ls mvt.Layers
		for _, r := range byTile[t] {
			name := layers[r.layer].Name
			if len(ls) == 0 || ls[len(ls)-1].Name != name {
				ls = append(ls, &mvt.Layer{Name: name, Version: 2, Extent: Extent})
			}
			f := layers[r.layer].Features[r.feature]
			l := ls[len(ls)-1]
			l.Features = append(l.Features, &geojson.Feature{ID: f.ID, Geometry: orb.Clone(f.Geometry), Properties: props[r.layer][r.feature]})
		}
		ls.ProjectToTile(t)
		ls.Clip(clipBox)
		ls.Simplify(simplify.DouglasPeucker(simplifyTolerance))
		ls.RemoveEmpty(1, 1)
		counts := map[string]int{}
		for _, l := range ls {
			if len(l.Features) > 0 {
				counts[l.Name] += len(l.Features)
			}
		}
		if len(counts) == 0 {
			return nil, nil, nil
		}
		raw, err := mvt.Marshal(ls)
		if err != nil {
			return nil, nil, fmt.Errorf("tiles: tile %d/%d/%d: %w", t.Z, t.X, t.Y, err)
		}
		var buf bytes.Buffer
		zw.Reset(&buf)
		if _, err := zw.Write(raw); err != nil {
			return nil, nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, nil, err
		}
		return buf.Bytes(), counts, nil
	}
	// Tiles are encoded by one worker per processor, a batch at a time,
	// and emitted in order.
	type result struct {
		data   []byte
		counts map[string]int
		err    error
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	writers := make([]*gzip.Writer, workers)
	for i := range writers {
		w, err := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression)
		if err != nil {
			return err
		}
		writers[i] = w
	}
	const batch = 1024
	results := make([]result, batch)
	for from := 0; from < len(order); from += batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		part := order[from:min(from+batch, len(order))]
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < len(part); i += workers {
					d, c, err := encode(part[i], writers[w])
					results[i] = result{d, c, err}
				}
			}()
		}
		wg.Wait()
		for i, t := range part {
			r := results[i]
			if r.err != nil {
				return r.err
			}
			if r.data == nil {
				continue
			}
			if err := emit(z, t.X, t.Y, r.data); err != nil {
				return err
			}
			st.Tiles++
			for name, n := range r.counts {
				st.Features[name] += n
			}
		}
	}
	return nil
}

// cover calls add for every tile at zoom z the geometry passes through;
// a point also for the neighbours within buf of it.
func cover(g orb.Geometry, z maptile.Zoom, buf float64, add func(maptile.Tile)) error {
	switch g := g.(type) {
	case orb.Point:
		coverPoint(g, z, buf, add)
		return nil
	case orb.MultiPoint:
		for _, p := range g {
			coverPoint(p, z, buf, add)
		}
		return nil
	}
	set, err := tilecover.Geometry(g, z)
	if err != nil {
		return err
	}
	for t := range set {
		add(t)
	}
	return nil
}

func coverPoint(p orb.Point, z maptile.Zoom, buf float64, add func(maptile.Tile)) {
	if math.IsNaN(p[0]) || math.IsNaN(p[1]) {
		return
	}
	f := maptile.Fraction(p, z)
	n := float64(uint32(1) << z)
	clamp := func(v float64) uint32 { return uint32(max(0, min(n-1, math.Floor(v)))) }
	x0, x1 := clamp(f[0]-buf), clamp(f[0]+buf)
	y0, y1 := clamp(f[1]-buf), clamp(f[1]+buf)
	for x := x0; x <= x1; x++ {
		for y := y0; y <= y1; y++ {
			add(maptile.New(x, y, z))
		}
	}
}

// sanitised returns a copy of properties MVT can hold: nulls left out,
// strings, numbers and booleans kept, anything else as JSON text.
func sanitised(p geojson.Properties) (geojson.Properties, error) {
	out := make(geojson.Properties, len(p))
	for k, v := range p {
		switch v.(type) {
		case nil:
		case string, float64, float32, int, int64, int32, uint, uint64, uint32, bool:
			out[k] = v
		default:
			b, err := json.Marshal(v)
			if err != nil {
				return nil, fmt.Errorf("property %q: %w", k, err)
			}
			out[k] = string(b)
		}
	}
	return out, nil
}
