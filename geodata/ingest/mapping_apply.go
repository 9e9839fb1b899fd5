package ingest

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/mmp"
	"github.com/routerisk/routerisk/geodata/vocab"
	"github.com/routerisk/routerisk/geodata/workers"
)

// ApplyMapping turns features with a file's properties into features with
// the normalised properties of kind, in place, and returns them. Mapped
// properties are renamed to their field and their values read:
//
//   - text trimmed (counted under trailing_whitespace, never listed);
//   - dates to YYYY-MM-DD (ParseDate; the day/month order of a column is
//     inferred from its values, InferDateOrder); a month alone is kept as
//     YYYY-MM and flagged month_only_date; an ambiguous or unreadable date
//     is dropped, its text kept in <field>_reported;
//   - counts to ints: "" and NA are absent, "1.0" is 1, a negative dead or
//     missing becomes 0 (raw kept in <field>_reported), negative survivors
//     are dropped as unknown (as the MMP importer does), text that is not a
//     whole number is dropped;
//   - source_quality 1–5, referral_required yes/no, route mode and
//     geo_precision onto their vocabularies;
//   - incident route onto the MMP route names (mmp.CanonicalRoute), and
//     cause_category added from cause (mmp.CauseCategory; Mixed or unknown
//     without a cause);
//   - service category onto the category vocabulary (hospital, clinic,
//     pharmacy → health, …), the file's own value kept in
//     category_reported when it differs; an unknown category is kept and
//     flagged;
//   - the id column becomes the feature id.
//
// Unmapped properties keep their names, trimmed and cut to 64 bytes; a
// name the mapping writes is prefixed orig_. "flags" lists the codes of
// the issues found in the feature. A feature is never dropped here: an
// unusable value is removed and reported. Issues name the feature's
// 1-based position in features, its id, the field and what to do; at
// most mmp.DefaultMaxIssuesPerCode are listed per code (rep.Counts stay
// complete) and rep.Repaired counts the features with a repaired value.
// rep may be nil. Each feature's properties map is emptied and filled
// with its new properties, so no two features may share one.
func ApplyMapping(kind geodata.Kind, m Mapping, features []*geojson.Feature, rep *geodata.Report) []*geojson.Feature {
	if rep == nil {
		rep = &geodata.Report{}
	}
	return applyMapping(kind, m, features, rep, min(runtime.GOMAXPROCS(0), len(features)/applyChunk))
}

// applyChunk is the fewest features one goroutine of ApplyMapping maps:
// a file of fewer than twice as many is mapped by one.
const applyChunk = 16 << 10

// applyMapping is ApplyMapping over n goroutines (one when n < 2), each
// mapping one run of the features with a mapper of its own; their issues
// are merged in feature order, so the report is the one a single
// goroutine gives.
func applyMapping(kind geodata.Kind, m Mapping, features []*geojson.Feature, rep *geodata.Report, n int) []*geojson.Feature {
	mp := newMapper(kind, m, features, rep)
	if n < 2 {
		mp.applyRun(features, 0)
		return features
	}
	parts := make([]*mapper, n)
	var g workers.Group
	for k := range n {
		lo, hi := k*len(features)/n, (k+1)*len(features)/n
		parts[k] = mp.fork()
		g.Go(func() { parts[k].applyRun(features[lo:hi], lo) })
	}
	g.Wait()
	for _, part := range parts {
		mp.merge(part)
	}
	return features
}

// applyRun maps features, the first of which is at position first+1 in
// the file.
func (mp *mapper) applyRun(features []*geojson.Feature, first int) {
	for i, f := range features {
		if f != nil {
			mp.apply(first+i+1, f)
		}
	}
}

// fork returns a mapper for one run of the features: it shares what mp
// worked out for the file and reports to a report of its own.
func (mp *mapper) fork() *mapper {
	part := *mp
	part.rep = &geodata.Report{}
	part.log = newIssueSink(part.rep, mp.log.max)
	part.strs, part.nums, part.ints, part.causes = map[string]any{}, make([]any, len(mp.nums)), make([]any, len(mp.ints)), map[string]string{}
	part.scratch = nil
	return &part
}

// merge adds the report of part, which mapped the run after those merged
// before it, to mp's: its counts, its repaired features and, up to the
// limit per code, its issues.
func (mp *mapper) merge(part *mapper) {
	mp.rep.Repaired += part.rep.Repaired
	for code, n := range part.rep.Counts {
		if mp.rep.Counts == nil {
			mp.rep.Counts = map[string]int{}
		}
		mp.rep.Counts[code] += n
	}
	for _, is := range part.rep.Issues {
		if mp.log.listed[is.Code] < mp.log.max {
			mp.log.listed[is.Code]++
			mp.rep.Issues = append(mp.rep.Issues, is)
		}
	}
}

// mapper holds what ApplyMapping works out once per file.
type mapper struct {
	kind     geodata.Kind
	m        Mapping
	active   []fieldSpec     // fields the mapping names
	sources  map[string]bool // property names the mapping reads
	reserved map[string]bool // property names the mapping writes
	orders   map[string]DateOrder
	log      *issueSink
	rep      *geodata.Report
	strs     map[string]any // shared boxed short strings (see share)
	nums     []any          // shared boxed float64 whole numbers 0..4095
	ints     []any          // shared boxed ints 0..4095
	// causes remembers the category of each cause text met: in the
	// Missing Migrants record a text recurs about ten times (1,866
	// distinct in 17,772 records), and classifying one runs every rule.
	causes map[string]string
	// scratch gathers one feature's new properties (apply).
	scratch geojson.Properties
}

// maxCauses bounds the remembered cause texts, so a file of unique texts
// cannot grow the memo without end.
const maxCauses = 1 << 14

// causeCategory is mmp.CauseCategory, remembered per text.
func (mp *mapper) causeCategory(cause string) string {
	if c, ok := mp.causes[cause]; ok {
		return c
	}
	c := mmp.CauseCategory(cause)
	if len(mp.causes) < maxCauses {
		mp.causes[cause] = c
	}
	return c
}

func newMapper(kind geodata.Kind, m Mapping, features []*geojson.Feature, rep *geodata.Report) *mapper {
	mp := &mapper{kind: kind, m: m, sources: map[string]bool{}, reserved: map[string]bool{}, orders: map[string]DateOrder{},
		log: newIssueSink(rep, mmp.DefaultMaxIssuesPerCode), rep: rep, strs: map[string]any{}, nums: make([]any, 4096), ints: make([]any, 4096), causes: map[string]string{}}
	for _, s := range fieldSpecs(kind) {
		if s.typ != typeID { // the id goes to the feature, not its properties
			mp.reserved[s.name] = true
		}
		if src := m[s.name]; src != "" {
			mp.active = append(mp.active, s)
			mp.sources[src] = true
		}
	}
	for _, n := range derivedNames(kind) {
		mp.reserved[n] = true
	}
	for _, s := range mp.active {
		if s.typ != typeDate {
			continue
		}
		var texts []string
		for _, f := range features {
			if f == nil {
				continue
			}
			if t, ok := f.Properties[m[s.name]].(string); ok {
				texts = append(texts, t)
			}
		}
		mp.orders[s.name] = InferDateOrder(texts)
	}
	return mp
}

// featureNotes collects the issues of one feature.
type featureNotes struct {
	pos      int
	id       string
	issues   []geodata.Issue
	trimmed  bool
	repaired bool
}

func (n *featureNotes) add(field, code string, action geodata.Action, format string, args ...any) {
	n.issues = append(n.issues, geodata.Issue{Feature: n.pos, ID: n.id, Field: field, Code: code, Action: action,
		Message: fmt.Sprintf("feature %d: ", n.pos) + fmt.Sprintf(format, args...)})
	if action == geodata.Repaired {
		n.repaired = true
	}
}

func (mp *mapper) apply(pos int, f *geojson.Feature) {
	props := f.Properties
	// The new properties are gathered in a map kept for every feature,
	// then moved into the feature's own map, emptied: a large file then
	// allocates no second map per feature.
	if mp.scratch == nil {
		mp.scratch = make(geojson.Properties, 32)
	}
	out := mp.scratch
	defer clear(out)
	notes := &featureNotes{pos: pos}
	if src := mp.m["id"]; src != "" {
		if s, ok := textValue(props[src]); ok && cleanText(s) != "" {
			f.ID = geodata.Truncate(cleanText(s), 256)
		}
	}
	if src := mp.m["event_id"]; src != "" && mp.m["id"] == "" {
		// An event's own id (ACLED's event_id_cnty) is its feature id
		// too, so that links to it last from one version to the next.
		if s, ok := textValue(props[src]); ok && cleanText(s) != "" {
			f.ID = geodata.Truncate(cleanText(s), 256)
		}
	}
	notes.id = featureID(f.ID)
	mp.keepUnmapped(props, out, notes)
	for _, s := range mp.active {
		if s.typ == typeID {
			continue
		}
		v, present := props[mp.m[s.name]]
		mp.applyField(s, mp.m[s.name], v, present, out, notes)
	}
	if mp.kind == geodata.KindIncident {
		cause, _ := out["cause"].(string)
		given, _ := props["cause_category"].(string)
		switch {
		case cause == "" && mp.m["cause"] == "" && isCauseCategory(given):
			// A file that already carries the seven categories (such as a
			// layer exported from RouteRisk) keeps them.
			out["cause_category"] = given
			delete(out, "orig_cause_category")
		case cause == "":
			out["cause_category"] = vocab.CauseMixedOrUnknown
			if mp.m["cause"] != "" {
				notes.add("cause", mmp.CodeMissingCause, geodata.Flagged, "no cause (column %q); cause_category %s", mp.m["cause"], vocab.CauseMixedOrUnknown)
			}
		default:
			out["cause_category"] = mp.causeCategory(cause)
		}
	}
	var flags []string
	for _, is := range notes.issues {
		mp.log.add(is)
		flags = append(flags, is.Code)
	}
	if len(flags) > 0 {
		sort.Strings(flags)
		out["flags"] = strings.Join(compactStrings(flags), ",")
	}
	if notes.trimmed {
		mp.log.add(geodata.Issue{Feature: pos, ID: notes.id, Code: mmp.CodeTrailingWhitespace, Action: geodata.Repaired,
			Message: fmt.Sprintf("feature %d: leading or trailing white space trimmed", pos)})
	}
	if notes.repaired {
		mp.rep.Repaired++
	}
	if props == nil {
		props = make(geojson.Properties, len(out))
	} else {
		clear(props)
	}
	for k, v := range out {
		props[k] = mp.share(v)
	}
	f.Properties = props
}

// share returns one boxed copy of each short string and small whole number
// for the whole file, so the thousands of features that hold the same date,
// count or category hold it once.
func (mp *mapper) share(v any) any {
	switch x := v.(type) {
	case string:
		if len(x) > 48 {
			return v
		}
		if s, ok := mp.strs[x]; ok {
			return s
		}
		if len(mp.strs) < 1<<16 {
			mp.strs[x] = v
		}
	case float64:
		if x >= 0 && x < float64(len(mp.nums)) && x == math.Trunc(x) {
			i := int(x)
			if mp.nums[i] == nil {
				mp.nums[i] = v
			}
			return mp.nums[i]
		}
	case int:
		if x >= 0 && x < len(mp.ints) {
			if mp.ints[x] == nil {
				mp.ints[x] = v
			}
			return mp.ints[x]
		}
	}
	return v
}

// keepUnmapped copies the properties the mapping does not read, under
// safe names that do not clash with the ones it writes.
func (mp *mapper) keepUnmapped(props, out geojson.Properties, notes *featureNotes) {
	keys := make([]string, 0, len(props))
	for k := range props {
		if !mp.sources[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := props[k]
		if s, ok := v.(string); ok {
			c := cleanText(s)
			notes.trimmed = notes.trimmed || c != s
			if c == "" {
				continue
			}
			v = c
		}
		base := safeKey(k)
		if mp.reserved[base] {
			base = safeKey("orig_" + base)
		}
		key := uniqueKey(base, func(c string) bool { _, taken := out[c]; return taken || mp.reserved[c] })
		out[key] = v
	}
}

// issueSink adds issues to a report, listing at most max per code while
// counting all; trailing_whitespace is counted only, as in the MMP
// importer.
type issueSink struct {
	rep    *geodata.Report
	max    int
	listed map[string]int
}

func newIssueSink(rep *geodata.Report, max int) *issueSink {
	s := &issueSink{rep: rep, max: max, listed: map[string]int{}}
	for _, is := range rep.Issues {
		s.listed[is.Code]++
	}
	return s
}

func (s *issueSink) add(is geodata.Issue) {
	if s.rep.Counts == nil {
		s.rep.Counts = map[string]int{}
	}
	s.rep.Counts[is.Code]++
	if is.Code == mmp.CodeTrailingWhitespace || s.listed[is.Code] >= s.max {
		return
	}
	s.listed[is.Code]++
	s.rep.Issues = append(s.rep.Issues, is)
}
