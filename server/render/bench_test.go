package render

import (
	"bytes"
	"compress/gzip"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/geodata/risk"
	"github.com/routerisk/routerisk/geodata/sample"
)

// bundled are the sample layers (routes, incidents, services) and the
// route-risk segments of the default analysis, decoded once.
var bundled = sync.OnceValues(func() ([]Layer, error) {
	all, err := sample.Layers()
	if err != nil {
		return nil, err
	}
	// The first three are routes, incidents and services; the context
	// layers after them are not drawn here.
	var feats [3][]*geojson.Feature
	for i, b := range all[:len(feats)] {
		zr, err := gzip.NewReader(bytes.NewReader(b.GeoJSONGzip))
		if err != nil {
			return nil, err
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			return nil, err
		}
		fc, err := geojson.UnmarshalFeatureCollection(raw)
		if err != nil {
			return nil, err
		}
		feats[i] = fc.Features
	}
	res, err := risk.NewAnalyser(feats[0], feats[1], feats[2]).Analyse(risk.DefaultParams(time.Date(2025, 9, 9, 0, 0, 0, 0, time.UTC)))
	if err != nil {
		return nil, err
	}
	return []Layer{
		{Title: "Deaths and disappearances of people in migration", Style: StyleIncidents, Features: feats[1]},
		{Title: "Health facilities", Style: StyleServices, Features: feats[2]},
		{Title: "Migration routes", Style: StyleRoutes, Features: feats[0]},
		{Title: "Route risk", Style: StyleRiskSegments, Features: res.SegmentFeatures()},
	}, nil
})

// BenchmarkRender draws every bundled feature (17.8k incidents, 15.5k
// services, the routes and their 12k risk segments) at 1200×800: the
// world, where every feature is drawn, and the Central Mediterranean,
// where most are culled.
func BenchmarkRender(b *testing.B) {
	layers, err := bundled()
	if err != nil {
		b.Fatal(err)
	}
	views := []struct {
		name  string
		bound orb.Bound
		res   string
	}{
		{"world", orb.Bound{Min: orb.Point{-180, -60}, Max: orb.Point{180, 75}}, "110m"},
		{"centralmed", centralMed, "50m"},
	}
	// The baseline: encoding the same features as GeoJSON, which is what
	// the dashboard downloads to draw them itself.
	b.Run("baseline/geojson", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, l := range layers {
				fc := geojson.NewFeatureCollection()
				fc.Features = l.Features
				if _, err := fc.MarshalJSON(); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	for _, v := range views {
		m := Map{
			Width: 1200, Height: 800, Bound: v.bound, Basemap: basemap(b, v.res), Layers: layers, Legend: true,
			Title: "Route risk, incidents and services", Subtitle: "All incidents 2014-01-01 to 2025-09-08",
			AsOf: "2026-11-27", Attribution: "Missing Migrants Project (IOM); healthsites.io; Natural Earth; world-atlas",
		}
		for _, f := range []Format{PNG, SVG} {
			b.Run(v.name+"/"+string(f), func(b *testing.B) {
				b.ReportAllocs()
				var size int
				for b.Loop() {
					out, err := Render(m, f)
					if err != nil {
						b.Fatal(err)
					}
					size = len(out)
				}
				b.ReportMetric(float64(size), "bytes/image")
			})
		}
	}
}
