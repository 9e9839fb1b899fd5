package ogc

import (
	"encoding/json"

	"github.com/labstack/echo/v4"
)

// Conformance classes this server declares. Each is one the tests check.
const (
	ConfCore                     = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
	ConfGeoJSON                  = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
	ConfHTML                     = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html"
	ConfOAS30                    = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"
	ConfCRS                      = "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"
	ConfQueryables               = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables"
	ConfQueryablesQueryParameter = "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters"
)

// ConformsTo lists the conformance classes the server declares.
func ConformsTo() []string {
	return []string{ConfCore, ConfGeoJSON, ConfHTML, ConfOAS30, ConfCRS, ConfQueryables, ConfQueryablesQueryParameter}
}

// Link relations of OGC API that have no IANA name.
const (
	relConformance = "http://www.opengis.net/def/rel/ogc/1.0/conformance"
	relData        = "http://www.opengis.net/def/rel/ogc/1.0/data"
	relQueryables  = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
)

// selfLinks returns the self link of a document in the format served and
// the alternate link to it in the other format.
func selfLinks(href string, f format, jsonType string) []Link {
	asJSON := Link{Href: href + "?f=json", Type: jsonType, Title: "this document as JSON"}
	asHTML := Link{Href: href + "?f=html", Type: mediaHTML, Title: "this document as HTML"}
	if f == formatHTML {
		asHTML.Rel, asJSON.Rel = "self", "alternate"
		return []Link{asHTML, asJSON}
	}
	asJSON.Rel, asHTML.Rel = "self", "alternate"
	return []Link{asJSON, asHTML}
}

type landingDoc struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Links       []Link `json:"links"`
}

// landing answers GET /ogc: what the service is and where everything is.
func (s *service) landing(c echo.Context) error {
	f, err := negotiate(c)
	if err != nil {
		return err
	}
	if err := onlyParams(c, "f"); err != nil {
		return err
	}
	r := root(c)
	doc := landingDoc{
		Title: s.title,
		Description: "The layers of " + s.title + " — migration routes, incidents in which people in migration " +
			"died or went missing, and services within reach — as OGC API – Features. Add this address as an " +
			"OGC API – Features (WFS 3) connection in QGIS or ArcGIS, or read it with GDAL (OAPIF:" + r + ").",
		Links: append(selfLinks(r, f, mediaJSON),
			Link{Href: r + "/api", Rel: "service-desc", Type: mediaOpenAPI, Title: "the API definition (OpenAPI 3.0)"},
			Link{Href: r + "/api?f=html", Rel: "service-doc", Type: mediaHTML, Title: "the API documentation"},
			Link{Href: r + "/conformance", Rel: "conformance", Type: mediaJSON, Title: "the standards this server conforms to"},
			Link{Href: r + "/conformance", Rel: relConformance, Type: mediaJSON, Title: "the standards this server conforms to"},
			Link{Href: r + "/collections", Rel: "data", Type: mediaJSON, Title: "the collections: one per layer"},
			Link{Href: r + "/collections", Rel: relData, Type: mediaJSON, Title: "the collections: one per layer"},
		),
	}
	if f == formatHTML {
		return s.render(c, "landing", view{Title: s.title, Crumbs: crumbs(r), Links: doc.Links, Data: doc})
	}
	return sendJSON(c, mediaJSON, doc)
}

type conformanceDoc struct {
	ConformsTo []string `json:"conformsTo"`
	Links      []Link   `json:"links,omitempty"`
}

// conformance answers GET /ogc/conformance: the conformance classes.
func (s *service) conformance(c echo.Context) error {
	f, err := negotiate(c)
	if err != nil {
		return err
	}
	if err := onlyParams(c, "f"); err != nil {
		return err
	}
	r := root(c)
	doc := conformanceDoc{ConformsTo: ConformsTo(), Links: selfLinks(r+"/conformance", f, mediaJSON)}
	if f == formatHTML {
		return s.render(c, "conformance", view{Title: "Conformance", Crumbs: crumbs(r, Link{Href: r + "/conformance?f=html", Title: "Conformance"}), Links: doc.Links, Data: doc})
	}
	return sendJSON(c, mediaJSON, doc)
}

// sendJSON encodes doc and sends it with sendDoc.
func sendJSON(c echo.Context, contentType string, doc any) error {
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return sendDoc(c, contentType, b)
}
