package gzsplice

import (
	"bytes"
	"compress/gzip"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/flate"
)

func TestCombine(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct{ a, b int }{{0, 0}, {0, 5}, {5, 0}, {1, 1}, {3, 1000}, {70000, 12}, {12, 70000}} {
		a, b := make([]byte, c.a), make([]byte, c.b)
		for i := range a {
			a[i] = byte(r.Uint32())
		}
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		want := crc32.ChecksumIEEE(append(bytes.Clone(a), b...))
		if got := Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), int64(len(b))); got != want {
			t.Errorf("%d then %d bytes: combined %08x, want %08x", c.a, c.b, got, want)
		}
	}
}

// decompress reads a gzip stream with the standard library, which checks
// its CRC-32 and length.
func decompress(t testing.TB, gz []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatalf("not a gzip stream: %v", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("the stream does not decompress: %v", err)
	}
	return raw
}

// TestWriter: every mix of pieces and written bytes decompresses to their
// concatenation.
func TestWriter(t *testing.T) {
	json := func(i int) []byte {
		return []byte(`,{"type":"Feature","id":"f` + string(rune('a'+i%26)) + `","geometry":{"type":"Point","coordinates":[12.5,35.25]},"properties":{"dead":1}}`)
	}
	c, err := NewCompressor(flate.DefaultCompression)
	if err != nil {
		t.Fatal(err)
	}
	piece := func(from, to int) ([]byte, Piece) {
		var raw []byte
		for i := from; i < to; i++ {
			raw = append(raw, json(i)...)
		}
		return raw, c.Compress(raw)
	}
	cases := []struct {
		name  string
		steps string // w: write a feature, p: splice a piece of ten, e: splice an empty piece
	}{
		{"nothing", ""},
		{"written only", "www"},
		{"one piece", "p"},
		{"pieces only", "ppp"},
		{"piece first", "pww"},
		{"piece last", "wwp"},
		{"alternating", "wpwpwpw"},
		{"empty pieces", "ewepe"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := Get([]byte("kept"))
			defer Put(w)
			want := []byte{}
			for i, s := range c.steps {
				switch s {
				case 'w':
					b := json(i)
					want = append(want, b...)
					if _, err := w.Write(b); err != nil {
						t.Fatal(err)
					}
				case 'p':
					raw, p := piece(i*10, i*10+10)
					want = append(want, raw...)
					w.Splice(p)
				case 'e':
					w.Splice(Piece{})
				}
			}
			out := w.Close()
			if !bytes.HasPrefix(out, []byte("kept")) {
				t.Fatalf("the stream did not go after what dst held: %q", out[:8])
			}
			if out[4+8] != 4 {
				t.Errorf("extra flags %d, want 4 (fastest)", out[4+8])
			}
			if got := decompress(t, out[4:]); !bytes.Equal(got, want) {
				t.Errorf("decompressed %d bytes, want %d", len(got), len(want))
			}
		})
	}
}

// TestPieceIsSmall: a piece of repetitive JSON is compressed, not stored.
func TestPieceIsSmall(t *testing.T) {
	raw := bytes.Repeat([]byte(`{"type":"Feature","properties":{"dead":1}},`), 100)
	c, err := NewCompressor(flate.DefaultCompression)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Compress(raw)
	if p.Size() != len(raw) || p.Compressed() > len(raw)/10 {
		t.Errorf("%d bytes compressed to %d, piece says it holds %d", len(raw), p.Compressed(), p.Size())
	}
	if again := c.Compress(raw); !bytes.Equal(again.deflate, p.deflate) {
		t.Error("a compressor reused gave other bytes for the same input")
	}
	if _, err := NewCompressor(42); err == nil {
		t.Error("level 42 was accepted")
	}
}

// FuzzWriter: data cut anywhere into pieces and written bytes comes back
// whole.
func FuzzWriter(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"a":1},{"a":2}]}`), []byte{3, 0, 9, 1, 200})
	f.Add([]byte{}, []byte{})
	f.Add(bytes.Repeat([]byte{0}, 100000), []byte{255, 255, 1})
	c, err := NewCompressor(flate.BestSpeed)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data, cuts []byte) {
		w := Get(nil)
		defer Put(w)
		rest := data
		for i, cut := range cuts {
			n := min(int(cut)*int(cut), len(rest))
			if i%2 == 0 {
				_, _ = w.Write(rest[:n])
			} else {
				w.Splice(c.Compress(rest[:n]))
			}
			rest = rest[n:]
		}
		_, _ = w.Write(rest)
		if got := decompress(t, w.Close()); !bytes.Equal(got, data) {
			t.Fatalf("decompressed %d bytes, want %d", len(got), len(data))
		}
	})
}

func BenchmarkSplice(b *testing.B) {
	raw := bytes.Repeat([]byte(`,{"type":"Feature","id":"synthetic-1","geometry":{"type":"Point","coordinates":[12.5,35.25]},"properties":{"dead":1}}`), 32)
	c, err := NewCompressor(flate.DefaultCompression)
	if err != nil {
		b.Fatal(err)
	}
	p := c.Compress(raw)
	b.SetBytes(int64(80 * len(raw)))
	var dst []byte
	for b.Loop() {
		w := Get(dst[:0])
		for range 80 {
			w.Splice(p)
		}
		dst = w.Close()
		Put(w)
	}
}
