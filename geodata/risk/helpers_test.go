package risk

import (
	"bytes"
	"compress/gzip"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata/sample"
)

// layers are the bundled sample layers, decoded once per test binary.
type layers struct {
	routes, incidents, services []*geojson.Feature
}

var loadSample = sync.OnceValues(func() (layers, error) {
	all, err := sample.Layers()
	if err != nil {
		return layers{}, err
	}
	byID := map[string][]*geojson.Feature{}
	for _, b := range all {
		if b.Meta.ID != "routes" && b.Meta.ID != "incidents" && b.Meta.ID != "services" {
			continue // the context layers
		}
		zr, err := gzip.NewReader(bytes.NewReader(b.GeoJSONGzip))
		if err != nil {
			return layers{}, err
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			return layers{}, err
		}
		fc, err := geojson.UnmarshalFeatureCollection(raw)
		if err != nil {
			return layers{}, err
		}
		byID[b.Meta.ID] = fc.Features
	}
	return layers{routes: byID["routes"], incidents: byID["incidents"], services: byID["services"]}, nil
})

func sampleLayers(tb testing.TB) layers {
	tb.Helper()
	l, err := loadSample()
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

// sampleDate is the reference date the tests and benchmarks on the sample
// layers use, so that their figures do not change with the calendar: the
// day after the last incident of the bundled extract.
var sampleDate = time.Date(2025, 9, 9, 0, 0, 0, 0, time.UTC)
