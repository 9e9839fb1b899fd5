package render

import (
	"image/color"
	"math"

	"github.com/routerisk/routerisk/geodata/vocab"
)

// The dashboard's look, mirrored from frontend/src/palette.ts (colours,
// widths, radii, class breaks), frontend/src/analysis.ts (risk and hotspot
// classes), frontend/src/map.ts and styles.css (basemap and sea),
// frontend/src/legend.ts and i18n/en.ts (legend wording) and
// frontend/src/vocab.ts (service categories). When those change, change
// this file with them: a report map must read like the dashboard.

// rgb is an opaque colour from a "#RRGGBB" literal of palette.ts.
func rgb(hex string) color.NRGBA {
	var v [3]uint8
	for i := range v {
		v[i] = hexByte(hex[1+2*i])<<4 | hexByte(hex[2+2*i])
	}
	return color.NRGBA{R: v[0], G: v[1], B: v[2], A: 255}
}

func hexByte(c byte) uint8 {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// alpha is c at opacity a (0..1), as palette.ts pairs a colour with an opacity.
func alpha(c color.NRGBA, a float64) color.NRGBA {
	c.A = uint8(math.Round(255 * math.Max(0, math.Min(1, a))))
	return c
}

// Page, sea and basemap: styles.css (--ink, --muted, --sea, the input border) and
// map.ts loadBasemap.
var (
	colourInk        = rgb("#1b1f24")
	colourMuted      = rgb("#50565e")
	colourPage       = rgb("#ffffff")
	colourFrame      = rgb("#8c939b")
	colourSea        = rgb("#d9e6ee")
	colourLand       = rgb("#F2EFE9")
	colourBorder     = rgb("#8C8C8C")
	basemapLineWidth = 0.7
)

// lineStyle is palette.ts's LineStyle: an outline and an optional fill.
type lineStyle struct {
	colour      color.NRGBA
	weight      float64
	opacity     float64
	dash        []float64 // nil for a solid line
	fill        color.NRGBA
	fillOpacity float64
}

// pointStyle is palette.ts's PointStyle.
type pointStyle struct {
	fill        color.NRGBA
	fillOpacity float64
	colour      color.NRGBA
	weight      float64
	opacity     float64
}

// Okabe & Ito (2008) colours used by the point layers (palette.ts OKABE_ITO).
var (
	okabeVermillion    = rgb("#D55E00")
	okabeBlue          = rgb("#0072B2")
	okabeReddishPurple = rgb("#CC79A7")
)

// tolMuted is Paul Tol's "muted" scheme, the route colours (palette.ts TOL_MUTED).
var tolMuted = [...]color.NRGBA{
	rgb("#332288"), rgb("#117733"), rgb("#44AA99"), rgb("#88CCEE"), rgb("#DDCC77"),
	rgb("#CC6677"), rgb("#AA4499"), rgb("#882255"), rgb("#999933"),
}

// incidentStyle: vermillion, translucent (palette.ts INCIDENT_STYLE).
var incidentStyle = pointStyle{fill: okabeVermillion, fillOpacity: 0.55, colour: rgb("#6B2F00"), weight: 0.6, opacity: 0.8}

// serviceStyle: blue with a white rim (palette.ts SERVICE_STYLE), radius serviceRadius.
var serviceStyle = pointStyle{fill: okabeBlue, fillOpacity: 0.85, colour: rgb("#FFFFFF"), weight: 0.8, opacity: 1}

// serviceRadius is the radius of a service marker in pixels (palette.ts SERVICE_RADIUS).
const serviceRadius = 3.5

// eventStyle and eventRadius draw a context event's diamond (palette.ts
// EVENT_SYMBOL, EVENT_SYMBOL_RADIUS): grey, with a white rim.
var eventStyle = lineStyle{colour: rgb("#FFFFFF"), weight: 0.8, opacity: 1, fill: rgb("#6B6B6B"), fillOpacity: 0.9}

const eventRadius = 4.0

// contextPointStyle draws the points of a context area layer, such as
// ports, in the area colour so they are not read as services (palette.ts
// CONTEXT_POINT_STYLE).
var contextPointStyle = pointStyle{fill: okabeReddishPurple, fillOpacity: 0.85, colour: rgb("#FFFFFF"), weight: 0.8, opacity: 1}

// areaStyle: polygons that are not public cells (palette.ts AREA_STYLE).
var areaStyle = lineStyle{colour: okabeReddishPurple, weight: 1.5, opacity: 0.9, fill: okabeReddishPurple, fillOpacity: 0.15}

// approximateDash is the dash of schematic routes (palette.ts APPROXIMATE_DASH).
var approximateDash = []float64{8, 6}

// Incident marker radius (palette.ts INCIDENT_RADIUS, incidentRadius).
const (
	incidentRadiusMin = 3.0
	incidentRadiusMax = 22.0
)

// incidentRadius is the radius in pixels of an incident marker with
// deadMissing people dead or missing: area linear in the count, capped.
func incidentRadius(deadMissing float64) float64 {
	n := deadMissing
	if !(n > 0) { // NaN and negatives count as 0
		n = 0
	}
	return math.Min(incidentRadiusMax, incidentRadiusMin+1.4*math.Sqrt(n))
}

// incidentSizeSamples are the counts of the incident size key (legend.ts SIZE_SAMPLES).
var incidentSizeSamples = []int{1, 10, 100}

// routeStyle is the style of a route line (palette.ts routeStyle).
func routeStyle(c color.NRGBA, approximate bool) lineStyle {
	s := lineStyle{colour: c, weight: 3, opacity: 0.9}
	if approximate {
		s.dash = approximateDash
	}
	return s
}

// fallbackRouteColour is palette.ts fallbackRouteColour: a stable pick by
// name (h = h*31 + UTF-16 code unit, mod 2³²).
func fallbackRouteColour(name string) color.NRGBA {
	var h uint32
	for _, u := range utf16Units(name) {
		h = h*31 + uint32(u)
	}
	return tolMuted[h%uint32(len(tolMuted))]
}

// Risk classes, lowest first, the drawing order (vocab.RiskClasses).
var riskClasses = func() []string {
	var out []string
	for _, c := range vocab.RiskClasses() {
		out = append(out, c.Class)
	}
	return out
}()

// riskStyle is ColorBrewer YlOrRd, wider with the class (palette.ts RISK_STYLE).
var riskStyle = map[string]lineStyle{
	"low":      {colour: rgb("#FECC5C"), weight: 4, opacity: 0.95},
	"medium":   {colour: rgb("#FD8D3C"), weight: 5, opacity: 0.95},
	"high":     {colour: rgb("#F03B20"), weight: 6.5, opacity: 0.95},
	"critical": {colour: rgb("#BD0026"), weight: 8, opacity: 0.95},
}

// riskFallbackStyle draws a segment without a known class (main.ts).
var riskFallbackStyle = lineStyle{colour: rgb("#8C8C8C"), weight: 3, opacity: 0.9}

// Hotspot classes, legend order (analysis.ts HOTSPOT_CLASSES) and drawing
// order, the most confident on top (HOTSPOT_DRAW_ORDER).
var (
	hotspotClasses   = []string{"hot_99", "hot_95", "hot_90", "not_significant", "cold_90", "cold_95", "cold_99"}
	hotspotDrawOrder = []string{"not_significant", "cold_90", "hot_90", "cold_95", "hot_95", "cold_99", "hot_99"}
)

// hotspotStyle is ColorBrewer RdBu (palette.ts HOTSPOT_STYLE).
var hotspotStyle = map[string]lineStyle{
	"hot_99":          {colour: rgb("#B2182B"), weight: 1, opacity: 0.9, fill: rgb("#B2182B"), fillOpacity: 0.55},
	"hot_95":          {colour: rgb("#EF8A62"), weight: 1, opacity: 0.9, fill: rgb("#EF8A62"), fillOpacity: 0.55},
	"hot_90":          {colour: rgb("#E7A98E"), weight: 1, opacity: 0.9, fill: rgb("#FDDBC7"), fillOpacity: 0.6},
	"not_significant": {colour: rgb("#8C8C8C"), weight: 0.7, opacity: 0.7, fill: rgb("#8C8C8C"), fillOpacity: 0},
	"cold_90":         {colour: rgb("#9CC3DC"), weight: 1, opacity: 0.9, fill: rgb("#D1E5F0"), fillOpacity: 0.6},
	"cold_95":         {colour: rgb("#67A9CF"), weight: 1, opacity: 0.9, fill: rgb("#67A9CF"), fillOpacity: 0.55},
	"cold_99":         {colour: rgb("#2166AC"), weight: 1, opacity: 0.9, fill: rgb("#2166AC"), fillOpacity: 0.55},
}

// hotspotLabel names the hotspot classes (i18n/en.ts hotspot.class.*).
var hotspotLabel = map[string]string{
	"hot_99":          "Hot spot, 99 % confidence",
	"hot_95":          "Hot spot, 95 % confidence",
	"hot_90":          "Hot spot, 90 % confidence",
	"not_significant": "Not significant",
	"cold_90":         "Cold spot, 90 % confidence",
	"cold_95":         "Cold spot, 95 % confidence",
	"cold_99":         "Cold spot, 99 % confidence",
}

// cellBreaks are the lower bounds of the classes of public cells by the
// number of incidents (or services) they count (palette.ts CELL_BREAKS);
// the server leaves out cells under the first.
var cellBreaks = []float64{5, 10, 25, 100, 250}

// Cell fills, light to dark, and outlines (palette.ts CELL_FILLS,
// CELL_OUTLINE): ColorBrewer Purples for incidents (apart from the
// red hotspot and yellow-to-red risk ramps), Blues for services.
var (
	incidentCellFills   = []color.NRGBA{rgb("#F2F0F7"), rgb("#CBC9E2"), rgb("#9E9AC8"), rgb("#756BB1"), rgb("#54278F")}
	serviceCellFills    = []color.NRGBA{rgb("#EFF3FF"), rgb("#BDD7E7"), rgb("#6BAED6"), rgb("#3182BD"), rgb("#08519C")}
	incidentCellOutline = rgb("#3F007D")
	serviceCellOutline  = rgb("#08306B")
)

// cellClass is the class of a cell that counts n (0 for the lowest, also
// below it), palette.ts cellClass.
func cellClass(n float64) int {
	cls := 0
	for i, b := range cellBreaks {
		if n >= b {
			cls = i
		}
	}
	return cls
}

// cellStyle is the style of a public cell of class cls (palette.ts cellStyle).
func cellStyle(fills []color.NRGBA, outline color.NRGBA, cls int) lineStyle {
	cls = max(0, min(len(fills)-1, cls))
	return lineStyle{colour: outline, weight: 0.8, opacity: 0.8, fill: fills[cls], fillOpacity: 0.65}
}

// Legend wording (i18n/en.ts legend.*).
const (
	headingRoutes        = "Routes"
	headingRisk          = "Recorded deaths and disappearances per 100 km (weighted)"
	headingIncidents     = "Incidents where migrants died or went missing"
	headingHotspots      = "Incident hotspots"
	headingServices      = "Services"
	headingEvents        = "Context events"
	headingAreas         = "Areas"
	labelEvent           = "Conflict or unrest event"
	noteEvents           = "From another source (such as ACLED): these events are not migrant deaths and are not counted in the route risk."
	labelContextPoint    = "Place"
	labelApproximate     = "%s (approximate)"
	noteApproximate      = "Dashed lines are approximate, schematic corridors drawn through named waypoints."
	labelIncidentSize    = "%d dead or missing"
	labelServicePoint    = "Service point"
	labelArea            = "Area"
	labelCellRange       = "%d–%d incidents in an area"
	labelCellFrom        = "%d or more incidents in an area"
	labelRiskBelow       = "%s: under %s per 100 km"
	labelRiskRange       = "%s: %s to %s per 100 km"
	labelRiskFrom        = "%s: %s or more per 100 km"
	labelRiskUnknown     = "Unclassified"
	noteRisk             = "Recent, precisely placed and well-sourced records count more. Not a rate per person crossing; a low value is not safety."
	noteRiskOverRoutes   = "Drawn over the route lines."
	noteHotspots         = "Hexagonal H3 cells; Getis-Ord Gi*, confidence corrected for testing many cells (false discovery rate)."
	labelHotspotUnknown  = "Hotspot cell"
	noteServiceCategory  = "Categories: %s"
	labelNothingInView   = "None in view"
	labelMoreLegendItems = "… and %d more"
)
