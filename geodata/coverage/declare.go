package coverage

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/routerisk/routerisk/geodata"
)

// Bounds of a declaration.
const (
	MaxCountries    = 300   // codes in one declaration
	MaxAreaVertices = 10000 // positions of a declared area, every ring counted
)

// The upload form fields of a declaration.
const (
	FieldCountries = "coverage_countries"
	FieldArea      = "coverage_area"
)

// Declare reads a declared coverage from the upload form's
// coverage_countries (codes separated by commas, semicolons or spaces)
// and coverage_area (a GeoJSON Polygon or MultiPolygon geometry, or a
// Feature or FeatureCollection of them) texts. Both empty: nil, nil.
// Errors have code Invalid and name the field and what is wrong: an
// unknown country code, an area that is not valid GeoJSON, not polygons,
// has an unclosed or too short ring, a coordinate out of range, no
// surface, or more than MaxAreaVertices positions.
func Declare(countries, area string, t *Countries) (*geodata.Coverage, error) {
	c := &geodata.Coverage{}
	if s := strings.TrimSpace(countries); s != "" {
		codes, err := parseCountries(s, t)
		if err != nil {
			return nil, err
		}
		c.Countries = codes
	}
	if s := strings.TrimSpace(area); s != "" {
		g, err := ParseArea([]byte(s))
		if err != nil {
			return nil, err
		}
		gg := geojson.NewGeometry(g)
		c.Area = gg
	}
	if c.Empty() {
		return nil, nil
	}
	return c, nil
}

func fieldError(field, format string, args ...any) *geodata.Error {
	return &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"field": field}, Message: fmt.Sprintf(format, args...)}
}

func parseCountries(s string, t *Countries) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
	if len(fields) > MaxCountries {
		return nil, fieldError(FieldCountries, "%s lists %d codes; give at most %d", FieldCountries, len(fields), MaxCountries)
	}
	var out []string
	for _, f := range fields {
		c, ok, err := t.Lookup(f)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fieldError(FieldCountries, "%s names %q, which is not an ISO 3166-1 alpha-2 or alpha-3 code of a country in the bundled Natural Earth boundaries; use codes such as IT or ITA, separated by commas",
				FieldCountries, geodata.Truncate(f, 12))
		}
		out = append(out, c.ISO3)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// ParseArea reads a declared area: a GeoJSON Polygon or MultiPolygon
// geometry, or a Feature or FeatureCollection whose geometries are all
// polygons (joined into one MultiPolygon). Errors as Declare's.
func ParseArea(data []byte) (orb.Geometry, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fieldError(FieldArea, "%s is not GeoJSON (%s); give a Polygon or MultiPolygon geometry", FieldArea, geodata.Truncate(err.Error(), 80))
	}
	var geoms []orb.Geometry
	switch head.Type {
	case "Polygon", "MultiPolygon":
		g, err := geojson.UnmarshalGeometry(data)
		if err != nil {
			return nil, fieldError(FieldArea, "%s is not a readable %s (%s)", FieldArea, head.Type, geodata.Truncate(err.Error(), 80))
		}
		geoms = append(geoms, g.Geometry())
	case "Feature":
		f, err := geojson.UnmarshalFeature(data)
		if err != nil {
			return nil, fieldError(FieldArea, "%s is not a readable Feature (%s)", FieldArea, geodata.Truncate(err.Error(), 80))
		}
		geoms = append(geoms, f.Geometry)
	case "FeatureCollection":
		fc, err := geojson.UnmarshalFeatureCollection(data)
		if err != nil {
			return nil, fieldError(FieldArea, "%s is not a readable FeatureCollection (%s)", FieldArea, geodata.Truncate(err.Error(), 80))
		}
		for _, f := range fc.Features {
			geoms = append(geoms, f.Geometry)
		}
	default:
		return nil, fieldError(FieldArea, "%s is a GeoJSON %q; give a Polygon or MultiPolygon geometry (or a Feature of one)", FieldArea, geodata.Truncate(head.Type, 30))
	}
	var mp orb.MultiPolygon
	for _, g := range geoms {
		switch g := g.(type) {
		case orb.Polygon:
			mp = append(mp, g)
		case orb.MultiPolygon:
			mp = append(mp, g...)
		case nil:
			return nil, fieldError(FieldArea, "%s has a feature without a geometry; give polygons", FieldArea)
		default:
			return nil, fieldError(FieldArea, "%s holds a %s; a coverage area is made of polygons (Polygon or MultiPolygon)", FieldArea, g.GeoJSONType())
		}
	}
	if len(mp) == 0 {
		return nil, fieldError(FieldArea, "%s holds no polygon", FieldArea)
	}
	if err := checkPolygons(mp); err != nil {
		return nil, err
	}
	if len(mp) == 1 {
		return mp[0], nil
	}
	return mp, nil
}

// checkPolygons checks the rings of a declared area.
func checkPolygons(mp orb.MultiPolygon) error {
	n := 0
	for i, p := range mp {
		if len(p) == 0 {
			return fieldError(FieldArea, "%s: polygon %d has no ring", FieldArea, i+1)
		}
		for j, r := range p {
			n += len(r)
			if n > MaxAreaVertices {
				return fieldError(FieldArea, "%s has more than %d vertices; simplify it (for example with ogr2ogr -simplify 0.01) or declare countries instead", FieldArea, MaxAreaVertices)
			}
			where := fmt.Sprintf("polygon %d, ring %d", i+1, j+1)
			if len(r) < 4 {
				return fieldError(FieldArea, "%s: %s has %d positions; a ring needs at least 4, the last repeating the first", FieldArea, where, len(r))
			}
			for k, pt := range r {
				if math.IsNaN(pt[0]) || math.IsNaN(pt[1]) || pt[0] < -180 || pt[0] > 180 || pt[1] < -90 || pt[1] > 90 {
					return fieldError(FieldArea, "%s: %s, position %d (%g, %g) is not a longitude from -180 to 180 and a latitude from -90 to 90 (WGS84 degrees, longitude first)",
						FieldArea, where, k+1, pt[0], pt[1])
				}
			}
			if r[0] != r[len(r)-1] {
				return fieldError(FieldArea, "%s: %s is not closed; its last position must repeat its first", FieldArea, where)
			}
		}
		if planar.Area(p[0]) == 0 {
			return fieldError(FieldArea, "%s: polygon %d has no surface (its outer ring encloses no area)", FieldArea, i+1)
		}
	}
	return nil
}
