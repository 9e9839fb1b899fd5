package formats

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// EncodeOptions shapes features on output.
type EncodeOptions struct {
	Properties []string // nil: all properties; otherwise only these
	Precision  int      // coordinate decimals; -1: as stored
}

// Full reports whether the options leave features as stored.
func (o EncodeOptions) Full() bool { return o.Properties == nil && o.Precision < 0 }

// AppendFeature appends f encoded as a GeoJSON Feature to dst. The output
// is what encoding/json would write for the orb feature (keys sorted, HTML
// characters escaped), without its reflection and re-validation: features
// are encoded on the request path. f itself is not modified.
func AppendFeature(dst []byte, f *geojson.Feature, o EncodeOptions) ([]byte, error) {
	dst = append(dst, '{')
	if f.ID != nil {
		dst = append(dst, `"id":`...)
		var err error
		if dst, err = appendValue(dst, f.ID); err != nil {
			return dst, err
		}
		dst = append(dst, ',')
	}
	dst = append(dst, `"type":"Feature","geometry":`...)
	scale := -1.0
	if o.Precision >= 0 {
		scale = math.Pow10(o.Precision)
	}
	dst = appendGeometry(dst, f.Geometry, scale)
	dst = append(dst, `,"properties":`...)
	keys := o.Properties
	if keys == nil {
		keys = make([]string, 0, len(f.Properties))
		for k := range f.Properties {
			keys = append(keys, k)
		}
		slices.Sort(keys)
	}
	n := 0
	for _, k := range keys {
		v, ok := f.Properties[k]
		if !ok {
			continue
		}
		if n == 0 {
			dst = append(dst, '{')
		} else {
			dst = append(dst, ',')
		}
		n++
		dst = appendString(dst, k)
		dst = append(dst, ':')
		var err error
		if dst, err = appendValue(dst, v); err != nil {
			return dst, err
		}
	}
	if n == 0 {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '}')
	}
	return append(dst, '}'), nil
}

func appendGeometry(dst []byte, g orb.Geometry, scale float64) []byte {
	switch x := g.(type) {
	case nil:
		return append(dst, "null"...)
	case orb.Point:
		dst = append(dst, `{"type":"Point","coordinates":`...)
		dst = appendPoint(dst, x, scale)
	case orb.MultiPoint:
		dst = append(dst, `{"type":"MultiPoint","coordinates":`...)
		dst = appendPoints(dst, x, scale)
	case orb.LineString:
		dst = append(dst, `{"type":"LineString","coordinates":`...)
		dst = appendPoints(dst, x, scale)
	case orb.MultiLineString:
		dst = append(dst, `{"type":"MultiLineString","coordinates":[`...)
		for i, l := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendPoints(dst, l, scale)
		}
		dst = append(dst, ']')
	case orb.Ring:
		return appendGeometry(dst, orb.Polygon{x}, scale)
	case orb.Polygon:
		dst = append(dst, `{"type":"Polygon","coordinates":`...)
		dst = appendRings(dst, x, scale)
	case orb.MultiPolygon:
		dst = append(dst, `{"type":"MultiPolygon","coordinates":[`...)
		for i, p := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendRings(dst, p, scale)
		}
		dst = append(dst, ']')
	case orb.Collection:
		dst = append(dst, `{"type":"GeometryCollection","geometries":[`...)
		for i, c := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendGeometry(dst, c, scale)
		}
		dst = append(dst, "]}"...)
		return dst
	case orb.Bound:
		return appendGeometry(dst, x.ToPolygon(), scale)
	default:
		b, err := json.Marshal(geojson.NewGeometry(g))
		if err != nil {
			return append(dst, "null"...)
		}
		return append(dst, b...)
	}
	return append(dst, '}')
}

func appendRings(dst []byte, p orb.Polygon, scale float64) []byte {
	dst = append(dst, '[')
	for i, r := range p {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendPoints(dst, r, scale)
	}
	return append(dst, ']')
}

func appendPoints[S ~[]orb.Point](dst []byte, ps S, scale float64) []byte {
	dst = append(dst, '[')
	for i, p := range ps {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendPoint(dst, p, scale)
	}
	return append(dst, ']')
}

func appendPoint(dst []byte, p orb.Point, scale float64) []byte {
	dst = append(dst, '[')
	dst = appendCoord(dst, p[0], scale)
	dst = append(dst, ',')
	dst = appendCoord(dst, p[1], scale)
	return append(dst, ']')
}

func appendCoord(dst []byte, v, scale float64) []byte {
	if scale > 0 {
		v = math.Round(v*scale) / scale
	}
	return appendFloat(dst, v)
}

// appendFloat writes v as encoding/json does.
func appendFloat(dst []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(dst, "null"...)
	}
	abs := math.Abs(v)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, v, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

func appendValue(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return appendString(dst, x), nil
	case float64:
		return appendFloat(dst, x), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return dst, err
		}
		return append(dst, b...), nil
	}
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string the way encoding/json does:
// HTML-sensitive characters and U+2028/U+2029 escaped, invalid UTF-8
// replaced by U+FFFD.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// Link is a hypermedia link of a feature collection.
type Link struct {
	Rel  string `json:"rel"`
	Type string `json:"type,omitempty"`
	Href string `json:"href"`
}

// AppendCollection frames pre-encoded features as a GeoJSON
// FeatureCollection with the OGC API – Features paging members, and the
// member timeStamp (RFC 3339, UTC) unless stamp is zero.
func AppendCollection(dst []byte, features [][]byte, matched int, links []Link, stamp time.Time) []byte {
	size := 256 + 256*len(links)
	for _, f := range features {
		size += len(f) + 1
	}
	dst = slices.Grow(dst, size)
	dst = AppendCollectionHead(dst, matched, len(features), links, stamp)
	for i, f := range features {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, f...)
	}
	return append(dst, "]}"...)
}

// AppendCollectionHead appends what AppendCollection writes before the
// features, up to and including the opening bracket of "features", for
// a collection of returned features of matched: the features follow,
// separated by commas, and "]}" ends it.
func AppendCollectionHead(dst []byte, matched, returned int, links []Link, stamp time.Time) []byte {
	dst = append(dst, `{"type":"FeatureCollection",`...)
	if !stamp.IsZero() {
		dst = append(dst, `"timeStamp":"`...)
		dst = stamp.UTC().AppendFormat(dst, time.RFC3339)
		dst = append(dst, `",`...)
	}
	dst = append(dst, `"numberMatched":`...)
	dst = strconv.AppendInt(dst, int64(matched), 10)
	dst = append(dst, `,"numberReturned":`...)
	dst = strconv.AppendInt(dst, int64(returned), 10)
	if len(links) > 0 {
		lb, _ := json.Marshal(links) // a slice of plain strings cannot fail
		dst = append(dst, `,"links":`...)
		dst = append(dst, lb...)
	}
	return append(dst, `,"features":[`...)
}
