package ogc

import (
	"bytes"
	"embed"
	"html/template"
	"strings"

	"github.com/labstack/echo/v4"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pageNames are the HTML pages, one template file each beside layout.html.
func pageNames() []string {
	return []string{"landing", "conformance", "collections", "collection", "queryables", "items", "item", "api"}
}

// pages holds the parsed HTML templates. html/template escapes every
// value for its context: property values are text from the field and
// never reach the page as markup.
type pages struct {
	byName map[string]*template.Template
}

// newPages parses the embedded templates; they are part of the binary, so
// a parse error is a bug and panics when the server is built.
func newPages() *pages {
	p := &pages{byName: map[string]*template.Template{}}
	funcs := template.FuncMap{"join": strings.Join}
	for _, name := range pageNames() {
		t := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name+".html"))
		p.byName[name] = t
	}
	return p
}

// view is what every page gets: the page's own data under Data.
type view struct {
	Service string // the name of the service, in the title bar
	Title   string
	Crumbs  []Link // where the page sits, from the landing page down
	Links   []Link // the document's links, each shown as an <a>
	Data    any
}

// execute renders a page.
func (p *pages) execute(name string, v view) ([]byte, error) {
	var buf bytes.Buffer
	if err := p.byName[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// render sends a page built per request.
func (s *service) render(c echo.Context, name string, v view) error {
	v.Service = s.title
	b, err := s.pages.execute(name, v)
	if err != nil {
		return err
	}
	return sendDoc(c, mediaHTML+"; charset=utf-8", b)
}

// crumbs returns the trail of a page: the landing page, then more.
func crumbs(r string, more ...Link) []Link {
	return append([]Link{{Href: r + "?f=html", Title: "Landing page"}}, more...)
}
