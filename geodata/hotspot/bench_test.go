package hotspot

import (
	"net/url"
	"strconv"
	"testing"
)

// BenchmarkCompute runs the whole analysis over the bundled incidents
// (about 17.8k points) at a coarse, a middle and the finest resolution.
func BenchmarkCompute(b *testing.B) {
	fs := loadIncidents(b)
	for _, res := range []int{3, 5, 7} {
		b.Run("res="+strconv.Itoa(res), func(b *testing.B) {
			p := DefaultParams()
			p.Resolution = res
			b.ReportAllocs()
			var cells []Cell
			for b.Loop() {
				cells = Compute(fs, p)
			}
			b.ReportMetric(float64(len(cells)), "cells")
		})
	}
	b.Run("res=7,k=max", func(b *testing.B) { // the largest study area served
		p := Params{Resolution: MaxResolution, K: MaxK, Weight: WeightIncidents}
		b.ReportAllocs()
		var cells []Cell
		for b.Loop() {
			cells = Compute(fs, p)
		}
		b.ReportMetric(float64(len(cells)), "cells")
	})
}

// BenchmarkFeatures turns the notable cells of the bundled incidents into
// GeoJSON features, as a response would.
func BenchmarkFeatures(b *testing.B) {
	fs := loadIncidents(b)
	for _, res := range []int{3, 5, 7} {
		b.Run("res="+strconv.Itoa(res), func(b *testing.B) {
			p := DefaultParams()
			p.Resolution = res
			cells := Notable(Compute(fs, p))
			b.ReportAllocs()
			for b.Loop() {
				Features(cells)
			}
			b.ReportMetric(float64(len(cells)), "features")
		})
	}
}

func BenchmarkParseParams(b *testing.B) {
	v, err := url.ParseQuery("zoom=7&datetime=2020-01-01/2023-12-31&cause=Drowning&cause=Violence&weight=victims&k=2")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p, err := ParseParams(v)
		if err != nil {
			b.Fatal(err)
		}
		_ = p.Key()
	}
}
