package packs

import (
	"archive/zip"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/hotspot"
	"github.com/routerisk/routerisk/geodata/places"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/geodata/risk"
	"github.com/routerisk/routerisk/geodata/tiles"
	"github.com/routerisk/routerisk/server/analysis"
	"github.com/routerisk/routerisk/server/reads"
)

// The zooms of a pack's tiles and the names a pack's layers take.
const (
	MinZoom = 2
	MaxZoom = 12
	// LayerRisk names the route-risk analysis (the stretches of route
	// with their risk classes) among a request's layers.
	LayerRisk = "risk"
	// LayerHotspots names the incident hotspots among a request's layers.
	LayerHotspots = "hotspots"
	// Format and FormatVersion are what manifest.json says the file is.
	Format        = "routerisk-pack"
	FormatVersion = 1
	// maxFeatures bounds the features of one layer in a pack.
	maxFeatures = 1_000_000
	// labelsPerTile is how many place labels a tile of any zoom adds.
	labelsPerTile = 3
	// slotWait is how long a request waits for an earlier pack to be
	// finished; then it is answered "busy".
	slotWait = 60 * time.Second
	// maxLabelTiles is how many tiles of one zoom are searched for labels
	// across the whole box; beyond it, only tiles with something on them.
	maxLabelTiles = 4096
)

// The files of a pack.
const (
	FileManifest   = "manifest.json"
	FileReadme     = "README.txt"
	FileTiles      = "map.pmtiles"
	FileGeoPackage = "layers.gpkg"
	FileServices   = "services.csv"
	FileDirectory  = "services.html"
	// DirBasemap holds the dashboard's offline basemap files in a pack.
	DirBasemap = "basemap/"
)

// BasemapFiles are the world-atlas country outlines a pack carries, the
// files the dashboard draws its offline basemap from: coarse, then
// detailed.
var BasemapFiles = []string{"world-atlas_countries-110m.topojson.json", "world-atlas_countries-50m.topojson.json"}

// The vector layers of a pack's tiles.
const (
	VectorRoutes    = "routes"
	VectorServices  = "services"
	VectorIncidents = "incidents"
	VectorHotspots  = "hotspots"
	VectorLabels    = "labels"
)

// Request asks for a pack.
type Request struct {
	View privacy.View
	// BBox is the box the pack covers; it may not cross the antimeridian.
	BBox orb.Bound
	// Layers are layer ids, LayerRisk and LayerHotspots; nil takes every
	// route, incident, service, area and event layer and both analyses.
	// Area and event layers are in the GeoPackage only.
	Layers []string
}

// Manifest is manifest.json: what a pack holds.
type Manifest struct {
	Format      string          `json:"format"`
	Version     int             `json:"version"`
	Created     string          `json:"created"`
	BBox        [4]float64      `json:"bbox"`
	Tier        privacy.Tier    `json:"tier"`
	MinZoom     int             `json:"minzoom"`
	MaxZoom     int             `json:"maxzoom"`
	Tiles       string          `json:"tiles"`
	GeoPackage  string          `json:"geopackage"`
	Layers      []ManifestLayer `json:"layers"`
	DataThrough string          `json:"data_through,omitempty"`
	Caveats     []string        `json:"caveats"`
	Attribution string          `json:"attribution"`
	// Vectors counts the features of each vector layer of the tiles
	// (over every zoom they are drawn at, counted once each).
	Vectors map[string]int `json:"vectors"`
	// Basemap lists the basemap files in the zip (paths in it), which the
	// offline page draws under the tiles as the dashboard does.
	Basemap []string `json:"basemap,omitempty"`
}

// ManifestLayer is one layer of a pack.
type ManifestLayer struct {
	ID        string           `json:"id"`
	Title     string           `json:"title"`
	Kind      string           `json:"kind"`
	Version   int              `json:"version,omitempty"`
	UpdatedAt string           `json:"updated_at,omitempty"`
	Features  int              `json:"features"`
	Table     string           `json:"table"`
	Sources   []geodata.Source `json:"sources"`
	// Tier is the tier the layer is in the pack at.
	Tier privacy.Tier `json:"tier"`
}

// Summary is what Build made.
type Summary struct {
	Manifest Manifest
	Tiles    tiles.ArchiveStats
	// Restricted lists the restricted layers the pack holds (for the
	// audit log).
	Restricted []string
	Bytes      int64
}

// Service builds packs from the current layers.
type Service struct {
	lib      *reads.Library
	reader   *reads.Reader
	analysis *analysis.Service
	places   *places.Index
	basemap  fs.FS
	slots    chan struct{}
	now      func() time.Time
}

// New returns the pack builder over lib's layers, read through reader and
// the analyses; basemap holds BasemapFiles (nil: packs carry no basemap).
// One pack is built at a time; others wait their turn.
func New(lib *reads.Library, reader *reads.Reader, an *analysis.Service, basemap fs.FS) *Service {
	return &Service{lib: lib, reader: reader, analysis: an, places: places.Default(), basemap: basemap, slots: make(chan struct{}, 1), now: time.Now}
}

// contents is what a pack holds before it is written.
type contents struct {
	manifest   Manifest
	vectors    map[string][]*geojson.Feature
	tables     []formats.GeoPackageLayer
	services   []*geojson.Feature
	restricted []string
}

// Build writes the pack of r as a zip to w. Nothing is written to w
// unless the whole pack could be built.
func (s *Service) Build(ctx context.Context, r Request, w io.Writer) (Summary, error) {
	if r.BBox.Min[0] > r.BBox.Max[0] {
		return Summary{}, geodata.InvalidParam("bbox", "crosses the antimeridian", "a box with west below east; ask for two packs, one each side of 180°")
	}
	t := time.NewTimer(slotWait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	case <-ctx.Done():
		return Summary{}, ctx.Err()
	case <-t.C:
		return Summary{}, &geodata.Error{Code: geodata.Busy, Details: map[string]any{geodata.RetryAfterDetail: 30},
			Message: "another pack is being built; try again in 30 seconds"}
	}
	c, err := s.collect(ctx, r)
	if err != nil {
		return Summary{}, err
	}
	dir, err := os.MkdirTemp("", "routerisk-pack-")
	if err != nil {
		return Summary{}, err
	}
	defer os.RemoveAll(dir)

	stats, counts, err := writeTiles(ctx, c, r.BBox, filepath.Join(dir, FileTiles))
	if err != nil {
		return Summary{}, err
	}
	c.manifest.Vectors = counts
	var basemaps [][]byte
	if s.basemap != nil {
		for _, name := range BasemapFiles {
			b, err := fs.ReadFile(s.basemap, name)
			if err != nil {
				return Summary{}, fmt.Errorf("packs: basemap: %w", err)
			}
			basemaps = append(basemaps, b)
			c.manifest.Basemap = append(c.manifest.Basemap, DirBasemap+name)
		}
		if !strings.Contains(c.manifest.Attribution, "world-atlas") {
			c.manifest.Attribution += "; basemap: Natural Earth via world-atlas"
		}
	}
	gpkg := filepath.Join(dir, FileGeoPackage)
	if err := formats.WriteGeoPackage(ctx, gpkg, c.tables...); err != nil {
		return Summary{}, fmt.Errorf("packs: geopackage: %w", err)
	}
	manifest, err := json.MarshalIndent(c.manifest, "", "  ")
	if err != nil {
		return Summary{}, err
	}
	cw := &countingWriter{w: w}
	zw := zip.NewWriter(cw)
	modified := s.now().UTC()
	add := func(name string, method uint16, write func(io.Writer) error) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: modified})
		if err != nil {
			return err
		}
		return write(f)
	}
	copyFile := func(path string) func(io.Writer) error {
		return func(w io.Writer) error {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(w, f)
			return err
		}
	}
	bytesOf := func(b []byte) func(io.Writer) error {
		return func(w io.Writer) error { _, err := w.Write(b); return err }
	}
	for _, part := range []struct {
		name   string
		method uint16
		write  func(io.Writer) error
	}{
		{FileManifest, zip.Deflate, bytesOf(append(manifest, '\n'))},
		{FileReadme, zip.Deflate, bytesOf(readme(c.manifest))},
		// The tiles are gzip-compressed already, and stored uncompressed a
		// reader can take the archive straight out of the zip.
		{FileTiles, zip.Store, copyFile(filepath.Join(dir, FileTiles))},
		{FileGeoPackage, zip.Deflate, copyFile(gpkg)},
		{FileServices, zip.Deflate, bytesOf(servicesCSV(c.services, s.places))},
		{FileDirectory, zip.Deflate, func(w io.Writer) error { return directoryHTML(w, c.manifest, c.services, s.places) }},
	} {
		if err := add(part.name, part.method, part.write); err != nil {
			return Summary{}, err
		}
	}
	for i, b := range basemaps {
		if err := add(c.manifest.Basemap[i], zip.Deflate, bytesOf(b)); err != nil {
			return Summary{}, err
		}
	}
	if err := zw.Close(); err != nil {
		return Summary{}, err
	}
	return Summary{Manifest: c.manifest, Tiles: stats, Restricted: c.restricted, Bytes: cw.n}, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// collect reads every layer of the pack as r.View sees it.
func (s *Service) collect(ctx context.Context, r Request) (*contents, error) {
	metas := map[string]geodata.Meta{}
	var all []string
	for _, m := range s.lib.Layers() {
		metas[m.ID] = m
		switch m.Kind {
		case geodata.KindRoute, geodata.KindIncident, geodata.KindService, geodata.KindArea, geodata.KindEvent:
			all = append(all, m.ID)
		}
	}
	want := r.Layers
	if want == nil {
		want = append(all, LayerRisk, LayerHotspots)
	}
	box := r.BBox
	c := &contents{vectors: map[string][]*geojson.Feature{}}
	c.manifest = Manifest{
		Format: Format, Version: FormatVersion, Created: s.now().UTC().Format(time.RFC3339),
		BBox: [4]float64{box.Min[0], box.Min[1], box.Max[0], box.Max[1]}, Tier: r.View.Tier,
		MinZoom: MinZoom, MaxZoom: MaxZoom, Tiles: FileTiles, GeoPackage: FileGeoPackage,
	}
	var attributions []string
	credit := func(sources []geodata.Source) {
		for _, src := range sources {
			if a := strings.TrimSpace(cmp.Or(src.Attribution, src.Name)); a != "" && !slices.Contains(attributions, a) {
				attributions = append(attributions, a)
			}
		}
	}
	caveats := []string{}
	addCaveats := func(cs ...string) {
		for _, cv := range cs {
			if !slices.Contains(caveats, cv) {
				caveats = append(caveats, cv)
			}
		}
	}
	analysed := slices.Contains(want, LayerRisk) || slices.Contains(want, LayerHotspots)
	for _, id := range want {
		switch id {
		case LayerRisk:
			segs, err := s.analysis.Segments(ctx, r.View, risk.DefaultParams(time.Time{}))
			if geodata.ErrorCode(err) == geodata.NotFound {
				continue // no route or incident layer
			}
			if err != nil {
				return nil, err
			}
			var kept []*geojson.Feature
			for _, f := range segs {
				if f.Geometry == nil || !geodata.BoundIntersects(box, f.Geometry.Bound()) {
					continue
				}
				p := f.Properties
				out := geojson.NewFeature(f.Geometry)
				out.ID = f.ID
				out.Properties = geojson.Properties{
					"route": p["route"], "label": p["label"], "risk": p["risk"], "class": p["class"],
					"start_km": p["start_km"], "end_km": p["end_km"],
				}
				kept = append(kept, out)
			}
			c.vectors[VectorRoutes] = append(c.vectors[VectorRoutes], kept...)
			c.tables = append(c.tables, formats.GeoPackageLayer{
				Table: "risk_segments", Title: "Route stretches by recorded deaths and disappearances per 100 km (weighted)",
				Description: "Risk is recorded deaths and disappearances near a stretch of route per 100 km, weighted by recency and source quality (risk); class is its band (low, medium, high, critical).",
				Schema: []geodata.Field{{Name: "route", Type: "string"}, {Name: "label", Type: "string"}, {Name: "risk", Type: "number"},
					{Name: "class", Type: "string"}, {Name: "start_km", Type: "number"}, {Name: "end_km", Type: "number"}},
				Features: kept,
			})
			c.manifest.Layers = append(c.manifest.Layers, ManifestLayer{ID: LayerRisk, Title: "Route stretches by risk", Kind: string(geodata.KindSegment),
				Features: len(kept), Table: "risk_segments", Sources: []geodata.Source{}, Tier: r.View.Lowest(incidentMetas(metas))})
		case LayerHotspots:
			cells, err := s.analysis.HotspotCells(r.View, "", hotspot.DefaultParams())
			if geodata.ErrorCode(err) == geodata.NotFound {
				continue
			}
			if err != nil {
				return nil, err
			}
			var kept []*geojson.Feature
			for _, f := range cells {
				if f.Geometry == nil || !geodata.BoundIntersects(box, f.Geometry.Bound()) {
					continue
				}
				out := geojson.NewFeature(f.Geometry)
				out.ID = f.ID
				out.Properties = geojson.Properties{}
				for _, k := range []string{"cell", "incidents", "dead", "missing", "class"} {
					if v, ok := f.Properties[k]; ok {
						out.Properties[k] = v
					}
				}
				kept = append(kept, out)
			}
			c.vectors[VectorHotspots] = kept
			c.tables = append(c.tables, formats.GeoPackageLayer{
				Table: "hotspots", Title: "Incident hotspots", Description: "H3 cells where recorded incidents cluster more than chance would have it.",
				Schema: []geodata.Field{{Name: "cell", Type: "string"}, {Name: "incidents", Type: "integer"}, {Name: "dead", Type: "integer"},
					{Name: "missing", Type: "integer"}, {Name: "class", Type: "string"}},
				Features: kept,
			})
			c.manifest.Layers = append(c.manifest.Layers, ManifestLayer{ID: LayerHotspots, Title: "Incident hotspots", Kind: "hotspot",
				Features: len(kept), Table: "hotspots", Sources: []geodata.Source{}, Tier: r.View.Lowest(incidentMetas(metas))})
		default:
			m, ok := metas[id]
			if !ok {
				return nil, geodata.InvalidParam("layers", fmt.Sprintf("names %q, which is not a layer here", geodata.Truncate(id, 60)),
					"ids from /api/v1/layers, risk or hotspots, separated by commas")
			}
			if m.Kind == geodata.KindExposure || m.Kind == geodata.KindSegment {
				return nil, geodata.InvalidParam("layers", fmt.Sprintf("names %q, a %s layer, which has no place on a map", id, m.Kind), "route, incident, service or area layers")
			}
			sel, err := s.reader.Select(r.View, id, geodata.Query{BBox: &box, Limit: maxFeatures, Precision: -1}, privacy.DefaultPublicResolution)
			if err != nil {
				return nil, err
			}
			if sel.Cells {
				return nil, privacy.Restricted(id, sel.Tier, "packs hold features, which this tier may not see")
			}
			if len(sel.Features) == 0 && r.Layers == nil {
				continue // nothing of it in the box, and not asked for by name
			}
			if m.Sensitivity == geodata.Restricted {
				c.restricted = append(c.restricted, id)
			}
			credit(m.Sources)
			addCaveats(reads.LayerCaveats(m)...)
			if m.Sensitivity == geodata.Restricted && sel.Tier == privacy.Partner {
				addCaveats(fmt.Sprintf("Positions of restricted layers are rounded to %g° (about 11 km) and free text is left out, as the partner tier sees them.", math.Pow(10, -privacy.PartnerDecimals)))
			}
			schema := m.Schema
			if sel.Tier == privacy.Partner && m.Sensitivity == geodata.Restricted {
				allowed := privacy.PartnerFields(m.Kind)
				schema = slices.DeleteFunc(slices.Clone(schema), func(f geodata.Field) bool { return !slices.Contains(allowed, f.Name) })
			}
			c.tables = append(c.tables, formats.GeoPackageLayer{Table: id, Title: m.Title, Description: m.Description, Schema: schema,
				Features: sel.Features, Metadata: layerMetadata(m, sel.Tier)})
			c.manifest.Layers = append(c.manifest.Layers, ManifestLayer{ID: id, Title: m.Title, Kind: string(m.Kind), Version: m.Version,
				UpdatedAt: m.UpdatedAt.UTC().Format(time.RFC3339), Features: len(sel.Features), Table: id, Sources: nonNil(m.Sources), Tier: sel.Tier})
			switch m.Kind {
			case geodata.KindRoute:
				if slices.Contains(want, LayerRisk) {
					continue // the risk stretches draw the routes
				}
				for _, f := range sel.Features {
					name, _ := f.Properties["name"].(string)
					c.vectors[VectorRoutes] = append(c.vectors[VectorRoutes], vector(f, geojson.Properties{"route": name, "label": name}))
				}
			case geodata.KindIncident:
				for _, f := range sel.Features {
					c.vectors[VectorIncidents] = append(c.vectors[VectorIncidents], vector(f, pick(f.Properties, "date", "dead", "missing", "cause_category", "geo_precision")))
				}
			case geodata.KindService:
				c.services = append(c.services, sel.Features...)
				for _, f := range sel.Features {
					p := pick(f.Properties, "name", "category", "subtype", "organization", "last_verified")
					c.vectors[VectorServices] = append(c.vectors[VectorServices], vector(f, p))
				}
			}
		}
	}
	if analysed {
		for _, m := range incidentMetas(metas) {
			credit(m.Sources)
		}
		addCaveats(analysis.Caveats...)
		if about, err := s.analysis.AboutView(r.View, risk.DefaultParams(time.Time{})); err == nil {
			c.manifest.DataThrough = about.DataThrough
		}
	}
	addCaveats("This is an offline copy made on "+c.manifest.Created[:10]+": services open, close and move; check before referring anyone.",
		"Restricted data: for humanitarian protection and outreach only, never for enforcement, interdiction or surveillance. Keep this file as you would keep the people in it safe.")
	c.manifest.Caveats = caveats
	c.vectors[VectorLabels] = s.labels(box, c.vectors)
	c.tables = append(c.tables, formats.GeoPackageLayer{Table: "labels", Title: "Place and sea labels",
		Description: "Places from GeoNames and sea areas from Natural Earth; rank is the lowest map zoom the label is drawn at.",
		Schema:      []geodata.Field{{Name: "name", Type: "string"}, {Name: "kind", Type: "string"}, {Name: "rank", Type: "integer"}},
		Features:    c.vectors[VectorLabels]})
	credit([]geodata.Source{{Attribution: "GeoNames (CC BY 4.0)"}, {Attribution: "Natural Earth"}})
	c.manifest.Attribution = strings.Join(attributions, "; ")
	if c.manifest.Layers == nil {
		c.manifest.Layers = []ManifestLayer{}
	}
	return c, nil
}

func incidentMetas(metas map[string]geodata.Meta) []geodata.Meta {
	var out []geodata.Meta
	for _, m := range metas {
		if m.Kind == geodata.KindIncident {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b geodata.Meta) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func nonNil(s []geodata.Source) []geodata.Source {
	if s == nil {
		return []geodata.Source{}
	}
	return s
}

// vector is f's geometry with the properties a tile carries.
func vector(f *geojson.Feature, p geojson.Properties) *geojson.Feature {
	out := geojson.NewFeature(f.Geometry)
	out.Properties = p
	if f.ID != nil {
		out.Properties["id"] = fmt.Sprint(f.ID)
	}
	return out
}

// pick copies the named properties that are present.
func pick(p geojson.Properties, keys ...string) geojson.Properties {
	out := geojson.Properties{}
	for _, k := range keys {
		if v, ok := p[k]; ok && v != nil {
			out[k] = v
		}
	}
	return out
}

// layerMetadata is a layer's metadata as its GeoPackage table carries
// it, as a download's does, with the tier the pack holds it at.
func layerMetadata(m geodata.Meta, tier privacy.Tier) [][2]string {
	return append(reads.GeoPackageMetadata(m), [2]string{"TIER", string(tier)})
}

// writeTiles cuts the vector layers into a PMTiles archive at path.
func writeTiles(ctx context.Context, c *contents, box orb.Bound, path string) (tiles.ArchiveStats, map[string]int, error) {
	spool, err := os.Create(path + ".spool")
	if err != nil {
		return tiles.ArchiveStats{}, nil, err
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	labels := c.vectors[VectorLabels]
	layers := []tiles.Layer{
		{Name: VectorHotspots, Features: c.vectors[VectorHotspots]},
		{Name: VectorRoutes, Features: c.vectors[VectorRoutes]},
		{Name: VectorIncidents, Features: c.vectors[VectorIncidents]},
		{Name: VectorServices, Features: c.vectors[VectorServices]},
		{Name: VectorLabels, Features: labels, PointBuffer: 0.5, Show: func(i int, z uint8) bool {
			r, _ := labels[i].Properties["rank"].(int)
			return int(z) >= r
		}},
	}
	a := tiles.NewArchive(spool)
	cs, err := tiles.Cut(ctx, layers, tiles.Options{MinZoom: MinZoom, MaxZoom: MaxZoom, Bound: box}, a.Add)
	if err != nil {
		return tiles.ArchiveStats{}, nil, err
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return tiles.ArchiveStats{}, nil, err
	}
	out, err := os.Create(path)
	if err != nil {
		return tiles.ArchiveStats{}, nil, err
	}
	defer out.Close()
	counts := map[string]int{}
	var vl []map[string]any
	for _, l := range layers {
		counts[l.Name] = len(l.Features)
		vl = append(vl, map[string]any{"id": l.Name, "fields": fieldsOf(l.Features), "minzoom": MinZoom, "maxzoom": MaxZoom})
	}
	st, err := a.Finish(out, spool, tiles.ArchiveInfo{MinZoom: MinZoom, MaxZoom: MaxZoom, Bound: box, Metadata: map[string]any{
		"name": "RouteRisk offline pack", "format": "pbf", "type": "overlay", "attribution": c.manifest.Attribution,
		"description": strings.Join(c.manifest.Caveats, " "), "vector_layers": vl, "routerisk": map[string]any{
			"created": c.manifest.Created, "tier": c.manifest.Tier, "data_through": c.manifest.DataThrough},
	}})
	if err != nil {
		return st, nil, err
	}
	if cs.Tiles == 0 {
		counts = map[string]int{}
	}
	return st, counts, out.Sync()
}

// fieldsOf lists the properties of the features with their TileJSON
// type (String, Number or Boolean).
func fieldsOf(feats []*geojson.Feature) map[string]string {
	out := map[string]string{}
	for _, f := range feats {
		for k, v := range f.Properties {
			if _, ok := out[k]; ok {
				continue
			}
			switch v.(type) {
			case float64, int, int64:
				out[k] = "Number"
			case bool:
				out[k] = "Boolean"
			default:
				out[k] = "String"
			}
		}
	}
	return out
}
