package ogc

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/web"
)

// openAPIDoc is the OpenAPI 3.0 definition of the OGC API as served: each
// collection has its own paths, so every parameter a collection accepts,
// its properties as filters included, is listed where clients look.
type openAPIDoc struct {
	OpenAPI    string              `json:"openapi"`
	Info       apiInfo             `json:"info"`
	Servers    []apiServer         `json:"servers"`
	Paths      map[string]pathItem `json:"paths"`
	Components apiComponents       `json:"components"`
}

type apiInfo struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Version     string `json:"version"`
}

type apiServer struct {
	URL         string `json:"url"`
	Description string `json:"description"`
}

type pathItem struct {
	Get operation `json:"get"`
}

type operation struct {
	Summary     string              `json:"summary"`
	Description string              `json:"description,omitempty"`
	OperationID string              `json:"operationId"`
	Tags        []string            `json:"tags"`
	Parameters  []parameter         `json:"parameters,omitempty"`
	Responses   map[string]response `json:"responses"`
}

type parameter struct {
	Name        string         `json:"name"`
	In          string         `json:"in"`
	Description string         `json:"description"`
	Required    bool           `json:"required,omitempty"`
	Style       string         `json:"style,omitempty"`
	Explode     *bool          `json:"explode,omitempty"`
	Schema      map[string]any `json:"schema"`
}

type response struct {
	Description string               `json:"description"`
	Content     map[string]mediaType `json:"content,omitempty"`
}

type mediaType struct {
	Schema map[string]any `json:"schema"`
}

type apiComponents struct {
	Schemas map[string]any `json:"schemas"`
}

// describeAPI builds the definition for the layers being served, with r
// (the landing page's address) as its server.
func (s *service) describeAPI(r string, layers []geodata.Meta) openAPIDoc {
	doc := openAPIDoc{
		OpenAPI: "3.0.3",
		Info: apiInfo{Title: s.title + " OGC API – Features", Version: s.version,
			Description: "The layers of " + s.title + " as OGC API – Features: Part 1 (Core, GeoJSON, HTML, " +
				"OpenAPI 3.0), Part 2 with CRS84 as the one coordinate reference system, and the " +
				"queryables of Part 3 as query parameters. Errors are {code, message, details, request_id}."},
		Servers: []apiServer{{URL: r, Description: "this server"}},
		Paths:   map[string]pathItem{},
		Components: apiComponents{Schemas: map[string]any{
			"exception": map[string]any{"type": "object", "required": []string{"code", "message", "details", "request_id"},
				"properties": map[string]any{
					"code":       map[string]any{"type": "string", "description": "invalid, not_found, …"},
					"message":    map[string]any{"type": "string", "description": "what is wrong and what to do"},
					"details":    map[string]any{"type": "object"},
					"request_id": map[string]any{"type": "string"},
				}},
			"link": map[string]any{"type": "object", "required": []string{"href", "rel"},
				"properties": map[string]any{
					"href": map[string]any{"type": "string"}, "rel": map[string]any{"type": "string"},
					"type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"},
				}},
		}},
	}
	fParam := parameter{Name: "f", In: "query", Description: "The format of the response: json (the default for programs) or html (the default for browsers).",
		Schema: map[string]any{"type": "string", "enum": []string{"json", "html"}}}
	plain := func(summary, id, tag, jsonType string, params ...parameter) pathItem {
		return pathItem{Get: operation{Summary: summary, OperationID: id, Tags: []string{tag},
			Parameters: append([]parameter{fParam}, params...), Responses: responses(jsonType, false)}}
	}
	doc.Paths["/"] = plain("Landing page: links to the API definition, the conformance declaration and the collections", "getLandingPage", "Capabilities", mediaJSON)
	doc.Paths["/conformance"] = plain("The conformance classes this server implements", "getConformanceDeclaration", "Capabilities", mediaJSON)
	doc.Paths["/api"] = plain("This API definition", "getAPIDefinition", "Capabilities", mediaOpenAPI)
	doc.Paths["/collections"] = plain("The collections: one per layer", "getCollections", "Capabilities", mediaJSON)
	for _, m := range layers {
		p := "/collections/" + url.PathEscape(m.ID)
		tag := m.Title
		one := func(summary, id, jsonType string, params ...parameter) pathItem {
			item := plain(summary, id, tag, jsonType, params...)
			item.Get.Responses = responses(jsonType, true)
			return item
		}
		doc.Paths[p] = one("Metadata of "+m.Title+": extent, coordinate reference systems, links", "describeCollection_"+m.ID, mediaJSON)
		doc.Paths[p+"/queryables"] = one("The properties of "+m.Title+" to filter on, as JSON Schema", "getQueryables_"+m.ID, mediaSchema)
		items := one("Features of "+m.Title, "getFeatures_"+m.ID, mediaGeoJSON, itemsParameters(m)...)
		items.Get.Description = "A page of the features that match every parameter given, with numberMatched, " +
			"numberReturned and next/prev links. " + m.Description
		doc.Paths[p+"/items"] = items
		doc.Paths[p+"/items/{featureId}"] = one("One feature of "+m.Title+" with all its properties", "getFeature_"+m.ID, mediaGeoJSON,
			parameter{Name: "featureId", In: "path", Required: true, Description: "The id of the feature.", Schema: map[string]any{"type": "string"}},
			crsParameter("crs", "The coordinate reference system of the response; only CRS84 is offered."))
	}
	return doc
}

// itemsParameters lists the query parameters of a collection's items.
func itemsParameters(m geodata.Meta) []parameter {
	no := false
	var names []string
	for _, f := range m.Schema {
		names = append(names, f.Name)
	}
	datetime := "Features whose " + m.TimeProperty + " lies in this RFC 3339 date, instant or interval " +
		"(2023-01-01/2023-12-31, 2023-01-01/.., ../2023-12-31); a date-only end covers its whole day; features without a date do not match."
	if m.TimeProperty == "" {
		datetime = "This collection has no time property: datetime is answered with 400."
	}
	ps := []parameter{
		{Name: "bbox", In: "query", Style: "form", Explode: &no,
			Description: "Features that intersect the box minLon,minLat,maxLon,maxLat in WGS 84 degrees (CRS84); six numbers (with heights) are read by their horizontal corners.",
			Schema:      map[string]any{"type": "array", "minItems": 4, "maxItems": 6, "items": map[string]any{"type": "number"}}},
		crsParameter("bbox-crs", "The coordinate reference system of bbox; only CRS84 is offered."),
		{Name: "datetime", In: "query", Description: datetime, Schema: map[string]any{"type": "string"}},
		{Name: "limit", In: "query", Style: "form", Explode: &no,
			Description: fmt.Sprintf("The most features on a page: 1 to %d, default %d (%d for HTML); a larger limit is served as %d.", geodata.MaxLimit, geodata.DefaultLimit, htmlDefaultLimit, geodata.MaxLimit),
			Schema:      map[string]any{"type": "integer", "minimum": 1, "maximum": geodata.MaxLimit, "default": geodata.DefaultLimit}},
		{Name: "offset", In: "query", Description: "The number of matching features to skip; the next and prev links set it.",
			Schema: map[string]any{"type": "integer", "minimum": 0, "default": 0}},
		crsParameter("crs", "The coordinate reference system of the response; only CRS84 is offered."),
		{Name: "properties", In: "query", Style: "form", Explode: &no, Description: "Only these properties, comma-separated.",
			Schema: map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": names}}},
		{Name: "precision", In: "query", Description: fmt.Sprintf("Decimals of the coordinates, 0 to %d (default: as stored).", geodata.MaxPrecision),
			Schema: map[string]any{"type": "integer", "minimum": 0, "maximum": geodata.MaxPrecision}},
	}
	for _, f := range filterable(m) {
		q := schemaOf(f)
		schema := map[string]any{"type": q.Type}
		if q.Format != "" {
			schema["format"] = q.Format
		}
		ps = append(ps, parameter{Name: f.Name, In: "query", Style: "form",
			Description: fmt.Sprintf("Features whose property %s equals this value; repeat the parameter for several values (any of them matches).", f.Name),
			Schema:      schema})
	}
	return ps
}

func crsParameter(name, description string) parameter {
	return parameter{Name: name, In: "query", Description: description,
		Schema: map[string]any{"type": "string", "format": "uri", "enum": []string{CRS84}, "default": CRS84}}
}

// responses describes the answers of an operation.
func responses(jsonType string, notFound bool) map[string]response {
	exception := map[string]mediaType{mediaJSON: {Schema: map[string]any{"$ref": "#/components/schemas/exception"}}}
	out := map[string]response{
		"200": {Description: "The document, as " + jsonType + " or as HTML.", Content: map[string]mediaType{
			jsonType:  {Schema: map[string]any{"type": "object"}},
			mediaHTML: {Schema: map[string]any{"type": "string"}},
		}},
		"304": {Description: "Not modified: the ETag in If-None-Match is current."},
		"400": {Description: "A parameter is unknown or has a value that is not allowed; the message says which and what is allowed.", Content: exception},
		"500": {Description: "A server error; the request id identifies it in the server log.", Content: exception},
	}
	if notFound {
		out["404"] = response{Description: "The collection or feature does not exist.", Content: exception}
	}
	return out
}

// apiView is the API definition as the HTML page lists it.
type apiView struct {
	Description string
	Server      string
	Operations  []apiOperation
}

type apiOperation struct {
	Path string
	operation
}

// api answers GET /ogc/api: the OpenAPI 3.0 definition, or its HTML
// documentation.
func (s *service) api(c echo.Context) error {
	f, err := negotiate(c)
	if err != nil {
		return err
	}
	if err := onlyParams(c, "f"); err != nil {
		return err
	}
	r := root(c)
	doc := s.describeAPI(r, s.reader.Collections(web.View(c)))
	if f == formatHTML {
		v := apiView{Description: doc.Info.Description, Server: r}
		for p, item := range doc.Paths {
			v.Operations = append(v.Operations, apiOperation{Path: p, operation: item.Get})
		}
		slices.SortFunc(v.Operations, func(a, b apiOperation) int { return strings.Compare(a.Path, b.Path) })
		return s.render(c, "api", view{Title: doc.Info.Title, Data: v,
			Links: []Link{
				{Href: r + "/api?f=html", Rel: "self", Type: mediaHTML, Title: "this documentation"},
				{Href: r + "/api", Rel: "service-desc", Type: mediaOpenAPI, Title: "the API definition (OpenAPI 3.0)"},
			},
			Crumbs: crumbs(r, Link{Href: r + "/api?f=html", Title: "API"})})
	}
	return sendJSON(c, mediaOpenAPI, doc)
}
