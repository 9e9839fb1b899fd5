package store

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb/geojson"
)

// BenchmarkWriteFeatures stores nine copies of the bundled Missing
// Migrants incidents (about 160k full records) as the file store does at
// a publish: encoded, compressed and synced.
func BenchmarkWriteFeatures(b *testing.B) {
	l, _ := bundledIncidents(b)
	var feats []*geojson.Feature
	for range 9 {
		feats = append(feats, l.Features...)
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
