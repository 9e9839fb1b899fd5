package maps

import (
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/hotspot"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/geodata/vocab"
	"github.com/routerisk/routerisk/server/analysis"
	"github.com/routerisk/routerisk/server/answers"
	"github.com/routerisk/routerisk/server/reads"
	"github.com/routerisk/routerisk/server/render"
)

// Image defaults and bounds.
const (
	DefaultWidth  = 1200
	DefaultHeight = 800
	// featureLimit bounds the features of one layer in an image.
	featureLimit = 50000
	// basemapAttribution credits the offline basemap drawn under every image.
	basemapAttribution = "Natural Earth; world-atlas"
)

// ImageRequest asks for a still image of a map view.
type ImageRequest struct {
	View   privacy.View // who is asking, decided once where the request came in
	Map    View
	Width  int
	Height int
	Ratio  float64 // device pixel ratio, 1 to render.MaxPixelRatio
	Format render.Format
	// Embed names the signed embed the image is drawn for, if any: its
	// images are cached apart.
	Embed       string
	IfNoneMatch string
}

// Service draws images of map views from the current layers.
type Service struct {
	lib      *reads.Library
	reader   *reads.Reader
	analysis *analysis.Service
	answers  *answers.Answers
	basemap  fs.FS
	bm       basemapCache
}

// New returns the map images of lib's layers, read through reader and
// analyses, drawn over the offline basemap in basemap (nil: none) and
// kept in a.
func New(lib *reads.Library, reader *reads.Reader, an *analysis.Service, a *answers.Answers, basemap fs.FS) *Service {
	return &Service{lib: lib, reader: reader, analysis: an, answers: a, basemap: basemap}
}

// Image answers a still image of r.Map through the cache, drawn from the
// same data, at the same privacy tier, as the API answers the caller.
func (s *Service) Image(ctx context.Context, r ImageRequest) (answers.Result, error) {
	var versions strings.Builder
	for _, m := range s.lib.Layers() {
		fmt.Fprintf(&versions, "%s@%d,", m.ID, m.Version)
	}
	q := fmt.Sprintf("%s:%dx%d@%g:%s", r.Format, r.Width, r.Height, r.Ratio, r.Map.Key())
	if r.Embed != "" {
		q += "|embed:" + r.Embed
	}
	if r.View.Scope != nil {
		q += "|scope:" + strings.Join(r.View.Scope, ",")
	}
	key := answers.Key{Slot: "render", Versions: versions.String(), What: "image", Query: q, Tier: r.View.Tier}
	return s.answers.Get(ctx, key, r.IfNoneMatch, func() ([]byte, error) {
		m, err := s.Compose(r)
		if err != nil {
			return nil, err
		}
		return render.Render(m, r.Format)
	})
}

// Compose gathers what an image of r shows, each layer read as the JSON API
// reads it for this caller, as features.
func (s *Service) Compose(r ImageRequest) (render.Map, error) {
	v := r.Map
	m := render.Map{
		Width: r.Width, Height: r.Height, PixelRatio: r.Ratio, Bound: orbBound(v.Bound),
		Title: v.Title, AsOf: v.AsOf, Legend: v.Legend, Subtitle: v.Subtitle(),
	}
	zoom := v.Zoom(r.Width)
	base, err := s.basemapAt(zoom)
	if err != nil {
		return m, err
	}
	m.Basemap = base

	metas := map[string]geodata.Meta{}
	var ids []string
	for _, meta := range s.lib.Layers() {
		metas[meta.ID] = meta
		ids = append(ids, meta.ID)
	}
	show := v.Layers
	if show == nil {
		show = append(ids, LayerRisk)
	}
	var attributions []string
	addSources := func(meta geodata.Meta) {
		for _, src := range meta.Sources {
			if a := strings.TrimSpace(cmp.Or(src.Attribution, src.Name)); a != "" && !slices.Contains(attributions, a) {
				attributions = append(attributions, a)
			}
		}
	}
	var layers []render.Layer
	box := PadBound(v.Bound, 0.05)
	for _, id := range show {
		switch id {
		case LayerRisk:
			feats, err := s.analysis.Segments(context.Background(), r.View, v.Risk)
			if geodata.ErrorCode(err) == geodata.NotFound {
				continue // no route or incident layer: nothing to colour
			}
			if err != nil {
				return m, err
			}
			layers = append(layers, render.Layer{Style: render.StyleRiskSegments, Features: feats})
		case LayerHotspots:
			p := hotspot.DefaultParams()
			p.Resolution = vocab.ResolutionForZoom(math.Floor(zoom))
			p.Time = v.Filters.Interval()
			p.Causes = v.Filters.Causes
			feats, err := s.analysis.HotspotCells(r.View, "", p)
			if geodata.ErrorCode(err) == geodata.NotFound {
				continue
			}
			if err != nil {
				return m, err
			}
			layers = append(layers, render.Layer{Title: "Incident hotspots", Style: render.StyleHotspots, Features: feats})
		default:
			meta, ok := metas[id]
			if !ok {
				return m, geodata.InvalidParam("layers", fmt.Sprintf("names %q, which is not a layer here", geodata.Truncate(id, 60)), "use ids from /api/v1/layers, risk or hotspots")
			}
			if meta.Kind == geodata.KindRoute && slices.Contains(show, LayerRisk) {
				continue // the risk segments draw the routes
			}
			sel, err := s.reader.Select(r.View, id, layerQuery(meta, v.Filters, box), vocab.ResolutionForZoom(math.Floor(zoom)))
			if err != nil {
				return m, err
			}
			if !meta.Kind.Drawn() {
				continue // a table (exposure series): not on any map
			}
			style := map[geodata.Kind]render.Style{geodata.KindRoute: render.StyleRoutes, geodata.KindIncident: render.StyleIncidents,
				geodata.KindService: render.StyleServices, geodata.KindEvent: render.StyleEvents, geodata.KindArea: render.StyleAreas}[meta.Kind]
			if meta.Kind == geodata.KindIncident && sel.Cells {
				style = render.StyleIncidentCells
				m.PrivacyNote = fmt.Sprintf("Incidents are shown as counts per area; areas with fewer than %d incidents are left out.", privacy.K)
			}
			addSources(meta)
			layers = append(layers, render.Layer{Title: meta.Title, Style: style, Features: sel.Features})
		}
	}
	render.DashboardOrder(layers)
	m.Layers = layers
	if slices.ContainsFunc(show, func(id string) bool { return id == LayerRisk || id == LayerHotspots }) {
		for _, meta := range metas {
			if meta.Kind == geodata.KindIncident || meta.Kind == geodata.KindRoute {
				addSources(meta)
			}
		}
	}
	m.Attribution = strings.Join(append(attributions, basemapAttribution), "; ")
	if err := s.dateAndCaveats(&m, r.View, v, show, metas); err != nil {
		return m, err
	}
	return m, nil
}

// dateAndCaveats writes into m's footer the date the incident data runs
// to, as the API tells this caller, wherever incidents or an analysis of
// them are shown, and the caveats of the risk analysis where its stretches
// are shown.
func (s *Service) dateAndCaveats(m *render.Map, view privacy.View, v View, show []string, metas map[string]geodata.Meta) error {
	incidents := slices.ContainsFunc(show, func(id string) bool {
		return id == LayerRisk || id == LayerHotspots || metas[id].Kind == geodata.KindIncident
	})
	if !incidents {
		return nil
	}
	about, err := s.analysis.AboutView(view, v.Risk)
	if geodata.ErrorCode(err) == geodata.NotFound {
		return nil // no incident layer
	}
	if err != nil {
		return err
	}
	m.DataThrough = about.DataThrough
	if slices.Contains(show, LayerRisk) {
		m.Caveats = about.Caveats
	}
	return nil
}

// layerQuery selects a layer's features in box with the filters that
// apply to its kind: dates to incidents and events, causes to incidents, routes to routes and
// incidents, categories to services. A filter a layer does not answer is
// left out, not refused: one view holds layers of every kind.
func layerQuery(meta geodata.Meta, f Filters, bound [4]float64) geodata.Query {
	box := orbBound(bound)
	q := geodata.Query{BBox: &box, Precision: -1, Limit: featureLimit}
	if (meta.Kind == geodata.KindIncident || meta.Kind == geodata.KindEvent) && meta.TimeProperty != "" {
		q.Time = f.Interval() // events follow the dates only, as on the dashboard
	}
	add := func(param string, vals []string) {
		if len(vals) == 0 {
			return
		}
		if flt, ok := geodata.FilterFor(meta, param, vals); ok {
			q.Filters = append(q.Filters, flt)
		}
	}
	switch meta.Kind {
	case geodata.KindIncident:
		add("cause", f.Causes)
		add("route", f.Routes)
	case geodata.KindRoute:
		add("route", f.Routes)
	case geodata.KindService:
		add("category", f.Categories)
	}
	slices.SortFunc(q.Filters, func(a, b geodata.Filter) int { return strings.Compare(a.Param, b.Param) })
	return q
}

// basemapCache holds the decoded offline basemap, coarse and detailed.
type basemapCache struct {
	once             sync.Once
	coarse, detailed []orb.Geometry
	err              error
}

// basemapAt returns the country outlines for a zoom: the 1:110m set below
// zoom 5, the 1:50m set from there, as the dashboard draws them.
func (s *Service) basemapAt(zoom float64) ([]orb.Geometry, error) {
	if s.basemap == nil {
		return nil, nil
	}
	bm := &s.bm
	bm.once.Do(func() {
		load := func(name string) []orb.Geometry {
			data, err := fs.ReadFile(s.basemap, name)
			if err != nil {
				bm.err = err
				return nil
			}
			g, err := render.LoadBasemap(data)
			if err != nil {
				bm.err = err
			}
			return g
		}
		bm.coarse = load("world-atlas_countries-110m.topojson.json")
		bm.detailed = load("world-atlas_countries-50m.topojson.json")
	})
	if bm.err != nil {
		return nil, bm.err
	}
	if zoom >= 5 {
		return bm.detailed, nil
	}
	return bm.coarse, nil
}
