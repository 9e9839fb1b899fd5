package risk

import (
	"strconv"
	"sync"
	"testing"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata/risk/synthetic"
)

// benchSeed seeds the synthetic incident layers of the benchmarks.
const benchSeed = 1

// synthetic layers are generated once per size and test binary.
var synthLayers sync.Map // size → []*geojson.Feature

func incidentsOfSize(b *testing.B, n int) []*geojson.Feature {
	l := sampleLayers(b)
	if n == len(l.incidents) {
		return l.incidents
	}
	if v, ok := synthLayers.Load(n); ok {
		return v.([]*geojson.Feature)
	}
	f := synthetic.Incidents(l.incidents, n, benchSeed)
	synthLayers.Store(n, f)
	return f
}

// benchSizes are the incident layers of the benchmarks: the real bundled
// one (17,772 incidents) and synthetic ones of 200,000 and 1,000,000.
func benchSizes(b *testing.B) []int {
	return []int{len(sampleLayers(b).incidents), 200_000, 1_000_000}
}

// BenchmarkAnalyse runs the whole analysis (segmentation, incident
// counts and weights, coverage, priorities) over every bundled route with
// default parameters, on a prepared Analyser.
func BenchmarkAnalyse(b *testing.B) {
	l := sampleLayers(b)
	for _, n := range benchSizes(b) {
		b.Run("incidents="+strconv.Itoa(n), func(b *testing.B) {
			a := NewAnalyser(l.routes, incidentsOfSize(b, n), l.services)
			p := DefaultParams(sampleDate)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := a.Analyse(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNewAnalyser measures the preparation of the three layers, done
// once per layer version.
func BenchmarkNewAnalyser(b *testing.B) {
	l := sampleLayers(b)
	for _, n := range benchSizes(b) {
		b.Run("incidents="+strconv.Itoa(n), func(b *testing.B) {
			inc := incidentsOfSize(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				NewAnalyser(l.routes, inc, l.services)
			}
		})
	}
}
