package formats

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/geodata"
)

// featureParser turns the bytes of one GeoJSON Feature object (already
// checked to be valid JSON) into an orb feature without reflection. It
// shares the memory of repeated property names and of short repeated
// string values between features: a layer of 400,000 features that repeat
// a dozen keys and a few hundred categories then holds each once. It reads
// what encoding/json with orb would read; a differential fuzz test holds
// it to that.
type featureParser struct {
	b    []byte
	i    int
	keys map[string]string
	vals map[string]any
}

// maxInterned bounds each intern table, so a file of unique values cannot
// make it grow without limit.
const maxInterned = 1 << 16

// maxInternedLen is the longest string value shared between features.
const maxInternedLen = 48

var errNotFeature = errors.New("not a Feature object")

func newFeatureParser() *featureParser {
	return &featureParser{keys: map[string]string{}, vals: map[string]any{}}
}

// parse reads one feature. It answers errNotFeature when the object's type
// is not "Feature", and an error describing the problem for a geometry or
// member it cannot read.
func (p *featureParser) parse(raw []byte) (*geojson.Feature, error) {
	p.b, p.i = raw, 0
	f := &geojson.Feature{Type: "Feature"}
	var typ string
	var geomStart, geomEnd = -1, -1
	sawProps := false
	err := p.object(func(key string) error {
		switch key {
		case "type":
			s, err := p.stringValue()
			if err != nil {
				return fmt.Errorf("type: %w", err)
			}
			typ = s
		case "id":
			v, err := p.value(false)
			if err != nil {
				return err
			}
			switch v.(type) {
			case string, float64:
				f.ID = v
			case nil:
			default:
				return errors.New("id must be a string or a number")
			}
		case "geometry":
			p.skipSpace()
			geomStart = p.i
			if err := p.skip(); err != nil {
				return err
			}
			geomEnd = p.i
		case "properties":
			sawProps = true
			p.skipSpace()
			if p.peek() == 'n' {
				return p.literal("null")
			}
			props, err := p.properties()
			if err != nil {
				return fmt.Errorf("properties: %w", err)
			}
			f.Properties = props
		default:
			return p.skip()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if typ != "Feature" {
		return nil, errNotFeature
	}
	if f.Properties == nil {
		f.Properties = geojson.Properties{}
	}
	_ = sawProps
	if geomStart >= 0 {
		g, err := parseGeometry(p.b[geomStart:geomEnd])
		if err != nil {
			return nil, fmt.Errorf("geometry: %w", err)
		}
		f.Geometry = g
	}
	return f, nil
}

// parseGeometry reads a geometry object or null.
func parseGeometry(b []byte) (orb.Geometry, error) {
	p := &featureParser{b: b}
	p.skipSpace()
	if p.peek() == 'n' {
		return nil, p.literal("null")
	}
	var typ string
	coords, geoms := [2]int{-1, -1}, [2]int{-1, -1}
	err := p.object(func(key string) error {
		switch key {
		case "type":
			s, err := p.stringValue()
			typ = s
			return err
		case "coordinates":
			p.skipSpace()
			coords[0] = p.i
			err := p.skip()
			coords[1] = p.i
			return err
		case "geometries":
			p.skipSpace()
			geoms[0] = p.i
			err := p.skip()
			geoms[1] = p.i
			return err
		}
		return p.skip()
	})
	if err != nil {
		return nil, err
	}
	if typ == "GeometryCollection" {
		if geoms[0] < 0 {
			return nil, errors.New("a GeometryCollection needs \"geometries\"")
		}
		q := &featureParser{b: b[geoms[0]:geoms[1]]}
		var out orb.Collection
		err := q.array(func() error {
			q.skipSpace()
			start := q.i
			if err := q.skip(); err != nil {
				return err
			}
			g, err := parseGeometry(q.b[start:q.i])
			if err != nil {
				return err
			}
			if g != nil {
				out = append(out, g)
			}
			return nil
		})
		if out == nil {
			out = orb.Collection{}
		}
		return out, err
	}
	if coords[0] < 0 {
		if typ == "" {
			return nil, errors.New("the geometry has no type")
		}
		return nil, fmt.Errorf("the %s has no coordinates", geodata.Truncate(typ, 30))
	}
	q := &featureParser{b: b[coords[0]:coords[1]]}
	switch typ {
	case "Point":
		return q.position()
	case "MultiPoint":
		ps, err := q.positions()
		return orb.MultiPoint(ps), err
	case "LineString":
		ps, err := q.positions()
		return orb.LineString(ps), err
	case "MultiLineString":
		var out orb.MultiLineString
		err := q.array(func() error {
			ps, err := q.positions()
			out = append(out, orb.LineString(ps))
			return err
		})
		if out == nil {
			out = orb.MultiLineString{}
		}
		return out, err
	case "Polygon":
		return q.polygon()
	case "MultiPolygon":
		var out orb.MultiPolygon
		err := q.array(func() error {
			pg, err := q.polygon()
			out = append(out, pg)
			return err
		})
		if out == nil {
			out = orb.MultiPolygon{}
		}
		return out, err
	case "":
		return nil, errors.New("the geometry has no type")
	}
	return nil, fmt.Errorf("geometry type %q is not a GeoJSON type", geodata.Truncate(typ, 30))
}

func (p *featureParser) polygon() (orb.Polygon, error) {
	var out orb.Polygon
	err := p.array(func() error {
		ps, err := p.positions()
		out = append(out, orb.Ring(ps))
		return err
	})
	if out == nil {
		out = orb.Polygon{}
	}
	return out, err
}

func (p *featureParser) positions() ([]orb.Point, error) {
	var out []orb.Point
	err := p.array(func() error {
		pt, err := p.position()
		out = append(out, pt)
		return err
	})
	if out == nil {
		out = []orb.Point{}
	}
	return out, err
}

// position reads [lon, lat, ...]; extra ordinates (height) are dropped.
func (p *featureParser) position() (orb.Point, error) {
	var pt orb.Point
	n := 0
	err := p.array(func() error {
		p.skipSpace()
		if c := p.peek(); c != '-' && (c < '0' || c > '9') {
			return errors.New("a position holds something other than numbers")
		}
		v, err := p.number()
		if err != nil {
			return err
		}
		if n < 2 {
			pt[n] = v
		}
		n++
		return nil
	})
	if err != nil {
		return pt, err
	}
	if n < 2 {
		return pt, errors.New("a position needs at least two numbers (longitude, latitude)")
	}
	return pt, nil
}

// properties reads the properties object.
func (p *featureParser) properties() (geojson.Properties, error) {
	props := geojson.Properties{}
	err := p.object(func(key string) error {
		v, err := p.value(true)
		if err != nil {
			return err
		}
		props[p.internKey(key)] = v
		return nil
	})
	return props, err
}

func (p *featureParser) internKey(k string) string {
	if s, ok := p.keys[k]; ok {
		return s
	}
	if len(p.keys) < maxInterned {
		p.keys[k] = k
	}
	return k
}

// value reads any JSON value as encoding/json would into an any: numbers
// as float64, objects and arrays through encoding/json itself.
func (p *featureParser) value(intern bool) (any, error) {
	p.skipSpace()
	switch c := p.peek(); {
	case c == '"':
		raw, escaped, err := p.rawString()
		if err != nil {
			return nil, err
		}
		if intern && p.vals != nil && len(raw) <= maxInternedLen && !escaped {
			if v, ok := p.vals[string(raw)]; ok {
				return v, nil
			}
			var v any = string(raw)
			if len(p.vals) < maxInterned {
				p.vals[string(raw)] = v
			}
			return v, nil
		}
		return decodeString(raw, escaped)
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == '{' || c == '[':
		start := p.i
		if err := p.skip(); err != nil {
			return nil, err
		}
		var v any
		if err := json.Unmarshal(p.b[start:p.i], &v); err != nil {
			return nil, err
		}
		return v, nil
	}
	return nil, p.unexpected()
}

func (p *featureParser) stringValue() (string, error) {
	p.skipSpace()
	if p.peek() != '"' {
		return "", errors.New("expected a string")
	}
	raw, escaped, err := p.rawString()
	if err != nil {
		return "", err
	}
	return decodeString(raw, escaped)
}

func decodeString(raw []byte, escaped bool) (string, error) {
	if !escaped {
		return string(raw), nil
	}
	var s string
	q := make([]byte, 0, len(raw)+2)
	q = append(append(append(q, '"'), raw...), '"')
	if err := json.Unmarshal(q, &s); err != nil {
		return "", err
	}
	return s, nil
}

// rawString returns the bytes between the quotes and whether they hold escapes.
func (p *featureParser) rawString() ([]byte, bool, error) {
	p.i++ // opening quote
	start := p.i
	escaped := false
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case '\\':
			escaped = true
			p.i += 2
			continue
		case '"':
			s := p.b[start:p.i]
			p.i++
			return s, escaped, nil
		}
		p.i++
	}
	return nil, false, errors.New("a string is not closed")
}

func (p *featureParser) number() (float64, error) {
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			p.i++
			continue
		}
		break
	}
	v, err := strconv.ParseFloat(string(p.b[start:p.i]), 64)
	if err != nil {
		return 0, fmt.Errorf("the number %s cannot be read as a 64-bit float", geodata.Truncate(string(p.b[start:p.i]), 30))
	}
	return v, nil
}

func (p *featureParser) literal(word string) error {
	if len(p.b)-p.i < len(word) || string(p.b[p.i:p.i+len(word)]) != word {
		return p.unexpected()
	}
	p.i += len(word)
	return nil
}

// object calls member for every key, positioned at the member's value,
// which member must consume.
func (p *featureParser) object(member func(key string) error) error {
	p.skipSpace()
	if p.peek() != '{' {
		return errors.New("expected an object")
	}
	p.i++
	for {
		p.skipSpace()
		switch p.peek() {
		case '}':
			p.i++
			return nil
		case ',':
			p.i++
			continue
		case '"':
		default:
			return p.unexpected()
		}
		key, err := p.stringValue()
		if err != nil {
			return err
		}
		p.skipSpace()
		if p.peek() != ':' {
			return p.unexpected()
		}
		p.i++
		if err := member(key); err != nil {
			return err
		}
	}
}

// array calls elem for every element, positioned before it.
func (p *featureParser) array(elem func() error) error {
	p.skipSpace()
	if p.peek() != '[' {
		return errors.New("expected an array")
	}
	p.i++
	for {
		p.skipSpace()
		switch p.peek() {
		case ']':
			p.i++
			return nil
		case ',':
			p.i++
			continue
		case 0:
			return p.unexpected()
		}
		if err := elem(); err != nil {
			return err
		}
	}
}

// skip passes over one value.
func (p *featureParser) skip() error {
	p.skipSpace()
	switch c := p.peek(); {
	case c == '"':
		_, _, err := p.rawString()
		return err
	case c == '{':
		return p.object(func(string) error { return p.skip() })
	case c == '[':
		return p.array(p.skip)
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		_, err := p.number()
		return err
	}
	return p.unexpected()
}

func (p *featureParser) skipSpace() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		default:
			return
		}
	}
}

func (p *featureParser) peek() byte {
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *featureParser) unexpected() error {
	if p.i >= len(p.b) {
		return errors.New("unexpected end of the feature")
	}
	return fmt.Errorf("unexpected %q at byte %d of the feature", p.b[p.i], p.i)
}
