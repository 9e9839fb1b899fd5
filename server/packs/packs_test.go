package packs_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"

	"github.com/routerisk/routerisk/frontend"
	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/geodata/sample"
	"github.com/routerisk/routerisk/internal/testenv"
	"github.com/routerisk/routerisk/server/answers"
	"github.com/routerisk/routerisk/server/cache"
	"github.com/routerisk/routerisk/server/packs"
	"github.com/routerisk/routerisk/server/store"
	"github.com/routerisk/routerisk/server/usecases"
)

var (
	bundledOnce sync.Once
	bundledUC   *usecases.Set
	bundledErr  error
)

// bundled returns the use cases over the bundled layers, loaded once.
func bundled(t testing.TB) *usecases.Set {
	t.Helper()
	bundledOnce.Do(func() {
		layers, err := sample.Layers()
		if err != nil {
			bundledErr = err
			return
		}
		dir, err := os.MkdirTemp("", "routerisk-packs-test-")
		if err != nil {
			bundledErr = err
			return
		}
		st, err := store.OpenFiles(dir)
		if err != nil {
			bundledErr = err
			return
		}
		ctx := context.Background()
		for _, bl := range layers {
			zr, err := gzip.NewReader(bytes.NewReader(bl.GeoJSONGzip))
			if err != nil {
				bundledErr = err
				return
			}
			feats, rep, err := formats.DecodeGeoJSON(zr)
			if err != nil {
				bundledErr = err
				return
			}
			if _, err := st.Publish(ctx, &geodata.Layer{Meta: bl.Meta, Features: feats}, rep, geodata.AuditEntry{Actor: "test"}); err != nil {
				bundledErr = err
				return
			}
		}
		uc := usecases.New(st, answers.Cache(cache.NewLRU(64<<20)), usecases.Options{Basemap: frontend.Basemap()})
		bundledErr = uc.Library.Load(ctx)
		bundledUC = uc
	})
	if bundledErr != nil {
		t.Fatal(bundledErr)
	}
	return bundledUC
}

// centralMed is the box of the Central Mediterranean pack.
var centralMed = orb.Bound{Min: orb.Point{10, 30}, Max: orb.Point{20, 38}}

func buildPack(t testing.TB, view privacy.View, box orb.Bound, layers []string) (map[string][]byte, packs.Summary) {
	t.Helper()
	var buf bytes.Buffer
	sum, err := bundled(t).Packs.Build(context.Background(), packs.Request{View: view, BBox: box, Layers: layers}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if int64(buf.Len()) != sum.Bytes {
		t.Fatalf("summary says %d bytes, wrote %d", sum.Bytes, buf.Len())
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = b
		if f.Name == packs.FileTiles && f.Method != zip.Store {
			t.Errorf("%s is compressed in the zip; it must be stored", f.Name)
		}
	}
	return files, sum
}

// tileLayers reads every tile of a PMTiles archive with the reference
// reader, go-pmtiles.
func tileLayers(t testing.TB, archive []byte) (pmtiles.HeaderV3, map[maptile.Tile]mvt.Layers) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "map.pmtiles")
	if err := os.WriteFile(path, archive, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := pmtiles.Verify(log.New(io.Discard, "", 0), path); err != nil {
		t.Fatalf("go-pmtiles refuses the archive: %v", err)
	}
	h, err := pmtiles.DeserializeHeader(archive[:127])
	if err != nil {
		t.Fatal(err)
	}
	out := map[maptile.Tile]mvt.Layers{}
	err = pmtiles.IterateEntries(h, func(off, n uint64) ([]byte, error) { return archive[off : off+n], nil }, func(e pmtiles.EntryV3) {
		data := archive[h.TileDataOffset+e.Offset : h.TileDataOffset+e.Offset+uint64(e.Length)]
		ls, err := mvt.UnmarshalGzipped(data)
		if err != nil {
			t.Fatalf("tile %d: %v", e.TileID, err)
		}
		for id := e.TileID; id < e.TileID+uint64(e.RunLength); id++ {
			z, x, y := pmtiles.IDToZxy(id)
			out[maptile.New(x, y, maptile.Zoom(z))] = ls
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return h, out
}

func TestCentralMediterraneanPack(t *testing.T) {
	files, sum := buildPack(t, privacy.View{Tier: privacy.Staff}, centralMed, nil)
	for _, name := range []string{packs.FileManifest, packs.FileReadme, packs.FileTiles, packs.FileGeoPackage, packs.FileServices, packs.FileDirectory} {
		if len(files[name]) == 0 {
			t.Errorf("the pack has no %s", name)
		}
	}
	var m packs.Manifest
	if err := json.Unmarshal(files[packs.FileManifest], &m); err != nil {
		t.Fatal(err)
	}
	if m.Format != packs.Format || m.Version != 1 || m.Tier != privacy.Staff || m.MinZoom != 2 || m.MaxZoom != 12 || m.BBox != [4]float64{10, 30, 20, 38} {
		t.Fatalf("manifest: %+v", m)
	}
	if m.DataThrough == "" || len(m.Caveats) < 5 || !strings.Contains(m.Attribution, "GeoNames") || !strings.Contains(m.Attribution, "Missing Migrants") {
		t.Errorf("manifest dates, caveats or attribution: %q %d %q", m.DataThrough, len(m.Caveats), m.Attribution)
	}
	if len(m.Basemap) != len(packs.BasemapFiles) {
		t.Errorf("manifest basemap %v", m.Basemap)
	}
	for _, f := range m.Basemap {
		if !bytes.Contains(files[f], []byte(`"countries"`)) {
			t.Errorf("%s is not a world-atlas topology in the pack", f)
		}
	}
	for _, v := range []string{packs.VectorRoutes, packs.VectorServices, packs.VectorIncidents, packs.VectorHotspots, packs.VectorLabels} {
		if m.Vectors[v] == 0 {
			t.Errorf("no %s in the tiles: %v", v, m.Vectors)
		}
	}

	h, got := tileLayers(t, files[packs.FileTiles])
	if h.TileType != pmtiles.Mvt || h.MinZoom != 2 || h.MaxZoom != 12 || int(h.AddressedTilesCount) != sum.Tiles.Tiles {
		t.Fatalf("header %+v, %d tiles built", h, sum.Tiles.Tiles)
	}
	// The tile over Lampedusa at zoom 8 holds route stretches with risk
	// classes, services, incidents and the label of the island.
	lampedusa := maptile.At(orb.Point{12.6, 35.5}, 8)
	byName := map[string]*mvt.Layer{}
	for _, l := range got[lampedusa] {
		byName[l.Name] = l
	}
	if l := byName[packs.VectorRoutes]; l == nil || l.Features[0].Properties["class"] == nil {
		t.Errorf("Lampedusa, zoom 8: routes %v", l)
	}
	found := false
	for z := maptile.Zoom(2); z <= 12; z++ {
		for _, l := range got[maptile.At(orb.Point{12.6, 35.5}, z)] {
			if l.Name != packs.VectorLabels {
				continue
			}
			for _, f := range l.Features {
				if name, _ := f.Properties["name"].(string); strings.Contains(name, "Lampedusa") {
					found = true
				}
			}
		}
	}
	if !found {
		t.Error("no zoom labels Lampedusa")
	}
	for tile := range got {
		if !tile.Bound().Intersects(centralMed) {
			t.Fatalf("tile %v lies outside the pack's box", tile)
		}
	}

	// GDAL reads the GeoPackage: one table per layer, as many features as
	// the manifest says, with their metadata.
	dir := t.TempDir()
	gpkg := filepath.Join(dir, "layers.gpkg")
	if err := os.WriteFile(gpkg, files[packs.FileGeoPackage], 0o600); err != nil {
		t.Fatal(err)
	}
	for _, l := range m.Layers {
		out := ogrinfo(t, "-ro", "-so", gpkg, l.Table)
		if !strings.Contains(out, "Feature Count: "+itoa(l.Features)+"\n") {
			t.Errorf("table %s: want %d features:\n%s", l.Table, l.Features, out)
		}
	}
	if out := ogrinfo(t, "-ro", "-so", gpkg, "incidents"); !strings.Contains(out, "TIER=staff") || !strings.Contains(out, "dead: Integer") {
		t.Errorf("incidents table metadata or types:\n%s", out)
	}

	// The directory lists services with HXL tags and names places.
	csv := string(files[packs.FileServices])
	if !strings.Contains(csv, "\n#meta+id,#geo+lon,#geo+lat,#loc+name,#service+type") || !strings.Contains(csv, "near ") {
		t.Errorf("services.csv starts %q", csv[:min(len(csv), 300)])
	}
	if !strings.Contains(string(files[packs.FileDirectory]), "<h2>") || !strings.Contains(string(files[packs.FileReadme]), "Caveats") {
		t.Error("services.html or README.txt lacks its sections")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// ogrinfo runs GDAL's ogrinfo; under CI a missing GDAL fails the test.
func ogrinfo(t testing.TB, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		testenv.Unavailable(t, "ogrinfo (GDAL) is not installed: run make deps")
	}
	out, err := exec.Command("ogrinfo", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// BenchmarkWholePack builds the pack of every bundled layer over the whole
// world, as staff see it, and reports its size and tile count.
func BenchmarkWholePack(b *testing.B) {
	world := orb.Bound{Min: orb.Point{-180, -85.0511}, Max: orb.Point{180, 85.0511}}
	bundled(b)
	b.ResetTimer()
	for range b.N {
		var n countWriter
		sum, err := bundled(b).Packs.Build(context.Background(), packs.Request{View: privacy.View{Tier: privacy.Staff}, BBox: world}, &n)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(sum.Bytes)/1e6, "MB")
		b.ReportMetric(float64(sum.Tiles.Tiles), "tiles")
	}
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }
