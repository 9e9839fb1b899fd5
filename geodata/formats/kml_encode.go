package formats

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// WriteKML writes features as a KML 2.2 document: one Placemark each, its
// id as the Placemark id, a "name" property as its name, and every
// property in ExtendedData. Text is XML-escaped; nothing is left to be
// interpreted as markup. Geometry collections become MultiGeometry.
func WriteKML(w io.Writer, name string, features []*geojson.Feature) error {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>`)
	escape(&b, name)
	b.WriteString("</name>\n")
	for _, f := range features {
		b.WriteString("<Placemark")
		if f.ID != nil {
			b.WriteString(` id="`)
			escape(&b, fmt.Sprint(f.ID))
			b.WriteString(`"`)
		}
		b.WriteString(">")
		if n, ok := f.Properties["name"].(string); ok {
			b.WriteString("<name>")
			escape(&b, n)
			b.WriteString("</name>")
		}
		if len(f.Properties) > 0 {
			keys := make([]string, 0, len(f.Properties))
			for k := range f.Properties {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			b.WriteString("<ExtendedData>")
			for _, k := range keys {
				v := f.Properties[k]
				if v == nil {
					continue
				}
				b.WriteString(`<Data name="`)
				escape(&b, k)
				b.WriteString(`"><value>`)
				escape(&b, kmlValue(v))
				b.WriteString("</value></Data>")
			}
			b.WriteString("</ExtendedData>")
		}
		kmlGeometry(&b, f.Geometry)
		b.WriteString("</Placemark>\n")
		if b.Len() > 64<<10 {
			if _, err := w.Write(b.Bytes()); err != nil {
				return err
			}
			b.Reset()
		}
	}
	b.WriteString("</Document></kml>\n")
	_, err := w.Write(b.Bytes())
	return err
}

func escape(b *bytes.Buffer, s string) { _ = xml.EscapeText(b, []byte(s)) }

func kmlValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, err := jsonMarshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func kmlCoords(b *bytes.Buffer, ps []orb.Point) {
	b.WriteString("<coordinates>")
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatFloat(p[0], 'f', -1, 64))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(p[1], 'f', -1, 64))
	}
	b.WriteString("</coordinates>")
}

func kmlGeometry(b *bytes.Buffer, g orb.Geometry) {
	switch x := g.(type) {
	case orb.Point:
		b.WriteString("<Point>")
		kmlCoords(b, []orb.Point{x})
		b.WriteString("</Point>")
	case orb.LineString:
		b.WriteString("<LineString>")
		kmlCoords(b, x)
		b.WriteString("</LineString>")
	case orb.Polygon:
		b.WriteString("<Polygon>")
		for i, r := range x {
			if i == 0 {
				b.WriteString("<outerBoundaryIs><LinearRing>")
			} else {
				b.WriteString("<innerBoundaryIs><LinearRing>")
			}
			kmlCoords(b, r)
			if i == 0 {
				b.WriteString("</LinearRing></outerBoundaryIs>")
			} else {
				b.WriteString("</LinearRing></innerBoundaryIs>")
			}
		}
		b.WriteString("</Polygon>")
	case orb.MultiPoint:
		b.WriteString("<MultiGeometry>")
		for _, p := range x {
			kmlGeometry(b, p)
		}
		b.WriteString("</MultiGeometry>")
	case orb.MultiLineString:
		b.WriteString("<MultiGeometry>")
		for _, l := range x {
			kmlGeometry(b, l)
		}
		b.WriteString("</MultiGeometry>")
	case orb.MultiPolygon:
		b.WriteString("<MultiGeometry>")
		for _, p := range x {
			kmlGeometry(b, p)
		}
		b.WriteString("</MultiGeometry>")
	case orb.Collection:
		b.WriteString("<MultiGeometry>")
		for _, c := range x {
			kmlGeometry(b, c)
		}
		b.WriteString("</MultiGeometry>")
	}
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
