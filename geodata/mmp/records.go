package mmp

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// AddRecords decodes incident records that do not come from an API page —
// the rows of an MMP CSV export, for instance — with the same checks and
// repairs as DecodePage. Each record maps API field names (web_id,
// reported_date, location_coodinates, number_dead, …) to values as text;
// keys the API does not define are kept as DecodePage keeps them. Text
// that is a JSON number is read as a number, so number_as_string is not
// counted for data that has no JSON types. reported_date must already be
// ISO (YYYY-MM-DD, or YYYY-MM for a month) to be read as a date.
//
// name is shown in issue messages ("name record 3", records numbered from
// 1 in each call); Feature positions in the report continue over every
// page and call, as duplicates are found across them.
//
// A web_id that is a whole number — the "Web ID" of MMP exports before
// 2021 — is kept as the feature id, made unique like any other
// (duplicate_id, ~2, ~3, …), rather than replaced by an id derived from
// the record's content; it is not reported as free_text_id.
func (d *Decoder) AddRecords(name string, records []map[string]string) {
	d.ready()
	for i, rec := range records {
		raw := recordJSON(rec)
		if id := strings.TrimSpace(rec[fieldID]); legacyWebIDPattern.MatchString(id) {
			d.addLegacyRecord(name, i, raw, id)
			continue
		}
		d.addRecord(name, i, raw)
	}
}

// ready prepares the decoder's state before its first record, as
// DecodePage does.
func (d *Decoder) ready() {
	if d.log != nil {
		return
	}
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

// legacyWebIDPattern matches the numeric Web IDs of the older exports.
var legacyWebIDPattern = regexp.MustCompile(`^\d{1,12}$`)

// jsonNumberPattern is the JSON grammar of a number.
var jsonNumberPattern = regexp.MustCompile(`^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$`)

// recordJSON encodes a text record as the JSON object addRecord reads,
// keys in sorted order so that equal records hash equally.
func recordJSON(rec map[string]string) json.RawMessage {
	keys := make([]string, 0, len(rec))
	for k := range rec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(k) // a string always marshals
		b.Write(key)
		b.WriteByte(':')
		if v := rec[k]; jsonNumberPattern.MatchString(v) {
			b.WriteString(v)
		} else {
			val, _ := json.Marshal(v)
			b.Write(val)
		}
	}
	b.WriteByte('}')
	return json.RawMessage(b.String())
}

// addLegacyRecord decodes a record whose web_id is a legacy number. The
// record goes through addRecord like any other, with its issues held
// back; the content-derived id addRecord gives is then replaced by the
// number, and the issues are logged with that id and without the
// free_text_id that no longer applies.
func (d *Decoder) addLegacyRecord(name string, i int, raw json.RawMessage, webID string) {
	log := d.log
	var held geodata.Report
	d.log = &issueLog{report: &held, max: -1}
	before := len(d.features)
	d.addRecord(name, i, raw)
	d.log = log

	var f *geojson.Feature
	if len(d.features) > before {
		f = d.features[before]
	}
	var extra []geodata.Issue
	if f != nil {
		id := d.uniqueID(webID)
		f.ID = id
		var flags []string
		if s, _ := f.Properties["flags"].(string); s != "" {
			for _, c := range strings.Split(s, ",") {
				if c != CodeFreeTextID {
					flags = append(flags, c)
				}
			}
		}
		if id != webID {
			flags = append(flags, CodeDuplicateID)
			extra = append(extra, geodata.Issue{Feature: d.report.Read, ID: id, Field: fieldID, Code: CodeDuplicateID, Action: geodata.Flagged,
				Message: fmt.Sprintf("%s record %d: web_id %s was used by an earlier record with other content; this one is %s", name, i+1, webID, id)})
		}
		if len(flags) > 0 {
			f.Properties["flags"] = strings.Join(uniqueSorted(flags), ",")
		} else {
			delete(f.Properties, "flags")
		}
	}
	for code, n := range held.Counts {
		if cosmetic(code) {
			for range n {
				log.add(geodata.Issue{Code: code})
			}
		}
	}
	for _, is := range append(held.Issues, extra...) {
		if is.Code == CodeFreeTextID {
			continue
		}
		if f != nil {
			is.ID = f.ID.(string)
		}
		log.add(is)
	}
}
