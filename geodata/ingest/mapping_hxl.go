package ingest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/hxl"
)

// hxlGeometryFields are the hashtag fields the CSV reader takes as
// coordinates, not properties.
var hxlGeometryFields = []string{"latitude", "longitude", "wkt"}

// ApplyHXL maps columns onto the normalised fields of kind by their HXL
// hashtags (tags, one per column, "" where untagged: formats.Decoded.HXL),
// the reverse of the geodata/hxl table, over m, the mapping guessed from
// the header names: a hashtag match wins, and the column it names is no
// longer used for another field. It returns the mapping and notes naming
// what the hashtags mapped and the hashtags RouteRisk does not read.
func ApplyHXL(kind geodata.Kind, m Mapping, columns, tags []string) (Mapping, []string) {
	out := Mapping{}
	for k, v := range m {
		out[k] = v
	}
	fields := FieldNames(kind)
	var mapped, unknown, kept []string
	for i, t := range tags {
		if t == "" || i >= len(columns) {
			continue
		}
		s, err := hxl.Parse(t)
		if err != nil {
			continue
		}
		field, ok := hxl.Field(string(kind), s)
		switch {
		case ok && slices.Contains(hxlGeometryFields, field):
			continue
		case ok && slices.Contains(fields, field):
			for f, col := range out {
				if col == columns[i] {
					delete(out, f) // the name guessed it for another field
				}
			}
			out[field] = columns[i]
			mapped = append(mapped, fmt.Sprintf("%s → %s", t, field))
		case ok:
			kept = append(kept, fmt.Sprintf("%s (%q)", t, columns[i]))
		default:
			unknown = append(unknown, fmt.Sprintf("%s (%q)", t, columns[i]))
		}
	}
	var notes []string
	if len(mapped) > 0 {
		notes = append(notes, "HXL hashtags mapped the columns: "+strings.Join(mapped, ", "))
	}
	if len(kept) > 0 {
		notes = append(notes, "HXL hashtags of fields RouteRisk derives itself, kept as properties under their column names: "+strings.Join(kept, ", "))
	}
	if len(unknown) > 0 {
		notes = append(notes, fmt.Sprintf("HXL hashtags RouteRisk does not read for a %s layer, kept as properties under their column names: %s", kind, strings.Join(unknown, ", ")))
	}
	return out, notes
}
