package formats

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb/geojson"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"

	"github.com/routerisk/routerisk/geodata"
)

// dbfText turns the bytes of .dbf text into strings, in the code page the
// .cpg names or, without one, as UTF-8 falling back to ISO-8859-1.
type dbfText struct {
	dec      *encoding.Decoder // nil: UTF-8, ISO-8859-1 where not valid UTF-8
	name     string            // the code page, for notes
	declared bool              // named by a .cpg
	fellBack bool              // some text was not UTF-8 and was read as ISO-8859-1
}

// dbfTextFromCPG reads a .cpg (present false when the zip has none) and
// returns the decoder with a note for the report, "" when there is none.
func dbfTextFromCPG(cpg []byte, present bool) (*dbfText, string) {
	label := strings.TrimSpace(strings.TrimPrefix(string(cpg), "\xef\xbb\xbf"))
	if !present || label == "" {
		return &dbfText{name: "UTF-8"}, ""
	}
	key := strings.ToUpper(strings.NewReplacer("-", "", "_", "", " ", "").Replace(label))
	switch key {
	case "UTF8", "65001":
		return &dbfText{name: "UTF-8", declared: true}, ""
	case "ISO88591", "88591", "LATIN1", "28591", "ISOLATIN1", "L1":
		return &dbfText{dec: charmap.ISO8859_1.NewDecoder(), name: "ISO-8859-1", declared: true}, ""
	case "1252", "CP1252", "WINDOWS1252", "ANSI1252", "WIN1252":
		return &dbfText{dec: charmap.Windows1252.NewDecoder(), name: "windows-1252", declared: true}, ""
	}
	name := label
	switch {
	case len(key) == 4 && strings.HasPrefix(key, "125"):
		name = "windows-" + key
	case strings.HasPrefix(key, "CP125") && len(key) == 6:
		name = "windows-" + key[2:]
	case strings.HasPrefix(key, "8859") && len(key) > 4:
		name = "iso-8859-" + key[4:]
	case strings.HasPrefix(key, "ISO8859") && len(key) > 7:
		name = "iso-8859-" + key[7:]
	}
	if e, err := htmlindex.Get(name); err == nil {
		canonical, _ := htmlindex.Name(e)
		return &dbfText{dec: e.NewDecoder(), name: canonical, declared: true},
			fmt.Sprintf("text read as %s, the code page the .cpg names", canonical)
	}
	return &dbfText{name: "UTF-8"},
		fmt.Sprintf("the .cpg names code page %q, which is not supported; text read as UTF-8, or ISO-8859-1 where it is not UTF-8", label)
}

// decode turns field bytes into a string.
func (t *dbfText) decode(b []byte) string {
	if t.dec != nil {
		s, err := t.dec.Bytes(b)
		if err != nil {
			return strings.ToValidUTF8(string(b), "\uFFFD")
		}
		return string(s)
	}
	if utf8.Valid(b) {
		return string(b)
	}
	// A writer that cut UTF-8 text at the field width may leave half a
	// character at the end: drop it rather than misread the whole value.
	if cut := trimPartialRune(b); utf8.Valid(cut) {
		return string(cut)
	}
	t.fellBack = true
	s, _ := charmap.ISO8859_1.NewDecoder().Bytes(b)
	return string(s)
}

// note tells what the decoding did, once reading is over; "" when nothing
// worth saying happened.
func (t *dbfText) note() string {
	if !t.fellBack {
		return ""
	}
	if t.declared {
		return "the .cpg says UTF-8 but some text is not; that text was read as ISO-8859-1 (Latin-1)"
	}
	return "the zip has no .cpg naming the .dbf code page and some text is not UTF-8; that text was read as ISO-8859-1 (Latin-1)"
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			return b
		}
	}
	return b
}

// dbfField is one column of a .dbf.
type dbfField struct {
	name   string
	typ    byte
	offset int // within the record, after the deletion flag
	width  int
	skip   bool // a type we do not read
}

// dbfValueIssue is a value kept as found but worth flagging.
type dbfValueIssue struct {
	field, code, message string
}

// dbfReader reads a .dbf one record at a time, so memory holds one record
// whatever the file size.
type dbfReader struct {
	r       io.Reader
	text    *dbfText
	fields  []dbfField
	columns []string // names of the fields read, in file order
	notes   []string
	count   int // records the header announces
	read    int // records read so far
	rec     []byte
	ended   bool // the file ended before count records
}

// newDBFReader reads the .dbf header and field descriptors from r.
func newDBFReader(r io.Reader, text *dbfText, lim Limits) (*dbfReader, error) {
	lim = lim.WithDefaults()
	var head [32]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, dbfReadError("the .dbf is too short to be a dBase table", err)
	}
	count := binary.LittleEndian.Uint32(head[4:8])
	headerLen := int(binary.LittleEndian.Uint16(head[8:10]))
	recLen := int(binary.LittleEndian.Uint16(head[10:12]))
	if headerLen < 33 {
		return nil, geodata.Errorf(geodata.Invalid, "the .dbf header is %d bytes long, too short for a dBase table; export the layer again", headerLen)
	}
	rest := make([]byte, headerLen-32)
	if _, err := io.ReadFull(r, rest); err != nil {
		return nil, dbfReadError("the .dbf ends inside its header", err)
	}
	d := &dbfReader{r: r, text: text, count: int(min(count, math.MaxInt32))}
	if err := d.readFields(rest, lim); err != nil {
		return nil, err
	}
	end := 1
	if n := len(d.fields); n > 0 {
		end = 1 + d.fields[n-1].offset + d.fields[n-1].width
	}
	if recLen < end {
		if d.count > 0 {
			return nil, geodata.Errorf(geodata.Invalid,
				"the .dbf says its records are %d bytes long but its fields need %d; the table is damaged, export the layer again", recLen, end)
		}
		recLen = end
	}
	d.rec = make([]byte, recLen)
	return d, nil
}

// readFields parses the field descriptors.
func (d *dbfReader) readFields(desc []byte, lim Limits) error {
	offset := 0
	seen := map[string]bool{}
	var skipped []string
	for i := 0; i+32 <= len(desc) && desc[i] != 0x0D; i += 32 {
		fd := desc[i : i+32]
		raw := fd[:11]
		if z := bytes.IndexByte(raw, 0); z >= 0 {
			raw = raw[:z]
		}
		name := strings.TrimSpace(d.text.decode(raw))
		if name == "" {
			name = fmt.Sprintf("field_%d", len(d.fields)+1)
		}
		if seen[name] {
			base := name
			for n := 2; seen[name]; n++ {
				name = fmt.Sprintf("%s_%d", base, n)
			}
			d.notes = append(d.notes, fmt.Sprintf("the .dbf has two fields named %q; the second was read as %q", base, name))
		}
		seen[name] = true
		f := dbfField{name: name, typ: fd[11], offset: offset, width: int(fd[16])}
		if f.typ == 'C' {
			f.width += int(fd[17]) << 8 // long text fields keep the high byte in the decimal count
		}
		offset += f.width
		switch f.typ {
		case 'C', 'N', 'F', 'L', 'D':
		case 'M':
			f.skip = true
			skipped = append(skipped, fmt.Sprintf("%q (memo)", name))
		default:
			f.skip = true
			skipped = append(skipped, fmt.Sprintf("%q (type %q)", name, string(rune(f.typ))))
		}
		if !f.skip {
			if f.width > lim.MaxValueLength {
				return geodata.Errorf(geodata.TooLarge, "the .dbf field %q is %d bytes wide, more than %d (limit max_value_length)", name, f.width, lim.MaxValueLength)
			}
			d.columns = append(d.columns, name)
		}
		d.fields = append(d.fields, f)
	}
	if len(d.columns) > lim.MaxProperties {
		return geodata.Errorf(geodata.TooLarge, "the .dbf has %d fields, more than %d (limit max_properties)", len(d.columns), lim.MaxProperties)
	}
	if len(skipped) > 0 {
		d.notes = append(d.notes, fmt.Sprintf("the .dbf fields %s were not read: only text (C), number (N, F), logical (L) and date (D) fields are; memo text lives in a .dbt file uploads do not carry",
			strings.Join(skipped, ", ")))
	}
	return nil
}

// next reads the next record. It answers io.EOF after the last one;
// deleted is true for a record marked deleted, whose props are nil.
func (d *dbfReader) next() (props geojson.Properties, deleted bool, issues []dbfValueIssue, err error) {
	if d.read >= d.count || d.ended {
		return nil, false, nil, io.EOF
	}
	if _, err := io.ReadFull(d.r, d.rec[:1]); err != nil {
		return nil, false, nil, d.endEarly(err)
	}
	if d.rec[0] == 0x1A { // end-of-file marker
		return nil, false, nil, d.endEarly(io.EOF)
	}
	if _, err := io.ReadFull(d.r, d.rec[1:]); err != nil {
		return nil, false, nil, d.endEarly(err)
	}
	d.read++
	if d.rec[0] == '*' {
		return nil, true, nil, nil
	}
	props = make(geojson.Properties, len(d.columns))
	body := d.rec[1:]
	for _, f := range d.fields {
		if f.skip {
			continue
		}
		v, is := d.value(f, body[f.offset:f.offset+f.width])
		props[f.name] = v
		if is != nil {
			issues = append(issues, *is)
		}
	}
	return props, false, issues, nil
}

// endEarly handles a file that ends before the records its header
// announces: io.EOF with a note, or the read error.
func (d *dbfReader) endEarly(err error) error {
	if err != io.EOF && err != io.ErrUnexpectedEOF {
		return err
	}
	d.ended = true
	d.notes = append(d.notes, fmt.Sprintf("the .dbf announces %d records but holds %d", d.count, d.read))
	return io.EOF
}

// value reads one field of one record as a property value.
func (d *dbfReader) value(f dbfField, raw []byte) (any, *dbfValueIssue) {
	switch f.typ {
	case 'C':
		s := d.text.decode(bytes.TrimRight(raw, " \x00"))
		if s == "" {
			return nil, nil
		}
		return s, nil
	case 'N', 'F':
		s := string(bytes.Trim(raw, " \x00"))
		if s == "" || strings.Trim(s, "*") == "" {
			return nil, nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return s, &dbfValueIssue{field: f.name, code: "not_a_number",
				message: fmt.Sprintf("the number field %q holds %q, which is not a finite number; it was kept as text", f.name, s)}
		}
		return v, nil
	case 'L':
		switch s := string(bytes.Trim(raw, " \x00")); s {
		case "T", "t", "Y", "y":
			return true, nil
		case "F", "f", "N", "n":
			return false, nil
		case "", "?":
			return nil, nil
		default:
			return nil, &dbfValueIssue{field: f.name, code: "not_a_boolean",
				message: fmt.Sprintf("the logical field %q holds %q, which is neither true nor false; it was left empty", f.name, s)}
		}
	case 'D':
		s := string(bytes.Trim(raw, " \x00"))
		if s == "" || strings.Trim(s, "0") == "" {
			return nil, nil
		}
		t, err := time.Parse("20060102", s)
		if err != nil {
			return s, &dbfValueIssue{field: f.name, code: "not_a_date",
				message: fmt.Sprintf("the date field %q holds %q, which is not a YYYYMMDD date; it was kept as text", f.name, s)}
		}
		return t.Format("2006-01-02"), nil
	}
	return nil, nil
}

// dbfReadError turns a short read into an Invalid error.
func dbfReadError(msg string, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return geodata.Errorf(geodata.Invalid, "%s; export the layer again", msg)
	}
	return err
}
