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
	"fmt"
	"io"
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

func gunzip(b []byte) ([]byte, error) {
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
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
	bands [][][2]orb.Point // bands[i]: the edges whose latitude range meets band i
}

// landBandDeg is the height of a latitude band of the land index.
const landBandDeg = 0.1

func landBand(lat float64) int {
	return max(0, min(int((lat+90)/landBandDeg), int(180/landBandDeg)-1))
}

// LoadLand reads the "land" object of a world-atlas TopoJSON document
// (Natural Earth land, e.g. world-atlas_land-10m.topojson).
func LoadLand(data []byte) (*LandIndex, error) {
	fc, err := topojson.DecodeObject(data, "land")
	if err != nil {
		return nil, fmt.Errorf("land: %w", err)
	}
	idx := &LandIndex{bands: make([][][2]orb.Point, int(180/landBandDeg))}
	addRing := func(r orb.Ring) {
		for i := 1; i < len(r); i++ {
			a, b := r[i-1], r[i]
			lo, hi := landBand(math.Min(a[1], b[1])), landBand(math.Max(a[1], b[1]))
			for k := lo; k <= hi; k++ {
				idx.bands[k] = append(idx.bands[k], [2]orb.Point{a, b})
			}
		}
	}
	n := 0
	for _, f := range fc.Features {
		var polys []orb.Polygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			polys = []orb.Polygon{g}
		case orb.MultiPolygon:
			polys = g
		}
		for _, poly := range polys {
			for _, r := range poly {
				addRing(r)
				n++
			}
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("land: the land object has no polygons")
	}
	return idx, nil
}

// OnLand reports whether p lies inside the land polygon.
func (l *LandIndex) OnLand(p orb.Point) bool {
	inside := false
	for _, e := range l.bands[landBand(p[1])] {
		a, b := e[0], e[1]
		if (a[1] > p[1]) == (b[1] > p[1]) {
			continue
		}
		if x := a[0] + (p[1]-a[1])/(b[1]-a[1])*(b[0]-a[0]); x > p[0] {
			inside = !inside
		}
	}
	return inside
}
