package packs

import (
	"cmp"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/hxl"
	"github.com/routerisk/routerisk/geodata/places"
	"github.com/routerisk/routerisk/geodata/vocab"
)

// directoryColumns are the columns of services.csv; place is where the
// service is, in words ("near Agadez, Niger").
var directoryColumns = []string{"id", "longitude", "latitude", "name", "category", "subtype", "organization", "phone", "url",
	"hours", "languages", "referral_required", "last_verified", "country", "city", "place"}

// servicesCSV is the service directory as CSV with a HXL hashtag row,
// ordered by place then name.
func servicesCSV(services []*geojson.Feature, ix *places.Index) []byte {
	rows := make([][]string, 0, len(services))
	for _, e := range directoryEntries(services, ix) {
		f := e.feature
		row := []string{fmt.Sprint(f.ID), strconv.FormatFloat(e.point[0], 'f', -1, 64), strconv.FormatFloat(e.point[1], 'f', -1, 64)}
		for _, c := range directoryColumns[3:] {
			if c == "place" {
				row = append(row, e.place)
				continue
			}
			row = append(row, formats.CellText(f.Properties[c]))
		}
		rows = append(rows, row)
	}
	return formats.EncodeCSVTagged(directoryColumns, hxl.Row("service", directoryColumns), rows, map[int]bool{1: true, 2: true})
}

type directoryEntry struct {
	feature *geojson.Feature
	point   orb.Point
	group   string // the place services are listed under
	place   string // where the service is, in words
}

// directoryEntries are the services with a point, with where they are,
// ordered by group, then name.
func directoryEntries(services []*geojson.Feature, ix *places.Index) []directoryEntry {
	var out []directoryEntry
	for _, f := range services {
		p, ok := f.Geometry.(orb.Point)
		if !ok {
			continue
		}
		e := directoryEntry{feature: f, point: p, place: ix.Describe(p[0], p[1], false)}
		switch near, _, ok := ix.Nearest(p[0], p[1], places.NearPlaceKm); {
		case ok && near.CountryName != "":
			e.group = near.Name + ", " + near.CountryName
		case ok:
			e.group = near.Name
		default:
			_, name, _ := ix.Country(p[0], p[1])
			e.group = cmp.Or(name, "Elsewhere")
		}
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(a, b directoryEntry) int {
		return cmp.Or(strings.Compare(a.group, b.group), strings.Compare(text(a.feature, "name"), text(b.feature, "name")))
	})
	return out
}

func text(f *geojson.Feature, k string) string { return formats.CellText(f.Properties[k]) }

// directoryPage is the printable service list: html/template escapes
// every value.
var directoryPage = template.Must(template.New("services").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Services by place — RouteRisk offline pack</title>
<style>
body{font:11pt/1.35 system-ui,sans-serif;margin:1.5cm;color:#111}
h1{font-size:16pt;margin:0 0 .3em}h2{font-size:12pt;margin:1.2em 0 .3em;border-bottom:1px solid #999;break-after:avoid}
.meta,.caveats{font-size:9pt;color:#333}.caveats li{margin:.1em 0}
table{border-collapse:collapse;width:100%;font-size:9.5pt}th,td{text-align:left;vertical-align:top;padding:.2em .4em;border-bottom:1px solid #ddd}
tr{break-inside:avoid}th{background:#eee}@media print{body{margin:0}a{color:inherit;text-decoration:none}}
</style></head><body>
<h1>Services by place</h1>
<p class="meta">Box {{.BBox}} · made {{.Created}} · {{.Count}} services{{if .DataThrough}} · incidents recorded through {{.DataThrough}}{{end}} · tier: {{.Tier}}</p>
<ul class="caveats">{{range .Caveats}}<li>{{.}}</li>{{end}}</ul>
{{range .Groups}}<h2>{{.Name}}</h2>
<table><thead><tr><th>Service</th><th>Help</th><th>Organisation</th><th>Contact</th><th>Hours, languages</th><th>Checked</th><th>Where</th></tr></thead><tbody>
{{range .Rows}}<tr><td>{{.Name}}</td><td>{{.Category}}</td><td>{{.Organization}}</td><td>{{.Contact}}</td><td>{{.Access}}</td><td>{{.Verified}}</td><td>{{.Where}}</td></tr>
{{end}}</tbody></table>
{{else}}<p>No services in this box.</p>{{end}}
<p class="meta">Sources: {{.Attribution}}</p>
</body></html>
`))

type directoryRow struct {
	Name, Category, Organization, Contact, Access, Verified, Where string
}

type directoryGroup struct {
	Name string
	Rows []directoryRow
}

// directoryHTML writes the printable list of services by place.
func directoryHTML(w io.Writer, m Manifest, services []*geojson.Feature, ix *places.Index) error {
	labels := map[string]string{}
	for _, c := range vocab.ServiceCategories() {
		labels[c.Category] = c.Label
	}
	var groups []directoryGroup
	entries := directoryEntries(services, ix)
	for _, e := range entries {
		f := e.feature
		cat := text(f, "category")
		help := cmp.Or(labels[cat], cat)
		if sub := text(f, "subtype"); sub != "" {
			help += " (" + sub + ")"
		}
		row := directoryRow{
			Name: text(f, "name"), Category: help, Organization: text(f, "organization"),
			Contact:  joinNonEmpty(" · ", text(f, "phone"), text(f, "url")),
			Access:   joinNonEmpty(" · ", text(f, "hours"), text(f, "languages")),
			Verified: cmp.Or(text(f, "last_verified"), "never"),
			Where:    fmt.Sprintf("%s (%.4f, %.4f)", e.place, e.point[1], e.point[0]),
		}
		if n := len(groups); n == 0 || groups[n-1].Name != e.group {
			groups = append(groups, directoryGroup{Name: e.group})
		}
		groups[len(groups)-1].Rows = append(groups[len(groups)-1].Rows, row)
	}
	return directoryPage.Execute(w, map[string]any{
		"BBox": fmt.Sprintf("%g, %g, %g, %g", m.BBox[0], m.BBox[1], m.BBox[2], m.BBox[3]), "Created": m.Created,
		"Count": len(entries), "DataThrough": m.DataThrough, "Tier": m.Tier, "Caveats": m.Caveats, "Groups": groups,
		"Attribution": m.Attribution,
	})
}

func joinNonEmpty(sep string, parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), sep)
}

// readme is README.txt: what the pack holds and how to open it.
func readme(m Manifest) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "RouteRisk offline pack\n======================\n\n")
	fmt.Fprintf(&b, "Box (west, south, east, north): %g, %g, %g, %g\nMade: %s\nTier: %s\n", m.BBox[0], m.BBox[1], m.BBox[2], m.BBox[3], m.Created, m.Tier)
	if m.DataThrough != "" {
		fmt.Fprintf(&b, "Incidents recorded through: %s\n", m.DataThrough)
	}
	b.WriteString("\nFiles\n-----\n")
	fmt.Fprintf(&b, "%s  vector tiles, zooms %d to %d (PMTiles): open in the RouteRisk dashboard's offline page (/offline) with no network, or in QGIS 3.32 or later (Layer > Add Layer > Add Vector Tile Layer).\n", FileTiles, m.MinZoom, m.MaxZoom)
	fmt.Fprintf(&b, "%s  the same layers as a GeoPackage, one table each, with their metadata: any GIS opens it.\n", FileGeoPackage)
	fmt.Fprintf(&b, "%s  the service directory as CSV, with a HXL hashtag row under the header.\n", FileServices)
	fmt.Fprintf(&b, "%s  the services listed by place, to print.\n", FileDirectory)
	fmt.Fprintf(&b, "%s  this pack's contents, for programs.\n", FileManifest)
	for _, f := range m.Basemap {
		fmt.Fprintf(&b, "%s  country outlines (Natural Earth via world-atlas, public domain) the offline page draws under the map.\n", f)
	}
	b.WriteString("\nLayers\n------\n")
	for _, l := range m.Layers {
		fmt.Fprintf(&b, "- %s (%s", l.Title, l.ID)
		if l.Version > 0 {
			fmt.Fprintf(&b, ", version %d of %s", l.Version, l.UpdatedAt)
		}
		fmt.Fprintf(&b, "): %d features, table %s, %s tier\n", l.Features, l.Table, l.Tier)
		for _, s := range l.Sources {
			fmt.Fprintf(&b, "    source: %s", s.Name)
			if s.URL != "" {
				fmt.Fprintf(&b, " <%s>", s.URL)
			}
			if s.License != "" {
				fmt.Fprintf(&b, ", licence %s", s.License)
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\nCaveats\n-------\n")
	for _, c := range m.Caveats {
		fmt.Fprintf(&b, "- %s\n", c)
	}
	fmt.Fprintf(&b, "\nAttribution: %s\n", m.Attribution)
	return []byte(b.String())
}
