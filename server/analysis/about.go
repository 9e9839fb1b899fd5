package analysis

import (
	"encoding/json"
	"net/url"
	"strconv"
	"time"

	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/geodata/risk"
)

// About dates and qualifies an analysis answer: it is written at the top
// level of every segments and priorities answer (GeoJSON) and on every row
// of the priorities CSV, so that an export carries what it rests on.
type About struct {
	// ReferenceDate is the "today" of the analysis (YYYY-MM-DD); by
	// default the date of the last incident, so answers do not age with
	// the calendar.
	ReferenceDate string `json:"reference_date"`
	// DataThrough is the date of the last incident of the incident layers
	// used (YYYY-MM-DD; below the staff tier only its month, YYYY-MM, as
	// every date there); "" when none is dated.
	DataThrough string `json:"data_through"`
	// Parameters are every parameter of the analysis, defaults included.
	Parameters map[string]any `json:"parameters"`
	// Caveats are plain sentences on what the figures can and cannot say.
	Caveats []string `json:"caveats"`
}

// Caveats are the limits of the route-risk analysis, said wherever its
// figures are shown or exported.
var Caveats = []string{
	"Figures are minimum estimates: the Missing Migrants Project records only the deaths and disappearances that someone reported, and many are never found or reported.",
	"Risk is recorded deaths and disappearances near a stretch of route per 100 km, weighted by recency and source quality; it is not a rate per person crossing, and says nothing where no one reported.",
	"A low value is not evidence of safety.",
	"Many records are placed at an administrative centre or a whole-degree coordinate; such approximate locations are spread over a wider radius and cannot pin an incident to one stretch.",
	"Route lines are approximate corridors through named places, not tracks.",
	"Service coverage is judged only where service data exists: \"no data\" means nothing was loaded there, not that no help exists; a \"gap\" means none recorded within reach in the loaded directories.",
}

// Describe returns the About of an analysis with parameters p, answered
// at tier.
func Describe(an *risk.Analyser, p risk.Params, tier privacy.Tier) About {
	a := About{ReferenceDate: p.ReferenceDate.Format(time.DateOnly), Parameters: parameters(p.Values()), Caveats: Caveats}
	a.Parameters[risk.SubtypesParam] = p.SubtypeRules() // the rules in force, defaults included
	if t, ok := an.DataThrough(); ok {
		a.DataThrough = t.Format(time.DateOnly)
		if tier != privacy.Staff {
			a.DataThrough = t.Format("2006-01")
		}
	}
	return a
}

// AboutView returns the About of the route-risk analysis with p as view
// sees it, dated as the API dates its answers to that caller: what a map
// image of the analysis says in its footer.
func (c *Service) AboutView(view privacy.View, p risk.Params) (About, error) {
	snap, err := riskSnapshot(c.lib)
	if err != nil {
		return About{}, err
	}
	tier := view.Lowest(snap.Metas)
	an, err := c.analyser(snap)
	if err != nil {
		return About{}, err
	}
	p.ReferenceDate = risk.DateOf(referenceDay(an, tier))
	return Describe(an, p, tier), nil
}

// parameters writes the canonical parameters with numbers as numbers and
// the route and cause filters as lists.
func parameters(v url.Values) map[string]any {
	out := make(map[string]any, len(v))
	for k, vals := range v {
		switch k {
		case "route", "cause", risk.SubtypesParam:
			out[k] = vals
			continue
		}
		if f, err := strconv.ParseFloat(vals[0], 64); err == nil {
			out[k] = f
		} else {
			out[k] = vals[0]
		}
	}
	for _, k := range []string{"route", "cause"} {
		if _, ok := out[k]; !ok {
			out[k] = []string{}
		}
	}
	return out
}

// Frame writes the About members at the top level of an encoded JSON
// object (a FeatureCollection), before its other members.
func (a About) Frame(body []byte) ([]byte, error) {
	head, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	if len(body) < 2 || body[0] != '{' {
		return body, nil
	}
	out := make([]byte, 0, len(head)+len(body)+1)
	out = append(out, '{')
	out = append(out, `"type":"FeatureCollection",`...)
	out = append(out, head[1:len(head)-1]...)
	out = append(out, ',')
	rest := body[1:]
	if prefix := `"type":"FeatureCollection",`; len(rest) > len(prefix) && string(rest[:len(prefix)]) == prefix {
		rest = rest[len(prefix):]
	}
	return append(out, rest...), nil
}
