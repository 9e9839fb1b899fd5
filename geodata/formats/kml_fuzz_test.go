package formats

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecodeKML feeds DecodeKML arbitrary bytes, seeded with the shared KML
// cases and the files in testdata/kml. It checks only that nothing panics
// and that a nil error comes with a Decoded whose counts add up.
func FuzzDecodeKML(f *testing.F) {
	for _, seed := range xmlFuzzSeeds(f, "kml") {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := DecodeKML(bytes.NewReader(data), Options{})
		if err != nil {
			return
		}
		checkFuzzedDecoded(t, d)
	})
}

// xmlFuzzSeeds reads the shared cases of a format ("kml", "gpx") and its
// testdata files. Without the shared folder only testdata seeds are used,
// unless the environment variable CI is "true", where that is a failure.
func xmlFuzzSeeds(f *testing.F, format string) [][]byte {
	f.Helper()
	pattern := "*." + format
	files, _ := filepath.Glob(filepath.Join("testdata", format, pattern))
	shared := filepath.Join("..", "..", "..", "shared", "data", "formats", format)
	if _, err := os.Stat(shared); err != nil {
		if os.Getenv("CI") == "true" {
			f.Fatalf("shared test data missing: %v", err)
		}
	} else {
		more, _ := filepath.Glob(filepath.Join(shared, pattern))
		files = append(files, more...)
	}
	var seeds [][]byte
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	return seeds
}

// checkFuzzedDecoded checks what a decoder returned with a nil error.
func checkFuzzedDecoded(t *testing.T, d *Decoded) {
	t.Helper()
	if d == nil {
		t.Fatal("nil Decoded with a nil error")
	}
	r := d.Report
	if r.Read != r.Accepted+r.Rejected || len(d.Features) != r.Accepted {
		t.Fatalf("read %d, accepted %d, rejected %d with %d features", r.Read, r.Accepted, r.Rejected, len(d.Features))
	}
}
