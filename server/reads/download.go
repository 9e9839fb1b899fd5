package reads

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/hxl"
)

// DownloadFormats lists the formats a layer can be downloaded in.
var DownloadFormats = []string{"geojson", "csv", "kml", "gpkg"}

// DownloadOptions qualify a download.
type DownloadOptions struct {
	// HXL puts a HXL hashtag row under a CSV's header (geodata/hxl);
	// other formats ignore it.
	HXL bool
}

// Download writes the whole current version of layer id in format
// (geojson, csv or kml) to w. CSV has id, longitude and latitude columns
// for points, a wkt column for other geometries (empty for a feature
// without one) and none for a layer without geometry, then one column per
// schema property; cells a spreadsheet would run as formulas are neutralised.
// GeoPackage (gpkg) needs a file: see DownloadGeoPackage.
func (c *Reader) Download(id, format string, opts DownloadOptions, w io.Writer) (geodata.Meta, error) {
	ld, err := c.lib.get(id)
	if err != nil {
		return geodata.Meta{}, err
	}
	switch format {
	case "geojson", "":
		if _, err := io.WriteString(w, `{"type":"FeatureCollection","features":[`); err != nil {
			return ld.meta, err
		}
		for i := range ld.index.Len() {
			if i > 0 {
				if _, err := io.WriteString(w, ","); err != nil {
					return ld.meta, err
				}
			}
			b, err := ld.featureJSON(i)
			if err != nil {
				return ld.meta, err
			}
			if _, err := w.Write(b); err != nil {
				return ld.meta, err
			}
		}
		_, err = io.WriteString(w, "]}\n")
		return ld.meta, err
	case "kml":
		return ld.meta, formats.WriteKML(w, ld.meta.Title, ld.index.Features())
	case "csv":
		feats := ld.index.Features()
		allPoints, noGeometry := len(feats) > 0, true
		for _, f := range feats {
			if _, ok := f.Geometry.(orb.Point); !ok {
				allPoints = false
			}
			if f.Geometry != nil {
				noGeometry = false
			}
		}
		header := []string{"id"}
		numeric := map[int]bool{}
		switch {
		case noGeometry: // a table, such as an exposure series: no geometry columns
		case allPoints:
			header = append(header, "longitude", "latitude")
			numeric[1], numeric[2] = true, true
		default:
			header = append(header, "wkt")
		}
		for _, f := range ld.meta.Schema {
			header = append(header, f.Name)
		}
		rows := make([][]string, 0, len(feats))
		for _, f := range feats {
			row := []string{fmt.Sprint(f.ID)}
			switch p, ok := f.Geometry.(orb.Point); {
			case noGeometry:
			case ok && allPoints:
				row = append(row, strconv.FormatFloat(p[0], 'f', -1, 64), strconv.FormatFloat(p[1], 'f', -1, 64))
			case f.Geometry == nil:
				row = append(row, "") // a row without geometry among others with one
			default:
				row = append(row, wkt.MarshalString(f.Geometry))
			}
			for _, fd := range ld.meta.Schema {
				row = append(row, formats.CellText(f.Properties[fd.Name]))
			}
			rows = append(rows, row)
		}
		var tags []string
		if opts.HXL {
			tags = hxl.Row(string(ld.meta.Kind), header)
		}
		_, err := w.Write(formats.EncodeCSVTagged(header, tags, rows, numeric))
		return ld.meta, err
	}
	return ld.meta, geodata.InvalidParam("format", fmt.Sprintf("is %q", geodata.Truncate(format, 20)), "one of geojson, csv, kml (gpkg: DownloadGeoPackage)")
}

// MaxGeoPackageBytes bounds a GeoPackage download.
const MaxGeoPackageBytes = 1 << 30

// DownloadGeoPackage writes the whole current version of layer id as a
// GeoPackage at path (which must not exist yet), with the layer's
// metadata, and returns the layer's metadata. The features are those
// every other download format writes. A file over MaxGeoPackageBytes is a
// TooLarge error (and removed).
func (c *Reader) DownloadGeoPackage(ctx context.Context, id, path string) (geodata.Meta, error) {
	ld, err := c.lib.get(id)
	if err != nil {
		return geodata.Meta{}, err
	}
	m := ld.meta
	md := GeoPackageMetadata(m)
	err = formats.WriteGeoPackage(ctx, path, formats.GeoPackageLayer{
		Table: m.ID, Title: m.Title, Description: m.Description,
		Schema: m.Schema, Features: ld.index.Features(), Metadata: md,
	})
	if err != nil {
		return m, err
	}
	if st, err := os.Stat(path); err != nil {
		return m, err
	} else if st.Size() > MaxGeoPackageBytes {
		_ = os.Remove(path)
		return m, geodata.Errorf(geodata.TooLarge, "layer %q as GeoPackage is over %d MiB; download it as GeoJSON or CSV", m.ID, MaxGeoPackageBytes>>20)
	}
	return m, nil
}

// GeoPackageMetadata is a layer's metadata as its GeoPackage table carries
// it (title, description, kind, version, update time, sources, licences,
// caveats, sensitivity), in the form formats.GeoPackageLayer takes.
func GeoPackageMetadata(m geodata.Meta) [][2]string {
	var sources, licences []string
	for _, s := range m.Sources {
		src := s.Name
		if s.URL != "" {
			src += " <" + s.URL + ">"
		}
		if s.Attribution != "" {
			src += " — " + s.Attribution
		}
		sources = append(sources, src)
		if s.License != "" && !slices.Contains(licences, s.License) {
			licences = append(licences, s.License)
		}
	}
	return [][2]string{
		{"TITLE", m.Title},
		{"DESCRIPTION", m.Description},
		{"KIND", string(m.Kind)},
		{"VERSION", strconv.Itoa(m.Version)},
		{"UPDATED_AT", m.UpdatedAt.UTC().Format(time.RFC3339)},
		{"SOURCES", strings.Join(sources, "; ")},
		{"LICENSES", strings.Join(licences, "; ")},
		{"CAVEATS", strings.Join(LayerCaveats(m), " ")},
		{"SENSITIVITY", string(m.Sensitivity)},
	}
}

// LayerCaveats are the sentences that qualify a layer's data, by kind,
// written with its downloads' metadata.
func LayerCaveats(m geodata.Meta) []string {
	var out []string
	switch m.Kind {
	case geodata.KindIncident:
		out = append(out, "Dead and missing are minimum estimates: many deaths and disappearances on migration routes are never recorded.",
			"Positions may be approximate (geo_precision says how precise each is).")
	case geodata.KindRoute:
		out = append(out, "Routes are schematic corridors, not tracks: their lines are approximate.")
	case geodata.KindService:
		out = append(out, "Check a service's details before referring anyone to it; last_verified, where given, says when they were checked.")
	case geodata.KindEvent:
		out = append(out, "Context events (such as conflict and unrest from ACLED) are not migrant deaths: their fatalities are not in the route risk, priorities, hotspots or backtest.",
			"Positions may be approximate (geo_precision says how precise each is).")
	}
	if m.Sensitivity == geodata.Restricted {
		out = append(out, "Restricted data: for humanitarian protection and outreach only, never for enforcement, interdiction or surveillance (docs/privacy.md).")
	}
	return out
}
