package packs

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/routerisk/routerisk/geodata/places"
)

// Sea labels: the zoom an ocean's label first shows at, and the latest
// zoom any sea's does.
const (
	seaFirstZoom = MinZoom
	seaLastZoom  = 8
	// placeLastZoom is the last zoom that adds place labels: deeper
	// zooms show those of the zooms before (up to 3 a tile at this zoom,
	// a few dozen kilometres apart), which keeps the search for labels
	// short on a pack of the whole world.
	placeLastZoom = 10
)

// labels returns the place and sea labels of the box for the tiles, each
// with the zoom it is first drawn at as its rank: at every zoom, each tile
// adds the few most prominent places it holds that are well apart, so
// labels thicken as the map zooms in and never crowd a tile. Where a zoom
// has too many tiles to search them all, only tiles with routes, services
// or incidents on them are searched.
func (s *Service) labels(box orb.Bound, vectors map[string][]*geojson.Feature) []*geojson.Feature {
	var anchors []orb.Point
	for _, name := range []string{VectorRoutes, VectorServices, VectorIncidents} {
		for _, f := range vectors[name] {
			switch g := f.Geometry.(type) {
			case orb.Point:
				anchors = append(anchors, g)
			case orb.LineString:
				anchors = append(anchors, g...)
			case orb.MultiLineString:
				for _, l := range g {
					anchors = append(anchors, l...)
				}
			}
		}
	}
	var out []*geojson.Feature
	type key struct {
		name     string
		lon, lat float64
	}
	seen := map[key]bool{}
	for z := maptile.Zoom(MinZoom); z <= placeLastZoom; z++ {
		search := map[maptile.Tile]bool{}
		for _, t := range labelTiles(box, anchors, z) {
			search[t] = true
		}
		chosen := map[maptile.Tile][]places.Place{}
		// One pass over the places, most prominent first: each tile keeps
		// up to labelsPerTile of them, each at least half the side of a
		// labelsPerTile-th of the tile's area from those it kept before.
		s.places.Prominent(box, func(p places.Place) bool {
			t := maptile.At(orb.Point{p.Lon, p.Lat}, z)
			if !search[t] || len(chosen[t]) >= labelsPerTile {
				return true
			}
			spacing := tileSideKm(t) / math.Sqrt(labelsPerTile) / 2
			for _, q := range chosen[t] {
				if places.HaversineKm(p.Lon, p.Lat, q.Lon, q.Lat) < spacing {
					return true
				}
			}
			chosen[t] = append(chosen[t], p)
			k := key{p.Name, p.Lon, p.Lat}
			if !seen[k] {
				seen[k] = true
				f := geojson.NewFeature(orb.Point{p.Lon, p.Lat})
				f.Properties = geojson.Properties{"name": p.Name, "kind": p.Kind, "rank": int(z)}
				out = append(out, f)
			}
			return true
		})
	}
	for _, sea := range s.places.Seas() {
		if !box.Contains(sea.Label) {
			continue
		}
		f := geojson.NewFeature(sea.Label)
		f.Properties = geojson.Properties{"name": sea.Name, "kind": "sea", "rank": min(seaLastZoom, max(seaFirstZoom, sea.Rank))}
		out = append(out, f)
	}
	return out
}

// labelTiles are the tiles of zoom z searched for labels: all those
// meeting the box when they are few, else those holding an anchor.
func labelTiles(box orb.Bound, anchors []orb.Point, z maptile.Zoom) []maptile.Tile {
	lo := maptile.At(orb.Point{box.Min[0], box.Max[1]}, z) // north-west
	hi := maptile.At(orb.Point{box.Max[0], box.Min[1]}, z) // south-east
	if n := uint64(hi.X-lo.X+1) * uint64(hi.Y-lo.Y+1); n <= maxLabelTiles {
		out := make([]maptile.Tile, 0, n)
		for x := lo.X; x <= hi.X; x++ {
			for y := lo.Y; y <= hi.Y; y++ {
				out = append(out, maptile.New(x, y, z))
			}
		}
		return out
	}
	set := map[maptile.Tile]bool{}
	var out []maptile.Tile
	for _, p := range anchors {
		t := maptile.At(p, z)
		if !set[t] {
			set[t] = true
			out = append(out, t)
		}
	}
	return out
}

// tileSideKm is the east–west side of a tile at its middle, in km.
func tileSideKm(t maptile.Tile) float64 {
	b := t.Bound()
	c := b.Center()
	return places.HaversineKm(b.Min[0], c[1], b.Max[0], c[1])
}
