package ogc

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/server/web"
)

// gregorian is the temporal reference system of every time extent.
const gregorian = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"

// collectionDoc describes one layer as an OGC API collection.
type collectionDoc struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Attribution string   `json:"attribution,omitempty"`
	Links       []Link   `json:"links"`
	Extent      *extent  `json:"extent,omitempty"`
	ItemType    string   `json:"itemType"`
	CRS         []string `json:"crs"`
	StorageCRS  string   `json:"storageCrs"`
	// Coverage and CoverageSource say where a service layer has data, as
	// /api/v1/layers/{id} does.
	Coverage       *geodata.Coverage `json:"coverage,omitempty"`
	CoverageSource string            `json:"coverage_source,omitempty"`

	// For the HTML page only.
	FeatureCount int              `json:"-"`
	Sources      []geodata.Source `json:"-"`
	Schema       []geodata.Field  `json:"-"`
	TimeProperty string           `json:"-"`
}

type extent struct {
	Spatial  *spatialExtent  `json:"spatial,omitempty"`
	Temporal *temporalExtent `json:"temporal,omitempty"`
}

type spatialExtent struct {
	BBox [][]float64 `json:"bbox"`
	CRS  string      `json:"crs"`
}

type temporalExtent struct {
	Interval [][]*string `json:"interval"`
	TRS      string      `json:"trs"`
}

type collectionsDoc struct {
	Links       []Link          `json:"links"`
	Collections []collectionDoc `json:"collections"`
}

// layer returns the metadata of the layer behind a collection id; code
// NotFound, naming where the collections are listed, if there is none.
func (s *service) layer(c echo.Context, id string) (geodata.Meta, error) {
	m, err := s.reader.Layer(web.View(c), id)
	if err != nil {
		return m, &geodata.Error{Code: geodata.NotFound,
			Message: fmt.Sprintf("collection %q does not exist; %s/collections lists the collections", geodata.Truncate(id, 64), root(c))}
	}
	return m, nil
}

// describe builds the collection document of a layer.
func (s *service) describe(view privacy.View, r string, m geodata.Meta) collectionDoc {
	href := r + "/collections/" + url.PathEscape(m.ID)
	doc := collectionDoc{
		ID: m.ID, Title: m.Title, Description: m.Description,
		Links: []Link{
			{Href: href + "?f=json", Rel: "self", Type: mediaJSON, Title: "this collection as JSON"},
			{Href: href + "?f=html", Rel: "alternate", Type: mediaHTML, Title: "this collection as HTML"},
			{Href: href + "/items?f=json", Rel: "items", Type: mediaGeoJSON, Title: "the features as GeoJSON"},
			{Href: href + "/items?f=html", Rel: "items", Type: mediaHTML, Title: "the features as HTML"},
			{Href: href + "/queryables", Rel: relQueryables, Type: mediaSchema, Title: "the properties to filter on"},
		},
		ItemType: "feature", CRS: []string{CRS84}, StorageCRS: CRS84,
		FeatureCount: m.FeatureCount, Sources: m.Sources, Schema: m.Schema, TimeProperty: m.TimeProperty,
		Coverage: m.Coverage, CoverageSource: m.CoverageSource,
	}
	var attributions []string
	for _, src := range m.Sources {
		if src.Attribution != "" {
			attributions = append(attributions, src.Attribution)
		}
		if src.URL != "" {
			doc.Links = append(doc.Links, Link{Href: src.URL, Rel: "related", Type: mediaHTML, Title: "source: " + src.Name + " (" + src.License + ")"})
		}
	}
	doc.Attribution = strings.Join(attributions, "; ")
	if len(m.BBox) == 4 {
		doc.Extent = &extent{Spatial: &spatialExtent{BBox: [][]float64{m.BBox}, CRS: CRS84}}
	}
	if iv, ok, err := s.reader.TimeRange(view, m.ID); err == nil && ok {
		start, end := iv.Start.UTC().Format(time.RFC3339), iv.End.UTC().Format(time.RFC3339)
		if doc.Extent == nil {
			doc.Extent = &extent{}
		}
		doc.Extent.Temporal = &temporalExtent{Interval: [][]*string{{&start, &end}}, TRS: gregorian}
	}
	return doc
}

// collections answers GET /ogc/collections: every layer.
func (s *service) collections(c echo.Context) error {
	f, err := negotiate(c)
	if err != nil {
		return err
	}
	if err := onlyParams(c, "f"); err != nil {
		return err
	}
	r := root(c)
	doc := collectionsDoc{Links: selfLinks(r+"/collections", f, mediaJSON), Collections: []collectionDoc{}}
	for _, m := range s.reader.Collections(web.View(c)) {
		doc.Collections = append(doc.Collections, s.describe(web.View(c), r, m))
	}
	if f == formatHTML {
		return s.render(c, "collections", view{Title: "Collections", Links: doc.Links, Data: doc,
			Crumbs: crumbs(r, Link{Href: r + "/collections?f=html", Title: "Collections"})})
	}
	return sendJSON(c, mediaJSON, doc)
}

// collection answers GET /ogc/collections/{id}: one layer.
func (s *service) collection(c echo.Context) error {
	f, err := negotiate(c)
	if err != nil {
		return err
	}
	if err := onlyParams(c, "f"); err != nil {
		return err
	}
	m, err := s.layer(c, c.Param("id"))
	if err != nil {
		return err
	}
	r := root(c)
	doc := s.describe(web.View(c), r, m)
	if f == formatHTML {
		doc.Links[0].Rel, doc.Links[1].Rel = "alternate", "self"
		return s.render(c, "collection", view{Title: m.Title, Links: doc.Links, Data: doc,
			Crumbs: crumbs(r, Link{Href: r + "/collections?f=html", Title: "Collections"},
				Link{Href: r + "/collections/" + url.PathEscape(m.ID) + "?f=html", Title: m.Title})})
	}
	return sendJSON(c, mediaJSON, doc)
}
