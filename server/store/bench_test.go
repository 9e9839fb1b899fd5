package store

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata/sample"
)

// BenchmarkWriteFeatures stores nine copies of the bundled Missing
// Migrants incidents (about 160k full records) as the file store does at
// a publish: encoded, compressed and synced.
func BenchmarkWriteFeatures(b *testing.B) {
	ls, err := sample.Layers()
	if err != nil {
		b.Fatal(err)
	}
	var feats []*geojson.Feature
	for _, l := range ls {
		if l.Meta.ID != "incidents" {
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(l.GeoJSONGzip))
		if err != nil {
			b.Fatal(err)
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			b.Fatal(err)
		}
		fc, err := geojson.UnmarshalFeatureCollection(raw)
		if err != nil {
			b.Fatal(err)
		}
		for range 9 {
			feats = append(feats, fc.Features...)
		}
	}
	dir := b.TempDir()
	for i := 0; b.Loop(); i++ {
		p := filepath.Join(dir, fmt.Sprint(i))
		if err := writeFeatures(p, feats); err != nil {
			b.Fatal(err)
		}
		os.Remove(p)
	}
	b.ReportMetric(float64(len(feats)), "features")
}
