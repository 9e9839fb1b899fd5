package coverage

import (
	"slices"
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/topojson"
)

// Country is one country of the boundaries table.
type Country struct {
	ISO2, ISO3 string // ISO 3166-1 alpha-2 ("" when Natural Earth has none) and alpha-3
	Name       string
	Shape      orb.MultiPolygon
}

// iso2Fixes gives the alpha-2 code of the countries Natural Earth leaves
// without one (its ISO fields are "-99" for France and Norway, whose
// overseas parts it maps apart).
var iso2Fixes = map[string]string{"FRA": "FR", "NOR": "NO"}

// Countries is the table of country boundaries declared coverage is drawn
// from. It reads its TopoJSON once, on first use. It is safe for
// concurrent use.
type Countries struct {
	read func() ([]byte, error)

	once   sync.Once
	err    error
	byCode map[string]*Country // by alpha-2 and alpha-3 code
	codes  []string            // every alpha-3 code, sorted
}

// NewCountries returns the table read, on first use, from a world-atlas
// countries TopoJSON (object "countries", with the properties isoA2, isoA3,
// adm0A3 and name, as the dashboard's basemap files have them).
func NewCountries(read func() ([]byte, error)) *Countries {
	return &Countries{read: read}
}

func (t *Countries) load() error {
	t.once.Do(func() {
		if t.read == nil {
			t.err = geodata.Errorf(geodata.Invalid, "this server has no country boundaries; declare the coverage as an area (coverage_area) instead")
			return
		}
		data, err := t.read()
		if err != nil {
			t.err = geodata.Errorf(geodata.Invalid, "this server cannot read its country boundaries; declare the coverage as an area (coverage_area) instead")
			return
		}
		fc, err := topojson.DecodeObject(data, "countries")
		if err != nil {
			t.err = err
			return
		}
		t.byCode = map[string]*Country{}
		for _, f := range fc.Features {
			c := &Country{ISO2: code(f.Properties, "isoA2"), ISO3: code(f.Properties, "isoA3"), Name: f.Properties.MustString("name", "")}
			if c.ISO3 == "" {
				c.ISO3 = code(f.Properties, "adm0A3")
			}
			if c.ISO2 == "" {
				c.ISO2 = iso2Fixes[c.ISO3]
			}
			switch g := f.Geometry.(type) {
			case orb.Polygon:
				c.Shape = orb.MultiPolygon{g}
			case orb.MultiPolygon:
				c.Shape = g
			}
			if c.ISO3 == "" || len(c.Shape) == 0 {
				continue
			}
			if old := t.byCode[c.ISO3]; old != nil { // one code, several shapes
				old.Shape = append(old.Shape, c.Shape...)
				continue
			}
			t.byCode[c.ISO3] = c
			if c.ISO2 != "" {
				t.byCode[c.ISO2] = c
			}
			t.codes = append(t.codes, c.ISO3)
		}
		slices.Sort(t.codes)
	})
	return t.err
}

// code reads an ISO code property, "" for Natural Earth's "-99".
func code(p map[string]any, key string) string {
	s, _ := p[key].(string)
	if s == "-99" {
		return ""
	}
	return strings.ToUpper(strings.TrimSpace(s))
}

// Lookup returns the country of an alpha-2 or alpha-3 code (any case).
// The error has code Invalid when the table cannot be read.
func (t *Countries) Lookup(code string) (*Country, bool, error) {
	if err := t.load(); err != nil {
		return nil, false, err
	}
	c, ok := t.byCode[strings.ToUpper(strings.TrimSpace(code))]
	return c, ok, nil
}

// Len returns how many countries the table holds (0 if it cannot be read).
func (t *Countries) Len() int {
	if t.load() != nil {
		return 0
	}
	return len(t.codes)
}
