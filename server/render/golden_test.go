package render

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/golden")

// Golden comparison: a pixel differs when a channel differs by more than
// goldenChannelTolerance; at most goldenPixelShare of them may differ
// (anti-aliasing may vary with the CPU's floating point).
const (
	goldenChannelTolerance = 8
	goldenPixelShare       = 0.005
)

// TestGolden renders the scenes with the real basemap (frontend.Basemap)
// and compares them with testdata/golden/<scene>.png.
func TestGolden(t *testing.T) {
	for name, m := range scenes(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := Render(m, PNG)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", name+".png")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./server/render -run Golden -update to create it)", err)
			}
			if msg := compareImages(t, want, got); msg != "" {
				out := filepath.Join(t.TempDir(), name+".png")
				_ = os.WriteFile(out, got, 0o644)
				t.Errorf("%s: %s; the new rendering is %s", path, msg, out)
			}
		})
	}
}

// compareImages returns "" when the PNGs match within the tolerance, else
// what differs.
func compareImages(t *testing.T, want, got []byte) string {
	t.Helper()
	a, err := png.Decode(bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	b, err := png.Decode(bytes.NewReader(got))
	if err != nil {
		t.Fatal(err)
	}
	if a.Bounds() != b.Bounds() {
		return fmt.Sprintf("size %v, want %v", b.Bounds(), a.Bounds())
	}
	differ := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if pixelDiffers(a, b, x, y) {
				differ++
			}
		}
	}
	total := r.Dx() * r.Dy()
	if float64(differ) > goldenPixelShare*float64(total) {
		return fmt.Sprintf("%d of %d pixels differ (%.2f%%, allowed %.2f%%)", differ, total, 100*float64(differ)/float64(total), 100*goldenPixelShare)
	}
	return ""
}

func pixelDiffers(a, b image.Image, x, y int) bool {
	r1, g1, b1, a1 := a.At(x, y).RGBA()
	r2, g2, b2, a2 := b.At(x, y).RGBA()
	for _, d := range [][2]uint32{{r1, r2}, {g1, g2}, {b1, b2}, {a1, a2}} {
		v1, v2 := int(d[0]>>8), int(d[1]>>8)
		if v1-v2 > goldenChannelTolerance || v2-v1 > goldenChannelTolerance {
			return true
		}
	}
	return false
}

// TestCompareImagesCanFail checks the comparison itself: a changed patch
// of 1 % of the pixels fails, a change by a few counts passes.
func TestCompareImagesCanFail(t *testing.T) {
	base := image.NewRGBA(image.Rect(0, 0, 100, 100))
	for i := range base.Pix {
		base.Pix[i] = 200
		if i%4 == 3 {
			base.Pix[i] = 255
		}
	}
	encode := func(img image.Image) []byte {
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	slight := image.NewRGBA(base.Rect)
	copy(slight.Pix, base.Pix)
	for i := range slight.Pix {
		if i%4 != 3 {
			slight.Pix[i] = 205
		}
	}
	patch := image.NewRGBA(base.Rect)
	copy(patch.Pix, base.Pix)
	for y := range 10 {
		for x := range 10 {
			patch.Pix[patch.PixOffset(x, y)] = 0
		}
	}
	if msg := compareImages(t, encode(base), encode(slight)); msg != "" {
		t.Errorf("a change of 5 counts fails: %s", msg)
	}
	if msg := compareImages(t, encode(base), encode(patch)); msg == "" {
		t.Error("1 % of the pixels changed, and the comparison passes")
	}
}

// TestGoldenSVG checks the SVG of each scene: well-formed XML, the asked
// size, the title and the legend entries as text, no script.
func TestGoldenSVG(t *testing.T) {
	wantTexts := map[string][]string{
		"centralmed": {"Central Mediterranean: route risk, incidents and services", "As of 2026-11-27",
			"Critical: 50 or more per 100 km", "Low: under 1 per 100 km", "10 dead or missing", "Service point",
			"Categories: Health, Legal aid and documentation, Shelter and mobile & outreach <clinic>", "Health facilities", "km"},
		"public": {"5–9 incidents in an area", "250 or more incidents in an area", "Hot spot, 99 % confidence", "Incidents shown as counts per area"},
		"world":  {"Migration routes", "Darien (approximate)", "Central Mediterranean", "Dashed lines are approximate"},
		"small":  {"A very long title"},
	}
	for name, m := range scenes(t) {
		t.Run(name, func(t *testing.T) {
			b, err := Render(m, SVG)
			if err != nil {
				t.Fatal(err)
			}
			doc := parseSVG(t, b)
			if doc.width != fmt.Sprint(m.Width) || doc.height != fmt.Sprint(m.Height) || doc.viewBox != fmt.Sprintf("0 0 %d %d", m.Width, m.Height) {
				t.Errorf("width %q height %q viewBox %q, want %d×%d", doc.width, doc.height, doc.viewBox, m.Width, m.Height)
			}
			if doc.elements["script"] > 0 || doc.elements["foreignObject"] > 0 {
				t.Errorf("elements %v", doc.elements)
			}
			if doc.title != clean(m.Title) {
				t.Errorf("<title> %q, want %q", doc.title, clean(m.Title))
			}
			all := strings.Join(doc.texts, " ") // wrapped lines join with a space
			for _, s := range wantTexts[name] {
				if !strings.Contains(all, s) {
					t.Errorf("no text %q in:\n%s", s, all)
				}
			}
			if n := len(b); n > 2<<20 {
				t.Errorf("%d bytes", n)
			}
		})
	}
}

// svgDoc is what the SVG tests read from a document.
type svgDoc struct {
	width, height, viewBox string
	title                  string
	texts                  []string // the content of each <text>, its tspans joined
	elements               map[string]int
}

// parseSVG parses b with encoding/xml, failing the test on malformed XML.
func parseSVG(t *testing.T, b []byte) svgDoc {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	doc := svgDoc{elements: map[string]int{}}
	var stack []string
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			doc.elements[tok.Name.Local]++
			stack = append(stack, tok.Name.Local)
			if tok.Name.Local == "svg" && len(stack) == 1 {
				for _, a := range tok.Attr {
					switch a.Name.Local {
					case "width":
						doc.width = a.Value
					case "height":
						doc.height = a.Value
					case "viewBox":
						doc.viewBox = a.Value
					}
				}
			}
			if tok.Name.Local == "text" {
				text.Reset()
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			if tok.Name.Local == "text" {
				doc.texts = append(doc.texts, text.String())
			}
		case xml.CharData:
			if slices.Contains(stack, "text") {
				text.Write(tok)
			}
			if len(stack) > 0 && stack[len(stack)-1] == "title" {
				doc.title += string(tok)
			}
		}
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed elements %v", stack)
	}
	return doc
}
