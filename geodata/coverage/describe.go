package coverage

import (
	"net/url"

	"github.com/routerisk/routerisk/geodata"
)

// OutlinePath returns where the API serves a layer's coverage outline.
func OutlinePath(id string) string { return "/api/v1/layers/" + url.PathEscape(id) + "/coverage" }

// Describe returns m with its coverage as the API states it: for a
// service layer, coverage_source and a coverage member — the declared
// countries and area, or how the computed one is made — with the link to
// its outline; coarse says the outline comes in PublicResolution cells.
// Other kinds are returned as they are. m's own Coverage is not modified.
func Describe(m geodata.Meta, coarse bool) geodata.Meta {
	if m.Kind != geodata.KindService {
		m.Coverage, m.CoverageSource = nil, ""
		return m
	}
	if d := m.Coverage.Declared(); d != nil {
		d.Outline = OutlinePath(m.ID)
		m.Coverage, m.CoverageSource = d, geodata.CoverageDeclared
		return m
	}
	cells := &geodata.CoverageCells{Resolution: CellResolution, Rings: CellRings, MarginKm: MarginKm}
	if coarse {
		cells.Resolution = PublicResolution
	}
	m.Coverage = &geodata.Coverage{Cells: cells, Outline: OutlinePath(m.ID)}
	m.CoverageSource = geodata.CoverageComputed
	return m
}
