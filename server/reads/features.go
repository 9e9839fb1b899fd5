package reads

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/coverage"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/server/answers"
)

// Reader answers queries on the library's layers through the answers
// cache, at the privacy tier of each request's view.
type Reader struct {
	lib     *Library
	answers *answers.Answers
}

// NewReader returns a reader of lib's layers that keeps its answers in a.
func NewReader(lib *Library, a *answers.Answers) *Reader {
	return &Reader{lib: lib, answers: a}
}

// FeaturesRequest asks for one page of a layer's features.
type FeaturesRequest struct {
	View   privacy.View // who is asking, decided once where the request came in
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
func (c *Reader) Features(ctx context.Context, r FeaturesRequest) (answers.Result, error) {
	ld, err := c.lib.get(r.Layer)
	if err != nil {
		return answers.Result{}, err
	}
	parse := geodata.ParseQuery
	if r.Parse != nil {
		parse = r.Parse
	}
	tier := r.View.For(ld.meta)
	restricted := ld.meta.Sensitivity == geodata.Restricted
	params, res := r.Params, 0
	if restricted {
		if params, res, err = cellParams(r.Params); err != nil {
			return answers.Result{}, err
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
	var k answers.Prepared
	parsed := false
	if memo {
		if v, ok := ld.keys.Load(memoKey); ok {
			k = v.(answers.Prepared)
		}
	}
	if k.ETag() == "" {
		if q, err = parse(params, ld.meta); err != nil {
			return answers.Result{}, err
		}
		if err := checkTierFilters(q, ld.meta, tier); err != nil {
			return answers.Result{}, err
		}
		if restricted && tier == privacy.Public && q.Time != nil {
			iv := privacy.MonthInterval(*q.Time) // every day of a month gets the month's answer
			q.Time = &iv
		}
		parsed = true
		key := answers.Key{Slot: ld.meta.ID, Versions: "v" + strconv.Itoa(ld.meta.Version), What: "features", Query: q.Key(), Tier: tier}
		if restricted && tier == privacy.Public {
			key.Query += "|res:" + strconv.Itoa(res)
		}
		if r.LinkBase != "" || r.Parse != nil {
			key.Query += "|" + r.LinkBase + r.Path
		}
		for _, f := range r.Formats {
			key.Query += "|" + f.Type + ";" + f.Query
		}
		if r.TimeStamp {
			key.Query += "|timeStamp"
		}
		if r.Render != nil {
			key.Query += "|as:" + r.RenderAs
		}
		k = answers.Prepare(key)
		if ld.matchesNothing(q) {
			// A value the layer does not hold (a typo, or filter spam):
			// answered, but neither remembered nor cached.
			return c.answers.UncachedAppended(ctx, k, r.IfNoneMatch, func(dst []byte) (answers.Appended, error) {
				return c.page(dst, ld, q, tier, res, r)
			})
		}
		if memo && ld.memoBytes.Add(int64(len(memoKey)+len(k.String()))) <= maxMemoBytes {
			ld.keys.Store(memoKey, k)
		}
	}
	return c.answers.GetAppended(ctx, k, r.IfNoneMatch, func(dst []byte) (answers.Appended, error) {
		if !parsed {
			var err error
			if q, err = parse(params, ld.meta); err != nil {
				return answers.Appended{}, err
			}
		}
		return c.page(dst, ld, q, tier, res, r)
	})
}

// IgnoredFilters lists, sorted, the map filters in params that layer id
// does not have and so does not apply (geodata.MapFilters): a feature
// query with them answers as one without them.
func (c *Reader) IgnoredFilters(id string, params url.Values) ([]string, error) {
	ld, err := c.lib.get(id)
	if err != nil {
		return nil, err
	}
	return geodata.IgnoredFilters(params, ld.meta), nil
}

// CachedFeatures answers a features request from the cache alone when
// its query string was seen before on the layer's current version at the
// view's tier (the JSON API's memo of keys): no parsing, no key building,
// one lookup. ok is false when the request must go through Features,
// which parses, checks and computes; errors (an unknown layer) are left
// to Features too.
func (c *Reader) CachedFeatures(ctx context.Context, view privacy.View, layer, rawQuery string) (answers.Result, bool) {
	if rawQuery == "" {
		return answers.Result{}, false
	}
	ld, err := c.lib.get(layer)
	if err != nil {
		return answers.Result{}, false
	}
	memoKey := rawQuery
	if ld.meta.Sensitivity == geodata.Restricted {
		memoKey = string(view.For(ld.meta)) + "|" + rawQuery
	}
	v, ok := ld.keys.Load(memoKey)
	if !ok {
		return answers.Result{}, false
	}
	// A map filter the layer ignores must be named in the answer's
	// X-Filters-Ignored header, which only Features' path writes.
	if mayHoldMapFilter(rawQuery) {
		if q, err := url.ParseQuery(rawQuery); err != nil || len(geodata.IgnoredFilters(q, ld.meta)) > 0 {
			return answers.Result{}, false
		}
	}
	return c.answers.Lookup(ctx, v.(answers.Prepared))
}

// page appends to dst one page of q's features at tier (cells at
// resolution res at the public tier of a restricted layer), framed as r
// asks: raw, or compressed already where it was spliced (spliced.go).
func (c *Reader) page(dst []byte, ld *loaded, q geodata.Query, tier privacy.Tier, res int, r FeaturesRequest) (answers.Appended, error) {
	pg := page{path: r.LinkBase + r.Path, formats: r.Formats, timeStamp: r.TimeStamp}
	var out []byte
	var err error
	switch {
	case tier == privacy.Public && ld.meta.Sensitivity == geodata.Restricted:
		out, err = publicPage(dst, ld, q, res, pg)
	case tier == privacy.Partner:
		out, err = partnerPage(dst, ld, q, pg)
	default:
		return encodePage(dst, ld, q, pg, r)
	}
	if err != nil {
		return answers.Appended{}, err
	}
	return rendered(out, r)
}

// rendered returns a raw page as r asks for it: as it is, or turned by
// r.Render into another representation, written into the page's (lent)
// buffer.
func rendered(out []byte, r FeaturesRequest) (answers.Appended, error) {
	if r.Render == nil {
		return answers.Raw(out), nil
	}
	b, err := r.Render(out)
	if err != nil {
		return answers.Appended{}, err
	}
	// What page returns is given back to the pool, which must not take
	// bytes Render keeps.
	return answers.Raw(append(out[:0], b...)), nil
}

// maxMemoBytes bounds the query strings (and their keys) remembered per
// layer version, in bytes: a memo of long filter values cannot grow the
// heap beyond it.
const maxMemoBytes = 2 << 20

// Feature returns one feature of a layer, encoded as GeoJSON. Errors:
// NotFound for an unknown layer or feature.
func (c *Reader) Feature(view privacy.View, id, featureID string) ([]byte, geodata.Meta, error) {
	ld, err := c.lib.get(id)
	if err != nil {
		return nil, geodata.Meta{}, err
	}
	i, ok := ld.position(featureID)
	if !ok {
		return nil, ld.meta, &geodata.Error{Code: geodata.NotFound,
			Message: fmt.Sprintf("layer %q has no feature %q", id, geodata.Truncate(featureID, 64))}
	}
	switch view.For(ld.meta) {
	case privacy.Public:
		return nil, ld.meta, privacy.Restricted(id, privacy.Public, "single features are not shown, only counts by cell")
	case privacy.Partner:
		b, err := formats.AppendFeature(nil, ld.partnerFeature(i), formats.EncodeOptions{Precision: -1})
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
// most frequent first, through the cache. filters narrows the features
// counted as a features request would (datetime and the layer's attribute
// filters), except a filter on property itself, which is left out: the
// counts of a menu follow the other filters, never their own choice.
// Errors: NotFound for an unknown layer, Invalid for a property the layer
// does not have or a bad filter, Forbidden for a filter the tier may not
// use.
func (c *Reader) Values(ctx context.Context, view privacy.View, id, property string, filters url.Values, ifNoneMatch string) (answers.Result, error) {
	ld, err := c.lib.get(id)
	if err != nil {
		return answers.Result{}, err
	}
	if !ld.meta.HasField(property) {
		names := make([]string, len(ld.meta.Schema))
		for i, f := range ld.meta.Schema {
			names[i] = f.Name
		}
		return answers.Result{}, geodata.InvalidParam("property", fmt.Sprintf("names %q, which layer %q does not have", geodata.Truncate(property, 64), id),
			"use one of: "+joinNames(names))
	}
	tier := view.For(ld.meta)
	minCount := 1
	switch tier {
	case privacy.Public:
		if !slices.Contains(privacy.PublicFilters[ld.meta.Kind], property) {
			return answers.Result{}, privacy.Restricted(id, tier, fmt.Sprintf("the values of %q are not shown; %v are", geodata.Truncate(property, 64), privacy.PublicFilters[ld.meta.Kind]))
		}
		minCount = privacy.K
	case privacy.Partner:
		if !slices.Contains(privacy.PartnerFields(ld.meta.Kind), property) {
			return answers.Result{}, privacy.Restricted(id, tier, fmt.Sprintf("the values of %q are not shown", geodata.Truncate(property, 64)))
		}
	}
	q, err := parseSeriesQuery(filters, ld.meta, tier, "values")
	if err != nil {
		return answers.Result{}, err
	}
	q.Filters = slices.DeleteFunc(q.Filters, func(f geodata.Filter) bool { return f.Property == property })
	key := answers.Key{Slot: ld.meta.ID, Versions: "v" + strconv.Itoa(ld.meta.Version), What: "values", Query: url.QueryEscape(property), Tier: tier}
	filtered := q.Time != nil || len(q.Filters) > 0
	if filtered {
		q.Ignored = nil
		key.Query += "|" + q.Key()
	}
	compute := func() ([]byte, error) {
		counts := map[string]int{}
		var matched []int
		if filtered {
			matched = ld.index.Search(q)
		}
		n := ld.index.Len()
		if filtered {
			n = len(matched)
		}
		for j := 0; j < n; j++ {
			i := j
			if filtered {
				i = matched[j]
			}
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
			if n < minCount { // values too rare to show at the public tier are left out
				continue
			}
			if tier == privacy.Public { // in multiples of K, as every public count
				shown, _ := privacy.PublicCount(float64(n))
				n = int(shown)
			}
			vals = append(vals, ValueCount{Value: v, Count: n})
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
	}
	if filtered && ld.matchesNothing(q) {
		return c.answers.Uncached(ctx, answers.Prepare(key), ifNoneMatch, compute)
	}
	return c.answers.Get(ctx, key, ifNoneMatch, compute)
}

// page says how to frame a page of features: the path of its links, the
// formats they are tagged with and whether it carries a timeStamp.
type page struct {
	path      string
	formats   []LinkFormat
	timeStamp bool
}

// encodePage appends to dst one page of the layer's own features that
// match q, rendered as r asks when it asks (render). A page of a box of
// full features is spliced from the layer's compressed runs when they
// are built, unless it is to be rendered.
func encodePage(dst []byte, ld *loaded, q geodata.Query, pg page, r FeaturesRequest) (answers.Appended, error) {
	found := positions.Get().(*[]int)
	defer func() {
		if cap(*found) <= maxPooledPositions {
			positions.Put(found)
		}
	}()
	*found = ld.index.SearchAppend(*found, q)
	matched := *found
	opts := formats.EncodeOptions{Properties: q.Properties, Precision: q.Precision}
	if q.BBox != nil && opts.Full() && r.Render == nil {
		if b := ld.splicedBlocks(); b != nil {
			return answers.Appended{Bytes: splicePage(dst, ld, b, matched, q, pg), Gzipped: true}, nil
		}
	}
	out, err := encodeMatched(dst, len(matched), q, pg, "", func(from, to int) ([][]byte, error) {
		feats := make([][]byte, to-from)
		for i, fi := range matched[from:to] {
			var err error
			if opts.Full() {
				feats[i], err = ld.featureJSON(fi)
			} else {
				feats[i], err = formats.AppendFeature(nil, ld.index.Feature(fi), opts)
			}
			if err != nil {
				return nil, err
			}
		}
		return feats, nil
	})
	if err != nil {
		return answers.Appended{}, err
	}
	return rendered(out, r)
}

// positions are the slices the searches of encodePage reuse: a box of
// 8,000 incidents is 64 KB of positions, grown anew at each search
// before.
var positions = sync.Pool{New: func() any { return new([]int) }}

// maxPooledPositions is the longest slice of positions kept for reuse
// (8 MB): one search of a whole large layer does not stay in memory.
const maxPooledPositions = 1 << 20

func pageHref(path string, q geodata.Query, offset int, extra string) string {
	q.Offset = offset
	href := path + "?" + q.Key()
	if extra != "" {
		href += "&" + extra
	}
	return href
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

// Layers returns the metadata of every layer as view sees it: a
// restricted layer's extent in whole degrees below the staff tier.
func (c *Reader) Layers(view privacy.View) []geodata.Meta {
	return metasFor(view, c.lib.Layers())
}

// Collections is Layers plus the derived layers that can be built now.
func (c *Reader) Collections(view privacy.View) []geodata.Meta {
	return metasFor(view, c.lib.Collections())
}

// Layer returns the metadata of one layer as view sees it; code NotFound
// if unknown.
func (c *Reader) Layer(view privacy.View, id string) (geodata.Meta, error) {
	m, err := c.lib.Layer(id)
	if err != nil {
		return m, err
	}
	return metaFor(view, m), nil
}

// metaFor is a layer's metadata as view sees it, with its coverage as
// the API states it (coarse cells for a restricted layer's computed
// coverage at the public tier).
func metaFor(view privacy.View, m geodata.Meta) geodata.Meta {
	t := view.For(m)
	return coverage.Describe(privacy.MetaFor(m, t), t == privacy.Public)
}

// TimeRange returns a layer's time extent as view sees it: whole months
// below the staff tier for a restricted layer. ok is false when the layer
// has no dated feature.
func (c *Reader) TimeRange(view privacy.View, id string) (geodata.Interval, bool, error) {
	m, err := c.lib.Layer(id)
	if err != nil {
		return geodata.Interval{}, false, err
	}
	iv, ok, err := c.lib.TimeRange(id)
	if err != nil || !ok {
		return iv, ok, err
	}
	return privacy.IntervalFor(iv, m, view.For(m)), true, nil
}

func metasFor(view privacy.View, metas []geodata.Meta) []geodata.Meta {
	for i, m := range metas {
		metas[i] = metaFor(view, m)
	}
	return metas
}

// mayHoldMapFilter reports whether a raw query string may name one of the
// map filters (geodata.MapFilters).
func mayHoldMapFilter(rawQuery string) bool {
	for _, f := range geodata.MapFilters {
		if strings.Contains(rawQuery, f+"=") {
			return true
		}
	}
	return false
}
