package formats

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"runtime"
	"testing"

	"github.com/paulmach/orb/geojson"
)

// benchmarkIncidents is the bundled incident layer as GeoJSON (17,772
// features with every Missing Migrants property, about 8 MB).
func benchmarkIncidents(b *testing.B) []byte {
	b.Helper()
	f, err := os.Open("../sample/layers/incidents.geojson.gz")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkReadGeoJSON reads the bundled incidents with the streaming
// reader (validation included), its features parsed on one goroutine and
// on as many as there are processors (ReadGeoJSON's way).
func BenchmarkReadGeoJSON(b *testing.B) {
	data := benchmarkIncidents(b)
	for _, parsers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("parsers=%d", parsers), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := readGeoJSON(bytes.NewReader(data), Options{}, parsers, featureBatch); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOrbUnmarshalBaseline is the baseline: the same bytes through
// orb's FeatureCollection with encoding/json, the whole file in memory.
func BenchmarkOrbUnmarshalBaseline(b *testing.B) {
	data := benchmarkIncidents(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := geojson.UnmarshalFeatureCollection(data); err != nil {
			b.Fatal(err)
		}
	}
}
