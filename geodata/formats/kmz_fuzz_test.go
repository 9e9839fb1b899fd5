package formats

import (
	"path/filepath"
	"testing"
)

func FuzzDecodeKMZ(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join(sharedData(f, "formats", "kml"), "*.kml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		f.Add(mustRead(f, p), "doc.kml")
	}
	f.Add([]byte(`<kml><Placemark><Point><coordinates>1,2</coordinates></Point></Placemark></kml>`), "layers/a.kml")
	f.Fuzz(func(t *testing.T, kml []byte, name string) {
		zb := buildTestZip(t, testZipEntry{name: name, data: kml}, testZipEntry{name: "files/icon.png", data: []byte("png"), stored: true})
		d, err := DecodeKMZ(archiveSource("f.kmz", zb), Options{Limits: Limits{MaxFeatures: 1000, MaxVertices: 100_000, MaxInflatedBytes: 16 << 20}})
		if err != nil {
			return
		}
		if d == nil {
			t.Fatal("nil Decoded without an error")
		}
		checkReportCounts(t, d)
	})
}
