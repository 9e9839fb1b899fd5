package render

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"image/png"
	"math"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/geodata"
)

// minimal is a valid map with nothing on it.
func minimal() Map {
	return Map{Width: 400, Height: 300, Bound: centralMed}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Map)
		format Format
		param  string // "" for valid
		want   string
	}{
		{"valid", func(*Map) {}, PNG, "", ""},
		{"smallest", func(m *Map) { m.Width, m.Height = MinSize, MinSize }, PNG, "", ""},
		{"largest", func(m *Map) { m.Width, m.Height = MaxSize, MaxSize }, SVG, "", ""},
		{"ratio 0 means 1", func(m *Map) { m.PixelRatio = 0 }, PNG, "", ""},
		{"ratio 3", func(m *Map) { m.PixelRatio = 3 }, PNG, "", ""},
		{"width too large", func(m *Map) { m.Width = 5000 }, PNG, "width", "width must be between 200 and 4000 pixels, got 5000"},
		{"width too small", func(m *Map) { m.Width = 199 }, SVG, "width", "width must be between 200 and 4000 pixels, got 199"},
		{"negative height", func(m *Map) { m.Height = -1 }, PNG, "height", "height must be between 200 and 4000 pixels, got -1"},
		{"ratio too large", func(m *Map) { m.PixelRatio = 3.5 }, PNG, "pixel_ratio", "pixel_ratio must be between 1 and 3, got 3.5"},
		{"ratio below 1", func(m *Map) { m.PixelRatio = 0.5 }, PNG, "pixel_ratio", "pixel_ratio must be between 1 and 3"},
		{"ratio NaN", func(m *Map) { m.PixelRatio = math.NaN() }, PNG, "pixel_ratio", "got NaN"},
		{"too many pixels", func(m *Map) { m.Width, m.Height, m.PixelRatio = 4000, 4000, 2 }, PNG, "pixel_ratio", "8000 × 8000 = 64000000 pixels"},
		{"many pixels are fine in SVG", func(m *Map) { m.Width, m.Height, m.PixelRatio = 4000, 4000, 2 }, SVG, "", ""},
		{"format", func(*Map) {}, Format("gif"), "format", `format must be png or svg, got "gif"`},
		{"empty bound", func(m *Map) { m.Bound = orb.Bound{} }, PNG, "bbox", "bbox is a single point"},
		{"inverted latitudes", func(m *Map) { m.Bound = orb.Bound{Min: orb.Point{0, 10}, Max: orb.Point{10, 0}} }, PNG, "bbox", "min_lat is north of max_lat"},
		{"antimeridian", func(m *Map) { m.Bound = orb.Bound{Min: orb.Point{170, 0}, Max: orb.Point{-170, 10}} }, PNG, "bbox", "across the antimeridian is not supported"},
		{"longitude out of range", func(m *Map) { m.Bound = orb.Bound{Min: orb.Point{-190, 0}, Max: orb.Point{10, 10}} }, PNG, "bbox", "longitudes must be between -180 and 180"},
		{"latitude out of range", func(m *Map) { m.Bound = orb.Bound{Min: orb.Point{0, -91}, Max: orb.Point{10, 10}} }, PNG, "bbox", "latitudes must be between -90 and 90"},
		{"infinite", func(m *Map) { m.Bound.Max[0] = math.Inf(1) }, PNG, "bbox", "four finite numbers"},
		{"a line of longitude is an area", func(m *Map) { m.Bound = orb.Bound{Min: orb.Point{10, 0}, Max: orb.Point{10, 10}} }, PNG, "", ""},
		{"whole world", func(m *Map) { m.Bound = orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}} }, PNG, "", ""},
		{"unknown style", func(m *Map) { m.Layers = []Layer{{Style: "heatmap"}} }, PNG, "layers", `layer 0 has style "heatmap"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := minimal()
			tc.edit(&m)
			err := Validate(m, tc.format)
			if tc.param == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var e *geodata.Error
			if !errors.As(err, &e) || e.Code != geodata.Invalid {
				t.Fatalf("error %v, want code invalid", err)
			}
			if e.Details["parameter"] != tc.param || e.Details["allowed"] == "" {
				t.Errorf("details %v, want parameter %q and what is allowed", e.Details, tc.param)
			}
			if !strings.Contains(e.Message, tc.want) {
				t.Errorf("message %q does not say %q", e.Message, tc.want)
			}
			if _, err := Render(m, tc.format); geodata.ErrorCode(err) != geodata.Invalid {
				t.Errorf("Render: %v", err)
			}
		})
	}
}

// TestPNGSize decodes PNGs: the pixel size is the size times the ratio, rounded.
func TestPNGSize(t *testing.T) {
	for _, tc := range []struct {
		w, h  int
		ratio float64
		px    [2]int
	}{
		{400, 300, 0, [2]int{400, 300}},
		{400, 300, 1, [2]int{400, 300}},
		{400, 300, 2, [2]int{800, 600}},
		{333, 201, 1.5, [2]int{500, 302}}, // 499.5 and 301.5 round up
		{201, 203, 2.999, [2]int{603, 609}},
	} {
		m := minimal()
		m.Width, m.Height, m.PixelRatio = tc.w, tc.h, tc.ratio
		m.Title = "Size"
		b, err := Render(m, PNG)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if got := [2]int{img.Bounds().Dx(), img.Bounds().Dy()}; got != tc.px {
			t.Errorf("%d×%d at %g: %v pixels, want %v", tc.w, tc.h, tc.ratio, got, tc.px)
		}
		if w, h := PixelSize(m); [2]int{w, h} != tc.px {
			t.Errorf("PixelSize %d×%d, want %v", w, h, tc.px)
		}
	}
}

func TestFitView(t *testing.T) {
	frame := rect{10, 50, 810, 450} // 800 × 400
	tests := []struct {
		name  string
		bound orb.Bound
		// which axis limits: the bound spans the whole frame along it
		widthLimits bool
	}{
		{"wide bound fills the width", orb.Bound{Min: orb.Point{-40, -5}, Max: orb.Point{40, 5}}, true},
		{"tall bound fills the height", orb.Bound{Min: orb.Point{0, 30}, Max: orb.Point{5, 60}}, false},
		{"equator square", orb.Bound{Min: orb.Point{-10, -10}, Max: orb.Point{10, 10}}, false},
		{"a meridian", orb.Bound{Min: orb.Point{10, 0}, Max: orb.Point{10, 10}}, false},
		{"a parallel", orb.Bound{Min: orb.Point{0, 45}, Max: orb.Point{10, 45.000000001}}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := fitView(tc.bound, frame)
			x0, y1 := v.project(tc.bound.Min.X(), tc.bound.Min.Y())
			x1, y0 := v.project(tc.bound.Max.X(), tc.bound.Max.Y())
			const eps = 1e-6
			if x0 < frame.x0-eps || x1 > frame.x1+eps || y0 < frame.y0-eps || y1 > frame.y1+eps {
				t.Errorf("bound projects to %v–%v,%v–%v, outside the frame %+v", x0, x1, y0, y1, frame)
			}
			if cx, cy := (x0+x1)/2, (y0+y1)/2; math.Abs(cx-410) > eps || math.Abs(cy-250) > eps {
				t.Errorf("bound centred at %v,%v, want the frame's centre 410,250", cx, cy)
			}
			if tc.widthLimits && math.Abs(x1-x0-frame.w()) > eps {
				t.Errorf("width %v, want %v", x1-x0, frame.w())
			}
			if !tc.widthLimits && math.Abs(y1-y0-frame.h()) > eps {
				t.Errorf("height %v, want %v", y1-y0, frame.h())
			}
			// project and unproject are inverse.
			lon, lat := v.unproject(123, 321)
			if x, y := v.project(lon, lat); math.Abs(x-123) > 1e-6 || math.Abs(y-321) > 1e-6 {
				t.Errorf("round trip 123,321 → %v,%v", x, y)
			}
		})
	}
	// North is up.
	v := fitView(centralMed, frame)
	if _, yN := v.project(15, 38); true {
		if _, yS := v.project(15, 32); yN >= yS {
			t.Errorf("north at y %v is not above south at %v", yN, yS)
		}
	}
}

func TestMercator(t *testing.T) {
	if x, y := mercator(0, 0); x != 0 || y != 0 {
		t.Errorf("origin → %v,%v", x, y)
	}
	if _, y := mercator(0, MaxLatitude); math.Abs(y-math.Pi) > 1e-9 {
		t.Errorf("max latitude → y %v, want π (a square world)", y)
	}
	if _, y := mercator(0, 90); math.IsInf(y, 0) || math.Abs(y-math.Pi) > 1e-9 {
		t.Errorf("the pole → y %v, want clamped to π", y)
	}
	for _, lat := range []float64{-80, -33.3, 0, 12.5, 60} {
		_, y := mercator(0, lat)
		if got := latitude(y); math.Abs(got-lat) > 1e-9 {
			t.Errorf("latitude(mercator(%v)) = %v", lat, got)
		}
	}
}

func TestChooseScaleBar(t *testing.T) {
	tests := []struct {
		mpp, max float64 // metres per pixel, longest bar
		metres   float64
		label    string
	}{
		{1000, 150, 100_000, "100 km"},       // 150 km fit: 100 km
		{1000, 250, 200_000, "200 km"},       // 250 km fit: 200 km
		{1000, 100, 100_000, "100 km"},       // exactly
		{999.9, 100, 50_000, "50 km"},        // 99.99 km fit: 50 km
		{10, 160, 1000, "1 km"},              // 1.6 km
		{1, 160, 100, "100 m"},               // a street
		{40_000, 160, 5_000_000, "5,000 km"}, // the world
		{100_000, 160, 10_000_000, "10,000 km"},
	}
	for _, tc := range tests {
		sb, ok := chooseScaleBar(tc.mpp, tc.max)
		if !ok || sb.metres != tc.metres || sb.label != tc.label {
			t.Errorf("%v m/px up to %v px: %+v %v, want %v m %q", tc.mpp, tc.max, sb, ok, tc.metres, tc.label)
			continue
		}
		if math.Abs(sb.pixels*tc.mpp-sb.metres) > 1e-6 || sb.pixels > tc.max {
			t.Errorf("%v: %v px for %v m", tc.label, sb.pixels, sb.metres)
		}
	}
	for _, bad := range [][2]float64{{0, 100}, {-1, 100}, {1, 0}, {math.NaN(), 100}, {math.Inf(1), 100}, {1e-9, 100}} {
		if _, ok := chooseScaleBar(bad[0], bad[1]); ok {
			t.Errorf("%v: a scale bar", bad)
		}
	}
}

// TestScaleBarFollowsLatitude: in Web Mercator the same map scale shows
// half the ground distance per pixel at 60° as at the equator.
func TestScaleBarFollowsLatitude(t *testing.T) {
	v := fitView(orb.Bound{Min: orb.Point{0, -0.5}, Max: orb.Point{10, 0.5}}, rect{0, 0, 1000, 1000})
	eq, at60 := v.metresPerPixel(0), v.metresPerPixel(60)
	if math.Abs(at60/eq-0.5) > 1e-9 {
		t.Errorf("ratio %v, want 0.5", at60/eq)
	}
	// 10° of longitude at the equator is 1113.2 km across 1000 px.
	if math.Abs(eq*1000-1113194.9) > 1 {
		t.Errorf("%v m per px at the equator", eq)
	}
	// The scene labels where the bar is true when the scale varies.
	m := minimal()
	m.Bound = orb.Bound{Min: orb.Point{-20, 10}, Max: orb.Point{40, 60}}
	sc := newScene(m, mustFonts(t))
	if sc.bar == nil || !strings.Contains(sc.bar.label.s, " km at ") {
		t.Errorf("scale bar %+v", sc.bar)
	}
	m.Bound = orb.Bound{Min: orb.Point{14, 36}, Max: orb.Point{15, 37}}
	sc = newScene(m, mustFonts(t))
	if sc.bar == nil || strings.Contains(sc.bar.label.s, " at ") {
		t.Errorf("scale bar %+v on a small area", sc.bar)
	}
}

func mustFonts(t testing.TB) *fonts {
	f, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestClasses(t *testing.T) {
	for _, tc := range []struct {
		n   float64
		cls int
	}{{0, 0}, {4, 0}, {5, 0}, {9, 0}, {10, 1}, {24, 1}, {25, 2}, {99, 2}, {100, 3}, {249, 3}, {250, 4}, {1e9, 4}, {math.NaN(), 0}} {
		if got := cellClass(tc.n); got != tc.cls {
			t.Errorf("cellClass(%v) = %d, want %d", tc.n, got, tc.cls)
		}
	}
	for _, tc := range []struct {
		dm, r float64
	}{{0, 3}, {-5, 3}, {math.NaN(), 3}, {1, 4.4}, {100, 17}, {1000, 22}} {
		if got := incidentRadius(tc.dm); math.Abs(got-tc.r) > 1e-9 {
			t.Errorf("incidentRadius(%v) = %v, want %v", tc.dm, got, tc.r)
		}
	}
	risk := []struct {
		props geojson.Properties
		want  string
	}{
		{geojson.Properties{"class": "critical"}, "critical"},
		{geojson.Properties{"class": "low"}, "low"},
		{geojson.Properties{"class": "Critical"}, ""},
		{geojson.Properties{"class": 3.0}, ""},
		{geojson.Properties{}, ""},
		{nil, ""},
	}
	for _, tc := range risk {
		if got := classOf(tc.props, riskClasses); got != tc.want {
			t.Errorf("classOf(%v) = %q, want %q", tc.props, got, tc.want)
		}
	}
	for _, tc := range []struct {
		props geojson.Properties
		dm    float64
		cells float64
		appr  bool
	}{
		{geojson.Properties{"dead": 3.0, "missing": 4.0, "incidents": 12.0, "approximate": true}, 7, 12, true},
		{geojson.Properties{"dead": "3", "missing": -4.0, "features": 7.0, "approximate": "true"}, 3, 7, true},
		{geojson.Properties{"dead": "x", "missing": nil, "approximate": 1.0}, 0, 0, true},
		{geojson.Properties{"approximate": false, "incidents": "8"}, 0, 8, false},
		{geojson.Properties{"approximate": "yes"}, 0, 0, false},
	} {
		if got := deadMissing(tc.props); got != tc.dm {
			t.Errorf("deadMissing(%v) = %v, want %v", tc.props, got, tc.dm)
		}
		if got := cellCount(tc.props); got != tc.cells {
			t.Errorf("cellCount(%v) = %v, want %v", tc.props, got, tc.cells)
		}
		if got := isApproximate(tc.props); got != tc.appr {
			t.Errorf("isApproximate(%v) = %v", tc.props, got)
		}
	}
}

// TestRouteColours: names sorted, then the palette in turn, whatever the
// order of the features; unnamed routes get the stable fallback.
func TestRouteColours(t *testing.T) {
	line := orb.LineString{{10, 33}, {14, 36}}
	feature := func(name string) *geojson.Feature {
		f := geojson.NewFeature(line)
		f.Properties["name"] = name
		return f
	}
	m := minimal()
	m.Layers = []Layer{{Style: StyleRoutes, Features: []*geojson.Feature{feature("Zeta"), feature("Alpha"), feature("Mu"), feature("")}}}
	sc := newScene(m, mustFonts(t))
	got := map[string]string{}
	for i, o := range sc.ops {
		got[[]string{"Zeta", "Alpha", "Mu", ""}[i]] = hex(o.ls.colour)
	}
	exp := map[string]string{"Alpha": "#332288", "Mu": "#117733", "Zeta": "#44AA99", "": hex(fallbackRouteColour(""))}
	for k, v := range exp {
		if got[k] != v {
			t.Errorf("%q: %s, want %s", k, got[k], v)
		}
	}
	// palette.ts fallbackRouteColour: h = h*31 + code unit, mod 2³², mod 9.
	h := uint32(0)
	for _, c := range "Darien" {
		h = h*31 + uint32(c)
	}
	if hex(fallbackRouteColour("Darien")) != hex(tolMuted[h%9]) {
		t.Errorf("fallback colour of Darien")
	}
	if !lessUTF16("Z", "a") || lessUTF16("a", "Z") {
		t.Errorf("UTF-16 order of ASCII")
	}
	if !lessUTF16("\U0001F600", "\uFFFD") || lessUTF16("\uFFFD", "\U0001F600") {
		t.Errorf("JavaScript sorts a surrogate pair (U+D83D…) before U+FFFD")
	}
}

func hex(c interface{ RGBA() (r, g, b, a uint32) }) string {
	r, g, b, _ := c.RGBA()
	const digits = "0123456789ABCDEF"
	out := []byte{'#'}
	for _, v := range []uint32{r >> 8, g >> 8, b >> 8} {
		out = append(out, digits[v>>4], digits[v&15])
	}
	return string(out)
}

// TestCulling: features outside the view are left out; lines and
// polygons crossing the frame are clipped to it.
func TestCulling(t *testing.T) {
	var feats []*geojson.Feature
	inside := []orb.Point{{12, 34}, {15, 35}, {18, 37}}
	for _, p := range inside {
		feats = append(feats, geojson.NewFeature(p))
	}
	for i := range 1000 {
		feats = append(feats, geojson.NewFeature(orb.Point{-100 + float64(i)/100, 40}))
	}
	m := minimal()
	m.Layers = []Layer{
		{Style: StyleIncidents, Features: feats},
		{Style: StyleRoutes, Features: []*geojson.Feature{
			geojson.NewFeature(orb.LineString{{-60, 35}, {14, 35}, {100, 35}}),     // crosses the frame
			geojson.NewFeature(orb.LineString{{-60, -35}, {-50, -35}, {-40, -35}}), // far away
		}},
		{Style: StyleIncidentCells, Features: []*geojson.Feature{
			geojson.NewFeature(orb.Polygon{{{-60, 0}, {100, 0}, {100, 36}, {-60, 36}, {-60, 0}}}), // covers the south of the frame
			geojson.NewFeature(orb.Polygon{{{100, 0}, {101, 0}, {101, 1}, {100, 0}}}),             // far away
		}},
	}
	sc := newScene(m, mustFonts(t))
	var circles, lines, polys int
	limit := sc.frame.grow(clipPad + 1e-6)
	for _, o := range sc.ops {
		switch {
		case o.circle:
			circles++
		case len(o.lines) > 0:
			lines++
			for _, l := range o.lines {
				for _, p := range l {
					if !limit.contains(p[0], p[1]) {
						t.Fatalf("line point %v outside %+v", p, limit)
					}
				}
			}
		case len(o.polys) > 0:
			polys++
			for _, p := range o.polys {
				for _, q := range p[0] {
					if !limit.contains(q[0], q[1]) {
						t.Fatalf("polygon point %v outside %+v", q, limit)
					}
				}
			}
		}
	}
	if circles != len(inside) || lines != 1 || polys != 1 {
		t.Errorf("%d circles, %d lines, %d polygons drawn; want 3, 1, 1", circles, lines, polys)
	}
	svg, err := Render(m, SVG)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(svg, []byte("<path")); n > 40 {
		t.Errorf("%d paths in the SVG: features out of view were drawn", n)
	}
}

// TestClean covers the cleaning of untrusted text.
func TestClean(t *testing.T) {
	long := strings.Repeat("é", 300)
	tests := []struct{ in, want string }{
		{"Central Mediterranean", "Central Mediterranean"},
		{"  two\n\nlines\tand\r\nspaces  ", "two lines and spaces"},
		{"bidi \u202Eevil\u202C", "bidi evil"},
		{"zero\u200Bwidth", "zerowidth"},
		{"bad \xff\xfe utf8", "bad utf8"},
		{"nul\x00 and bell\a", "nul and bell"},
		{"non-characters \uFFFE\uFFFF\uFDD0 and private \uE000", "non-characters and private"},
		{"</text><script>alert(1)</script> & \"q\"", "</text><script>alert(1)</script> & \"q\""},
		{long, strings.Repeat("é", MaxTextRunes) + "…"},
		{"", ""},
	}
	for _, tc := range tests {
		got := clean(tc.in)
		if got != tc.want {
			t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("clean(%q) is not UTF-8", tc.in)
		}
	}
	if n := utf8.RuneCountInString(clean(long)); n != MaxTextRunes+1 {
		t.Errorf("%d runes", n)
	}
}

func TestFitAndWrap(t *testing.T) {
	f := mustFonts(t).face(false, 12, colourInk)
	s := "Missing Migrants Project (IOM); healthsites.io (OpenStreetMap contributors); Natural Earth; world-atlas"
	w := f.TextWidth(s)
	if got := fit(f, s, w); got != s {
		t.Errorf("fit shortened a text that fits: %q", got)
	}
	got := fit(f, s, w/2)
	if !strings.HasSuffix(got, "…") || f.TextWidth(got) > w/2 || len(got) < len(s)/3 {
		t.Errorf("fit to half: %q (%v px of %v)", got, f.TextWidth(got), w/2)
	}
	if got := fit(f, s, 1); got != "" {
		t.Errorf("fit to 1 px: %q", got)
	}
	lines := wrap(f, s, w/2.5, 10)
	if len(lines) < 3 || strings.Join(lines, " ") != s {
		t.Errorf("wrap: %q", lines)
	}
	for _, l := range lines {
		if f.TextWidth(l) > w/2.5 {
			t.Errorf("line %q is %v px wide, more than %v", l, f.TextWidth(l), w/2.5)
		}
	}
	two := wrap(f, s, w/2.5, 2)
	if len(two) != 2 || !strings.HasSuffix(two[1], "…") || two[0] != lines[0] {
		t.Errorf("wrap to 2 lines: %q", two)
	}
	word := strings.Repeat("W", 80)
	for _, l := range wrap(f, word, 100, 10) {
		if f.TextWidth(l) > 100 {
			t.Errorf("a long word's piece %q is %v px wide", l, f.TextWidth(l))
		}
	}
	if wrap(f, "", 100, 2) != nil || wrap(f, s, 100, 0) != nil {
		t.Error("wrap of nothing")
	}
}

// TestEscaping renders hostile text everywhere text comes from the input
// and parses the SVG: well-formed, no script element, the text kept.
func TestEscaping(t *testing.T) {
	evil := "</text><script>alert(1)</script> & \"q\" 'a' <![CDATA[x]]> ]]> &amp; \x00\u202E"
	m := minimal()
	m.Width, m.Height = 1000, 700
	m.Title, m.Subtitle, m.AsOf, m.Attribution, m.PrivacyNote = evil, evil, evil, evil, evil
	m.Legend = true
	route := geojson.NewFeature(orb.LineString{{10, 33}, {14, 36}})
	route.Properties["name"] = evil
	svc := geojson.NewFeature(orb.Point{14, 35})
	svc.Properties["category"] = evil
	m.Layers = []Layer{
		{Title: evil, Style: StyleRoutes, Features: []*geojson.Feature{route}},
		{Title: evil, Style: StyleServices, Features: []*geojson.Feature{svc}},
	}
	b, err := Render(m, SVG)
	if err != nil {
		t.Fatal(err)
	}
	doc := parseSVG(t, b)
	if doc.elements["script"] != 0 {
		t.Fatalf("a script element: %v", doc.elements)
	}
	if bytes.Contains(b, []byte("<script")) || bytes.Contains(b, []byte("]]>")) {
		t.Error("unescaped markup in the SVG")
	}
	want := clean(evil)
	if doc.title != want {
		t.Errorf("<title> %q, want %q", doc.title, want)
	}
	all := strings.Join(doc.texts, " ")
	if !strings.Contains(all, "</text><script>alert(1)</script>") {
		t.Errorf("the title is not shown as text: %q", all)
	}
	// PNG of the same map draws without trouble.
	if _, err := Render(m, PNG); err != nil {
		t.Fatal(err)
	}
}

// TestNonLatin: scripts the Go fonts lack draw (as boxes) without error.
func TestNonLatin(t *testing.T) {
	m := minimal()
	m.Title = "مصحة إيوان الجديدة — 中文 — Ελληνικά — עברית — 😀"
	m.Subtitle = "\u0645\u0631\u062D\u0628\u0627 mixed with Latin"
	m.Legend = true
	route := geojson.NewFeature(orb.LineString{{10, 33}, {14, 36}})
	route.Properties["name"] = "طريق البحر الأبيض المتوسط"
	m.Layers = []Layer{{Style: StyleRoutes, Features: []*geojson.Feature{route}}}
	for _, f := range []Format{PNG, SVG} {
		if _, err := Render(m, f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestEmptyGeometries sweeps odd features: nothing may panic.
func TestEmptyGeometries(t *testing.T) {
	geoms := []orb.Geometry{
		nil, orb.Point{}, orb.MultiPoint{}, orb.LineString{}, orb.LineString{{1, 1}}, orb.MultiLineString{{}},
		orb.Ring{}, orb.Polygon{}, orb.Polygon{{}}, orb.Polygon{{{1, 1}, {2, 2}}}, orb.MultiPolygon{{}},
		orb.Collection{}, orb.Collection{orb.Point{14, 35}, orb.LineString{{10, 33}, {14, 36}}}, orb.Bound{Min: orb.Point{12, 33}, Max: orb.Point{13, 34}},
		orb.Point{math.NaN(), 35}, orb.Point{14, math.Inf(1)}, orb.LineString{{math.NaN(), 1}, {14, 35}, {15, 36}},
		orb.Point{14, 90}, orb.Point{1e300, 35},
	}
	var feats []*geojson.Feature
	for _, g := range geoms {
		feats = append(feats, &geojson.Feature{Geometry: g})
	}
	feats = append(feats, nil)
	for _, s := range []Style{StyleRoutes, StyleRiskSegments, StyleIncidents, StyleIncidentCells, StyleServices, StyleHotspots} {
		m := minimal()
		m.Legend = true
		m.Layers = []Layer{{Style: s, Features: feats}}
		m.Basemap = []orb.Geometry{nil, orb.Polygon{}, orb.MultiPolygon{{{}}}}
		for _, f := range []Format{PNG, SVG} {
			if _, err := Render(m, f); err != nil {
				t.Errorf("%s %s: %v", s, f, err)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	m := scenes(t)["centralmed"]
	for _, f := range []Format{PNG, SVG} {
		a, err := Render(m, f)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Render(m, f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("%s: two renderings of the same map differ", f)
		}
	}
}

// TestFontDatesPinned: the fonts embedded in an SVG carry no time of
// writing (their 'head' table's modified date is the created date), and
// their checksums are right, so that SVGs rendered at different times are
// the same bytes.
func TestFontDatesPinned(t *testing.T) {
	m := minimal()
	m.Title = "Fonts"
	m.Subtitle = "regular"
	b, err := Render(m, SVG)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	fonts := 0
	for {
		i := strings.Index(s, fontURL)
		if i < 0 {
			break
		}
		s = s[i+len(fontURL):]
		j := strings.IndexByte(s, '\'')
		font, err := base64.StdEncoding.DecodeString(s[:j])
		if err != nil {
			t.Fatal(err)
		}
		fonts++
		n := int(binary.BigEndian.Uint16(font[4:6]))
		found := false
		for k := range n {
			rec := 12 + 16*k
			off, length := int(binary.BigEndian.Uint32(font[rec+8:])), int(binary.BigEndian.Uint32(font[rec+12:]))
			table := font[off : off+length]
			if string(font[rec:rec+4]) == "head" {
				found = true
				if !bytes.Equal(table[20:28], table[28:36]) {
					t.Errorf("modified %x, created %x", table[28:36], table[20:28])
				}
				head := append([]byte(nil), font[off:off+(length+3)&^3]...)
				binary.BigEndian.PutUint32(head[8:], 0)
				if got, want := binary.BigEndian.Uint32(font[rec+4:]), fontChecksum(head); got != want {
					t.Errorf("head checksum %x, want %x", got, want)
				}
			}
		}
		if !found {
			t.Error("no head table")
		}
		if sum := fontChecksum(font); sum != 0xB1B0AFBA {
			t.Errorf("font checksum %x, want B1B0AFBA", sum)
		}
	}
	if fonts != 2 {
		t.Errorf("%d embedded fonts, want regular and bold", fonts)
	}
}

// TestConcurrent renders from several goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	m := scenes(t)["small"]
	want, err := Render(m, PNG)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			got, err := Render(m, PNG)
			if err != nil {
				t.Error(err)
				return
			}
			if !bytes.Equal(got, want) {
				t.Error("a concurrent rendering differs")
			}
		})
	}
	wg.Wait()
}

func TestDashboardOrder(t *testing.T) {
	layers := []Layer{
		{Title: "risk", Style: StyleRiskSegments}, {Title: "routes", Style: StyleRoutes}, {Title: "services", Style: StyleServices},
		{Title: "incidents", Style: StyleIncidents}, {Title: "hotspots", Style: StyleHotspots}, {Title: "cells", Style: StyleIncidentCells},
		{Title: "events", Style: StyleEvents}, {Title: "areas", Style: StyleAreas},
	}
	DashboardOrder(layers)
	var got []string
	for _, l := range layers {
		got = append(got, l.Title)
	}
	if strings.Join(got, ",") != "areas,hotspots,events,incidents,cells,services,routes,risk" {
		t.Errorf("order %v", got)
	}
}

// TestLegendContents checks the legend groups of each style.
func TestLegendContents(t *testing.T) {
	sc := newScene(scenes(t)["centralmed"], mustFonts(t))
	if sc.legend == nil {
		t.Fatal("no legend")
	}
	var labels []string
	for _, it := range sc.legend.items {
		switch it.kind {
		case itemRow:
			labels = append(labels, it.row.label)
		default:
			labels = append(labels, it.lines...)
		}
	}
	got := strings.Join(labels, "|")
	for _, want := range []string{
		"Recorded deaths and disappearances per 100|km (weighted)|Low: under 1 per 100 km|Medium: 1 to 10 per 100 km|High: 10 to 50 per 100 km|Critical: 50 or more per 100 km",
		"1 dead or missing|10 dead or missing|100 dead or missing",
		"Health facilities|Service point",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("legend %q lacks %q", got, want)
		}
	}
	// Route risk comes before incidents, as in the dashboard, though it is drawn last.
	if strings.Index(got, "Recorded deaths and disappearances per 100 km") > strings.Index(got, "dead or missing") {
		t.Errorf("legend order: %q", got)
	}
	// A layer with nothing in view says so.
	m := minimal()
	m.Legend = true
	m.Width, m.Height = 900, 600
	m.Layers = []Layer{{Title: "Far away", Style: StyleIncidents, Features: []*geojson.Feature{geojson.NewFeature(orb.Point{-100, 40})}}}
	sc = newScene(m, mustFonts(t))
	if sc.legend == nil || len(sc.legend.items) != 2 || sc.legend.items[1].lines[0] != labelNothingInView {
		t.Errorf("legend of an empty view: %+v", sc.legend)
	}
}

// TestLegendStaysOffTheData: a legend over the map covers no drawn shape.
func TestLegendStaysOffTheData(t *testing.T) {
	for name, m := range scenes(t) {
		sc := newScene(m, mustFonts(t))
		if sc.legend == nil || sc.legend.panel {
			continue
		}
		if n := sc.hits(sc.legend.box); n > 0 {
			t.Errorf("%s: the legend covers %d shapes", name, n)
		}
	}
	// Everything covered: the legend moves beside the map on a wide page.
	var feats []*geojson.Feature
	for x := -10.0; x <= 40; x += 0.25 {
		for y := 25.0; y <= 45; y += 0.25 {
			feats = append(feats, geojson.NewFeature(orb.Point{x, y}))
		}
	}
	m := minimal()
	m.Width, m.Height, m.Legend = 1200, 700, true
	m.Layers = []Layer{{Style: StyleServices, Features: feats}}
	sc := newScene(m, mustFonts(t))
	if sc.legend == nil || !sc.legend.panel || sc.legend.box.x0 < sc.frame.x1 {
		t.Errorf("legend %+v, frame %+v: want a panel right of the map", sc.legend, sc.frame)
	}
}

func TestSegmentTouches(t *testing.T) {
	r := rect{0, 0, 10, 10}
	for _, tc := range []struct {
		a, b orb.Point
		want bool
	}{
		{orb.Point{-5, 5}, orb.Point{15, 5}, true}, // through
		{orb.Point{2, 2}, orb.Point{3, 3}, true},   // inside
		{orb.Point{-5, -5}, orb.Point{-1, 20}, false},
		{orb.Point{-5, 12}, orb.Point{12, -5}, true},  // diagonal across a corner
		{orb.Point{-5, 26}, orb.Point{26, -5}, false}, // passes the corner outside
		{orb.Point{5, 5}, orb.Point{5, 5}, true},      // a point
	} {
		if got := segmentTouches(tc.a, tc.b, r); got != tc.want {
			t.Errorf("%v–%v: %v", tc.a, tc.b, got)
		}
	}
}

func TestLoadBasemap(t *testing.T) {
	bm := basemap(t, "50m")
	if len(bm) < 200 {
		t.Fatalf("%d countries", len(bm))
	}
	// Every ring is continuous: no step across the world (Russia, Fiji).
	for _, g := range bm {
		for _, p := range geometryParts(g).polygons {
			for _, r := range p {
				for i := 1; i < len(r); i++ {
					if math.Abs(r[i][0]-r[i-1][0]) > 180 {
						t.Fatalf("ring jumps from %v to %v", r[i-1], r[i])
					}
				}
			}
		}
	}
	if _, err := LoadBasemap([]byte(`{"type":"Topology","arcs":[],"objects":{"land":{"type":"GeometryCollection","geometries":[]}}}`)); geodata.ErrorCode(err) != geodata.Invalid {
		t.Errorf("no countries: %v", err)
	}
	if _, err := LoadBasemap([]byte(`{"type":"Topology","arcs":[[[0,0],[1,1]]],"objects":{"countries":{"type":"GeometryCollection","geometries":[{"type":"LineString","arcs":[0]}]}}}`)); geodata.ErrorCode(err) != geodata.Invalid {
		t.Errorf("lines as countries: %v", err)
	}
	if _, err := LoadBasemap([]byte("not json")); geodata.ErrorCode(err) != geodata.Invalid {
		t.Errorf("not JSON: %v", err)
	}
	got := unwrapRing(orb.Ring{{179, 0}, {-179, 1}, {-178, 0}, {179, 0}})
	want := orb.Ring{{179, 0}, {181, 1}, {182, 0}, {179, 0}}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("unwrapRing: %v, want %v", got, want)
			break
		}
	}
}

// TestFooterCaveats: the footer says the date the data runs to, then the
// caveats, as one cleaned text; a small image keeps the date on one line.
func TestFooterCaveats(t *testing.T) {
	for _, c := range []struct {
		name    string
		through string
		caveats []string
		want    string
	}{
		{"date and caveats", "2025-09-08", []string{"Minimum estimates.", " A low value is not safety. "}, "Data through 2025-09-08. Minimum estimates. A low value is not safety."},
		{"month only", "2025-09", nil, "Data through 2025-09."},
		{"caveats only", "", []string{"Minimum estimates."}, "Minimum estimates."},
		{"hostile and empty", "\u202E2025\n", []string{"", "<script>x</script>"}, "Data through 2025. <script>x</script>"},
		{"nothing", "", nil, ""},
	} {
		if got := footerCaveats(c.through, c.caveats); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	f := mustFonts(t)
	for name, m := range scenes(t) {
		if m.DataThrough == "" {
			continue
		}
		sc := newScene(m, f)
		var footer []string
		for _, pt := range sc.texts {
			if pt.y > sc.frame.y1 {
				footer = append(footer, pt.s)
			}
		}
		all := strings.Join(footer, " ")
		if !strings.Contains(all, "Data through "+m.DataThrough+".") {
			t.Errorf("%s: footer %q lacks the data-through date", name, all)
		}
		if sc.frame.h() < 0.4*sc.h {
			t.Errorf("%s: the map keeps %.0f of %.0f px", name, sc.frame.h(), sc.h)
		}
	}
}

// TestContextLayers: context events are drawn as diamonds with a legend
// saying they are not migrant deaths; context areas as areas, their
// points as dots in the area colour; events outside the view are not
// drawn, and a layer of them says so.
func TestContextLayers(t *testing.T) {
	m := minimal()
	m.Legend = true
	m.Width, m.Height = 900, 600
	events := []*geojson.Feature{geojson.NewFeature(orb.Point{13.2, 32.9}), geojson.NewFeature(orb.Point{15, 35}), geojson.NewFeature(orb.Point{-100, 40})}
	region := geojson.NewFeature(orb.Polygon{{{10, 33}, {18, 33}, {18, 37}, {10, 37}, {10, 33}}})
	port := geojson.NewFeature(orb.Point{12.6, 35.5})
	m.Layers = []Layer{
		{Title: "ACLED events", Style: StyleEvents, Features: events},
		{Title: "Search and rescue regions", Style: StyleAreas, Features: []*geojson.Feature{region, port}},
	}
	sc := newScene(m, mustFonts(t))
	var diamonds, areas, dots int
	for _, o := range sc.ops {
		switch {
		case o.circle && o.ps == contextPointStyle:
			dots++
		case len(o.polys) == 1 && o.ls.fill == eventStyle.fill && len(o.polys[0][0]) == 5:
			diamonds++
		case len(o.polys) == 1 && o.ls.fill == areaStyle.fill && o.ls.fillOpacity == areaStyle.fillOpacity:
			areas++
		}
	}
	if diamonds != 2 || areas != 1 || dots != 1 {
		t.Errorf("drawn: %d diamonds (want 2, the third event is out of view), %d areas (want 1), %d dots (want 1)", diamonds, areas, dots)
	}
	if sc.legend == nil {
		t.Fatal("no legend")
	}
	var labels []string
	for _, it := range sc.legend.items {
		if it.kind == itemRow {
			labels = append(labels, it.row.label)
		} else {
			labels = append(labels, it.lines...)
		}
	}
	got := strings.Join(labels, "|")
	for _, want := range []string{"ACLED events", labelEvent, "these events are not", "Search and rescue regions", labelArea, labelContextPoint} {
		if !strings.Contains(got, want) {
			t.Errorf("legend %q lacks %q", got, want)
		}
	}
	for _, f := range []Format{PNG, SVG} {
		if _, err := Render(m, f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	m.Layers = []Layer{{Title: "ACLED events", Style: StyleEvents, Features: events[2:]}}
	sc = newScene(m, mustFonts(t))
	if sc.legend == nil || !strings.Contains(fmt.Sprint(sc.legend.items), labelNothingInView) {
		t.Errorf("events out of view: legend %+v, want %q", sc.legend, labelNothingInView)
	}
}
