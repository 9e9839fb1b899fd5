package ogc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/server/reads"
	"github.com/routerisk/routerisk/server/web"
)

// htmlDefaultLimit is the page size of the HTML table when the request
// gives none: a page a browser shows comfortably.
const htmlDefaultLimit = 100

// contentCRS is the Content-Crs header of every feature response.
const contentCRS = "<" + CRS84 + ">"

// items answers GET /ogc/collections/{id}/items: a page of features, as
// GeoJSON or as an HTML table, through the reads use case and its cache.
func (s *service) items(c echo.Context) error {
	f, err := negotiate(c)
	if err != nil {
		return err
	}
	m, err := s.layer(c, c.Param("id"))
	if err != nil {
		return err
	}
	params := c.QueryParams()
	asJSON := reads.LinkFormat{Type: mediaGeoJSON, Query: "f=json"}
	asHTML := reads.LinkFormat{Type: mediaHTML, Query: "f=html"}
	req := reads.FeaturesRequest{
		View:        web.View(c),
		Layer:       m.ID,
		Params:      params,
		Path:        Prefix + "/collections/" + url.PathEscape(m.ID) + "/items",
		LinkBase:    linkBase(c),
		IfNoneMatch: c.Request().Header.Get("If-None-Match"),
		Parse:       parseItems,
		Formats:     []reads.LinkFormat{asJSON, asHTML},
		TimeStamp:   true,
	}
	contentType := mediaGeoJSON
	if f == formatHTML {
		if _, given := params["limit"]; !given {
			params = cloneValues(params)
			params.Set("limit", strconv.Itoa(htmlDefaultLimit))
			req.Params = params
		}
		req.Formats = []reads.LinkFormat{asHTML, asJSON}
		req.Render = s.itemsPage(root(c), m)
		req.RenderAs = "html"
		contentType = mediaHTML + "; charset=utf-8"
	}
	res, err := s.reader.Features(c.Request().Context(), req)
	if err != nil {
		return err
	}
	c.Response().Header().Add("Vary", "Accept")
	if f == formatJSON {
		c.Response().Header().Set("Content-Crs", contentCRS)
	}
	return web.SendCached(c, res, contentType)
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vals := range v {
		out[k] = append([]string(nil), vals...)
	}
	return out
}

// featurePage is a page of features as the reads use case encodes it, read back
// for the HTML table.
type featurePage struct {
	NumberMatched  int           `json:"numberMatched"`
	NumberReturned int           `json:"numberReturned"`
	TimeStamp      string        `json:"timeStamp"`
	Links          []Link        `json:"links"`
	Features       []featureJSON `json:"features"`
}

type featureJSON struct {
	ID         any            `json:"id"`
	Geometry   *geometryJSON  `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type geometryJSON struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
	Geometries  []geometryJSON  `json:"geometries"`
}

// itemsView is what the HTML table of a page shows.
type itemsView struct {
	Columns    []string
	Rows       []itemRow
	From, To   int
	Matched    int
	TimeStamp  string
	Next, Prev string
	Self, JSON string
}

type itemRow struct {
	ID       string
	Href     string
	Cells    []string
	Geometry string
}

// itemsPage returns the renderer of the HTML table of a page; it sees the
// page's bytes only, never the request, since the result is cached.
func (s *service) itemsPage(r string, m geodata.Meta) func([]byte) ([]byte, error) {
	return func(raw []byte) ([]byte, error) {
		var pg featurePage
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&pg); err != nil {
			return nil, fmt.Errorf("reading back a page of %s: %w", m, err)
		}
		coll := r + "/collections/" + url.PathEscape(m.ID)
		v := itemsView{Matched: pg.NumberMatched, TimeStamp: pg.TimeStamp}
		for _, fd := range m.Schema {
			v.Columns = append(v.Columns, fd.Name)
		}
		var links []Link
		for _, l := range pg.Links {
			switch l.Rel {
			case "self":
				v.Self, l.Title = l.Href, "this page as HTML"
			case "alternate":
				v.JSON, l.Title = l.Href, "this page as GeoJSON"
			case "next":
				v.Next, l.Title = l.Href, "next page"
			case "prev":
				v.Prev, l.Title = l.Href, "previous page"
			}
			links = append(links, l)
		}
		links = append(links, Link{Href: coll + "?f=html", Rel: "collection", Type: mediaHTML, Title: m.Title})
		if offset, err := strconv.Atoi(queryOf(v.Self).Get("offset")); err == nil {
			v.From = offset
		}
		if pg.NumberReturned > 0 {
			v.From, v.To = v.From+1, v.From+pg.NumberReturned
		}
		for _, ft := range pg.Features {
			id := valueText(ft.ID)
			row := itemRow{ID: id, Href: coll + "/items/" + url.PathEscape(id) + "?f=html", Geometry: geometryText(ft.Geometry)}
			for _, col := range v.Columns {
				row.Cells = append(row.Cells, valueText(ft.Properties[col]))
			}
			v.Rows = append(v.Rows, row)
		}
		return s.pages.execute("items", view{
			Service: s.title, Title: m.Title + ": features", Links: links, Data: v,
			Crumbs: crumbs(r, Link{Href: r + "/collections?f=html", Title: "Collections"},
				Link{Href: coll + "?f=html", Title: m.Title}, Link{Href: v.Self, Title: "Features"}),
		})
	}
}

func queryOf(href string) url.Values {
	u, err := url.Parse(href)
	if err != nil {
		return url.Values{}
	}
	return u.Query()
}

// valueText writes a property value as text for a table cell.
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// geometryText summarises a geometry: a point by its coordinates, any
// other by its type and the number of positions.
func geometryText(g *geometryJSON) string {
	if g == nil || g.Type == "" {
		return "none"
	}
	if g.Type == "Point" {
		var p []float64
		if json.Unmarshal(g.Coordinates, &p) == nil && len(p) >= 2 {
			return fmt.Sprintf("Point %s, %s", strconv.FormatFloat(p[0], 'f', -1, 64), strconv.FormatFloat(p[1], 'f', -1, 64))
		}
	}
	if g.Type == "GeometryCollection" {
		return fmt.Sprintf("GeometryCollection of %d", len(g.Geometries))
	}
	n := bytes.Count(g.Coordinates, []byte("[")) - bytes.Count(g.Coordinates, []byte("[["))
	return fmt.Sprintf("%s, %d positions", g.Type, n)
}

// item answers GET /ogc/collections/{id}/items/{featureId}: one feature
// with all its properties, as GeoJSON or HTML.
func (s *service) item(c echo.Context) error {
	f, err := negotiate(c)
	if err != nil {
		return err
	}
	if err := onlyParams(c, "f", "crs"); err != nil {
		return err
	}
	if vals, given := c.QueryParams()["crs"]; given {
		if err := checkCRS("crs", vals); err != nil {
			return err
		}
	}
	m, err := s.layer(c, c.Param("id"))
	if err != nil {
		return err
	}
	fid := c.Param("fid")
	if c.Request().URL.RawPath != "" {
		if u, err := url.PathUnescape(fid); err == nil {
			fid = u
		}
	}
	body, _, err := s.reader.Feature(web.View(c), m.ID, fid)
	if err != nil {
		return err
	}
	r := root(c)
	coll := r + "/collections/" + url.PathEscape(m.ID)
	href := coll + "/items/" + url.PathEscape(fid)
	links := []Link{
		{Href: href + "?f=json", Rel: "self", Type: mediaGeoJSON, Title: "this feature as GeoJSON"},
		{Href: href + "?f=html", Rel: "alternate", Type: mediaHTML, Title: "this feature as HTML"},
		{Href: coll + "?f=json", Rel: "collection", Type: mediaJSON, Title: m.Title},
	}
	if f == formatJSON {
		out, err := withLinks(body, links)
		if err != nil {
			return err
		}
		c.Response().Header().Set("Content-Crs", contentCRS)
		return sendDoc(c, mediaGeoJSON, out)
	}
	var ft featureJSON
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&ft); err != nil {
		return fmt.Errorf("reading back feature %q of %s: %w", fid, m, err)
	}
	v := itemView{ID: valueText(ft.ID), Geometry: geometryText(ft.Geometry), JSON: links[0].Href}
	for _, fd := range m.Schema {
		if val, ok := ft.Properties[fd.Name]; ok && val != nil {
			v.Properties = append(v.Properties, [2]string{fd.Name, valueText(val)})
		}
	}
	links[0].Rel, links[1].Rel = "alternate", "self"
	links[2].Href, links[2].Type = coll+"?f=html", mediaHTML
	return s.render(c, "item", view{Title: m.Title + ": " + v.ID, Links: links, Data: v,
		Crumbs: crumbs(r, Link{Href: r + "/collections?f=html", Title: "Collections"},
			Link{Href: coll + "?f=html", Title: m.Title}, Link{Href: coll + "/items?f=html", Title: "Features"},
			Link{Href: href + "?f=html", Title: v.ID})})
}

// itemView is what the HTML page of one feature shows.
type itemView struct {
	ID         string
	Geometry   string
	Properties [][2]string // name, value in schema order
	JSON       string
}

// withLinks adds a links member to an encoded GeoJSON feature.
func withLinks(feature []byte, links []Link) ([]byte, error) {
	feature = bytes.TrimSpace(feature)
	if len(feature) < 2 || feature[len(feature)-1] != '}' {
		return nil, &geodata.Error{Code: geodata.Internal, Message: "a stored feature is not a JSON object"}
	}
	lb, err := json.Marshal(links)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(feature)+len(lb)+16)
	out = append(out, feature[:len(feature)-1]...)
	out = append(out, `,"links":`...)
	out = append(out, lb...)
	return append(out, '}'), nil
}
