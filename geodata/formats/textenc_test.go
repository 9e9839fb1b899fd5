package formats

import (
	"bytes"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/routerisk/routerisk/geodata"
)

func TestDecodeText(t *testing.T) {
	const text = "nom,lat,lon\nCentre de santé,13.5,2.1\n"
	utf16 := func(e unicode.Endianness, bom unicode.BOMPolicy) []byte {
		b, err := unicode.UTF16(e, bom).NewEncoder().Bytes([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	latin1, err := charmap.Windows1252.NewEncoder().Bytes([]byte(text + "€ œ\n"))
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("a", textSniffSize-1)
	tests := []struct {
		name     string
		in       []byte
		want     string
		encoding string
		note     string
	}{
		{"utf-8", []byte(text), text, encodingUTF8, "text encoding: UTF-8"},
		{"utf-8 with bom", append([]byte("\xef\xbb\xbf"), text...), text, encodingUTF8BOM, "byte order mark (removed)"},
		{"utf-16le with bom", utf16(unicode.LittleEndian, unicode.UseBOM), text, "UTF-16LE with a byte order mark", ""},
		{"utf-16be with bom", utf16(unicode.BigEndian, unicode.UseBOM), text, "UTF-16BE with a byte order mark", ""},
		{"utf-16le without bom", utf16(unicode.LittleEndian, unicode.IgnoreBOM), text, "UTF-16LE without a byte order mark", ""},
		{"utf-16be without bom", utf16(unicode.BigEndian, unicode.IgnoreBOM), text, "UTF-16BE without a byte order mark", ""},
		{"windows-1252", latin1, text + "€ œ\n", encodingWindows1252, "windows-1252"},
		{"rune cut by the sniffed prefix", []byte(long + "é\n"), long + "é\n", encodingUTF8, ""},
		{"latin-1 byte after the sniffed prefix", []byte(long + "x\n\xe9t\xe9\n"), long + "x\nété\n", encodingUTF8,
			"2 bytes that are not UTF-8 were read as windows-1252"},
		{"invalid utf-8 at the very end", []byte("a,b\n\xc3"), "a,b\nÃ", encodingWindows1252, ""},
		{"old DOS end-of-file mark", []byte("a,b\n1,2\n\x1a"), "a,b\n1,2\n\x1a", encodingUTF8, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dt, err := decodeText(bytes.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(dt)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("text %q…, want %q…", textClipForTest(string(got)), textClipForTest(tt.want))
			}
			if dt.Encoding != tt.encoding {
				t.Errorf("encoding %q, want %q", dt.Encoding, tt.encoding)
			}
			if !strings.Contains(dt.Note(), tt.note) {
				t.Errorf("note %q lacks %q", dt.Note(), tt.note)
			}
		})
	}
}

func TestDecodeTextRefuses(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		msg  string
	}{
		{"empty", nil, "the file is empty"},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), "byte 3 is the control character 0x03"},
		{"xlsx-like nul bytes", []byte("abc\x00\x01\x02def"), "not text"},
		{"png", readCSVFixture(t, "binary.csv"), "not text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeText(bytes.NewReader(tt.in))
			if geodata.ErrorCode(err) != geodata.Invalid || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want Invalid containing %q", err, tt.msg)
			}
		})
	}
}

// TestDecodeTextStreams checks that decoding does not hold the file in
// memory: 16 MB through each decoder allocates well under 1 MB.
func TestDecodeTextStreams(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("reads 48 MB")
	}
	const size = 16 << 20
	for _, tt := range []struct {
		name string
		head []byte
		fill byte
	}{
		{"utf-8", nil, 'a'},
		{"windows-1252", []byte("caf\xe9\n"), 'a'},
		{"utf-16le", []byte("\xff\xfe"), 0}, // a zero-filled UTF-16 stream: NUL characters, fine for measuring
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := io.MultiReader(bytes.NewReader(tt.head), io.LimitReader(textRepeatByte(tt.fill), size))
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			dt, err := decodeText(src)
			if err != nil {
				t.Fatal(err)
			}
			n, err := io.Copy(io.Discard, dt)
			if err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			if n < size/2 {
				t.Fatalf("decoded %d bytes", n)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
				t.Errorf("decoding %d bytes allocated %d bytes", size, alloc)
			}
		})
	}
}

type textRepeatByte byte

func (b textRepeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

func textClipForTest(s string) string {
	if len(s) > 40 {
		return "…" + s[len(s)-40:]
	}
	return s
}
