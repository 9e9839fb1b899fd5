package places

import (
	"bytes"
	"compress/gzip"
	"os"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func readSmall(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/small.tsv")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeSmall(t *testing.T) {
	a, err := Decode(bytes.NewReader(readSmall(t)))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Countries) != 2 || len(a.Entries) != 3 || len(a.Seas) != 2 || len(a.Comments) != 1 {
		t.Fatalf("%d countries, %d entries, %d seas, %d comments", len(a.Countries), len(a.Entries), len(a.Seas), len(a.Comments))
	}
	if gulf := a.Seas[1]; gulf.Name != "Gulf of Gabès" || len(gulf.Shape) != 1 || len(gulf.Shape[0]) != 2 || gulf.Rank != 5 {
		t.Errorf("gulf %+v: want one polygon with a hole", gulf)
	}
	if e := a.Entries[2]; e.Kind != KindPort || e.Name != "Sfax" || e.Lon != 10.7706 || e.Rank != 6 {
		t.Errorf("port %+v", e)
	}
	ix := New(a)
	if got := ix.Describe(11.3, 34.9, true); got != "Mediterranean Sea, off Sfax" {
		t.Errorf("Describe = %q", got)
	}
	// Inside the Gulf of Gabès but in its hole: the Gulf is nearer than
	// any other area, within SeaNearKm.
	if got, ok := ix.Sea(10.25, 33.72); got != "Gulf of Gabès" || !ok {
		t.Errorf("Sea in the hole = %q %v", got, ok)
	}
	if got := ix.Describe(9.0, 32.0, false); !strings.HasSuffix(got, "km from Sfax, Tunisia") {
		t.Errorf("Describe on land far from places = %q, want the distance to the nearest place", got)
	}
	if p, _, ok := ix.Nearest(12.6, 35.5, 5); !ok || p.CountryName != "Italy" {
		t.Errorf("Nearest %+v", p)
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	a, err := Decode(bytes.NewReader(readSmall(t)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, a); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), readSmall(t)) {
		t.Errorf("re-encoded asset differs:\n%s", buf.String())
	}
	// Tabs and line breaks in a name become spaces.
	b := &Asset{Entries: []Entry{{Place: Place{Name: "a\tb\nc", Country: "TN", Lon: 1, Lat: 2, Kind: KindPlace}}}}
	buf.Reset()
	if err := Encode(&buf, b); err != nil {
		t.Fatal(err)
	}
	back, err := Decode(&buf)
	if err != nil || back.Entries[0].Name != "a b c" {
		t.Errorf("%v %+v", err, back)
	}
	if err := Encode(&bytes.Buffer{}, &Asset{Entries: []Entry{{Place: Place{Name: "x", Kind: KindSea}}}}); err == nil {
		t.Error("encoded a sea as an entry")
	}
}

func TestDecodeErrors(t *testing.T) {
	const h = AssetHeader + "\n"
	tests := []struct{ in, says string }{
		{"", "empty"},
		{"routerisk-places\tv2\n", "line 1"},
		{h + "planet\tMars\n", "line 2 (planet): unknown record type"},
		{h + "place\tSfax\tTN\t10.7\n", "4 fields, want 6"},
		{h + "place\tSfax\tTN\t190\t34\t1\n", "not a longitude"},
		{h + "place\tSfax\tTN\tNaN\t34\t1\n", "not a longitude"},
		{h + "place\tSfax\tTN\t10\t34\tmany\n", "not an integer"},
		{h + "place\t\tTN\t10\t34\t1\n", "no name"},
		{h + "sea\tX\t1\t1\t1\t0 0,1 0,0 0\n", "at least 4"},
		{h + "sea\tX\t1\t1\t1\t0 0,1 0,1 1,00\n", "is not \"lon lat\""},
		{h + "country\tTN\tTunisia\t0 0,1 0,1 1,0 95\n", "not a longitude"},
		{h + "# fine\n" + "sea\tX\t1\t1\t1\t\n\nsea\tY\t1\t1\t1\t0 0|\n", "line 5 (sea)"},
		{h + strings.Repeat("x", maxLineBytes+1) + "\n", "too long"},
	}
	for _, tt := range tests {
		_, err := Decode(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("Decode(%.40q): %v, want an error saying %q", tt.in, err, tt.says)
		}
	}
	if _, err := DecodeGzip([]byte("not gzip")); err == nil {
		t.Error("DecodeGzip read something that is not gzip")
	}
}

func TestDecodeGzipOfTheBundledAsset(t *testing.T) {
	a, err := DecodeGzip(bundled)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Comments) == 0 || !strings.Contains(strings.Join(a.Comments, "\n"), "GeoNames") {
		t.Errorf("the asset does not credit GeoNames: %q", a.Comments)
	}
	if len(bundled) > 2<<20 {
		t.Errorf("the bundled asset is %d bytes, over 2 MB", len(bundled))
	}
}

// FuzzDecode feeds the decoder arbitrary text: it must answer an asset or
// an error, never panic, and what it answers must encode and decode again
// to the same thing, and build an index that answers.
func FuzzDecode(f *testing.F) {
	f.Add(readSmall(f))
	f.Add([]byte(AssetHeader + "\nsea\tX\t1\t1\t1\t0 0,1 0,1 1,0 0|2 2,3 2,3 3,2 2;2.1 2.1,2.2 2.1,2.2 2.2,2.1 2.1\n"))
	f.Add([]byte(AssetHeader + "\nplace\tA\tB\t-180\t90\t-3\nport\tB\t\t180\t-90\t0\n"))
	f.Add([]byte(AssetHeader + "\ncountry\tXX\tX\t\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Encode(&buf, a); err != nil {
			t.Fatalf("decoded asset does not encode: %v", err)
		}
		b, err := Decode(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("re-encoded asset does not decode: %v\n%q", err, buf.String())
		}
		if len(b.Entries) != len(a.Entries) || len(b.Seas) != len(a.Seas) || len(b.Countries) != len(a.Countries) {
			t.Fatalf("round trip changed the record counts")
		}
		ix := New(a)
		ix.Describe(10, 34, true)
		ix.Describe(10, 34, false)
		ix.Search("a", 5)
		ix.InBBox(orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}, 5)
	})
}

func TestDecodeGzipRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(readSmall(t))
	zw.Close()
	a, err := DecodeGzip(buf.Bytes())
	if err != nil || len(a.Entries) != 3 {
		t.Fatalf("%v %+v", err, a)
	}
}
