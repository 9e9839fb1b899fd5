package formats

import (
	"bytes"
	"testing"
)

// FuzzDecodeGPX feeds DecodeGPX arbitrary bytes, seeded with the shared GPX
// cases and the files in testdata/gpx. It checks only that nothing panics
// and that a nil error comes with a Decoded whose counts add up.
func FuzzDecodeGPX(f *testing.F) {
	for _, seed := range xmlFuzzSeeds(f, "gpx") {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := DecodeGPX(bytes.NewReader(data), Options{})
		if err != nil {
			return
		}
		checkFuzzedDecoded(t, d)
	})
}
