package mmp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/paulmach/orb/geojson"
	"github.com/routerisk/routerisk/geodata"
)

// Geo precision values of an incident feature (see geodata.MarkPileUps
// for the rule applied to the whole layer).
const (
	PrecisionExact       = geodata.PrecisionExact
	PrecisionApproximate = geodata.PrecisionApproximate
)

// Page is one named page of the MMP API, for DecodeAPIJSONPages.
type Page struct {
	Name string    // shown in issue messages and errors, e.g. the file name
	R    io.Reader // the page's JSON
}

// DecodeAPIJSON reads one MMP API JSON page (a JSON array of incident
// records) into point features and an import report. A page that is not
// such an array is a *geodata.Error with code Invalid; problems with single
// records are in the report.
func DecodeAPIJSON(r io.Reader) ([]*geojson.Feature, geodata.Report, error) {
	return DecodeAPIJSONPages(Page{Name: "input", R: r})
}

// DecodeAPIJSONPages reads several API pages into one layer, so that a
// record repeated on another page is recognised as a duplicate. The first
// page that is not an array of records stops the import with a
// *geodata.Error (Invalid) naming it.
func DecodeAPIJSONPages(pages ...Page) ([]*geojson.Feature, geodata.Report, error) {
	d := NewDecoder()
	for _, p := range pages {
		if err := d.DecodePage(p.Name, p.R); err != nil {
			return nil, geodata.Report{}, err
		}
	}
	return d.Features(), d.Report(), nil
}

// Decoder accumulates MMP API pages into one incident layer. It remembers
// every record and web_id it has seen, so exact duplicates are rejected
// and repeated ids made unique across pages. A Decoder is not safe for
// concurrent use.
type Decoder struct {
	// MaxIssuesPerCode caps how many issues of one code the report lists;
	// Report.Counts stay complete. Zero means DefaultMaxIssuesPerCode, a
	// negative value lists every issue. Set it before the first page.
	MaxIssuesPerCode int

	features []*geojson.Feature
	report   geodata.Report
	log      *issueLog
	rows     map[[32]byte]string // record content → where it was first seen
	ids      map[string]int      // base feature id → times used
	used     map[string]bool     // feature ids handed out
	unknown  map[string]bool     // unknown keys already reported
}

// NewDecoder returns a Decoder with no pages read. The zero Decoder is
// ready to use too.
func NewDecoder() *Decoder { return &Decoder{} }

// Features returns the features decoded so far, in input order. The slice
// is the decoder's own; it grows with later pages.
func (d *Decoder) Features() []*geojson.Feature { return d.features }

// Report returns a copy of the import report so far.
func (d *Decoder) Report() geodata.Report {
	r := d.report
	r.Counts = make(map[string]int, len(d.report.Counts))
	for k, v := range d.report.Counts {
		r.Counts[k] = v
	}
	r.Issues = append([]geodata.Issue{}, d.report.Issues...)
	return r
}

// DecodePage reads one API page. A page that cannot be read as a JSON
// array of records is rejected as a whole, with a *geodata.Error (Invalid),
// and leaves the decoder unchanged; so does a reader that fails (Internal).
func (d *Decoder) DecodePage(name string, r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return &geodata.Error{Code: geodata.Internal, Message: fmt.Sprintf("%s could not be read", name), Err: err}
	}
	records, err := splitPage(name, data)
	if err != nil {
		return err
	}
	if d.log == nil {
		d.rows = map[[32]byte]string{}
		d.ids = map[string]int{}
		d.used = map[string]bool{}
		d.unknown = map[string]bool{}
		max := d.MaxIssuesPerCode
		if max == 0 {
			max = DefaultMaxIssuesPerCode
		}
		d.log = &issueLog{report: &d.report, max: max}
	}
	for i, rec := range records {
		d.addRecord(name, i, rec)
	}
	return nil
}

// splitPage checks the page shape and returns its records undecoded.
func splitPage(name string, data []byte) ([]json.RawMessage, error) {
	invalid := func(format string, args ...any) error {
		return &geodata.Error{
			Code:    geodata.Invalid,
			Message: name + ": " + fmt.Sprintf(format, args...),
			Details: map[string]any{"file": name},
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return nil, invalid("the file is empty; expected a JSON array of MMP incident records")
	}
	if err != nil {
		return nil, invalid("not valid JSON (%v); expected a JSON array of MMP incident records", err)
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '[' {
		return nil, invalid("found %s; expected a JSON array of MMP incident records as the API returns them", describeToken(tok))
	}
	var records []json.RawMessage
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, invalid("record %d is not valid JSON (%v)", len(records)+1, err)
		}
		records = append(records, raw)
	}
	if _, err := dec.Token(); err != nil {
		return nil, invalid("the array is not closed (%v)", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, invalid("unexpected data after the array of records")
	}
	objects, recognised := 0, false
	for _, raw := range records {
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			continue
		}
		objects++
		if _, ok := m["web_id"]; ok {
			recognised = true
		}
		if _, ok := m[fieldCoordinates]; ok {
			recognised = true
		}
		if _, ok := m[fieldCoordinatesFixed]; ok {
			recognised = true
		}
		if recognised {
			break
		}
	}
	if objects > 0 && !recognised {
		return nil, invalid("no record has web_id or location_coodinates; this is not an MMP API page")
	}
	return records, nil
}

func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return "a JSON object"
		}
		return "a stray " + t.String()
	case string:
		return "a JSON string"
	case float64, json.Number:
		return "a JSON number"
	case bool:
		return "a JSON boolean"
	case nil:
		return "null"
	}
	return "something else"
}
