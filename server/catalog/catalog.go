package catalog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/paulmach/orb/geojson"
	"golang.org/x/sync/singleflight"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/geodata/spatial"
)

// Cache stores encoded responses under versioned keys. Get returns
// (val, true, nil) on a hit and (nil, false, nil) on a miss; an error means
// the cache could not be asked, which callers treat as a miss.
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, val []byte) error
}

// Store keeps layer versions.
type Store interface {
	// List returns the current version's metadata of every layer.
	List(ctx context.Context) ([]geodata.Meta, error)
	// Current returns the current metadata of a layer; code NotFound if none.
	Current(ctx context.Context, id string) (geodata.Meta, error)
	// Open loads one version's features; code NotFound if it does not exist.
	Open(ctx context.Context, id string, version int) (*geodata.Layer, error)
	// Publish stores a new version and makes it current; code Invalid for
	// metadata it cannot accept. by names the writer for the audit log.
	Publish(ctx context.Context, l *geodata.Layer, report geodata.Report, by geodata.AuditEntry) (geodata.Meta, error)
	// Versions lists every stored version of a layer, newest first, also
	// of a deleted layer; code NotFound for a layer never published.
	Versions(ctx context.Context, id string) ([]geodata.Meta, error)
	// Report returns the import report of one version.
	Report(ctx context.Context, id string, version int) (geodata.Report, error)
	// Restore makes a new current version with the content of an older one.
	Restore(ctx context.Context, id string, version int, by geodata.AuditEntry) (geodata.Meta, error)
	// Delete takes a layer out of service, keeping its versions.
	Delete(ctx context.Context, id string, by geodata.AuditEntry) error
	// Audit appends an entry that is not itself a store write.
	Audit(ctx context.Context, e geodata.AuditEntry) error
	// ReadAudit returns up to limit audit entries, newest first.
	ReadAudit(ctx context.Context, limit int) ([]geodata.AuditEntry, error)
}

// Cache outcomes, as sent in X-Cache.
const (
	CacheHit    = "HIT"    // served from the cache
	CacheMiss   = "MISS"   // computed, then stored
	CacheBypass = "BYPASS" // computed; the cache could not be asked
)

// Catalog serves the current version of every layer. It is safe for
// concurrent use.
type Catalog struct {
	store Store
	cache Cache

	mu      sync.RWMutex
	layers  map[string]*loaded // by layer id, the current version
	flight  singleflight.Group
	risk    *analysis // the route-risk analyser of the current layer versions
	derived *derived  // the risk-segments layer of the current layer versions
	// gzipWriters reuses compressors: each holds about a megabyte of state.
	gzipWriters sync.Pool
	// synced is the store generation the layers were last synced at (see Fresh).
	synced atomic.Int64
}

// loaded is one layer version ready to answer queries.
type loaded struct {
	meta    geodata.Meta
	index   *spatial.Index
	encoded [][]byte // every feature as stored, pre-encoded
	byID    map[string]int
	keys    sync.Map     // raw query string → cacheKey, for queries seen before
	nkeys   atomic.Int64 // how many keys holds (bounded by maxMemoKeys)
	// times spans the layer's time property; zero when it has none.
	times geodata.Interval
	// partner holds the features as the partner tier sees them, built on
	// first use.
	partnerOnce sync.Once
	partner     []*geojson.Feature
}

// New returns a catalog over store and cache. Call Load before serving.
func New(store Store, cache Cache) *Catalog {
	c := &Catalog{store: store, cache: cache, layers: map[string]*loaded{}}
	c.gzipWriters.New = func() any {
		zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
		return zw
	}
	return c
}

// Load reads and indexes the current version of every layer.
func (c *Catalog) Load(ctx context.Context) error {
	metas, err := c.store.List(ctx)
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

// Sync brings the catalog in line with the store: layers another process
// (a replica, or `routerisk import`) published, restored or deleted are
// loaded or dropped. It returns the ids of the layers that changed.
func (c *Catalog) Sync(ctx context.Context) ([]string, error) {
	metas, err := c.store.List(ctx)
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
		if _, err := c.store.Current(ctx, id); geodata.ErrorCode(err) != geodata.NotFound {
			continue
		}
		c.mu.Lock()
		delete(c.layers, id)
		c.mu.Unlock()
		changed = append(changed, id)
	}
	return changed, nil
}

func (c *Catalog) load(ctx context.Context, m geodata.Meta) error {
	l, err := c.store.Open(ctx, m.ID, m.Version)
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
		encoded: make([][]byte, len(l.Features)),
		byID:    make(map[string]int, len(l.Features)),
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
			ld.encoded[i] = chunk[start:len(chunk):len(chunk)]
			if total += len(chunk) - start; total > maxPreEncodedBytes {
				ld.encoded, chunk = nil, nil // a large layer is encoded on demand
			}
		}
		switch id := f.ID.(type) {
		case nil:
		case string:
			ld.byID[id] = i
		default:
			ld.byID[fmt.Sprint(id)] = i
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

// encodeChunk is the size of the shared buffers that hold a layer's
// encoded features.
const encodeChunk = 256 << 10

// Layers returns the metadata of every layer, by id.
func (c *Catalog) Layers() []geodata.Meta {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]geodata.Meta, 0, len(c.layers))
	for _, id := range slices.Sorted(maps.Keys(c.layers)) {
		out = append(out, c.layers[id].meta)
	}
	return out
}

// Layer returns the metadata of one layer; code NotFound if unknown.
func (c *Catalog) Layer(id string) (geodata.Meta, error) {
	ld, err := c.get(id)
	if err != nil {
		return geodata.Meta{}, err
	}
	return ld.meta, nil
}

// TimeRange returns the earliest and latest value of a layer's time
// property; ok is false when the layer has no time property or no feature
// has a date. Errors: NotFound for an unknown layer.
func (c *Catalog) TimeRange(id string) (iv geodata.Interval, ok bool, err error) {
	ld, err := c.get(id)
	if err != nil {
		return geodata.Interval{}, false, err
	}
	return ld.times, !ld.times.Start.IsZero(), nil
}

func (c *Catalog) get(id string) (*loaded, error) {
	c.mu.RLock()
	ld, ok := c.layers[id]
	c.mu.RUnlock()
	if !ok && id == RiskSegmentsID {
		return c.riskSegments()
	}
	if !ok {
		return nil, &geodata.Error{Code: geodata.NotFound,
			Message: fmt.Sprintf("layer %q does not exist; GET /api/v1/layers lists the layers", truncate(id, 64))}
	}
	return ld, nil
}

// Publish stores l as a new version and serves it from the moment it
// returns: the next read answers from the new version (its cache keys are
// new), never from the old one.
func (c *Catalog) Publish(ctx context.Context, l *geodata.Layer, report geodata.Report, by geodata.AuditEntry) (geodata.Meta, error) {
	m, err := c.store.Publish(ctx, l, report, by)
	if err != nil {
		return m, err
	}
	l.Meta = m
	ld, err := prepare(l)
	if err != nil {
		return m, err
	}
	c.install(ld)
	return m, nil
}

// install serves ld in place of an older version of its layer.
func (c *Catalog) install(ld *loaded) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cur, ok := c.layers[ld.meta.ID]; !ok || cur.meta.Version < ld.meta.Version {
		c.layers[ld.meta.ID] = ld
	}
}

// Restore makes a new version of layer id with the content of version v
// and serves it.
func (c *Catalog) Restore(ctx context.Context, id string, v int, by geodata.AuditEntry) (geodata.Meta, error) {
	m, err := c.store.Restore(ctx, id, v, by)
	if err != nil {
		return m, err
	}
	return m, c.load(ctx, m)
}

// Delete stops serving layer id; its versions stay restorable.
func (c *Catalog) Delete(ctx context.Context, id string, by geodata.AuditEntry) error {
	if err := c.store.Delete(ctx, id, by); err != nil {
		return err
	}
	c.mu.Lock()
	delete(c.layers, id)
	c.mu.Unlock()
	return nil
}

// Versions lists the stored versions of layer id, newest first.
func (c *Catalog) Versions(ctx context.Context, id string) ([]geodata.Meta, error) {
	return c.store.Versions(ctx, id)
}

// Report returns the import report of version v of layer id.
func (c *Catalog) Report(ctx context.Context, id string, v int) (geodata.Report, error) {
	return c.store.Report(ctx, id, v)
}

// Audit records an entry that is not a store write, such as a rejected upload.
func (c *Catalog) Audit(ctx context.Context, e geodata.AuditEntry) error {
	return c.store.Audit(ctx, e)
}

// ReadAudit returns up to limit audit entries, newest first.
func (c *Catalog) ReadAudit(ctx context.Context, limit int) ([]geodata.AuditEntry, error) {
	return c.store.ReadAudit(ctx, limit)
}

// Result is an encoded response: gzip-compressed bytes, ready to send.
type Result struct {
	Gzip        []byte
	ETag        string
	Cache       string // CacheHit, CacheMiss or CacheBypass
	NotModified bool   // the caller's ETag matched; Gzip is nil
}

// FeaturesRequest asks for one page of a layer's features.
type FeaturesRequest struct {
	Layer  string
	Params url.Values
	Path   string // the request path, for the paging links
	// LinkBase, when set (scheme://host), makes the paging links absolute,
	// as OGC API clients expect; it is part of the cache key.
	LinkBase string
	// RawQuery is the query string as received; when given (JSON API), a
	// query string seen before skips parsing.
	RawQuery    string
	IfNoneMatch string
	// Parse, when set, reads Params in place of geodata.ParseQuery, for an
	// API whose parameters mean something else (OGC API – Features filters
	// on properties by their own names). It is given the metadata of the
	// version that answers. The cache key then holds Path, so two APIs
	// never share an entry.
	Parse func(url.Values, geodata.Meta) (geodata.Query, error)
	// Formats, when set, tags the paging links with a format: the first is
	// the response's own, added to the self, next and prev links; every
	// other one adds a link with rel "alternate" to the same page in that
	// format. They are part of the cache key.
	Formats []LinkFormat
	// TimeStamp adds the member timeStamp: when the page was computed.
	TimeStamp bool
	// Render, when set, turns the encoded page (a GeoJSON
	// FeatureCollection) into another representation, such as an HTML
	// table, which is cached in its place. RenderAs names that
	// representation in the cache key, so it never shares an entry or an
	// ETag with the GeoJSON.
	Render   func(page []byte) ([]byte, error)
	RenderAs string
}

// LinkFormat is one representation of a page of features: its media type
// and the query parameter that selects it.
type LinkFormat struct {
	Type  string // media type, such as text/html
	Query string // added to the page's query, such as f=html
}

// Features answers a feature query through the cache. Errors: NotFound
// for an unknown layer, Invalid for a bad parameter.
func (c *Catalog) Features(ctx context.Context, r FeaturesRequest) (Result, error) {
	ld, err := c.get(r.Layer)
	if err != nil {
		return Result{}, err
	}
	parse := geodata.ParseQuery
	if r.Parse != nil {
		parse = r.Parse
	}
	tier := tierFor(ctx, ld.meta)
	restricted := ld.meta.Sensitivity == geodata.Restricted
	params, res := r.Params, 0
	if restricted {
		if params, res, err = cellParams(r.Params); err != nil {
			return Result{}, err
		}
	}
	// A query string seen before on this layer version skips parsing and
	// key building: the hot path of a cached request is a map lookup.
	memo := r.RawQuery != "" && r.Parse == nil && r.LinkBase == "" && r.Formats == nil && !r.TimeStamp && r.Render == nil
	memoKey := r.RawQuery
	if restricted {
		memoKey = string(tier) + "|" + r.RawQuery
	}
	var q geodata.Query
	var k cacheKey
	parsed := false
	if memo {
		if v, ok := ld.keys.Load(memoKey); ok {
			k = v.(cacheKey)
		}
	}
	if k.key == "" {
		if q, err = parse(params, ld.meta); err != nil {
			return Result{}, err
		}
		if err := checkTierFilters(q, ld.meta, tier); err != nil {
			return Result{}, err
		}
		parsed = true
		k.key = fmt.Sprintf("{%s}:v%d:features:%s", ld.meta.ID, ld.meta.Version, q.Key())
		if restricted {
			k.key += "|tier:" + string(tier)
			if tier == privacy.Public {
				k.key += "|res:" + strconv.Itoa(res)
			}
		}
		if r.LinkBase != "" || r.Parse != nil {
			k.key += "|" + r.LinkBase + r.Path
		}
		for _, f := range r.Formats {
			k.key += "|" + f.Type + ";" + f.Query
		}
		if r.TimeStamp {
			k.key += "|timeStamp"
		}
		if r.Render != nil {
			k.key += "|as:" + r.RenderAs
		}
		k.etag = ETag(k.key)
		if memo && ld.nkeys.Add(1) <= maxMemoKeys {
			ld.keys.Store(memoKey, k)
		}
	}
	return c.cachedKey(ctx, k, r.IfNoneMatch, func() ([]byte, error) {
		if !parsed {
			var err error
			if q, err = parse(params, ld.meta); err != nil {
				return nil, err
			}
		}
		pg := page{path: r.LinkBase + r.Path, formats: r.Formats, timeStamp: r.TimeStamp}
		var out []byte
		var err error
		switch tier {
		case privacy.Public:
			out, err = publicPage(ld, q, res, pg)
		case privacy.Partner:
			out, err = partnerPage(ld, q, pg)
		default:
			out, err = encodePage(ld, q, pg)
		}
		if err != nil || r.Render == nil {
			return out, err
		}
		return r.Render(out)
	})
}

// maxMemoKeys bounds the query strings remembered per layer version.
const maxMemoKeys = 4096

// cacheKey is a cache key with its entity tag.
type cacheKey struct{ key, etag string }

// Cached answers the bytes under key through the cache, computing them
// once on a miss. Callers build key from the versions of everything the
// bytes depend on (such as the Version of each layer's Meta), so a new
// version never meets an old entry, and from the caller's privacy tier.
func (c *Catalog) Cached(ctx context.Context, key, ifNoneMatch string, compute func() ([]byte, error)) (Result, error) {
	return c.cached(ctx, key, ifNoneMatch, compute)
}

// cached returns the bytes under key, computing them once on a miss.
func (c *Catalog) cached(ctx context.Context, key, ifNoneMatch string, compute func() ([]byte, error)) (Result, error) {
	return c.cachedKey(ctx, cacheKey{key: key, etag: ETag(key)}, ifNoneMatch, compute)
}

// cachedKey is cached with the entity tag already derived.
func (c *Catalog) cachedKey(ctx context.Context, k cacheKey, ifNoneMatch string, compute func() ([]byte, error)) (Result, error) {
	key, etag := k.key, k.etag
	if ifNoneMatch != "" && MatchETag(ifNoneMatch, etag) {
		return Result{ETag: etag, NotModified: true, Cache: CacheHit}, nil
	}
	val, hit, err := c.cache.Get(ctx, key)
	if hit {
		return Result{Gzip: val, ETag: etag, Cache: CacheHit}, nil
	}
	status := CacheMiss
	if err != nil {
		status = CacheBypass
	}
	v, err, _ := c.flight.Do(key, func() (any, error) {
		raw, err := compute()
		if err != nil {
			return nil, err
		}
		gz := c.gzipBytes(raw)
		if ctx.Err() == nil {
			if err := c.cache.Set(context.WithoutCancel(ctx), key, gz); err != nil {
				status = CacheBypass
			}
		}
		return gz, nil
	})
	if err != nil {
		return Result{}, err
	}
	return Result{Gzip: v.([]byte), ETag: etag, Cache: status}, nil
}

// Feature returns one feature of a layer, encoded as GeoJSON. Errors:
// NotFound for an unknown layer or feature.
func (c *Catalog) Feature(ctx context.Context, id, featureID string) ([]byte, geodata.Meta, error) {
	ld, err := c.get(id)
	if err != nil {
		return nil, geodata.Meta{}, err
	}
	i, ok := ld.byID[featureID]
	if !ok {
		return nil, ld.meta, &geodata.Error{Code: geodata.NotFound,
			Message: fmt.Sprintf("layer %q has no feature %q", id, truncate(featureID, 64))}
	}
	switch tierFor(ctx, ld.meta) {
	case privacy.Public:
		return nil, ld.meta, privacy.Restricted(id, privacy.Public, "single features are not shown, only counts by cell")
	case privacy.Partner:
		b, err := formats.AppendFeature(nil, ld.partnerFeatures()[i], formats.EncodeOptions{Precision: -1})
		return b, ld.meta, err
	}
	b, err := ld.featureJSON(i)
	return b, ld.meta, err
}

// ValueCount is one distinct value of a property and how often it occurs.
type ValueCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Values answers the distinct values of one property with their counts,
// most frequent first, through the cache. Errors: NotFound for an unknown
// layer, Invalid for a property the layer does not have.
func (c *Catalog) Values(ctx context.Context, id, property, ifNoneMatch string) (Result, error) {
	ld, err := c.get(id)
	if err != nil {
		return Result{}, err
	}
	if !ld.meta.HasField(property) {
		names := make([]string, len(ld.meta.Schema))
		for i, f := range ld.meta.Schema {
			names[i] = f.Name
		}
		return Result{}, geodata.InvalidParam("property", fmt.Sprintf("names %q, which layer %q does not have", truncate(property, 64), id),
			"use one of: "+joinNames(names))
	}
	tier := tierFor(ctx, ld.meta)
	minCount := 1
	switch tier {
	case privacy.Public:
		if !slices.Contains(privacy.PublicFilters[ld.meta.Kind], property) {
			return Result{}, privacy.Restricted(id, tier, fmt.Sprintf("the values of %q are not shown; %v are", truncate(property, 64), privacy.PublicFilters[ld.meta.Kind]))
		}
		minCount = privacy.K
	case privacy.Partner:
		if !slices.Contains(privacy.PartnerFields(ld.meta.Kind), property) {
			return Result{}, privacy.Restricted(id, tier, fmt.Sprintf("the values of %q are not shown", truncate(property, 64)))
		}
	}
	key := fmt.Sprintf("{%s}:v%d:values:%s", ld.meta.ID, ld.meta.Version, url.QueryEscape(property))
	if ld.meta.Sensitivity == geodata.Restricted {
		key += "|tier:" + string(tier)
	}
	return c.cached(ctx, key, ifNoneMatch, func() ([]byte, error) {
		counts := map[string]int{}
		for i := 0; i < ld.index.Len(); i++ {
			v, ok := ld.index.Feature(i).Properties[property]
			if !ok || v == nil {
				continue
			}
			s, isString := v.(string)
			if !isString {
				s = fmt.Sprint(v)
				if f, isFloat := v.(float64); isFloat {
					s = strconv.FormatFloat(f, 'f', -1, 64)
				}
			}
			counts[s]++
		}
		vals := make([]ValueCount, 0, len(counts))
		for v, n := range counts {
			if n >= minCount { // values too rare to show at the public tier are left out
				vals = append(vals, ValueCount{Value: v, Count: n})
			}
		}
		slices.SortFunc(vals, func(a, b ValueCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			if a.Value < b.Value {
				return -1
			}
			return 1
		})
		return json.Marshal(struct {
			Property string       `json:"property"`
			Values   []ValueCount `json:"values"`
		}{property, vals})
	})
}

// page says how to frame a page of features: the path of its links, the
// formats they are tagged with and whether it carries a timeStamp.
type page struct {
	path      string
	formats   []LinkFormat
	timeStamp bool
}

func encodePage(ld *loaded, q geodata.Query, pg page) ([]byte, error) {
	matched := ld.index.Search(q)
	start := min(q.Offset, len(matched))
	end := min(start+q.Limit, len(matched))
	page := matched[start:end]
	opts := formats.EncodeOptions{Properties: q.Properties, Precision: q.Precision}
	feats := make([][]byte, len(page))
	for i, fi := range page {
		if opts.Full() {
			b, err := ld.featureJSON(fi)
			if err != nil {
				return nil, err
			}
			feats[i] = b
			continue
		}
		b, err := formats.AppendFeature(nil, ld.index.Feature(fi), opts)
		if err != nil {
			return nil, err
		}
		feats[i] = b
	}
	var links []formats.Link
	if path := pg.path; path != "" {
		own, others := LinkFormat{Type: "application/geo+json"}, []LinkFormat(nil)
		if len(pg.formats) > 0 {
			own, others = pg.formats[0], pg.formats[1:]
		}
		links = append(links, formats.Link{Rel: "self", Type: own.Type, Href: pageHref(path, q, q.Offset, own.Query)})
		for _, f := range others {
			links = append(links, formats.Link{Rel: "alternate", Type: f.Type, Href: pageHref(path, q, q.Offset, f.Query)})
		}
		if end < len(matched) {
			links = append(links, formats.Link{Rel: "next", Type: own.Type, Href: pageHref(path, q, end, own.Query)})
		}
		if q.Offset > 0 {
			links = append(links, formats.Link{Rel: "prev", Type: own.Type, Href: pageHref(path, q, max(0, q.Offset-q.Limit), own.Query)})
		}
	}
	out := formats.AppendCollection(nil, feats, len(matched), links)
	if pg.timeStamp {
		out = withTimeStamp(out, time.Now())
	}
	return out, nil
}

// collectionHead is how formats.AppendCollection opens every collection.
const collectionHead = `{"type":"FeatureCollection",`

// withTimeStamp adds the member timeStamp right after the type member.
func withTimeStamp(collection []byte, t time.Time) []byte {
	if !bytes.HasPrefix(collection, []byte(collectionHead)) {
		return collection
	}
	stamp := `"timeStamp":"` + t.UTC().Format(time.RFC3339) + `",`
	out := make([]byte, 0, len(collection)+len(stamp))
	out = append(out, collectionHead...)
	out = append(out, stamp...)
	return append(out, collection[len(collectionHead):]...)
}

func pageHref(path string, q geodata.Query, offset int, extra string) string {
	q.Offset = offset
	href := path + "?" + q.Key()
	if extra != "" {
		href += "&" + extra
	}
	return href
}

// ETag derives the entity tag of a cached response from its key, which
// holds the layer version: the tag changes exactly when the bytes can.
func ETag(key string) string {
	sum := sha256.Sum256([]byte(key))
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// MatchETag reports whether an If-None-Match header names etag (or "*").
func MatchETag(header, etag string) bool {
	for _, t := range bytes.Split([]byte(header), []byte(",")) {
		t = bytes.TrimSpace(t)
		t = bytes.TrimPrefix(t, []byte("W/"))
		if string(t) == etag || string(t) == "*" {
			return true
		}
	}
	return false
}

func (c *Catalog) gzipBytes(raw []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(raw)/5 + 64)
	zw := c.gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&buf)
	_, _ = zw.Write(raw) // writes to a bytes.Buffer cannot fail
	_ = zw.Close()
	c.gzipWriters.Put(zw)
	return buf.Bytes()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func joinNames(names []string) string {
	var b bytes.Buffer
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(n)
	}
	return b.String()
}
