package reads

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/spatial"
)

// Deriver builds a layer computed from the stored ones, such as the
// route-risk segments. The library serves it like any layer (features,
// OGC API collection) but never stores it.
type Deriver interface {
	// Inputs names what the layer would be built from now (layer
	// versions, a reference date): the layer is rebuilt when they change.
	// An error with code NotFound means it cannot be built now.
	Inputs(s Snapshot) (string, error)
	// Build computes the layer for those inputs.
	Build(s Snapshot, inputs string) (*geodata.Layer, error)
}

// derivation is a registered Deriver with its last build.
type derivation struct {
	id     string
	d      Deriver
	inputs string
	layer  *loaded
}

// Derive registers a derived layer under id.
func (c *Library) Derive(id string, d Deriver) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.derived[id] = &derivation{id: id, d: d}
}

func (c *Library) derivationOf(id string) *derivation {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.derived[id]
}

// derive returns the derived layer, rebuilt when its inputs changed.
func (c *Library) derive(dv *derivation) (*loaded, error) {
	snap := c.Snapshot()
	inputs, err := dv.d.Inputs(snap)
	if err != nil {
		return nil, err
	}
	c.mu.RLock()
	cur, curInputs := dv.layer, dv.inputs
	c.mu.RUnlock()
	if cur != nil && curInputs == inputs {
		return cur, nil
	}
	v, err, _ := c.flight.Do("derived:"+dv.id+":"+inputs, func() (any, error) {
		l, err := dv.d.Build(snap, inputs)
		if err != nil {
			return nil, err
		}
		l.Meta.ID = dv.id
		ld, err := prepare(l)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		dv.layer, dv.inputs = ld, inputs
		c.mu.Unlock()
		return ld, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*loaded), nil
}

// Collections returns the metadata of every layer plus the derived ones
// that can be built now, by id.
func (c *Library) Collections() []geodata.Meta {
	out := c.Layers()
	c.mu.RLock()
	ids := slices.Sorted(maps.Keys(c.derived))
	c.mu.RUnlock()
	for _, id := range ids {
		if ld, err := c.derive(c.derivationOf(id)); err == nil {
			out = append(out, ld.meta)
		}
	}
	return out
}

// Snapshot is the current version of the route, incident and service
// layers, for an analysis over them.
type Snapshot struct {
	// Versions names every layer version in it, such as
	// "incidents@3,routes@1,services@2".
	Versions string
	// Metas is the metadata of each layer, by id.
	Metas []geodata.Meta
	// Features holds every feature of the layers of each kind.
	Features map[geodata.Kind][]*geojson.Feature
	// Indexes holds the spatial index of each layer of a kind.
	Indexes map[geodata.Kind][]*spatial.Index
}

// Has reports whether the snapshot holds a layer of every given kind.
func (s Snapshot) Has(kinds ...geodata.Kind) bool {
	for _, k := range kinds {
		if len(s.Features[k]) == 0 && len(s.Indexes[k]) == 0 {
			return false
		}
	}
	return true
}

// Snapshot returns the current route, incident and service layers.
func (c *Library) Snapshot() Snapshot {
	c.mu.RLock()
	defer c.mu.RUnlock()
	s := Snapshot{Features: map[geodata.Kind][]*geojson.Feature{}, Indexes: map[geodata.Kind][]*spatial.Index{}}
	var names []string
	for _, id := range slices.Sorted(maps.Keys(c.layers)) {
		ld := c.layers[id]
		switch ld.meta.Kind {
		case geodata.KindRoute, geodata.KindIncident, geodata.KindService:
			names = append(names, fmt.Sprintf("%s@%d", id, ld.meta.Version))
			s.Metas = append(s.Metas, ld.meta)
			s.Features[ld.meta.Kind] = append(s.Features[ld.meta.Kind], ld.index.Features()...)
			s.Indexes[ld.meta.Kind] = append(s.Indexes[ld.meta.Kind], ld.index)
		}
	}
	s.Versions = strings.Join(names, ",")
	return s
}

// Series is the current version of one exposure layer.
type Series struct {
	Meta     geodata.Meta
	Features []*geojson.Feature
}

// Exposures returns the current version of every exposure layer (monthly
// counts of crossings per route), by id.
func (c *Library) Exposures() []Series {
	c.mu.RLock()
	defer c.mu.RUnlock()
	var out []Series
	for _, id := range slices.Sorted(maps.Keys(c.layers)) {
		if ld := c.layers[id]; ld.meta.Kind == geodata.KindExposure {
			out = append(out, Series{Meta: ld.meta, Features: ld.index.Features()})
		}
	}
	return out
}
