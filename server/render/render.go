package render

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"image/png"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/geodata"
	"github.com/tdewolff/canvas"
	"github.com/tdewolff/canvas/renderers/rasterizer"
	"github.com/tdewolff/canvas/renderers/svg"
)

// Format is an output format.
type Format string

// The output formats.
const (
	PNG Format = "png" // raster, Width×PixelRatio by Height×PixelRatio pixels
	SVG Format = "svg" // vector, Width by Height CSS pixels, text as text
)

// Limits of Map's size, in CSS pixels, and of its pixel ratio.
const (
	MinSize       = 200
	MaxSize       = 4000
	MaxPixelRatio = 3.0
	// MaxPixels bounds a PNG's pixel count (width × height × ratio²): about
	// 200 MB of raster memory. 4000 × 4000 at ratio 1.75 or an A3 page at
	// 300 dpi fit.
	MaxPixels = 50_000_000
)

// Style says how a layer is drawn: as the dashboard draws layers of that
// kind (frontend/src/layers.ts, analysislayers.ts).
type Style string

// The layer styles.
const (
	// StyleRoutes: route lines, one colour per route name (property
	// "name"; names sorted, then palette.ts TOL_MUTED in turn), dashed when
	// "approximate" is true.
	StyleRoutes Style = "routes"
	// StyleRiskSegments: route segments coloured and widened by risk class
	// (property "class": low, medium, high, critical).
	StyleRiskSegments Style = "risk-segments"
	// StyleIncidents: incident points (partner and staff tiers), circles
	// whose area grows with "dead" + "missing". Public cells
	// ("aggregated": true) in such a layer are drawn as StyleIncidentCells.
	StyleIncidents Style = "incidents"
	// StyleIncidentCells: public-tier H3 cells, graded by the incidents
	// they count (property "incidents", else "features").
	StyleIncidentCells Style = "incident-cells"
	// StyleServices: service points, palette.ts SERVICE_STYLE (the
	// dashboard draws every category alike; the legend names the
	// categories, property "category", in view). Public cells are graded
	// in blues.
	StyleServices Style = "services"
	// StyleHotspots: hotspot cells by Getis-Ord class (property "class":
	// hot_99 … cold_99, not_significant).
	StyleHotspots Style = "hotspots"
	// StyleEvents: context events that are not migrant deaths (an ACLED
	// export, …), small grey diamonds (palette.ts EVENT_SYMBOL), with a
	// legend note saying so.
	StyleEvents Style = "events"
	// StyleAreas: context areas (search-and-rescue regions, …) outlined
	// over a light fill, their lines as outlines and their points (ports,
	// survey sites) as small dots in the area colour (palette.ts
	// AREA_STYLE, CONTEXT_POINT_STYLE).
	StyleAreas Style = "areas"
)

// Layer is one layer to draw, bottom to top in Map.Layers.
type Layer struct {
	Title    string             // legend heading, e.g. the layer's title; "" for the dashboard's heading of the style
	Style    Style              // how the features are drawn
	Features []*geojson.Feature // lon/lat, as the JSON API returns them
}

// Map is everything one image shows.
type Map struct {
	Width, Height int            // CSS pixels, MinSize..MaxSize
	PixelRatio    float64        // 1..MaxPixelRatio (0 means 1); PNG pixels = size × ratio, rounded
	Bound         orb.Bound      // lon/lat of the view; fitted into the image in Web Mercator, widened to keep the aspect
	Basemap       []orb.Geometry // country polygons in lon/lat (LoadBasemap); not modified
	Layers        []Layer        // bottom to top; DashboardOrder sorts them as the dashboard stacks them
	Title         string         // bold, at the top
	Subtitle      string         // under the title, e.g. the filters in words; may be ""
	AsOf          string         // shown as "As of <AsOf>", e.g. "2026-11-27"; "" for none
	Attribution   string         // shown as "Sources: <Attribution>" at the bottom; "" for none
	Legend        bool           // draw the legend: over the map where it hides nothing, else beside it; left out where it would cover much of a small map
	PrivacyNote   string         // above the attribution, e.g. "Incidents shown as counts per area; …"; "" for none
	DataThrough   string         // shown as "Data through <DataThrough>." in the footer, e.g. "2025-09-08"; "" for none
	Caveats       []string       // sentences after the data-through date in the footer, cut with an ellipsis where space runs out
}

// Render draws m as PNG or SVG bytes. It returns an error with code
// geodata.Invalid, naming the parameter ("width", "height",
// "pixel_ratio", "bbox", "format", "layers") and what is allowed, for a
// size or ratio out of range, a PNG over MaxPixels, an empty, inverted or
// out-of-range bound, an unknown format or layer style; and code
// geodata.Internal if drawing fails (a bug: the fonts do not load, or the
// drawing library panics, which Render recovers from).
func Render(m Map, f Format) (out []byte, err error) {
	if err := Validate(m, f); err != nil {
		return nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, &geodata.Error{Code: geodata.Internal, Message: "the map could not be drawn", Err: fmt.Errorf("render: panic: %v", p)}
		}
	}()
	fnt, err := loadFonts()
	if err != nil {
		return nil, &geodata.Error{Code: geodata.Internal, Message: "the map fonts cannot be loaded", Err: err}
	}
	sc := newScene(m, fnt)
	w, h := float64(m.Width), float64(m.Height)
	var buf bytes.Buffer
	switch f {
	case PNG:
		r := rasterizer.New(w, h, canvas.DPMM(pixelRatio(m)), canvas.LinearColorSpace{})
		sc.draw(&painter{ctx: canvas.NewContext(r), raster: true, ratio: pixelRatio(m)})
		r.Close()
		enc := png.Encoder{CompressionLevel: png.DefaultCompression}
		if err := enc.Encode(&buf, r.Image); err != nil {
			return nil, &geodata.Error{Code: geodata.Internal, Message: "the map cannot be encoded as PNG", Err: err}
		}
	case SVG:
		r := svg.New(&buf, w, h, &svg.Options{EmbedFonts: true, SubsetFonts: true})
		sc.draw(&painter{ctx: canvas.NewContext(r), ratio: 1})
		if err := r.Close(); err != nil {
			return nil, &geodata.Error{Code: geodata.Internal, Message: "the map cannot be written as SVG", Err: err}
		}
		return finishSVG(buf.Bytes(), sc.title), nil
	}
	return buf.Bytes(), nil
}

// pixelRatio is m's ratio, 0 read as 1.
func pixelRatio(m Map) float64 {
	if m.PixelRatio == 0 {
		return 1
	}
	return m.PixelRatio
}

// PixelSize is the size in pixels of the PNG Render draws for m: width and
// height times the pixel ratio, rounded.
func PixelSize(m Map) (width, height int) {
	r := pixelRatio(m)
	return int(math.Round(float64(m.Width) * r)), int(math.Round(float64(m.Height) * r))
}

// Validate checks what Render checks before drawing: the format, the size,
// the pixel ratio and the bound. The error has code geodata.Invalid and
// names the first parameter at fault and what is allowed.
func Validate(m Map, f Format) error {
	if f != PNG && f != SVG {
		return invalid("format", "png or svg", "format must be png or svg, got %q", clean(string(f)))
	}
	sizes := fmt.Sprintf("%d to %d", MinSize, MaxSize)
	if m.Width < MinSize || m.Width > MaxSize {
		return invalid("width", sizes, "width must be between %d and %d pixels, got %d", MinSize, MaxSize, m.Width)
	}
	if m.Height < MinSize || m.Height > MaxSize {
		return invalid("height", sizes, "height must be between %d and %d pixels, got %d", MinSize, MaxSize, m.Height)
	}
	if r := m.PixelRatio; r != 0 && !(r >= 1 && r <= MaxPixelRatio) {
		return invalid("pixel_ratio", fmt.Sprintf("1 to %g", MaxPixelRatio), "pixel_ratio must be between 1 and %g, got %g", MaxPixelRatio, r)
	}
	if f == PNG {
		if w, h := PixelSize(m); w*h > MaxPixels {
			return invalid("pixel_ratio", fmt.Sprintf("width × height × pixel_ratio² up to %d", MaxPixels),
				"the image would have %d × %d = %d pixels, more than %d; lower pixel_ratio or the size", w, h, w*h, MaxPixels)
		}
	}
	for i, l := range m.Layers {
		if _, ok := paneOrder[l.Style]; !ok {
			return invalid("layers", "routes, risk-segments, incidents, incident-cells, services, hotspots, events or areas",
				"layer %d has style %q; it must be one of routes, risk-segments, incidents, incident-cells, services, hotspots, events, areas", i, clean(string(l.Style)))
		}
	}
	return checkBound(m.Bound)
}

// checkBound accepts a lon/lat bound with min ≤ max, longitudes in
// -180..180, latitudes in -90..90, and an extent in at least one axis.
func checkBound(b orb.Bound) error {
	const allowed = "min_lon,min_lat,max_lon,max_lat with longitudes from -180 to 180, latitudes from -90 to 90, min below max"
	got := fmt.Sprintf("%g,%g,%g,%g", b.Min.X(), b.Min.Y(), b.Max.X(), b.Max.Y())
	for _, v := range []float64{b.Min.X(), b.Min.Y(), b.Max.X(), b.Max.Y()} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return invalid("bbox", allowed, "bbox must hold four finite numbers, got %s", got)
		}
	}
	switch {
	case b.Min.X() < -180 || b.Max.X() > 180:
		return invalid("bbox", allowed, "bbox longitudes must be between -180 and 180, got %s", got)
	case b.Min.Y() < -90 || b.Max.Y() > 90:
		return invalid("bbox", allowed, "bbox latitudes must be between -90 and 90, got %s", got)
	case b.Min.X() > b.Max.X():
		return invalid("bbox", allowed, "bbox min_lon is east of max_lon (%s); a view across the antimeridian is not supported", got)
	case b.Min.Y() > b.Max.Y():
		return invalid("bbox", allowed, "bbox min_lat is north of max_lat, got %s", got)
	case b.Min.X() == b.Max.X() && clampLat(b.Min.Y()) == clampLat(b.Max.Y()):
		return invalid("bbox", allowed, "bbox is a single point (%s); give an area to show", got)
	}
	return nil
}

func clampLat(lat float64) float64 { return math.Max(-MaxLatitude, math.Min(MaxLatitude, lat)) }

func invalid(param, allowed, format string, args ...any) error {
	return &geodata.Error{
		Code:    geodata.Invalid,
		Message: fmt.Sprintf(format, args...),
		Details: map[string]any{"parameter": param, "allowed": allowed},
	}
}

// paneOrder is the stacking of the dashboard's panes (map.ts PANES).
var paneOrder = map[Style]int{
	StyleAreas:         380,
	StyleHotspots:      390,
	StyleEvents:        395,
	StyleIncidentCells: 400,
	StyleIncidents:     400,
	StyleServices:      410,
	StyleRoutes:        420,
	StyleRiskSegments:  425,
}

// DashboardOrder sorts layers bottom to top as the dashboard stacks them
// (map.ts PANES: areas, hotspots, events, incidents, services, routes,
// route risk), keeping the order
// of layers of the same style.
func DashboardOrder(layers []Layer) {
	slices.SortStableFunc(layers, func(a, b Layer) int { return paneOrder[a.Style] - paneOrder[b.Style] })
}

// finishSVG makes canvas's SVG deterministic and accessible: the embedded
// fonts, which canvas writes in map order and stamps with the time of
// writing, are sorted and given their creation date as modification date,
// and the title becomes the SVG's <title>.
func finishSVG(b []byte, title string) []byte {
	s := pinFontDates(string(b))
	const open, close = "<style>\n@font-face", "\n</style>"
	if i := strings.LastIndex(s, open); i >= 0 {
		if j := strings.Index(s[i:], close); j >= 0 {
			body := s[i+len("<style>") : i+j]
			faces := strings.Split(body, "\n@font-face")[1:]
			slices.Sort(faces)
			s = s[:i] + "<style>\n@font-face" + strings.Join(faces, "\n@font-face") + s[i+j:]
		}
	}
	if title != "" {
		if k := strings.Index(s, ">"); k >= 0 {
			var t bytes.Buffer
			t.WriteString("<title>")
			_ = xml.EscapeText(&t, []byte(title))
			t.WriteString("</title>")
			s = s[:k+1] + t.String() + s[k+1:]
		}
	}
	return []byte(s)
}

// fontURL starts an embedded font in canvas's SVG.
const fontURL = "src:url('data:type/opentype;base64,"

// pinFontDates rewrites each embedded font with its 'head' table's
// modification date set to its creation date (the font writer puts the
// current time there), the checksums made right again.
func pinFontDates(s string) string {
	var out strings.Builder
	for {
		i := strings.Index(s, fontURL)
		if i < 0 {
			out.WriteString(s)
			return out.String()
		}
		i += len(fontURL)
		j := strings.IndexByte(s[i:], '\'')
		if j < 0 {
			out.WriteString(s)
			return out.String()
		}
		out.WriteString(s[:i])
		font, err := base64.StdEncoding.DecodeString(s[i : i+j])
		if err != nil {
			out.WriteString(s[i : i+j])
		} else {
			out.WriteString(base64.StdEncoding.EncodeToString(pinHead(font)))
		}
		s = s[i+j:]
	}
}

// pinHead sets the 'head' table's modified date to its created date and
// recomputes the table's checksum and the font's checkSumAdjustment
// (OpenType specification, "head" and "Table directory").
func pinHead(font []byte) []byte {
	if len(font) < 12 {
		return font
	}
	n := int(binary.BigEndian.Uint16(font[4:6]))
	for i := range n {
		rec := 12 + 16*i
		if rec+16 > len(font) {
			return font
		}
		if string(font[rec:rec+4]) != "head" {
			continue
		}
		off := int(binary.BigEndian.Uint32(font[rec+8:]))
		length := int(binary.BigEndian.Uint32(font[rec+12:]))
		if length < 36 || off < 0 || off+length > len(font) {
			return font
		}
		copy(font[off+28:off+36], font[off+20:off+28]) // modified = created
		binary.BigEndian.PutUint32(font[off+8:], 0)    // checkSumAdjustment, zero while summing
		binary.BigEndian.PutUint32(font[rec+4:], fontChecksum(font[off:min(len(font), off+(length+3)&^3)]))
		binary.BigEndian.PutUint32(font[off+8:], 0xB1B0AFBA-fontChecksum(font))
		return font
	}
	return font
}

// fontChecksum sums big-endian 32-bit words, the last one zero-padded.
func fontChecksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:min(len(b), i+4)])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
