package formats

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/paulmach/orb/geojson"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/routerisk/routerisk/geodata"
)

// This file holds what the XML readers (KML, GPX) share to read uploads
// safely: a token stream that refuses DOCTYPE and ENTITY declarations,
// bounds element nesting, converts the few character encodings GIS tools
// write, and turns parser failures into errors a GIS person can act on; and
// a tally that enforces the feature, vertex and property limits.

// maxXMLDepth bounds element nesting; real KML and GPX files nest a few
// dozen levels at most.
const maxXMLDepth = 512

// xmlStream reads the elements and text of one XML upload. Comments and
// processing instructions are dropped; declarations (<!DOCTYPE, <!ENTITY)
// end the read with an Invalid error, so no entity is ever defined, expanded
// or fetched.
type xmlStream struct {
	dec   *xml.Decoder
	kind  string // "KML" or "GPX", for messages
	depth int
	// converted names the encoding the file was converted from, when it was
	// not UTF-8.
	converted string
}

// newXMLStream prepares r for reading. UTF-16 (told by its byte-order mark
// or by the first "<" being paired with a zero byte) is converted to UTF-8
// before the parser sees it; a UTF-8 byte-order mark is dropped.
func newXMLStream(r io.Reader, kind string) *xmlStream {
	s := &xmlStream{kind: kind}
	br := bufio.NewReader(r)
	head, _ := br.Peek(4)
	var in io.Reader = br
	fromUTF16 := false
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), len(head) >= 2 && head[0] == '<' && head[1] == 0:
		in = transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder())
		fromUTF16 = true
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}), len(head) >= 2 && head[0] == 0 && head[1] == '<':
		in = transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder())
		fromUTF16 = true
	}
	if fromUTF16 {
		s.converted = "UTF-16"
	}
	s.dec = xml.NewDecoder(in)
	s.dec.Strict = true
	s.dec.Entity = nil
	s.dec.CharsetReader = s.charsetReader(fromUTF16)
	return s
}

// charsetReader converts the encodings a file may declare in its XML
// declaration: UTF-8 (and its subset US-ASCII), ISO-8859-1 (latin1),
// windows-1252 and UTF-16. By the time the parser reads a declaration the
// bytes are already UTF-8 or 8-bit, so a UTF-16 label needs no conversion;
// when the byte-order mark said UTF-16 it wins over the label, as XML says.
func (s *xmlStream) charsetReader(fromUTF16 bool) func(string, io.Reader) (io.Reader, error) {
	return func(label string, in io.Reader) (io.Reader, error) {
		name := strings.ToLower(strings.TrimSpace(label))
		switch {
		case fromUTF16, name == "utf-16", name == "utf-16le", name == "utf-16be", name == "utf16",
			name == "utf8", name == "us-ascii", name == "ascii":
			return in, nil
		case name == "iso-8859-1", name == "iso8859-1", name == "iso_8859-1", name == "latin1",
			name == "latin-1", name == "l1", name == "iso-ir-100", name == "cp819", name == "ibm819":
			s.converted = "ISO-8859-1"
			return charmap.ISO8859_1.NewDecoder().Reader(in), nil
		case name == "windows-1252", name == "cp1252", name == "x-cp1252":
			s.converted = "windows-1252"
			return charmap.Windows1252.NewDecoder().Reader(in), nil
		}
		return nil, geodata.Errorf(geodata.Invalid,
			"the %s file declares the character encoding %q, which is not supported; save it as UTF-8 (ISO-8859-1, windows-1252 and UTF-16 are read too)",
			s.kind, label)
	}
}

// token returns the next start element, end element or text. It returns
// io.EOF at the end of the input and a *geodata.Error for anything else.
func (s *xmlStream) token() (xml.Token, error) {
	for {
		tok, err := s.dec.Token()
		if err != nil {
			if err == io.EOF {
				return nil, io.EOF
			}
			return nil, s.readError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			s.depth++
			if s.depth > maxXMLDepth {
				return nil, geodata.Errorf(geodata.Invalid,
					"the %s file nests elements more than %d levels deep; no real %s file does, so it is refused", s.kind, maxXMLDepth, s.kind)
			}
			return t, nil
		case xml.EndElement:
			s.depth--
			return t, nil
		case xml.CharData:
			return t, nil
		case xml.Directive:
			return nil, s.directiveError(t)
		}
		// Comments and processing instructions carry no data.
	}
}

// directiveError explains why a <!DOCTYPE> or <!ENTITY> declaration is refused.
func (s *xmlStream) directiveError(d xml.Directive) error {
	word := strings.ToUpper(strings.TrimSpace(string(d)))
	if i := strings.IndexAny(word, " \t\r\n["); i > 0 {
		word = word[:i]
	}
	if len(word) > 16 {
		word = word[:16]
	}
	return geodata.Errorf(geodata.Invalid,
		"the %s file contains a <!%s> declaration, which is refused for safety: it can define entities that expand without end or read other files. %s files need no such declaration; remove it and upload the file again",
		s.kind, word, s.kind)
}

// readError turns a parser or reader failure into a *geodata.Error.
func (s *xmlStream) readError(err error) error {
	var ge *geodata.Error
	if errors.As(err, &ge) {
		return ge
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &geodata.Error{Code: geodata.Invalid, Err: err, Message: fmt.Sprintf(
			"the %s file is not well-formed XML (line %d: %s); check that every tag is closed and that the file was not cut short",
			s.kind, se.Line, se.Msg)}
	}
	return &geodata.Error{Code: geodata.Invalid, Err: err, Message: fmt.Sprintf(
		"the %s file could not be read to the end; check that it is not damaged and upload it again", s.kind)}
}

// root reads up to the document element and checks its name (want, e.g.
// "kml"). An empty or non-XML file gets an error saying so.
func (s *xmlStream) root(want string) (xml.StartElement, error) {
	sawText := false
	for {
		tok, err := s.token()
		if err == io.EOF {
			if !sawText {
				return xml.StartElement{}, geodata.Errorf(geodata.Invalid, "the %s file is empty", s.kind)
			}
			return xml.StartElement{}, s.notThisFormat("it holds text but no XML elements")
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return xml.StartElement{}, s.notThisFormat(fmt.Sprintf("it does not begin like an XML file (line %d: %s)", se.Line, se.Msg))
		}
		if err != nil {
			return xml.StartElement{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != want {
				return xml.StartElement{}, s.notThisFormat(fmt.Sprintf("its first element is <%s>, not <%s>", t.Name.Local, want))
			}
			return t, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				sawText = true
			}
		}
	}
}

func (s *xmlStream) notThisFormat(why string) error {
	return geodata.Errorf(geodata.Invalid,
		"the file is not %s: %s; upload a %s file exported from a GIS or GPS tool", s.kind, why, s.kind)
}

// skip consumes the rest of the element whose start was just read.
func (s *xmlStream) skip() error {
	stop := s.depth - 1
	for s.depth > stop {
		if _, err := s.token(); err != nil {
			return s.unexpectedEnd(err)
		}
	}
	return nil
}

// children calls visit for every child element of the element whose start
// was just read, until its end. visit must consume the child it is given.
func (s *xmlStream) children(visit func(xml.StartElement) error) error {
	stop := s.depth - 1
	for s.depth > stop {
		tok, err := s.token()
		if err != nil {
			return s.unexpectedEnd(err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if err := visit(se); err != nil {
				return err
			}
		}
	}
	return nil
}

// text consumes the rest of the element whose start was just read and
// returns all the text inside it, nested elements' text included. A limit
// above zero bounds the bytes kept: past it, text stops and reports tooLong
// (the element is then left partly read).
func (s *xmlStream) text(limit int) (value []byte, tooLong bool, err error) {
	stop := s.depth - 1
	var buf []byte
	for s.depth > stop {
		tok, err := s.token()
		if err != nil {
			return nil, false, s.unexpectedEnd(err)
		}
		if cd, ok := tok.(xml.CharData); ok {
			if limit > 0 && len(buf)+len(cd) > limit {
				return nil, true, nil
			}
			buf = append(buf, cd...)
		}
	}
	return buf, false, nil
}

// unexpectedEnd maps io.EOF inside an element (which a strict parser
// reports itself, but a reader may not) to an Invalid error.
func (s *xmlStream) unexpectedEnd(err error) error {
	if err == io.EOF {
		return geodata.Errorf(geodata.Invalid,
			"the %s file ends inside an element; check that it was not cut short", s.kind)
	}
	return err
}

// xmlAttr returns the value of the attribute with the given local name.
func xmlAttr(se xml.StartElement, local string) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// xmlTally keeps the counts of an XML decoder: it numbers the features read,
// enforces the limits while reading and records accepted and rejected
// features in the output's report.
type xmlTally struct {
	lim      Limits
	out      *Decoded
	vertices int
}

// startFeature counts one more feature read and returns its 1-based position.
func (t *xmlTally) startFeature() (int, error) {
	if t.out.Report.Read >= t.lim.MaxFeatures {
		return 0, &geodata.Error{Code: geodata.TooLarge,
			Message: fmt.Sprintf("the file has more than %d features (limit max_features)", t.lim.MaxFeatures),
			Details: map[string]any{"limit": "max_features", "max": t.lim.MaxFeatures}}
	}
	t.out.Report.Read++
	return t.out.Report.Read, nil
}

// addVertices counts n more coordinates read.
func (t *xmlTally) addVertices(n int) error {
	t.vertices += n
	if t.vertices > t.lim.MaxVertices {
		return &geodata.Error{Code: geodata.TooLarge,
			Message: fmt.Sprintf("the file has more than %d coordinates (limit max_vertices)", t.lim.MaxVertices),
			Details: map[string]any{"limit": "max_vertices", "max": t.lim.MaxVertices}}
	}
	return nil
}

// setProperty sets props[key], failing when the feature would get more
// properties than the limit allows.
func (t *xmlTally) setProperty(feature int, props geojson.Properties, key string, v any) error {
	if _, ok := props[key]; !ok && len(props) >= t.lim.MaxProperties {
		return &geodata.Error{Code: geodata.TooLarge,
			Message: fmt.Sprintf("feature %d has more than %d properties (limit max_properties)", feature, t.lim.MaxProperties),
			Details: map[string]any{"limit": "max_properties", "max": t.lim.MaxProperties, "feature": feature}}
	}
	props[key] = v
	return nil
}

// valueTooLong is the error for a property value over MaxValueLength.
func (t *xmlTally) valueTooLong(feature int, field string) error {
	return &geodata.Error{Code: geodata.TooLarge,
		Message: fmt.Sprintf("feature %d has a %q value longer than %d bytes (limit max_value_length)", feature, field, t.lim.MaxValueLength),
		Details: map[string]any{"limit": "max_value_length", "max": t.lim.MaxValueLength, "feature": feature, "field": field}}
}

// accept adds f to the output.
func (t *xmlTally) accept(f *geojson.Feature) {
	t.out.Report.Accepted++
	t.out.Features = append(t.out.Features, f)
}

// reject leaves the feature at position feature out, with an issue on its geometry.
func (t *xmlTally) reject(feature int, id, code, message string) {
	t.out.Report.Rejected++
	t.out.Report.Add(geodata.Issue{Feature: feature, ID: id, Field: "geometry", Code: code, Message: message, Action: geodata.Rejected})
}
