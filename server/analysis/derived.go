package analysis

import (
	"fmt"
	"hash/fnv"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/geodata/risk"
	"github.com/routerisk/routerisk/server/reads"
)

// RiskSegmentsID is the id of the derived layer of route segments with
// their risk at the default parameters, served like any layer (features,
// OGC API collection) but never stored.
const RiskSegmentsID = "risk-segments"

// riskSegments derives the layer RiskSegmentsID from the current route,
// incident and service layers.
type riskSegments struct{ s *Service }

// Inputs names the layer versions and today's date: the layer is rebuilt
// when either changes.
func (d riskSegments) Inputs(snap reads.Snapshot) (string, error) {
	if !snap.Has(geodata.KindRoute, geodata.KindIncident) {
		return "", geodata.Errorf(geodata.NotFound, "layer %q needs a route layer and an incident layer; load them first", RiskSegmentsID)
	}
	return snap.Versions + "@" + time.Now().UTC().Format(time.DateOnly), nil
}

// Build analyses the routes at the default parameters.
func (d riskSegments) Build(snap reads.Snapshot, inputs string) (*geodata.Layer, error) {
	an, err := d.s.analyser(snap)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
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
				p.SegmentKm, p.RadiusKm, p.HalfLifeDays, p.ReferenceDate.Format(time.DateOnly), p.ReachKm, snap.Versions),
			Sources: []geodata.Source{{Name: "RouteRisk route-risk analysis of the route, incident and service layers",
				License: "as the input layers", Attribution: "Route risk: RouteRisk analysis of the layers' sources"}},
			Sensitivity: geodata.Public,
			Version:     int(h.Sum32() & 0x7fffffff),
			UpdatedAt:   now.Truncate(time.Second),
			UpdatedBy:   "analysis",
		},
		Features: res.SegmentFeatures(),
	}
	// Served at every tier like a public layer: segment figures as the
	// public tier sees them, incident dates no finer than a month.
	discloseSegments(l.Features, privacy.Public)
	l.Summarise()
	return l, nil
}
