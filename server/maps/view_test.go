package maps

import (
	"net/url"
	"slices"
	"testing"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/risk"
)

func TestParseStateReadsOneFilterDialect(t *testing.T) {
	q := url.Values{
		"layers": {"incidents,routes,risk,incidents"}, "from": {"2024-01-31"}, "to": {"2023-01-01"},
		"route": {"Central Mediterranean", "Western Balkans", " "}, "cause": {"Drowning"}, "category": {"health", "legal"},
		"radius": {"40"}, "halflife": {"730"},
	}
	var v View
	if err := ParseState(q, &v); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(v.Layers, []string{"incidents", "routes", "risk"}) {
		t.Errorf("layers %v", v.Layers)
	}
	if v.Filters.From != "2023-01-01" || v.Filters.To != "2024-01-31" {
		t.Errorf("dates not put in order: %+v", v.Filters)
	}
	if !slices.Equal(v.Filters.Routes, []string{"Central Mediterranean", "Western Balkans"}) || !slices.Equal(v.Filters.Categories, []string{"health", "legal"}) {
		t.Errorf("filters %+v", v.Filters)
	}
	if v.Risk.RadiusKm != 40 || v.Risk.HalfLifeDays != 730 || v.Risk.ReachKm != risk.DefaultReachKm {
		t.Errorf("risk settings %+v", v.Risk)
	}
	if !slices.Equal(v.Risk.Causes, []string{"Drowning"}) || v.Risk.Time == nil || !slices.Equal(v.Risk.Routes, v.Filters.Routes) {
		t.Errorf("the analysis does not get the filters: %+v", v.Risk)
	}
}

func TestParseStateRefusesBadValues(t *testing.T) {
	for name, q := range map[string]url.Values{
		"a date":       {"from": {"31/01/2024"}},
		"a cause":      {"cause": {"Bad luck"}},
		"a radius":     {"radius": {"-3"}},
		"many layers":  {"layers": {"a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u"}},
		"a half-life":  {"halflife": {"NaN"}},
		"a reach text": {"reach": {"far"}},
	} {
		var v View
		err := ParseState(q, &v)
		if geodata.ErrorCode(err) != geodata.Invalid {
			t.Errorf("%s: %v, want code Invalid", name, err)
		}
	}
}

func TestParseBBoxRefusesABoxWithNoArea(t *testing.T) {
	if _, err := ParseBBox("10,30,10,40"); geodata.ErrorCode(err) != geodata.Invalid {
		t.Errorf("zero width: %v", err)
	}
	if _, err := ParseBBox("10,30,200,40"); geodata.ErrorCode(err) != geodata.Invalid {
		t.Errorf("out of range: %v", err)
	}
	b, err := ParseBBox("-10,30,25,42")
	if err != nil || b != [4]float64{-10, 30, 25, 42} || FormatBound(b) != "-10,30,25,42" {
		t.Errorf("%v %v", b, err)
	}
}

func TestViewKeyDiffersWithEveryField(t *testing.T) {
	var base View
	if err := ParseState(url.Values{}, &base); err != nil {
		t.Fatal(err)
	}
	base.Bound = [4]float64{0, 0, 1, 1}
	other := base
	other.Filters.Categories = []string{"health"}
	titled := base
	titled.Title = "Report"
	wider := base
	wider.Risk.RadiusKm = 50
	for name, v := range map[string]View{"category": other, "title": titled, "radius": wider} {
		if v.Key() == base.Key() {
			t.Errorf("%s does not change the key", name)
		}
	}
}

func TestLayerQueryLeavesOutFiltersALayerDoesNotAnswer(t *testing.T) {
	services := geodata.Meta{ID: "services", Kind: geodata.KindService, Schema: []geodata.Field{{Name: "category", Type: "string"}}}
	f := Filters{Routes: []string{"Darien"}, Causes: []string{"Drowning"}, Categories: []string{"health"}}
	q := layerQuery(services, f, [4]float64{0, 0, 1, 1})
	if len(q.Filters) != 1 || q.Filters[0].Param != "category" || q.Time != nil {
		t.Errorf("services query %+v", q)
	}
	incidents := geodata.Meta{ID: "incidents", Kind: geodata.KindIncident, TimeProperty: "date",
		Schema: []geodata.Field{{Name: "cause_category", Type: "string"}, {Name: "date", Type: "date"}, {Name: "route", Type: "string"}}}
	f.From = "2023-01-01"
	q = layerQuery(incidents, f, [4]float64{0, 0, 1, 1})
	if len(q.Filters) != 2 || q.Filters[0].Param != "cause" || q.Filters[1].Param != "route" || q.Time == nil || q.Limit != featureLimit {
		t.Errorf("incidents query %+v", q)
	}
	// An incident layer without causes or routes: those filters are left out.
	bare := geodata.Meta{ID: "uploaded", Kind: geodata.KindIncident, TimeProperty: "date", Schema: []geodata.Field{{Name: "date", Type: "date"}}}
	q = layerQuery(bare, f, [4]float64{0, 0, 1, 1})
	if len(q.Filters) != 0 || q.Time == nil {
		t.Errorf("uploaded incidents query %+v", q)
	}
}
