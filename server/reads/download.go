package reads

import (
	"fmt"
	"io"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
)

// DownloadFormats lists the formats a layer can be downloaded in.
var DownloadFormats = []string{"geojson", "csv", "kml"}

// Download writes the whole current version of layer id in format
// (geojson, csv or kml) to w. CSV has id, longitude and latitude columns
// for points, a wkt column for other geometries (empty for a feature
// without one) and none for a layer without geometry, then one column per
// schema property; cells a spreadsheet would run as formulas are neutralised.
func (c *Reader) Download(id, format string, w io.Writer) (geodata.Meta, error) {
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
		_, err := w.Write(formats.EncodeCSV(header, rows, numeric))
		return ld.meta, err
	}
	return ld.meta, geodata.InvalidParam("format", fmt.Sprintf("is %q", geodata.Truncate(format, 20)), "one of geojson, csv, kml")
}
