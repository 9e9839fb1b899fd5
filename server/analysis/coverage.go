package analysis

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/coverage"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/geodata/risk"
	"github.com/routerisk/routerisk/server/answers"
	"github.com/routerisk/routerisk/server/reads"
)

// serviceLayers returns the service layers of a snapshot with their
// declared coverage, for the analyser. A declaration whose countries
// cannot be drawn (no boundaries on this server) leaves the layer's
// coverage computed.
func (c *Service) serviceLayers(snap reads.Snapshot) []risk.ServiceLayer {
	var metas []geodata.Meta
	for _, m := range snap.Metas {
		if m.Kind == geodata.KindService {
			metas = append(metas, m)
		}
	}
	out := make([]risk.ServiceLayer, 0, len(metas))
	for i, ix := range snap.Indexes[geodata.KindService] {
		l := risk.ServiceLayer{Features: ix.Features()}
		if i < len(metas) && !metas[i].Coverage.Empty() {
			if a, err := coverage.FromDeclared(metas[i].Coverage, c.countries); err == nil {
				l.Declared = a
			}
		}
		out = append(out, l)
	}
	return out
}

// CoverageRequest asks for the coverage outline of a service layer.
type CoverageRequest struct {
	View        privacy.View // who is asking, decided once where the request came in
	Layer       string
	IfNoneMatch string
}

// Coverage answers a service layer's coverage as a GeoJSON
// FeatureCollection, through the cache: for a declared coverage one
// feature, the union of its countries' outlines and its area (properties
// layer, coverage_source "declared", countries); for a computed one a
// feature per category, the outline of its cells (properties layer,
// coverage_source "computed", category, h3_resolution, cells). At the
// public tier a restricted layer's computed coverage is drawn from coarse
// cells (coverage.PublicResolution). Errors: NotFound for an unknown
// layer, Invalid for a layer that is not a service layer.
func (c *Service) Coverage(ctx context.Context, r CoverageRequest) (answers.Result, error) {
	meta, feats, err := c.lib.LayerFeatures(r.Layer)
	if err != nil {
		return answers.Result{}, err
	}
	if meta.Kind != geodata.KindService {
		return answers.Result{}, &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"layer": meta.ID, "kind": meta.Kind},
			Message: "layer " + strconv.Quote(meta.ID) + " is a " + string(meta.Kind) + " layer; only service layers have a coverage area"}
	}
	tier := r.View.For(meta)
	coarse := tier == privacy.Public
	key := answers.Key{Slot: meta.ID, Versions: "v" + strconv.Itoa(meta.Version), What: "coverage", Query: "coarse=" + strconv.FormatBool(coarse), Tier: tier}
	return c.answers.Get(ctx, key, r.IfNoneMatch, func() ([]byte, error) {
		out, err := c.coverageFeatures(meta, feats, coarse)
		if err != nil {
			return nil, err
		}
		return encodeFeatures(out, 5)
	})
}

func (c *Service) coverageFeatures(meta geodata.Meta, feats []*geojson.Feature, coarse bool) ([]*geojson.Feature, error) {
	if d := meta.Coverage.Declared(); d != nil {
		a, err := coverage.FromDeclared(d, c.countries)
		if err != nil {
			return nil, err
		}
		f := geojson.NewFeature(a.Outline())
		countries := d.Countries
		if countries == nil {
			countries = []string{}
		}
		f.Properties = geojson.Properties{"layer": meta.ID, "coverage_source": geodata.CoverageDeclared, "countries": countries}
		return []*geojson.Feature{f}, nil
	}
	byCat := map[string][]orb.Point{}
	for _, f := range feats {
		p, ok := f.Geometry.(orb.Point)
		cat, _ := f.Properties["category"].(string)
		cat = strings.ToLower(strings.TrimSpace(cat))
		if ok && cat != "" {
			byCat[cat] = append(byCat[cat], p)
		}
	}
	out := []*geojson.Feature{}
	for _, cat := range slices.Sorted(maps.Keys(byCat)) {
		a := coverage.Compute(byCat[cat])
		res := coverage.CellResolution
		if coarse {
			a, res = a.Coarse(), coverage.PublicResolution
		}
		f := geojson.NewFeature(a.Outline())
		f.Properties = geojson.Properties{"layer": meta.ID, "coverage_source": geodata.CoverageComputed, "category": cat, "h3_resolution": res, "cells": a.Cells()}
		out = append(out, f)
	}
	return out, nil
}
