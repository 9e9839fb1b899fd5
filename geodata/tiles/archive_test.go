package tiles_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"

	"github.com/routerisk/routerisk/geodata/tiles"
	"github.com/routerisk/routerisk/internal/testenv"
)

// The archives are read back with go-pmtiles, the reference
// implementation of the format: its header and directory decoders and its
// own verifier.

func TestTileIDMatchesTheReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for z := uint8(0); z <= 16; z++ {
		n := uint32(1) << z
		for range 200 {
			x, y := r.Uint32N(n), r.Uint32N(n)
			if got, want := tiles.TileID(z, x, y), pmtiles.ZxyToID(z, x, y); got != want {
				t.Fatalf("TileID(%d, %d, %d) = %d, reference %d", z, x, y, got, want)
			}
		}
	}
}

// sample is a route across the Strait of Sicily, two services and a
// label, as the packs cut them.
func sample() []tiles.Layer {
	line := geojson.NewFeature(orb.LineString{{13.19, 32.89}, {12.6, 35.5}, {12.61, 35.5}})
	line.Properties = geojson.Properties{"route": "Central Mediterranean", "class": "critical", "risk": 61.5, "start_km": 0.0, "extra": map[string]any{"a": 1}, "gone": nil}
	clinic := geojson.NewFeature(orb.Point{12.6, 35.5})
	clinic.Properties = geojson.Properties{"name": "Poliambulatorio", "category": "health"}
	legal := geojson.NewFeature(orb.Point{14.5, 35.9})
	legal.Properties = geojson.Properties{"name": "Legal aid", "category": "legal"}
	label := geojson.NewFeature(orb.Point{12.6, 35.5})
	label.Properties = geojson.Properties{"name": "Lampedusa", "kind": "place", "rank": 3}
	cell := geojson.NewFeature(orb.Polygon{{{12, 35}, {13, 35}, {13, 36}, {12, 36}, {12, 35}}})
	cell.Properties = geojson.Properties{"incidents": 40}
	return []tiles.Layer{
		{Name: "routes", Features: []*geojson.Feature{line}},
		{Name: "services", Features: []*geojson.Feature{clinic, legal}},
		{Name: "hotspots", Features: []*geojson.Feature{cell}},
		{Name: "labels", Features: []*geojson.Feature{label}, MinZoom: 5, PointBuffer: 0.25},
	}
}

func writeArchive(t *testing.T, layers []tiles.Layer, o tiles.Options) (string, tiles.CutStats, tiles.ArchiveStats) {
	t.Helper()
	dir := t.TempDir()
	spool, err := os.Create(filepath.Join(dir, "spool"))
	if err != nil {
		t.Fatal(err)
	}
	defer spool.Close()
	a := tiles.NewArchive(spool)
	cs, err := tiles.Cut(context.Background(), layers, o, a.Add)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "map.pmtiles")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	as, err := a.Finish(out, spool, tiles.ArchiveInfo{MinZoom: o.MinZoom, MaxZoom: o.MaxZoom, Bound: o.Bound,
		Metadata: map[string]any{"name": "test", "vector_layers": []map[string]any{{"id": "routes"}}}})
	if err != nil {
		t.Fatal(err)
	}
	return path, cs, as
}

// readArchive reads every tile of the archive with the reference decoder.
func readArchive(t *testing.T, path string) (pmtiles.HeaderV3, map[string]any, map[maptile.Tile]mvt.Layers) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := pmtiles.DeserializeHeader(b[:127])
	if err != nil {
		t.Fatal(err)
	}
	md, err := pmtiles.DeserializeMetadata(bytes.NewReader(b[h.MetadataOffset:h.MetadataOffset+h.MetadataLength]), h.InternalCompression)
	if err != nil {
		t.Fatal(err)
	}
	out := map[maptile.Tile]mvt.Layers{}
	err = pmtiles.IterateEntries(h, func(off, n uint64) ([]byte, error) { return b[off : off+n], nil }, func(e pmtiles.EntryV3) {
		data := b[h.TileDataOffset+e.Offset : h.TileDataOffset+e.Offset+uint64(e.Length)]
		for id := e.TileID; id < e.TileID+uint64(e.RunLength); id++ {
			z, x, y := pmtiles.IDToZxy(id)
			ls, err := mvt.UnmarshalGzipped(data)
			if err != nil {
				t.Fatalf("tile %d/%d/%d: %v", z, x, y, err)
			}
			out[maptile.New(x, y, maptile.Zoom(z))] = ls
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return h, md, out
}

func TestArchiveReadsBackWithTheReference(t *testing.T) {
	o := tiles.Options{MinZoom: 2, MaxZoom: 10, Bound: orb.Bound{Min: orb.Point{10, 30}, Max: orb.Point{20, 38}}}
	path, cs, as := writeArchive(t, sample(), o)
	if err := pmtiles.Verify(log.New(io.Discard, "", 0), path); err != nil {
		t.Fatalf("the reference verifier refuses the archive: %v", err)
	}
	h, md, got := readArchive(t, path)
	if h.TileType != pmtiles.Mvt || h.TileCompression != pmtiles.Gzip || h.MinZoom != 2 || h.MaxZoom != 10 || !h.Clustered {
		t.Fatalf("header: %+v", h)
	}
	if h.MinLonE7 != 10e7 || h.MaxLatE7 != 38e7 {
		t.Errorf("bounds in the header: %d %d", h.MinLonE7, h.MaxLatE7)
	}
	if md["name"] != "test" {
		t.Errorf("metadata: %v", md)
	}
	if int(h.AddressedTilesCount) != cs.Tiles || len(got) != cs.Tiles || as.Tiles != cs.Tiles {
		t.Fatalf("tiles: header %d, read %d, cut %d, archive %d", h.AddressedTilesCount, len(got), cs.Tiles, as.Tiles)
	}
	// Every zoom has the clinic's tile, holding the clinic with its
	// properties, and the route passing through it.
	for z := maptile.Zoom(2); z <= 10; z++ {
		tile := maptile.At(orb.Point{12.6, 35.5}, z)
		ls, ok := got[tile]
		if !ok {
			t.Fatalf("zoom %d: no tile %v", z, tile)
		}
		ls.ProjectToWGS84(tile)
		byName := map[string]*mvt.Layer{}
		for _, l := range ls {
			byName[l.Name] = l
		}
		svc := byName["services"]
		if svc == nil {
			t.Fatalf("zoom %d: no services layer", z)
		}
		found := false
		for _, f := range svc.Features {
			p := f.Geometry.(orb.Point)
			if f.Properties["name"] == "Poliambulatorio" && abs(p[0]-12.6) < 0.01 && abs(p[1]-35.5) < 0.01 {
				found = true
			}
		}
		if !found {
			t.Errorf("zoom %d: the clinic is not in its tile: %v", z, svc.Features)
		}
		r := byName["routes"]
		if r == nil || len(r.Features) != 1 || r.Features[0].Properties["class"] != "critical" {
			t.Fatalf("zoom %d: routes layer %v", z, r)
		}
		if _, ok := r.Features[0].Properties["gone"]; ok {
			t.Errorf("a null property was written")
		}
		if r.Features[0].Properties["extra"] != `{"a":1}` {
			t.Errorf("an object property is %v, want JSON text", r.Features[0].Properties["extra"])
		}
		if (byName["labels"] != nil) != (z >= 5) {
			t.Errorf("zoom %d: labels layer present %v, want from zoom 5", z, byName["labels"] != nil)
		}
	}
	if cs.Features["services"] == 0 || cs.Features["hotspots"] == 0 {
		t.Errorf("feature counts %v", cs.Features)
	}
	// Nothing outside the bound.
	for tile := range got {
		if !tile.Bound().Intersects(o.Bound) {
			t.Errorf("tile %v is outside the bound", tile)
		}
	}
	// The source features were not changed by cutting them.
	if sample()[0].Features[0].Properties["gone"] != nil {
		t.Fatal("unreachable")
	}
}

func TestCutLeavesTheCallersFeaturesAlone(t *testing.T) {
	layers := sample()
	before, _ := json.Marshal(layers[0].Features[0])
	writeArchive(t, layers, tiles.Options{MinZoom: 2, MaxZoom: 6, Bound: orb.Bound{Min: orb.Point{10, 30}, Max: orb.Point{20, 38}}})
	after, _ := json.Marshal(layers[0].Features[0])
	if !bytes.Equal(before, after) {
		t.Fatalf("the feature changed:\n%s\n%s", before, after)
	}
}

// Many distinct tiles need leaf directories; equal ones are stored once.
func TestArchiveWithLeafDirectoriesAndRepeatedTiles(t *testing.T) {
	dir := t.TempDir()
	spool, err := os.Create(filepath.Join(dir, "spool"))
	if err != nil {
		t.Fatal(err)
	}
	a := tiles.NewArchive(spool)
	const z = 9
	n := uint32(1) << z
	type xy struct{ x, y uint32 }
	var order []xy
	for x := range n {
		for y := range n / 4 {
			order = append(order, xy{x, y})
		}
	}
	slicesSortByID(order, func(p xy) uint64 { return tiles.TileID(z, p.x, p.y) })
	want := map[uint64][]byte{}
	for i, p := range order {
		data := []byte{byte(i), byte(i >> 8), byte(i >> 16)}
		if i%3 == 0 {
			data = []byte("same")
		}
		want[tiles.TileID(z, p.x, p.y)] = data
		if err := a.Add(z, p.x, p.y, data); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Add(z, order[0].x, order[0].y, []byte("x")); err != tiles.ErrTileOrder {
		t.Fatalf("a tile out of order: %v", err)
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "big.pmtiles")
	out, _ := os.Create(path)
	st, err := a.Finish(out, spool, tiles.ArchiveInfo{MinZoom: z, MaxZoom: z, Bound: orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}}})
	if err != nil {
		t.Fatal(err)
	}
	out.Close()
	if st.Contents != len(order)-len(order)/3 {
		t.Errorf("%d contents stored, want %d (every third tile repeats one)", st.Contents, len(order)-len(order)/3)
	}
	b, _ := os.ReadFile(path)
	h, err := pmtiles.DeserializeHeader(b[:127])
	if err != nil {
		t.Fatal(err)
	}
	if h.LeafDirectoryLength == 0 {
		t.Fatalf("%d tiles fit the root directory: the test no longer exercises leaves", len(order))
	}
	seen := 0
	err = pmtiles.IterateEntries(h, func(off, n uint64) ([]byte, error) { return b[off : off+n], nil }, func(e pmtiles.EntryV3) {
		for id := e.TileID; id < e.TileID+uint64(e.RunLength); id++ {
			got := b[h.TileDataOffset+e.Offset : h.TileDataOffset+e.Offset+uint64(e.Length)]
			if !bytes.Equal(got, want[id]) {
				t.Fatalf("tile %d: %q, want %q", id, got, want[id])
			}
			seen++
		}
	})
	if err != nil || seen != len(order) {
		t.Fatalf("read %d of %d tiles: %v", seen, len(order), err)
	}
	if err := pmtiles.Verify(log.New(io.Discard, "", 0), path); err != nil {
		t.Fatalf("the reference verifier refuses the archive: %v", err)
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// GDAL's MVT driver reads the tiles of an archive, written out as a
// z/x/y tree with the archive's metadata.
func TestGDALReadsTheTiles(t *testing.T) {
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		testenv.Unavailable(t, "ogrinfo (GDAL) is not installed: run make deps")
	}
	o := tiles.Options{MinZoom: 2, MaxZoom: 8, Bound: orb.Bound{Min: orb.Point{10, 30}, Max: orb.Point{20, 38}}}
	path, _, _ := writeArchive(t, sample(), o)
	_, md, got := readArchive(t, path)
	dir := t.TempDir()
	b, _ := os.ReadFile(path)
	h, _ := pmtiles.DeserializeHeader(b[:127])
	err := pmtiles.IterateEntries(h, func(off, n uint64) ([]byte, error) { return b[off : off+n], nil }, func(e pmtiles.EntryV3) {
		data := b[h.TileDataOffset+e.Offset : h.TileDataOffset+e.Offset+uint64(e.Length)]
		for id := e.TileID; id < e.TileID+uint64(e.RunLength); id++ {
			z, x, y := pmtiles.IDToZxy(id)
			p := filepath.Join(dir, strconv.Itoa(int(z)), strconv.Itoa(int(x)), strconv.Itoa(int(y))+".pbf")
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})
	if err != nil || len(got) == 0 {
		t.Fatal(err, len(got))
	}
	md["json"] = `{"vector_layers":[{"id":"routes","fields":{"route":"String","class":"String","risk":"Number"}},{"id":"services","fields":{"name":"String","category":"String"}},{"id":"hotspots","fields":{"incidents":"Number"}},{"id":"labels","fields":{"name":"String","kind":"String","rank":"Number"}}]}`
	md["minzoom"], md["maxzoom"], md["format"] = "2", "8", "pbf"
	mdJSON, _ := json.Marshal(md)
	if err := os.WriteFile(filepath.Join(dir, "metadata.json"), mdJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ogrinfo", "-ro", "-al", filepath.Join(dir, "8")).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	s := string(out)
	for _, want := range []string{"Layer name: routes", "Layer name: services", "Layer name: labels", "name (String) = Poliambulatorio", "class (String) = critical", "name (String) = Lampedusa"} {
		if !strings.Contains(s, want) {
			t.Errorf("ogrinfo does not show %q:\n%.3000s", want, s)
		}
	}
}
