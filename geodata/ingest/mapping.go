package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/mmp"
)

// Mapping maps normalised field names (DESIGN.md §3: date, dead, name,
// category, …) to the property names of an upload, as the file spells
// them ("Incident Date", "Number Dead", "Facility name", …). "id" maps a
// column onto the feature id.
type Mapping map[string]string

// Layouts DetectMapping recognises.
const (
	LayoutMMPCSV2026   = "mmp-csv-2026"   // MMP export since 2021: Main ID, Incident Date ("Thu, 01/01/2026 - 12:00"), Coordinates
	LayoutMMPCSVLegacy = "mmp-csv-legacy" // MMP export before 2021: Web ID, Reported Date ("January 05, 2020"), Location Coordinates
	LayoutMMPAPIJSON   = "mmp-api-json"   // MMP API keys: web_id, reported_date, location_coodinates, …
	LayoutGeneric      = "generic"        // anything else, mapped by ApplyMapping
)

// IsMMPLayout reports whether layout is one of the MMP layouts, whose
// features go through MapIncidentsMMP.
func IsMMPLayout(layout string) bool {
	switch layout {
	case LayoutMMPCSV2026, LayoutMMPCSVLegacy, LayoutMMPAPIJSON:
		return true
	}
	return false
}

// Issue codes of the mapping that the MMP importer does not have; the
// others (month_only_date, invalid_date, empty_date, invalid_number,
// negative_dead, negative_missing, negative_survivors,
// invalid_source_quality, route_alias, unknown_route, missing_cause,
// invalid_value, trailing_whitespace) are the mmp.Code* codes, with the
// same meaning.
const (
	CodeAmbiguousDate    = "ambiguous_date"    // repaired: a date that reads as day/month and month/day dropped, kept in <field>_reported
	CodeUnknownCategory  = "unknown_category"  // flagged: a service category no rule knows, kept as given
	CodeUnknownMode      = "unknown_mode"      // flagged: a route mode other than sea, land, desert, jungle, mixed, kept as given
	CodeUnknownPrecision = "unknown_precision" // flagged: a geo_precision other than exact, approximate, region, kept as given
	CodeInvalidBoolean   = "invalid_boolean"   // repaired: a yes/no field holding something else, dropped
)

// maxKeyLength bounds the property names kept from a file, in bytes.
const maxKeyLength = 64

// maxMappingBytes bounds the mapping a client sends.
const maxMappingBytes = 16 << 10

// valueType says how a normalised field's values are read.
type valueType int

const (
	typeText      valueType = iota // trimmed text
	typeID                         // the feature id
	typeDate                       // ISO date (ParseDate)
	typeCount                      // whole number ≥ 0
	typeQuality                    // 1–5
	typeBool                       // yes/no
	typeCategory                   // service category vocabulary
	typeMode                       // route mode vocabulary
	typePrecision                  // exact, approximate, region
	typeRoute                      // MMP route name (mmp.CanonicalRoute)
)

// fieldSpec is one normalised field: its name, type and the header names
// (folded by foldKey) that DetectMapping takes for it, best first.
type fieldSpec struct {
	name    string
	typ     valueType
	aliases []string
}

// fieldSpecs lists the normalised fields of a kind in schema order.
func fieldSpecs(kind geodata.Kind) []fieldSpec {
	id := fieldSpec{"id", typeID, nil}
	switch kind {
	case geodata.KindIncident:
		return []fieldSpec{
			{"id", typeID, []string{"incident id", "web id", "id", "main id", "event id", "record id", "uid"}},
			{"date", typeDate, []string{"date", "incident date", "reported date", "date of incident", "event date", "date of death",
				"incident date clean", "fecha", "fecha del incidente", "date de l incident", "date incident"}},
			{"dead", typeCount, []string{"dead", "number dead", "no dead", "number of dead", "deaths", "total dead", "dead count",
				"morts", "nombre de morts", "muertos", "fallecidos"}},
			{"missing", typeCount, []string{"missing", "minimum estimated number of missing", "number missing", "no missing",
				"number of missing", "missing count", "disparus", "nombre de disparus", "desaparecidos"}},
			{"survivors", typeCount, []string{"survivors", "number of survivors", "no survivors", "number survivors",
				"survivants", "sobrevivientes"}},
			{"cause", typeText, []string{"cause of death reported", "cause of death", "cause death", "cause", "cause of death category",
				"causa", "causa de muerte", "cause du deces", "cause de deces"}},
			{"route", typeRoute, []string{"migration route", "route", "ruta", "ruta migratoria", "route migratoire"}},
			{"location", typeText, []string{"location of death", "location description", "location", "place", "lieu", "lugar",
				"location name"}},
			{"country", typeText, []string{"country of incident", "country", "pays", "pais", "country incident"}},
			{"source", typeText, []string{"information source", "source", "fuente", "source information"}},
			{"source_url", typeText, []string{"url", "source url", "link", "source link", "lien", "enlace"}},
			{"source_quality", typeQuality, []string{"source quality", "quality", "reliability", "source reliability"}},
			{"geo_precision", typePrecision, []string{"geo precision", "geographic precision", "location precision", "precision",
				"geoprecision", "coordinate precision"}},
		}
	case geodata.KindService:
		return []fieldSpec{
			id,
			{"name", typeText, []string{"name", "facility name", "base name", "service name", "site name", "nom", "nombre",
				"title", "label", "facility"}},
			{"category", typeCategory, []string{"category", "categories", "service category", "facility type", "amenity",
				"service type", "type", "sector", "categorie", "categoria", "tipo"}},
			{"organization", typeText, []string{"organization", "organisation", "ownership", "operator", "org", "agency",
				"partner", "provider", "organizacion", "organisme"}},
			{"phone", typeText, []string{"phone", "telephone", "tel", "phone number", "contact number", "contact phone", "telefono"}},
			{"hours", typeText, []string{"hours", "opening hours", "horario", "horaires", "schedule"}},
			{"languages", typeText, []string{"languages", "language", "idiomas", "langues"}},
			{"referral_required", typeBool, []string{"referral required", "referral", "requires referral"}},
			{"eligibility", typeText, []string{"eligibility", "eligible", "target group", "beneficiaries", "who can access"}},
			{"last_verified", typeDate, []string{"last verified", "verified", "last verified date", "verified on", "date verified",
				"last updated"}},
		}
	case geodata.KindRoute:
		return []fieldSpec{
			id,
			{"name", typeText, []string{"name", "route name", "route", "nom", "nombre"}},
			{"mode", typeMode, []string{"mode", "transport mode", "travel mode"}},
			{"region", typeText, []string{"region"}},
			{"valid_from", typeDate, []string{"valid from", "from", "start date", "start", "date from"}},
			{"valid_to", typeDate, []string{"valid to", "to", "end date", "end", "date to"}},
		}
	case geodata.KindArea:
		return []fieldSpec{
			id,
			{"name", typeText, []string{"name", "area name", "nom", "nombre", "admin", "name en", "name long"}},
		}
	}
	return nil
}

// isCauseCategory reports whether s is one of the seven cause categories.
func isCauseCategory(s string) bool {
	for _, c := range mmp.CauseCategories() {
		if s == c {
			return true
		}
	}
	return false
}

// derivedNames are the properties ApplyMapping writes besides the fields.
func derivedNames(kind geodata.Kind) []string {
	names := []string{"flags"}
	for _, s := range fieldSpecs(kind) {
		switch s.typ {
		case typeDate, typeCount, typeCategory:
			names = append(names, s.name+"_reported")
		}
	}
	if kind == geodata.KindIncident {
		names = append(names, "cause_category")
	}
	return names
}

// DetectMapping maps a file's columns onto the normalised fields of kind
// by their names, ignoring case, accents, spacing and punctuation ("Number
// Dead" → dead, "Minimum Estimated Number of Missing" → missing, "Facility
// type" → category, "Route_name" → name, …); each column is used once. For
// incidents it also recognises the MMP layouts (LayoutMMPCSV2026,
// LayoutMMPCSVLegacy, LayoutMMPAPIJSON) and maps an id column; otherwise
// layout is LayoutGeneric. The mapping is never nil.
func DetectMapping(kind geodata.Kind, columns []string) (m Mapping, layout string) {
	m = Mapping{}
	keys := make([]string, len(columns))
	for i, c := range columns {
		keys[i] = foldKey(c)
	}
	used := make([]bool, len(columns))
	for _, spec := range fieldSpecs(kind) {
		if spec.typ == typeID && kind != geodata.KindIncident {
			continue // other kinds keep the ids their formats carry unless told otherwise
		}
	aliases:
		for _, alias := range spec.aliases {
			for i, k := range keys {
				if k == alias && !used[i] {
					m[spec.name] = columns[i]
					used[i] = true
					break aliases
				}
			}
		}
	}
	return m, detectLayout(kind, columns, keys)
}

func detectLayout(kind geodata.Kind, columns, keys []string) string {
	if kind != geodata.KindIncident {
		return LayoutGeneric
	}
	raw := map[string]bool{}
	folded := map[string]bool{}
	for i, c := range columns {
		raw[strings.ToLower(strings.TrimSpace(c))] = true
		folded[keys[i]] = true
	}
	switch {
	case raw["web_id"] && (raw["location_coodinates"] || raw["location_coordinates"]):
		return LayoutMMPAPIJSON
	case folded["web id"] && folded["reported date"] && folded["location coordinates"]:
		return LayoutMMPCSVLegacy
	case (folded["main id"] || folded["incident id"]) && folded["incident date"] && folded["coordinates"]:
		return LayoutMMPCSV2026
	}
	return LayoutGeneric
}

// FieldNames lists the fields a mapping for kind may name: "id" and the
// normalised fields of DESIGN.md §3.
func FieldNames(kind geodata.Kind) []string {
	specs := fieldSpecs(kind)
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.name
	}
	return names
}

// ParseMapping reads the mapping a client sends with an upload: a JSON
// object from field name to column name, {"date": "Incident Date", "dead":
// "Deaths"}. Field names are matched case-insensitively; a column name of
// "" unmaps the field (see Merge). An empty string is an empty mapping.
// Anything else — not a JSON object of strings, a field kind does not
// have, one column for two fields, over 16 KiB — is a *geodata.Error with
// code Invalid whose message lists the fields of kind.
func ParseMapping(kind geodata.Kind, s string) (Mapping, error) {
	if !kind.Valid() {
		return nil, geodata.InvalidParam("kind", fmt.Sprintf("is %q", clipText(string(kind), 40)), "one of route, incident, service, area")
	}
	allowed := FieldNames(kind)
	invalid := func(format string, args ...any) error {
		return &geodata.Error{
			Code:    geodata.Invalid,
			Message: "mapping: " + fmt.Sprintf(format, args...) + "; the fields of " + string(kind) + " layers are " + strings.Join(allowed, ", "),
			Details: map[string]any{"parameter": "mapping", "allowed": allowed},
		}
	}
	if strings.TrimSpace(s) == "" {
		return Mapping{}, nil
	}
	if len(s) > maxMappingBytes {
		return nil, invalid("%d bytes, more than %d", len(s), maxMappingBytes)
	}
	dec := json.NewDecoder(strings.NewReader(s))
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, invalid(`not a JSON object such as {"date": "Incident Date"}`)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, invalid("unexpected text after the JSON object")
	}
	known := map[string]bool{}
	for _, a := range allowed {
		known[a] = true
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var unknown []string
	for _, k := range keys {
		if !known[strings.ToLower(strings.TrimSpace(k))] {
			unknown = append(unknown, strconv.Quote(clipText(k, 40)))
		}
	}
	if len(unknown) > 0 {
		verb := "are not fields"
		if len(unknown) == 1 {
			verb = "is not a field"
		}
		return nil, invalid("%s %s of %s layers", strings.Join(unknown, ", "), verb, kind)
	}
	m := Mapping{}
	byColumn := map[string]string{}
	for _, k := range keys {
		field := strings.ToLower(strings.TrimSpace(k))
		v, ok := raw[k].(string)
		if !ok {
			return nil, invalid("the value for %q must be a column name in quotes", field)
		}
		column := strings.TrimSpace(v)
		if len(column) > 256 {
			return nil, invalid("the column name for %q is longer than 256 bytes", field)
		}
		if _, dup := m[field]; dup {
			return nil, invalid("%q is given twice", field)
		}
		if other, dup := byColumn[column]; dup && column != "" {
			return nil, invalid("the column %q is given for both %s and %s", clipText(column, 60), other, field)
		}
		byColumn[column] = field
		m[field] = column
	}
	return m, nil
}

// Merge returns m with override applied: a field override maps to a
// column replaces m's, a field it maps to "" is removed. Neither input
// changes.
func (m Mapping) Merge(override Mapping) Mapping {
	out := make(Mapping, len(m)+len(override))
	for k, v := range m {
		out[k] = v
	}
	for k, v := range override {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// CheckColumns returns a *geodata.Error (Invalid) naming the first mapped
// column that is not among columns, and listing the columns; nil when
// every mapped column is there.
func (m Mapping) CheckColumns(columns []string) error {
	have := make(map[string]bool, len(columns))
	for _, c := range columns {
		have[c] = true
	}
	fields := make([]string, 0, len(m))
	for f := range m {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		if c := m[f]; c != "" && !have[c] {
			quoted := make([]string, 0, len(columns))
			for i, c := range columns {
				if i == 40 {
					quoted = append(quoted, fmt.Sprintf("… (%d in all)", len(columns)))
					break
				}
				quoted = append(quoted, strconv.Quote(clipText(c, 60)))
			}
			return &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"parameter": "mapping", "columns": columns},
				Message: fmt.Sprintf("mapping: the column %q given for %s is not in the file; its columns are %s", clipText(c, 60), f, strings.Join(quoted, ", "))}
		}
	}
	return nil
}

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
// rep may be nil.
func ApplyMapping(kind geodata.Kind, m Mapping, features []*geojson.Feature, rep *geodata.Report) []*geojson.Feature {
	if rep == nil {
		rep = &geodata.Report{}
	}
	mp := newMapper(kind, m, features, rep)
	for i, f := range features {
		if f != nil {
			mp.apply(i+1, f)
		}
	}
	return features
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
}

func newMapper(kind geodata.Kind, m Mapping, features []*geojson.Feature, rep *geodata.Report) *mapper {
	mp := &mapper{kind: kind, m: m, sources: map[string]bool{}, reserved: map[string]bool{}, orders: map[string]DateOrder{},
		log: newIssueSink(rep, mmp.DefaultMaxIssuesPerCode), rep: rep, strs: map[string]any{}, nums: make([]any, 4096), ints: make([]any, 4096)}
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
	out := make(geojson.Properties, len(props)+2)
	notes := &featureNotes{pos: pos}
	if src := mp.m["id"]; src != "" {
		if s, ok := textValue(props[src]); ok && cleanText(s) != "" {
			f.ID = clipText(cleanText(s), 256)
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
			out["cause_category"] = mmp.CauseMixedOrUnknown
			if mp.m["cause"] != "" {
				notes.add("cause", mmp.CodeMissingCause, geodata.Flagged, "no cause (column %q); cause_category %s", mp.m["cause"], mmp.CauseMixedOrUnknown)
			}
		default:
			out["cause_category"] = mmp.CauseCategory(cause)
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
	for k, v := range out {
		out[k] = mp.share(v)
	}
	f.Properties = out
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

// applyField reads one mapped value into out.
func (mp *mapper) applyField(s fieldSpec, column string, v any, present bool, out geojson.Properties, notes *featureNotes) {
	name := s.name
	empty := func() {
		if mp.kind == geodata.KindIncident && name == "date" {
			notes.add(name, mmp.CodeEmptyDate, geodata.Flagged, "no date (column %q); the incident has no date — add it as YYYY-MM-DD", column)
		}
	}
	if !present || v == nil {
		empty()
		return
	}
	text, isText := textValue(v)
	if !isText {
		notes.add(name, mmp.CodeInvalidValue, geodata.Repaired, "%s (column %q) holds an object where a value belongs; dropped — give a plain value", name, column)
		return
	}
	clean := cleanText(text)
	if _, plain := v.(string); plain && clean != text {
		notes.trimmed = true
	}
	// "NA" is no value where a typed value belongs; as text it may be
	// meant (Namibia's code), so text fields keep it.
	if clean == "" || noValue(clean) && s.typ != typeText && s.typ != typeRoute && s.typ != typeCategory {
		empty()
		return
	}
	switch s.typ {
	case typeText:
		out[name] = clean
	case typeDate:
		mp.applyDate(name, column, clean, out, notes)
	case typeCount:
		applyCount(name, column, v, out, notes)
	case typeQuality:
		n, st := parseCount(v)
		if st != countOK || n < 1 || n > 5 {
			notes.add(name, mmp.CodeInvalidSourceQuality, geodata.Repaired,
				"%s (column %q) is %q, not 1–5; dropped — use 1 (lowest confidence) to 5 (highest)", name, column, clipText(clean, 80))
			return
		}
		out[name] = n
	case typeBool:
		b, ok, absent := parseBool(v)
		switch {
		case absent:
		case !ok:
			notes.add(name, CodeInvalidBoolean, geodata.Repaired, "%s (column %q) is %q, not yes or no; dropped — write yes or no", name, column, clipText(clean, 80))
		default:
			out[name] = b
		}
	case typeCategory:
		applyCategory(name, column, v, clean, out, notes)
	case typeMode:
		if mode, ok := normaliseMode(clean); ok {
			out[name] = mode
			return
		}
		out[name] = clean
		notes.add(name, CodeUnknownMode, geodata.Flagged, "%s %q is not sea, land, desert, jungle or mixed; kept as given — use one of those to filter by mode", name, clipText(clean, 80))
	case typePrecision:
		if p, ok := normalisePrecision(clean); ok {
			out[name] = p
			return
		}
		out[name] = clean
		notes.add(name, CodeUnknownPrecision, geodata.Flagged, "%s %q is not exact, approximate or region; kept as given — use one of those", name, clipText(clean, 80))
	case typeRoute:
		canonical, ok := mmp.CanonicalRoute(clean)
		switch {
		case !ok:
			out[name] = canonical
			notes.add(name, mmp.CodeUnknownRoute, geodata.Flagged, "route %q is not an MMP route name; kept as given — use the MMP name to compare with other data", clipText(clean, 80))
		case canonical != clean:
			out[name] = canonical
			notes.add(name, mmp.CodeRouteAlias, geodata.Repaired, "route %q read as the MMP route %q", clipText(clean, 80), canonical)
		default:
			out[name] = clean
		}
	}
}

func (mp *mapper) applyDate(name, column, text string, out geojson.Properties, notes *featureNotes) {
	r := ParseDate(text, mp.orders[name])
	switch {
	case r.OK && r.MonthOnly:
		out[name] = r.Value
		notes.add(name, mmp.CodeMonthOnlyDate, geodata.Flagged, "%s %q gives a month only; kept as %s — add the day if it is known", name, clipText(text, 80), r.Value)
	case r.OK:
		out[name] = r.Value
	case r.Ambiguous:
		out[name+"_reported"] = text
		notes.add(name, CodeAmbiguousDate, geodata.Repaired,
			"%s %q can be read day first or month first, and no date in column %q tells which; dropped, kept in %s_reported — write dates as YYYY-MM-DD", name, clipText(text, 80), column, name)
	default:
		out[name+"_reported"] = clipText(text, 256)
		notes.add(name, mmp.CodeInvalidDate, geodata.Repaired,
			"%s %q (column %q) is not a date; dropped, kept in %s_reported — write it as YYYY-MM-DD", name, clipText(text, 80), column, name)
	}
}

func applyCount(name, column string, v any, out geojson.Properties, notes *featureNotes) {
	n, st := parseCount(v)
	switch {
	case st == countAbsent:
		return
	case st == countInvalid:
		text, _ := textValue(v)
		notes.add(name, mmp.CodeInvalidNumber, geodata.Repaired,
			"%s (column %q) is %q, not a whole number; dropped — write the number alone (12), or leave the cell empty when unknown", name, column, clipText(text, 80))
		return
	case n >= 0:
		out[name] = n
		return
	}
	out[name+"_reported"] = n
	code := "negative_" + name
	if name == "survivors" {
		notes.add(name, code, geodata.Repaired, "%s is %d; dropped as unknown, the reported value kept in %s_reported", name, n, name)
		return
	}
	out[name] = 0
	notes.add(name, code, geodata.Repaired, "%s is %d; stored as 0, the reported value kept in %s_reported — correct it in the source", name, n, name)
}

func applyCategory(name, column string, v any, clean string, out geojson.Properties, notes *featureNotes) {
	values := []string{clean}
	if list, ok := v.([]any); ok {
		values = values[:0]
		for _, e := range list {
			if s, ok := textValue(e); ok && cleanText(s) != "" {
				values = append(values, cleanText(s))
			}
		}
	}
	for _, val := range values {
		if c, ok := normaliseCategory(val); ok {
			out[name] = c
			if !strings.EqualFold(clean, c) {
				out[name+"_reported"] = clean
			}
			return
		}
	}
	out[name] = clean
	notes.add(name, CodeUnknownCategory, geodata.Flagged,
		"category %q (column %q) is not one of %s; kept as given — use one of those so the service shows under its category",
		clipText(clean, 80), column, strings.Join(ServiceCategories(), ", "))
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

// uniqueKey returns base, or base~2, base~3, … (cut to fit maxKeyLength),
// the first that taken refuses.
func uniqueKey(base string, taken func(string) bool) string {
	key := base
	for n := 2; taken(key); n++ {
		suffix := fmt.Sprintf("~%d", n)
		cut := maxKeyLength - len(suffix)
		for cut < len(base) && cut > 0 && !utf8.RuneStart(base[cut]) {
			cut--
		}
		key = base[:min(cut, len(base))] + suffix
	}
	return key
}

// safeKey trims a property name, removes control characters and cuts it
// to maxKeyLength bytes on a character boundary.
func safeKey(k string) string {
	k = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\ufeff' || r == '\u200b' {
			return -1
		}
		return r
	}, cleanText(k))
	if len(k) > maxKeyLength {
		cut := maxKeyLength
		for cut > 0 && !utf8.RuneStart(k[cut]) {
			cut--
		}
		k = strings.TrimSpace(k[:cut])
	}
	if k == "" {
		return "unnamed"
	}
	return k
}

// clipText shortens s to n runes, marking the cut.
func clipText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// mmpColumnKeys maps the column names of the MMP CSV exports (folded by
// foldKey) onto the API keys mmp.Decoder reads.
var mmpColumnKeys = map[string]string{
	"incident id": "web_id", "web id": "web_id",
	"region": "region", "region of incident": "region",
	"incident date": "reported_date", "reported date": "reported_date",
	"number dead":                         "number_dead",
	"minimum estimated number of missing": "number_missing",
	"number missing":                      "number_missing",
	"total dead and missing":              "total_dead_and_missing",
	"number of survivors":                 "number_of_survivors",
	"number of females":                   "number_of_female",
	"number of males":                     "number_of_male",
	"number of children":                  "number_of_children",
	"cause of death":                      "cause_death",
	"country of incident":                 "country_of_incident",
	"location of death":                   "location_description",
	"location description":                "location_description",
	"information source":                  "information_source",
	"migration route":                     "migration_route",
	"url":                                 "url",
	"unsd geographical grouping":          "unsd_geographic_grouping",
	"source quality":                      "source_quality",
	"region of origin":                    "region_origin",
	"country of origin":                   "country_origin",
	"coordinates":                         "location_coodinates",
	"location coordinates":                "location_coodinates",
}

// MMPRecords turns features read from a file in an MMP layout into the
// text records mmp.Decoder.AddRecords takes: columns renamed to API keys
// (for LayoutMMPAPIJSON they already are), other columns kept under their
// own names, reported_date converted to ISO (the CSV exports write dates
// month first: "Thu, 01/01/2026 - 12:00", "January 05, 2020"; a date
// that cannot be read is passed as found, for the decoder to report).
//
// The coordinates are rebuilt as "lat, lon" from each feature's point —
// the CSV reader has already parsed the coordinates column, and the
// point is the one truth every format shares. Numbers are written in
// their shortest exact form, so the MMP checks see the file's digits:
// a whole-number coordinate (MMP's truncated longitudes) stays whole
// and a swapped pair stays swapped. A coordinate written with zero
// decimals ("12.0") reads as whole, the one difference. A feature whose
// geometry is not a point keeps a coordinates property if it has one,
// else has none and is rejected by the decoder.
//
// It returns an Invalid error when layout is not an MMP layout.
func MMPRecords(layout string, features []*geojson.Feature) ([]map[string]string, error) {
	if !IsMMPLayout(layout) {
		return nil, geodata.Errorf(geodata.Invalid, "layout %q is not a Missing Migrants layout (%s, %s or %s)",
			clipText(layout, 40), LayoutMMPCSV2026, LayoutMMPCSVLegacy, LayoutMMPAPIJSON)
	}
	keys := mmpKeys(layout, features)
	records := make([]map[string]string, len(features))
	for i, f := range features {
		rec := map[string]string{}
		if f != nil {
			for k, v := range f.Properties {
				text, ok := textValue(v)
				if !ok {
					continue
				}
				rec[keys[k]] = text
			}
			if p, ok := f.Geometry.(orb.Point); ok {
				delete(rec, "location_coordinates")
				rec["location_coodinates"] = strconv.FormatFloat(p[1], 'f', -1, 64) + ", " + strconv.FormatFloat(p[0], 'f', -1, 64)
			}
		}
		if d, ok := rec["reported_date"]; ok {
			if r := ParseDate(d, OrderMonthFirst); r.OK {
				rec["reported_date"] = r.Value
			}
		}
		records[i] = rec
	}
	return records, nil
}

// mmpKeys decides once for the whole file which API key each property
// name becomes. Main ID is the id only when there is no Incident ID or
// Web ID (split incidents share a Main ID).
func mmpKeys(layout string, features []*geojson.Feature) map[string]string {
	var names []string
	seen := map[string]bool{}
	for _, f := range features {
		if f == nil {
			continue
		}
		for k := range f.Properties {
			if !seen[k] {
				seen[k] = true
				names = append(names, k)
			}
		}
	}
	sort.Strings(names)
	keys := make(map[string]string, len(names))
	taken := map[string]bool{}
	if layout == LayoutMMPAPIJSON {
		for _, n := range names {
			key := uniqueKey(safeKey(n), func(c string) bool { return taken[c] })
			keys[n] = key
			taken[key] = true
		}
		return keys
	}
	hasID := false
	for _, n := range names {
		if mmpColumnKeys[foldKey(n)] == "web_id" {
			hasID = true
		}
	}
	var others []string
	for _, n := range names {
		api, ok := mmpColumnKeys[foldKey(n)]
		if !ok && foldKey(n) == "main id" && !hasID {
			api, ok = "web_id", true
		}
		if ok && !taken[api] {
			keys[n] = api
			taken[api] = true
			continue
		}
		others = append(others, n)
	}
	for _, n := range others {
		key := uniqueKey(safeKey(n), func(c string) bool { return taken[c] })
		keys[n] = key
		taken[key] = true
	}
	return keys
}

// MapIncidentsMMP maps features read from a file in an MMP layout (see
// DetectMapping) through the MMP importer, so that CSV exports get the
// same checks and repairs as the API data: exact duplicates rejected,
// repeated ids suffixed, swapped and truncated coordinates, negative
// counts, HTML entities, cause categories, route names (see package mmp).
// It returns new features with the incident properties of mmp's doc
// and a report whose Feature numbers are 1-based positions in features.
// An Invalid error says layout is not an MMP layout.
func MapIncidentsMMP(layout string, features []*geojson.Feature) ([]*geojson.Feature, geodata.Report, error) {
	records, err := MMPRecords(layout, features)
	if err != nil {
		return nil, geodata.Report{}, err
	}
	name := "MMP CSV"
	if layout == LayoutMMPAPIJSON {
		name = "MMP data"
	}
	d := mmp.NewDecoder()
	d.AddRecords(name, records)
	return d.Features(), d.Report(), nil
}
