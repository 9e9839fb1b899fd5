// Package sea tells sea from land and names the search-and-rescue region
// of a point at sea, from bundled public data: Natural Earth's 1:10m land
// polygon (world-atlas, ISC; Natural Earth, public domain) and the
// Central Mediterranean search-and-rescue regions as declared to the IMO
// (transcribed by civilmrcc-onefleet). make sample writes the assets in
// data/ from ../shared/data.
package sea

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/routerisk/routerisk/geodata/topojson"
)

// The bundled assets (gzip).
var (
	//go:embed data/land-10m.topojson.gz
	landAsset []byte
	//go:embed data/sar-regions.geojson.gz
	sarAsset []byte
)

// Setting is where a stretch of route runs.
type Setting string

// The settings.
const (
	Sea  Setting = "sea"
	Land Setting = "land"
)

// Atlas answers where a point lies. It is immutable and safe for
// concurrent use.
type Atlas struct {
	land *LandIndex
	sar  []region
}

type region struct {
	name  string
	poly  orb.MultiPolygon
	bound orb.Bound
}

var (
	defaultOnce  sync.Once
	defaultAtlas *Atlas
	defaultErr   error
)

// Default returns the atlas of the bundled data, read once.
func Default() (*Atlas, error) {
	defaultOnce.Do(func() {
		defaultAtlas, defaultErr = Load(landAsset, sarAsset)
	})
	return defaultAtlas, defaultErr
}

// Load reads an atlas from a gzipped world-atlas land TopoJSON (object
// "land") and a gzipped GeoJSON of search-and-rescue regions (Polygon or
// MultiPolygon features with a "name").
func Load(landGz, sarGz []byte) (*Atlas, error) {
	landJSON, err := gunzip(landGz)
	if err != nil {
		return nil, fmt.Errorf("land: %w", err)
	}
	land, err := LoadLand(landJSON)
	if err != nil {
		return nil, err
	}
	sarJSON, err := gunzip(sarGz)
	if err != nil {
		return nil, fmt.Errorf("search-and-rescue regions: %w", err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(sarJSON)
	if err != nil {
		return nil, fmt.Errorf("search-and-rescue regions: %w", err)
	}
	a := &Atlas{land: land}
	for _, f := range fc.Features {
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			continue
		}
		name, _ := f.Properties["name"].(string)
		a.sar = append(a.sar, region{name: strings.TrimSpace(name), poly: mp, bound: mp.Bound()})
	}
	return a, nil
}

// gunzip decompresses a bundled asset, into a buffer sized by the gzip
// trailer's length (capped, as the trailer is only a hint).
func gunzip(b []byte) ([]byte, error) {
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if len(b) >= 4 {
		out.Grow(int(min(binary.LittleEndian.Uint32(b[len(b)-4:]), 64<<20)) + bytes.MinRead)
	}
	if _, err := out.ReadFrom(r); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// SettingOf returns Land when p lies on the land polygon, else Sea.
func (a *Atlas) SettingOf(p orb.Point) Setting {
	if a.land.OnLand(p) {
		return Land
	}
	return Sea
}

// SRR returns the names of the search-and-rescue regions holding p,
// joined by " / " where declared regions overlap (as Malta's and Italy's
// do), and "" when none does.
func (a *Atlas) SRR(p orb.Point) string {
	var names []string
	for _, r := range a.sar {
		if r.bound.Contains(p) && planar.MultiPolygonContains(r.poly, p) {
			names = append(names, r.name)
		}
	}
	return strings.Join(names, " / ")
}

// LandIndex answers whether a point is on land, from the rings of a land
// polygon, by counting the ring edges a ray eastwards from the point
// crosses (even-odd, so holes count). Edges are bucketed by latitude band
// so that a query reads only the edges that can cross its ray.
type LandIndex struct {
	// v holds the rings' vertices, one ring after another; an edge is
	// named by the index i of its first vertex, and runs to v[i+1].
	v []orb.Point
	// The edges whose latitude range meets band b are
	// edges[start[b]:start[b+1]].
	start []int32
	edges []int32
}

// landBandDeg is the height of a latitude band of the land index.
const landBandDeg = 0.1

// landBands is the number of latitude bands.
const landBands = int(180 / landBandDeg)

func landBand(lat float64) int {
	return max(0, min(int((lat+90)/landBandDeg), landBands-1))
}

// LoadLand reads the "land" object of a world-atlas TopoJSON document
// (Natural Earth land, e.g. world-atlas_land-10m.topojson).
func LoadLand(data []byte) (*LandIndex, error) {
	fc, err := topojson.DecodeObject(data, "land")
	if err != nil {
		return nil, fmt.Errorf("land: %w", err)
	}
	rings := landRings(fc)
	vertices := 0
	for _, r := range rings {
		vertices += len(r)
	}
	if len(rings) == 0 {
		return nil, fmt.Errorf("land: the land object has no polygons")
	}
	if vertices > math.MaxInt32 {
		return nil, fmt.Errorf("land: %d vertices, more than the index holds", vertices)
	}
	// The vertices in one array, then the edges of each band counted,
	// then placed: every slice is allocated once, at its size.
	idx := &LandIndex{v: make([]orb.Point, 0, vertices), start: make([]int32, landBands+1)}
	var first []int // the index in v of each ring's first vertex
	for _, r := range rings {
		first = append(first, len(idx.v))
		idx.v = append(idx.v, r...)
	}
	eachEdge := func(visit func(i int32, band int)) {
		for k, r := range rings {
			for j := 1; j < len(r); j++ {
				a, b := r[j-1], r[j]
				for band := landBand(math.Min(a[1], b[1])); band <= landBand(math.Max(a[1], b[1])); band++ {
					visit(int32(first[k]+j-1), band)
				}
			}
		}
	}
	count := make([]int, landBands)
	eachEdge(func(_ int32, band int) { count[band]++ })
	total := 0
	for b, n := range count {
		if total += n; total > math.MaxInt32 {
			return nil, fmt.Errorf("land: more edges in the latitude bands than the index holds")
		}
		idx.start[b+1] = int32(total)
	}
	idx.edges = make([]int32, total)
	next := count // reused: the next free place of each band
	for b := range next {
		next[b] = int(idx.start[b])
	}
	eachEdge(func(i int32, band int) {
		idx.edges[next[band]] = i
		next[band]++
	})
	return idx, nil
}

// landRings returns the rings of the polygons of fc.
func landRings(fc *geojson.FeatureCollection) []orb.Ring {
	var rings []orb.Ring
	for _, f := range fc.Features {
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			rings = append(rings, g...)
		case orb.MultiPolygon:
			for _, p := range g {
				rings = append(rings, p...)
			}
		}
	}
	return rings
}

// OnLand reports whether p lies inside the land polygon.
func (l *LandIndex) OnLand(p orb.Point) bool {
	inside := false
	band := landBand(p[1])
	for _, i := range l.edges[l.start[band]:l.start[band+1]] {
		a, b := l.v[i], l.v[i+1]
		if (a[1] > p[1]) == (b[1] > p[1]) {
			continue
		}
		if x := a[0] + (p[1]-a[1])/(b[1]-a[1])*(b[0]-a[0]); x > p[0] {
			inside = !inside
		}
	}
	return inside
}
