package catalog

import (
	"fmt"
	"hash/fnv"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/risk"
)

// RiskSegmentsID is the id of the derived layer of route segments with
// their risk at the default parameters, served like any layer (features,
// OGC API collection) but never stored.
const RiskSegmentsID = "risk-segments"

// derived is a layer computed from the stored ones.
type derived struct {
	inputs string // the input versions and reference date it was built from
	layer  *loaded
}

// Collections returns the metadata of every layer plus the derived ones
// that can be built now (the risk segments need a route and an incident
// layer), by id.
func (c *Catalog) Collections() []geodata.Meta {
	out := c.Layers()
	if ld, err := c.riskSegments(); err == nil {
		out = append(out, ld.meta)
	}
	return out
}

// riskSegments returns the derived risk-segments layer, rebuilt when an
// input layer has a new version or the day (the reference date) changed.
func (c *Catalog) riskSegments() (*loaded, error) {
	versions, layers := c.analysisLayers()
	if len(layers[geodata.KindRoute]) == 0 || len(layers[geodata.KindIncident]) == 0 {
		return nil, geodata.Errorf(geodata.NotFound, "layer %q needs a route layer and an incident layer; load them first", RiskSegmentsID)
	}
	now := time.Now().UTC()
	inputs := versions + "@" + now.Format(time.DateOnly)
	c.mu.RLock()
	cur := c.derived
	c.mu.RUnlock()
	if cur != nil && cur.inputs == inputs {
		return cur.layer, nil
	}
	v, err, _ := c.flight.Do("derived:"+inputs, func() (any, error) {
		an, err := c.analyser(versions, layers)
		if err != nil {
			return nil, err
		}
		p := risk.DefaultParams(now)
		res, err := an.Analyse(p)
		if err != nil {
			return nil, err
		}
		h := fnv.New32a()
		h.Write([]byte(inputs))
		l := &geodata.Layer{
			Meta: geodata.Meta{
				ID:    RiskSegmentsID,
				Kind:  geodata.KindSegment,
				Title: "Route risk segments",
				Description: fmt.Sprintf("Every route cut into segments of about %g km, with the risk of incidents within %g km "+
					"(half-life %g days, reference date %s) and the nearest current service per category within %g km. "+
					"Derived from %s; GET /api/v1/risk/segments computes it with other parameters.",
					p.SegmentKm, p.RadiusKm, p.HalfLifeDays, p.ReferenceDate.Format(time.DateOnly), p.ReachKm, versions),
				Sources: []geodata.Source{{Name: "RouteRisk route-risk analysis of the route, incident and service layers",
					License: "as the input layers", Attribution: "Route risk: RouteRisk analysis of the layers' sources"}},
				Sensitivity: geodata.Public,
				Version:     int(h.Sum32() & 0x7fffffff),
				UpdatedAt:   now.Truncate(time.Second),
				UpdatedBy:   "analysis",
			},
			Features: res.SegmentFeatures(),
		}
		// Served at every tier like a public layer: segment figures only,
		// incident dates no finer than a month.
		monthsOnly(l.Features)
		l.Summarise()
		ld, err := prepare(l)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.derived = &derived{inputs: inputs, layer: ld}
		c.mu.Unlock()
		return ld, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*loaded), nil
}
