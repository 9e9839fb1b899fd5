package formats

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func FuzzDecodeOSM(f *testing.F) {
	for _, name := range osmFixtures {
		b, err := os.ReadFile(filepath.Join("testdata", "osm", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"elements":[{"type":"relation","id":1,"members":[{"type":"way","ref":2,"role":"outer","geometry":[{"lat":0,"lon":0},null,{"lat":1,"lon":1}]}],"tags":{"amenity":"clinic"}}]}`))
	f.Add([]byte(`<osm><node id="1" lat="1" lon="2"><tag k="amenity" v="clinic"/></node><way id="2"><nd ref="1"/><tag k="amenity" v="toilets"/></way></osm>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := DecodeOSM(Source{Name: "f.osm", Size: int64(len(data)), R: bytes.NewReader(data)},
			Options{Limits: Limits{MaxFeatures: 1000, MaxVertices: 100_000, MaxInflatedBytes: 16 << 20}})
		if err != nil {
			return
		}
		if d == nil {
			t.Fatal("nil Decoded without an error")
		}
		checkReportCounts(t, d)
	})
}
