package hotspot

import (
	"bytes"
	"compress/gzip"
	"io"
	"sync"
	"testing"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata/sample"
)

// sampleIncidents decodes the bundled incidents layer once per test binary.
var sampleIncidents = sync.OnceValues(func() ([]*geojson.Feature, error) {
	layers, err := sample.Layers()
	if err != nil {
		return nil, err
	}
	for _, l := range layers {
		if l.Meta.ID != "incidents" {
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(l.GeoJSONGzip))
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(zr)
		if err != nil {
			return nil, err
		}
		fc, err := geojson.UnmarshalFeatureCollection(data)
		if err != nil {
			return nil, err
		}
		return fc.Features, nil
	}
	return nil, io.ErrUnexpectedEOF
})

func loadIncidents(tb testing.TB) []*geojson.Feature {
	tb.Helper()
	fs, err := sampleIncidents()
	if err != nil {
		tb.Fatal(err)
	}
	return fs
}

// TestRealIncidents runs the analysis over the bundled Missing Migrants
// record: every point is counted once, no incident is lost, and the
// places everyone in the field knows as deadly come out as hot spots.
func TestRealIncidents(t *testing.T) {
	fs := loadIncidents(t)
	var points, dead, missing int
	for _, f := range fs {
		if _, ok := matchPoint(f, DefaultParams()); ok {
			points++
			dead += count(f.Properties["dead"])
			missing += count(f.Properties["missing"])
		}
	}
	for res := MinResolution; res <= MaxResolution; res++ {
		p := DefaultParams()
		p.Resolution = res
		cells := Compute(fs, p)
		var inc, d, m int
		classes := map[Class]int{}
		for _, c := range cells {
			inc += c.Incidents
			d += c.Dead
			m += c.Missing
			classes[c.Class]++
		}
		if inc != points || d != dead || m != missing {
			t.Errorf("res %d: %d incidents, %d dead, %d missing; the layer has %d, %d, %d", res, inc, d, m, points, dead, missing)
		}
		if classes[Hot99] == 0 {
			t.Errorf("res %d: no hot spot at 99 %%", res)
		}
		t.Logf("res %d: %d cells, %d notable, %v", res, len(cells), len(Notable(cells)), classes)
	}

	p := DefaultParams() // resolution 3
	byID := map[string]Cell{}
	for _, c := range Compute(fs, p) {
		byID[c.ID] = c
	}
	for _, place := range []struct {
		name     string
		lon, lat float64
	}{
		{"Sonoran Desert west of Tucson, Arizona", -112.5, 31.7},
		{"the sea off Tripoli, Libya", 12.8, 33.2},
		{"south Texas", -98.9, 27.2},
	} {
		h, _ := cellOf(place.lon, place.lat, p.Resolution)
		if c := byID[h.String()]; c.Class != Hot99 {
			t.Errorf("%s: cell %s is %q (z %.2f, p_fdr %.2g), want hot_99", place.name, h, c.Class, c.Z, c.PFDR)
		}
	}
}
