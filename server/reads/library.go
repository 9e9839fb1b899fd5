package reads

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb/geojson"
	"golang.org/x/sync/singleflight"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/spatial"
)

// Source is where the library reads layer versions from: the store.
type Source interface {
	// List returns the current version's metadata of every layer.
	List(ctx context.Context) ([]geodata.Meta, error)
	// Current returns the current metadata of a layer; code NotFound if none.
	Current(ctx context.Context, id string) (geodata.Meta, error)
	// Open loads one version's features; code NotFound if it does not exist.
	Open(ctx context.Context, id string, version int) (*geodata.Layer, error)
}

// Library holds the current version of every layer, indexed and ready to
// answer queries, and the layers derived from them. It is safe for
// concurrent use.
type Library struct {
	source Source

	mu      sync.RWMutex
	layers  map[string]*loaded // by layer id, the current version
	derived map[string]*derivation
	flight  singleflight.Group
	// synced is the store generation the layers were last synced at (see Fresh).
	synced atomic.Int64
	// watchers are called after every change of the layers served.
	watchers []func()
}

// loaded is one layer version ready to answer queries.
type loaded struct {
	meta    geodata.Meta
	index   *spatial.Index
	encoded [][]byte // every feature as stored, pre-encoded
	// byID finds a feature by its id, built on first use (a large layer
	// just published is seldom asked for one feature at once).
	idsOnce sync.Once
	byID    map[string]int
	keys    sync.Map // raw query string → answers.Prepared, for queries seen before
	// memoBytes counts the bytes keys holds (bounded by maxMemoBytes).
	memoBytes atomic.Int64
	// valueSets holds, per property, the distinct values of the layer as
	// filters compare them (map[string]struct{}), built on first use.
	valueSets sync.Map
	// times spans the layer's time property; zero when it has none.
	times geodata.Interval
	// blocksState holds the compressed runs of the features in spatial
	// order (spliced.go), built on first use.
	blocksState
}

// New returns a library over source. Call Load before serving.
func New(source Source) *Library {
	return &Library{source: source, layers: map[string]*loaded{}, derived: map[string]*derivation{}}
}

// Load reads and indexes the current version of every layer.
func (c *Library) Load(ctx context.Context) error {
	metas, err := c.source.List(ctx)
	if err != nil {
		return err
	}
	for _, m := range metas {
		if err := c.load(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// Sync brings the library in line with the store: layers another process
// (a replica, or `routerisk import`) published, restored or deleted are
// loaded or dropped. It returns the ids of the layers that changed.
func (c *Library) Sync(ctx context.Context) ([]string, error) {
	metas, err := c.source.List(ctx)
	if err != nil {
		return nil, err
	}
	var changed []string
	current := map[string]bool{}
	for _, m := range metas {
		current[m.ID] = true
		c.mu.RLock()
		ld, ok := c.layers[m.ID]
		c.mu.RUnlock()
		if ok && ld.meta.Version >= m.Version {
			continue
		}
		if err := c.load(ctx, m); err != nil {
			return changed, fmt.Errorf("loading layer %s version %d: %w", m.ID, m.Version, err)
		}
		changed = append(changed, m.ID)
	}
	c.mu.RLock()
	var gone []string
	for id := range c.layers {
		if !current[id] {
			gone = append(gone, id)
		}
	}
	c.mu.RUnlock()
	for _, id := range gone {
		// Asked again: a layer published here after the list was read is
		// not in it, and must stay.
		if _, err := c.source.Current(ctx, id); geodata.ErrorCode(err) != geodata.NotFound {
			continue
		}
		c.Drop(id)
		changed = append(changed, id)
	}
	return changed, nil
}

// OnChange has fn called after every change of the layers served: a
// version installed (published, restored, or loaded from the store) or
// a layer dropped. fn runs on the changer's goroutine and must not block.
func (c *Library) OnChange(fn func()) {
	c.mu.Lock()
	c.watchers = append(c.watchers, fn)
	c.mu.Unlock()
}

// notify calls the watchers; the caller holds no lock.
func (c *Library) notify() {
	c.mu.RLock()
	ws := c.watchers
	c.mu.RUnlock()
	for _, fn := range ws {
		fn()
	}
}

func (c *Library) load(ctx context.Context, m geodata.Meta) error {
	l, err := c.source.Open(ctx, m.ID, m.Version)
	if err != nil {
		return err
	}
	ld, err := prepare(l)
	if err != nil {
		return err
	}
	c.install(ld)
	return nil
}

func prepare(l *geodata.Layer) (*loaded, error) {
	ld := &loaded{
		meta:    l.Meta,
		index:   spatial.New(l.Features, l.Meta.TimeProperty),
		encoded: make([][]byte, 0, min(len(l.Features), encodeSample)), // grown once the sample foretells the layer fits
	}
	// The encodings live in large shared chunks rather than one
	// allocation each: no per-feature slack from append's growth.
	var chunk []byte
	total := 0
	for i, f := range l.Features {
		if ld.encoded != nil {
			start := len(chunk)
			b, err := formats.AppendFeature(chunk, f, formats.EncodeOptions{Precision: -1})
			if err != nil {
				return nil, fmt.Errorf("layer %s feature %d: %w", l.Meta, i+1, err)
			}
			if cap(b) != cap(chunk) && start > 0 { // it outgrew the chunk: start a new one
				chunk = make([]byte, 0, max(encodeChunk, 2*(len(b)-start)))
				b, _ = formats.AppendFeature(chunk, f, formats.EncodeOptions{Precision: -1})
				start = 0
			}
			chunk = b
			ld.encoded = append(ld.encoded, chunk[start:len(chunk):len(chunk)])
			total += len(chunk) - start
			switch {
			case total > maxPreEncodedBytes || (i+1 == encodeSample && total/encodeSample*len(l.Features) > maxPreEncodedBytes):
				// A large layer is encoded on demand; one whose first
				// features foretell it is never encoded in full first.
				ld.encoded, chunk = nil, nil
			case i+1 == encodeSample:
				ld.encoded = slices.Grow(ld.encoded, len(l.Features)-encodeSample)
			}
		}
		if l.Meta.TimeProperty != "" {
			if t, ok := geodata.ParseDate(f.Properties[l.Meta.TimeProperty]); ok {
				if ld.times.Start.IsZero() || t.Before(ld.times.Start) {
					ld.times.Start = t
				}
				if ld.times.End.IsZero() || t.After(ld.times.End) {
					ld.times.End = t
				}
			}
		}
	}
	return ld, nil
}

// position returns the place in the layer of the feature with id
// featureID (the last, if several share it).
func (ld *loaded) position(featureID string) (int, bool) {
	ld.idsOnce.Do(func() {
		ld.byID = make(map[string]int, ld.index.Len())
		for i, f := range ld.index.Features() {
			switch id := f.ID.(type) {
			case nil:
			case string:
				ld.byID[id] = i
			default:
				ld.byID[fmt.Sprint(id)] = i
			}
		}
	})
	i, ok := ld.byID[featureID]
	return i, ok
}

// maxPreEncodedBytes bounds the encoded features a layer keeps ready: a
// speed-up for answers that are not cached yet, worth its memory for the
// layers people look at every day, not for a layer of hundreds of
// megabytes, which is encoded feature by feature when asked.
const maxPreEncodedBytes = 64 << 20

// featureJSON returns feature i as stored, encoded.
func (ld *loaded) featureJSON(i int) ([]byte, error) {
	if ld.encoded != nil {
		return ld.encoded[i], nil
	}
	return formats.AppendFeature(nil, ld.index.Feature(i), formats.EncodeOptions{Precision: -1})
}

// encodeSample is how many features prepare encodes before it judges, from
// their size, whether the whole layer would pass maxPreEncodedBytes.
const encodeSample = 1024

// encodeChunk is the size of the shared buffers that hold a layer's
// encoded features.
const encodeChunk = 256 << 10

// Layers returns the metadata of every layer, by id.
func (c *Library) Layers() []geodata.Meta {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]geodata.Meta, 0, len(c.layers))
	for _, id := range slices.Sorted(maps.Keys(c.layers)) {
		out = append(out, c.layers[id].meta)
	}
	return out
}

// Layer returns the metadata of one layer; code NotFound if unknown.
func (c *Library) Layer(id string) (geodata.Meta, error) {
	ld, err := c.get(id)
	if err != nil {
		return geodata.Meta{}, err
	}
	return ld.meta, nil
}

// TimeRange returns the earliest and latest value of a layer's time
// property; ok is false when the layer has no time property or no feature
// has a date. Errors: NotFound for an unknown layer.
func (c *Library) TimeRange(id string) (iv geodata.Interval, ok bool, err error) {
	ld, err := c.get(id)
	if err != nil {
		return geodata.Interval{}, false, err
	}
	return ld.times, !ld.times.Start.IsZero(), nil
}

func (c *Library) get(id string) (*loaded, error) {
	c.mu.RLock()
	ld, ok := c.layers[id]
	c.mu.RUnlock()
	if !ok {
		if d := c.derivationOf(id); d != nil {
			return c.derive(d)
		}
	}
	if !ok {
		return nil, &geodata.Error{Code: geodata.NotFound,
			Message: fmt.Sprintf("layer %q does not exist; GET /api/v1/layers lists the layers", geodata.Truncate(id, 64))}
	}
	return ld, nil
}

// Install serves l, a version just published or restored, from the
// moment it returns: the next read answers from it (its cache keys are
// new), never from an older version.
func (c *Library) Install(l *geodata.Layer) error {
	ld, err := prepare(l)
	if err != nil {
		return err
	}
	c.install(ld)
	return nil
}

// install serves ld in place of an older version of its layer.
func (c *Library) install(ld *loaded) {
	c.mu.Lock()
	cur, ok := c.layers[ld.meta.ID]
	newer := !ok || cur.meta.Version < ld.meta.Version
	if newer {
		c.layers[ld.meta.ID] = ld
	}
	c.mu.Unlock()
	if newer {
		c.notify()
	}
}

// Drop stops serving layer id.
func (c *Library) Drop(id string) {
	c.mu.Lock()
	_, ok := c.layers[id]
	delete(c.layers, id)
	c.mu.Unlock()
	if ok {
		c.notify()
	}
}

// LayerFeatures returns the metadata and every feature, as stored, of the
// current version of layer id, for an analysis of that one layer. The
// caller must not change them. Errors: NotFound for an unknown layer.
func (c *Library) LayerFeatures(id string) (geodata.Meta, []*geojson.Feature, error) {
	ld, err := c.get(id)
	if err != nil {
		return geodata.Meta{}, nil, err
	}
	return ld.meta, ld.index.Features(), nil
}

// valueSet returns the distinct values of a property, as filters compare
// them.
func (ld *loaded) valueSet(prop string) map[string]struct{} {
	if v, ok := ld.valueSets.Load(prop); ok {
		return v.(map[string]struct{})
	}
	set := map[string]struct{}{}
	for i := range ld.index.Len() {
		if s, ok := geodata.ValueText(ld.index.Feature(i).Properties[prop]); ok {
			set[s] = struct{}{}
		}
	}
	v, _ := ld.valueSets.LoadOrStore(prop, set)
	return v.(map[string]struct{})
}

// matchesNothing reports whether a filter of q names only values the
// layer does not hold: its answer is empty whatever else q asks.
func (ld *loaded) matchesNothing(q geodata.Query) bool {
	for _, f := range q.Filters {
		set := ld.valueSet(f.Property)
		found := false
		for _, v := range f.Values {
			if _, ok := set[v]; ok {
				found = true
				break
			}
		}
		if !found {
			return true
		}
	}
	return false
}
