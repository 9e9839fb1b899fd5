package catalog

import (
	"context"
	"fmt"
	"net/url"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/hotspot"
)

// DefaultIncidentLayer is the layer analyses read when none is named.
const DefaultIncidentLayer = "incidents"

// HotspotsRequest asks for the hotspot analysis of one incident layer.
type HotspotsRequest struct {
	Layer       string     // an incident layer; "" for DefaultIncidentLayer
	Params      url.Values // as hotspot.ParseParams reads them
	IfNoneMatch string
}

// Hotspots aggregates a layer's incidents to H3 cells and marks the
// significant hotspots (Getis-Ord Gi*, FDR-corrected), through the cache.
// The answer is a GeoJSON FeatureCollection of the cells that hold
// incidents or are significant. Errors: NotFound for an unknown layer,
// Invalid for a bad parameter or a layer that does not hold incidents.
func (c *Catalog) Hotspots(ctx context.Context, r HotspotsRequest) (Result, error) {
	id := r.Layer
	if id == "" {
		id = DefaultIncidentLayer
	}
	ld, err := c.get(id)
	if err != nil {
		return Result{}, err
	}
	if ld.meta.Kind != geodata.KindIncident {
		return Result{}, geodata.InvalidParam("layer", fmt.Sprintf("names %q, a %s layer", id, ld.meta.Kind), "name a layer of kind incident")
	}
	p, err := hotspot.ParseParams(r.Params)
	if err != nil {
		return Result{}, err
	}
	key := fmt.Sprintf("{%s}:v%d:hotspots:%s", ld.meta.ID, ld.meta.Version, p.Key())
	return c.cached(ctx, key, r.IfNoneMatch, func() ([]byte, error) {
		cells := hotspot.Notable(hotspot.Compute(ld.index.Features(), p))
		feats := hotspot.Features(cells)
		encoded := make([][]byte, len(feats))
		for i, f := range feats {
			b, err := formats.AppendFeature(nil, f, formats.EncodeOptions{Precision: 6})
			if err != nil {
				return nil, err
			}
			encoded[i] = b
		}
		return formats.AppendCollection(nil, encoded, len(encoded), nil), nil
	})
}
