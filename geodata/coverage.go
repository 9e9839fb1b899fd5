package geodata

import "github.com/paulmach/orb/geojson"

// Coverage is where a service layer has data. An uploader declares it as
// a list of countries, an area, or both (their union); a layer without a
// declaration has its coverage computed from its points (geodata/coverage).
// The store keeps the declaration with every version, and a new version
// keeps the previous one's unless it declares another.
type Coverage struct {
	// Countries are ISO 3166-1 alpha-3 codes, upper case, sorted, each
	// once (an upload may give alpha-2 codes; they are stored as alpha-3).
	Countries []string `json:"countries,omitempty"`
	// Area is a GeoJSON Polygon or MultiPolygon in longitude/latitude.
	Area *geojson.Geometry `json:"area,omitempty"`
	// Cells describes a computed coverage; set in answers only, never
	// stored.
	Cells *CoverageCells `json:"cells,omitempty"`
	// Outline is where the coverage is served as GeoJSON
	// (/api/v1/layers/{id}/coverage); set in answers only.
	Outline string `json:"outline,omitempty"`
}

// CoverageCells describes a coverage computed from a layer's points: per
// category, the H3 cells of its services and every cell within Rings
// steps of them.
type CoverageCells struct {
	Resolution int     `json:"h3_resolution"`
	Rings      int     `json:"rings"`
	MarginKm   float64 `json:"margin_km"` // about how far beyond a service the cells reach
}

// Coverage sources, as the metadata's "coverage_source" names them.
const (
	CoverageDeclared = "declared" // given at upload
	CoverageComputed = "computed" // from the layer's points
)

// Declared returns the declaration alone (countries and area), as the
// store keeps it: nil when c declares nothing.
func (c *Coverage) Declared() *Coverage {
	if c.Empty() {
		return nil
	}
	return &Coverage{Countries: c.Countries, Area: c.Area}
}

// Empty reports whether c declares nothing.
func (c *Coverage) Empty() bool { return c == nil || (len(c.Countries) == 0 && c.Area == nil) }
