package formats

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"

	"github.com/routerisk/routerisk/geodata"
)

// maxPRJBytes bounds a .prj file: real ones are a few hundred bytes.
const maxPRJBytes = 64 * 1024

// maxWKTDepth bounds the nesting of a WKT text.
const maxWKTDepth = 32

// crsKind is what the importers make of a coordinate reference system.
type crsKind int

const (
	crsOther        crsKind = iota // anything we do not convert: rejected
	crsWGS84                       // geographic WGS 84 longitude/latitude: used as is
	crsWebMercator                 // spherical (Web/Pseudo) Mercator metres: converted
	crsUndetermined                // the file says nothing: assumed WGS 84
)

// crsInfo names a CRS as the file declares it.
type crsInfo struct {
	kind crsKind
	name string // the CRS name as written in the file
	code string // "EPSG:4326" and the like, when the file gives one
}

// label names the CRS for a message: its name and, when known, its code.
func (c crsInfo) label() string {
	switch {
	case c.name != "" && c.code != "":
		return fmt.Sprintf("%q (%s)", c.name, c.code)
	case c.code != "":
		return c.code
	case c.name != "":
		return fmt.Sprintf("%q", c.name)
	}
	return "an unnamed coordinate system"
}

// toWGS84 returns the conversion to WGS 84 longitude/latitude, nil when
// the coordinates are already in it.
func (c crsInfo) toWGS84() orb.Projection {
	if c.kind == crsWebMercator {
		return project.Mercator.ToWGS84
	}
	return nil
}

// shapefileCRS reads the text of a .prj. It answers an Invalid error naming
// the CRS when it is neither WGS 84 nor Web Mercator.
func shapefileCRS(prj []byte) (crsInfo, error) {
	text := strings.TrimSpace(strings.TrimPrefix(string(prj), "\xef\xbb\xbf"))
	if text == "" {
		return crsInfo{kind: crsUndetermined}, nil
	}
	c, err := classifyCRSText(text)
	if err != nil {
		return c, &geodata.Error{Code: geodata.Invalid,
			Message: "the .prj file is not a coordinate system definition (WKT) we can read; export the layer again in WGS 84 (EPSG:4326), or remove the .prj if the data is already in longitude/latitude",
			Err:     err}
	}
	if c.kind == crsOther {
		return c, geodata.Errorf(geodata.Invalid,
			"the .prj says the data is in %s; reproject to WGS 84 (EPSG:4326) before uploading, e.g. ogr2ogr -t_srs EPSG:4326 out.shp in.shp", c.label())
	}
	return c, nil
}

// classifyCRSText reads a CRS given as WKT (1 or 2) or as "EPSG:code".
func classifyCRSText(text string) (crsInfo, error) {
	if code, ok := strings.CutPrefix(strings.ToUpper(text), "EPSG:"); ok {
		n, err := strconv.ParseInt(strings.TrimSpace(code), 10, 64)
		if err != nil {
			return crsInfo{}, fmt.Errorf("bad EPSG code %q", code)
		}
		return crsInfo{kind: classifyEPSG(n), code: "EPSG:" + strconv.FormatInt(n, 10)}, nil
	}
	root, err := parseWKT(text)
	if err != nil {
		return crsInfo{}, err
	}
	return classifyWKT(root), nil
}

// classifyEPSG tells the kind of an EPSG (or ESRI) code.
func classifyEPSG(code int64) crsKind {
	switch code {
	case 4326, 4979:
		return crsWGS84
	case 3857, 3785, 900913, 102100, 102113:
		return crsWebMercator
	}
	return crsOther
}

// classifyWKT tells the kind of a parsed WKT CRS.
func classifyWKT(n *wktNode) crsInfo {
	c := crsInfo{kind: crsOther, name: n.name(), code: n.authority()}
	switch n.key {
	case "COMPD_CS", "COMPOUNDCRS":
		for _, k := range n.kids {
			if h := classifyWKT(k); h.kind != crsOther {
				h.name, h.code = c.name, c.code
				return h
			}
		}
		return c
	case "GEOGCS", "GEOGCRS", "GEODCRS", "GEOGRAPHICCRS", "GEODETICCRS":
		if geographicWGS84(n) {
			c.kind = crsWGS84
		}
	case "PROJCS", "PROJCRS", "PROJECTEDCRS":
		if webMercator(n) {
			c.kind = crsWebMercator
		}
	}
	return c
}

// geographicWGS84 tells whether a geographic CRS is WGS 84 in degrees.
func geographicWGS84(n *wktNode) bool {
	if code := n.authority(); code != "" {
		return code == "EPSG:4326" || code == "EPSG:4979" || code == "OGC:CRS84"
	}
	datum := n.child("DATUM", "GEODETICDATUM", "TRF", "ENSEMBLE")
	if datum == nil {
		return false
	}
	d := normalizeCRSName(datum.name())
	if !strings.Contains(d, "wgs84") && !strings.Contains(d, "wgs1984") && !strings.Contains(d, "worldgeodeticsystem1984") {
		return false
	}
	unit := n.child("UNIT", "ANGLEUNIT")
	if unit == nil { // WKT2 may put the unit on each axis only
		return true
	}
	if strings.Contains(normalizeCRSName(unit.name()), "degree") {
		return true
	}
	f, err := strconv.ParseFloat(unit.firstNumber(), 64)
	return err == nil && math.Abs(f-math.Pi/180) < 1e-12
}

// webMercator tells whether a projected CRS is the spherical Mercator of
// web maps, by code, name or projection method.
func webMercator(n *wktNode) bool {
	if code := n.authority(); code != "" {
		_, num, _ := strings.Cut(code, ":")
		v, err := strconv.ParseInt(num, 10, 64)
		return err == nil && classifyEPSG(v) == crsWebMercator
	}
	name := normalizeCRSName(n.name())
	for _, s := range []string{"pseudomercator", "webmercator", "popularvisualisation", "googlemapsglobalmercator"} {
		if strings.Contains(name, s) {
			return true
		}
	}
	if m := n.child("PROJECTION", "METHOD"); m != nil {
		switch normalizeCRSName(m.name()) {
		case "mercatorauxiliarysphere", "popularvisualisationpseudomercator":
			return true
		}
	}
	return false
}

// normalizeCRSName lower-cases a name and keeps only letters and digits, so
// "WGS_1984", "WGS 1984" and "wgs1984" compare equal.
func normalizeCRSName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wktNode is one KEYWORD[...] of a WKT text.
type wktNode struct {
	key   string     // upper-cased keyword
	texts []string   // quoted strings, in order
	words []string   // numbers and bare words, in order
	kids  []*wktNode // nested nodes, in order
}

func (n *wktNode) name() string {
	if len(n.texts) > 0 {
		return n.texts[0]
	}
	return ""
}

func (n *wktNode) firstNumber() string {
	if len(n.words) > 0 {
		return n.words[0]
	}
	return ""
}

// child returns the first direct child with one of the keywords.
func (n *wktNode) child(keys ...string) *wktNode {
	for _, k := range n.kids {
		for _, key := range keys {
			if k.key == key {
				return k
			}
		}
	}
	return nil
}

// authority returns the node's own AUTHORITY["EPSG","4326"] or
// ID["EPSG",4326] as "EPSG:4326", or "".
func (n *wktNode) authority() string {
	a := n.child("AUTHORITY", "ID")
	if a == nil || len(a.texts) == 0 {
		return ""
	}
	code := ""
	switch {
	case len(a.texts) > 1:
		code = a.texts[1]
	case len(a.words) > 0:
		code = a.words[0]
	default:
		return ""
	}
	return strings.ToUpper(strings.TrimSpace(a.texts[0])) + ":" + strings.TrimSpace(code)
}

// parseWKT parses WKT text into its root node.
func parseWKT(s string) (*wktNode, error) {
	p := wktParser{s: s}
	n, err := p.node(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, fmt.Errorf("unexpected text after the WKT at byte %d", p.i)
	}
	return n, nil
}

type wktParser struct {
	s string
	i int
}

func (p *wktParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

// word reads a keyword, number or bare word.
func (p *wktParser) word() string {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '[' || c == '(' || c == ']' || c == ')' || c == ',' || c == '"' || c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			break
		}
		p.i++
	}
	return p.s[start:p.i]
}

func (p *wktParser) node(depth int) (*wktNode, error) {
	if depth > maxWKTDepth {
		return nil, fmt.Errorf("the WKT nests deeper than %d levels", maxWKTDepth)
	}
	p.space()
	key := p.word()
	if key == "" {
		return nil, fmt.Errorf("expected a WKT keyword at byte %d", p.i)
	}
	n := &wktNode{key: strings.ToUpper(key)}
	p.space()
	if p.i >= len(p.s) || (p.s[p.i] != '[' && p.s[p.i] != '(') {
		return nil, fmt.Errorf("expected [ after %s at byte %d", key, p.i)
	}
	open := p.s[p.i]
	p.i++
	for {
		p.space()
		if p.i >= len(p.s) {
			return nil, fmt.Errorf("the WKT ends inside %s", key)
		}
		switch c := p.s[p.i]; {
		case c == '"':
			t, err := p.quoted()
			if err != nil {
				return nil, err
			}
			n.texts = append(n.texts, t)
		default:
			save := p.i
			w := p.word()
			p.space()
			if p.i < len(p.s) && (p.s[p.i] == '[' || p.s[p.i] == '(') && w != "" {
				p.i = save
				k, err := p.node(depth + 1)
				if err != nil {
					return nil, err
				}
				n.kids = append(n.kids, k)
			} else if w != "" {
				n.words = append(n.words, w)
			} else {
				return nil, fmt.Errorf("unexpected %q at byte %d", c, p.i)
			}
		}
		p.space()
		if p.i >= len(p.s) {
			return nil, fmt.Errorf("the WKT ends inside %s", key)
		}
		switch c := p.s[p.i]; {
		case c == ',':
			p.i++
		case (c == ']' && open == '[') || (c == ')' && open == '('):
			p.i++
			return n, nil
		default:
			return nil, fmt.Errorf("unexpected %q at byte %d", c, p.i)
		}
	}
}

// quoted reads a "..." string, where "" stands for one quote.
func (p *wktParser) quoted() (string, error) {
	p.i++ // opening quote
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		if c != '"' {
			b.WriteByte(c)
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == '"' {
			b.WriteByte('"')
			p.i++
			continue
		}
		return b.String(), nil
	}
	return "", fmt.Errorf("a quoted WKT string is not closed")
}

// projectGeometry converts every point of g in place.
func projectGeometry(g orb.Geometry, p orb.Projection) orb.Geometry {
	convert := func(ps []orb.Point) {
		for i := range ps {
			ps[i] = p(ps[i])
		}
	}
	switch x := g.(type) {
	case orb.Point:
		return p(x)
	case orb.MultiPoint:
		convert(x)
	case orb.LineString:
		convert(x)
	case orb.MultiLineString:
		for _, l := range x {
			convert(l)
		}
	case orb.Polygon:
		for _, ring := range x {
			convert(ring)
		}
	case orb.MultiPolygon:
		for _, poly := range x {
			for _, ring := range poly {
				convert(ring)
			}
		}
	case orb.Collection:
		for i := range x {
			x[i] = projectGeometry(x[i], p)
		}
	}
	return g
}
