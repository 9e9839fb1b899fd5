package ogc

import (
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata"
)

// jsonSchemaDialect is the JSON Schema version of the queryables.
const jsonSchemaDialect = "https://json-schema.org/draft/2020-12/schema"

// queryablesDoc is the JSON Schema of the properties a collection can be
// filtered on, each one also a query parameter of its items.
type queryablesDoc struct {
	Schema               string               `json:"$schema"`
	ID                   string               `json:"$id"`
	Type                 string               `json:"type"`
	Title                string               `json:"title"`
	Description          string               `json:"description"`
	Properties           map[string]queryable `json:"properties"`
	AdditionalProperties bool                 `json:"additionalProperties"`
	Links                []Link               `json:"-"`
	Order                []string             `json:"-"` // property names as the schema lists them
	Collection           string               `json:"-"`
}

// queryable is the JSON Schema of one property.
type queryable struct {
	Title       string `json:"title"`
	Type        string `json:"type"`
	Format      string `json:"format,omitempty"`
	Description string `json:"description,omitempty"`
}

// schemaOf maps a type of the layer schema onto JSON Schema.
func schemaOf(f geodata.Field) queryable {
	q := queryable{Title: f.Name, Type: f.Type}
	switch f.Type {
	case "integer", "number", "boolean", "string":
	case "date":
		q.Type, q.Format = "string", "date"
	default:
		q.Type = "string"
	}
	return q
}

// queryables answers GET /ogc/collections/{id}/queryables.
func (s *service) queryables(c echo.Context) error {
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
	href := r + "/collections/" + url.PathEscape(m.ID)
	doc := queryablesDoc{
		Schema: jsonSchemaDialect, ID: href + "/queryables", Type: "object", Title: m.Title,
		Description: "The properties of " + m.Title + " that select features: give one as a query parameter " +
			"of the items (name=value) for the features whose property equals that value; repeat the " +
			"parameter for several values.",
		Properties: map[string]queryable{}, Collection: m.ID,
	}
	for _, fd := range filterable(m) {
		q := schemaOf(fd)
		if fd.Name == m.TimeProperty {
			q.Description = "the time of the feature; datetime= selects a range of it"
		}
		doc.Properties[fd.Name] = q
		doc.Order = append(doc.Order, fd.Name)
	}
	doc.Links = []Link{
		{Href: href + "/queryables?f=json", Rel: "self", Type: mediaSchema, Title: "the queryables as JSON Schema"},
		{Href: href + "/queryables?f=html", Rel: "alternate", Type: mediaHTML, Title: "the queryables as HTML"},
		{Href: href + "?f=json", Rel: "collection", Type: mediaJSON, Title: m.Title},
	}
	if f == formatHTML {
		doc.Links[0].Rel, doc.Links[1].Rel = "alternate", "self"
		return s.render(c, "queryables", view{Title: "Queryables of " + m.Title, Links: doc.Links, Data: doc,
			Crumbs: crumbs(r, Link{Href: r + "/collections?f=html", Title: "Collections"},
				Link{Href: href + "?f=html", Title: m.Title}, Link{Href: href + "/queryables?f=html", Title: "Queryables"})})
	}
	return sendJSON(c, mediaSchema, doc)
}
