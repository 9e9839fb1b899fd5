package formats

import (
	"archive/zip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// Issue codes of the Open Referral reader.
const (
	CodeHSDSNoCoordinates  = "location_without_coordinates" // rejected: the location has no latitude/longitude
	CodeHSDSBadCoordinates = "location_bad_coordinates"     // rejected: latitude/longitude not numbers in range
	CodeHSDSDanglingRef    = "missing_reference"            // rejected: a service_at_location row names a service or location not in the package
	CodeHSDSUnmappedTerm   = "unmapped_taxonomy_term"       // flagged: a taxonomy term the table does not map (one issue per term)
	CodeHSDSNoCategory     = "no_category"                  // flagged: neither a term nor the name gives a category; kept without one
)

// hsdsTables are the tables read, by their HSDS 2 (plural) and HSDS 3
// (singular) file names.
var hsdsTables = map[string][]string{
	"organizations":       {"organizations", "organization"},
	"services":            {"services", "service"},
	"locations":           {"locations", "location"},
	"service_at_location": {"service_at_location", "services_at_location", "service_at_locations"},
	"taxonomy_terms":      {"taxonomy_terms", "taxonomy_term"},
	"service_attributes":  {"service_attributes", "service_attribute"},
	"attributes":          {"attributes", "attribute"},
	"phones":              {"phones", "phone"},
	"schedules":           {"schedules", "schedule", "regular_schedules", "regular_schedule"},
	"languages":           {"languages", "language"},
}

// hsdsTable is one CSV table: its rows by column name, with their line.
type hsdsTable struct {
	file string
	rows []hsdsRow
}

type hsdsRow struct {
	line int
	v    map[string]string
}

func (r hsdsRow) get(cols ...string) string {
	for _, c := range cols {
		if s := strings.TrimSpace(r.v[c]); s != "" {
			return s
		}
	}
	return ""
}

// IsHSDSZip reports whether a zip's entries look like an Open Referral
// package: a services and a locations table (HSDS 2 or 3 names).
func IsHSDSZip(src Source) bool {
	zr, err := zip.NewReader(src.R, src.Size)
	if err != nil || len(zr.File) > DefaultLimits.MaxArchiveFiles*4 {
		return false
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	found := hsdsFind(names)
	_, s := found["services"]
	_, l := found["locations"]
	return s && l
}

// hsdsFind maps table names to the entries holding them (at the root or
// in one folder, any case).
func hsdsFind(names []string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		if strings.Count(strings.TrimSuffix(n, "/"), "/") > 1 || !strings.EqualFold(path.Ext(n), ".csv") {
			continue
		}
		base := strings.ToLower(strings.TrimSuffix(path.Base(n), path.Ext(n)))
		for table, aliases := range hsdsTables {
			if containsString(aliases, base) {
				if _, dup := out[table]; !dup {
					out[table] = n
				}
			}
		}
	}
	return out
}

// DecodeHSDS reads an Open Referral Human Services Data Specification
// package: a zip of CSV tables, HSDS 2 (services.csv, locations.csv,
// service_at_location.csv, organizations.csv, taxonomy_terms.csv,
// service_attributes.csv, phones.csv, regular_schedules.csv or
// schedules.csv, languages.csv) or HSDS 3 (the singular names, and
// attributes.csv for the taxonomy links). It makes one point per
// service_at_location row, at the location's latitude/longitude, with
// category and subtype (from the service's taxonomy terms through
// HSDSTermTable, else from its name), name, organization, phone, hours,
// languages, last_verified (assured_date, else last_modified), location,
// email, url, taxonomy_terms, hsds_service_id and hsds_location_id.
//
// A location without coordinates, or a row naming a service or location
// the package lacks, is rejected in the report with the file and line. A
// term the table does not map is one issue with the count of services
// using it; a service with no category is kept and flagged.
func DecodeHSDS(src Source, opts Options) (*Decoded, error) {
	lim := opts.Limits.WithDefaults()
	a, err := openArchive(src, lim)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(a.files))
	byName := map[string]*zip.File{}
	for _, f := range a.files {
		names = append(names, f.Name)
		byName[f.Name] = f
	}
	found := hsdsFind(names)
	for _, need := range []string{"services", "locations", "service_at_location"} {
		if _, ok := found[need]; !ok {
			return nil, geodata.Errorf(geodata.Invalid,
				"the zip has no %s table (%s.csv or %s.csv; it holds %s); an Open Referral HSDS package needs services, locations and service_at_location",
				need, hsdsTables[need][0], hsdsTables[need][1], listNames(names))
		}
	}
	h := &hsdsReader{lim: lim, tables: map[string]*hsdsTable{}, out: &Decoded{Format: HSDS}}
	tables := make([]string, 0, len(found))
	for t := range found {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	for _, t := range tables {
		tb, err := h.readTable(a, byName[found[t]])
		if a.err != nil {
			return nil, a.err
		}
		if err != nil {
			return nil, err
		}
		h.tables[t] = tb
	}
	h.out.Notes = append(h.out.Notes, "read as an Open Referral HSDS package: "+strings.Join(tables, ", "))
	if err := h.build(); err != nil {
		return nil, err
	}
	return h.out, nil
}

type hsdsReader struct {
	lim    Limits
	tables map[string]*hsdsTable
	out    *Decoded
}

// readTable reads one CSV table (UTF-8, a byte-order mark allowed).
func (h *hsdsReader) readTable(a *archive, f *zip.File) (*hsdsTable, error) {
	rc, err := a.open(f)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	r := csv.NewReader(rc)
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	bad := func(line int, what string) error {
		return geodata.Errorf(geodata.Invalid, "%s line %d %s; save the table again as UTF-8 CSV", f.Name, line, what)
	}
	header, err := r.Read()
	if err == io.EOF {
		return &hsdsTable{file: f.Name}, nil
	}
	if err != nil {
		return nil, hsdsCSVError(f.Name, err)
	}
	cols := make([]string, len(header))
	for i, c := range header {
		if i == 0 {
			c = strings.TrimPrefix(c, "\ufeff")
		}
		cols[i] = strings.ToLower(strings.TrimSpace(c))
	}
	t := &hsdsTable{file: f.Name}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, hsdsCSVError(f.Name, err)
		}
		if len(t.rows) >= h.lim.MaxFeatures {
			return nil, &geodata.Error{Code: geodata.TooLarge, Details: map[string]any{"limit": "max_features", "value": h.lim.MaxFeatures},
				Message: fmt.Sprintf("%s has more than %d rows (limit max_features); split the package", f.Name, h.lim.MaxFeatures)}
		}
		row := hsdsRow{line: line, v: make(map[string]string, len(cols))}
		for i, v := range rec {
			if i >= len(cols) || cols[i] == "" {
				continue
			}
			if !utf8.ValidString(v) {
				return nil, bad(line, fmt.Sprintf("column %q is not UTF-8 text", cols[i]))
			}
			if len(v) > h.lim.MaxValueLength {
				return nil, &geodata.Error{Code: geodata.TooLarge, Details: map[string]any{"limit": "max_value_length", "value": h.lim.MaxValueLength},
					Message: fmt.Sprintf("%s line %d column %q is longer than %d bytes (limit max_value_length); shorten it", f.Name, line, cols[i], h.lim.MaxValueLength)}
			}
			row.v[cols[i]] = v
		}
		t.rows = append(t.rows, row)
	}
	return t, nil
}

func hsdsCSVError(file string, err error) error {
	var ge *geodata.Error
	if errors.As(err, &ge) {
		return ge
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &geodata.Error{Code: geodata.Invalid, Err: err,
			Message: fmt.Sprintf("%s line %d cannot be read as CSV (%s); save the table again as CSV with quoted text", file, pe.Line, pe.Err)}
	}
	return &geodata.Error{Code: geodata.Invalid, Err: err, Message: fmt.Sprintf("%s cannot be read as CSV; save it again", file)}
}

// index returns the rows of a table by the value of a column.
func (h *hsdsReader) index(table, col string) map[string][]hsdsRow {
	out := map[string][]hsdsRow{}
	t := h.tables[table]
	if t == nil {
		return out
	}
	for _, r := range t.rows {
		if k := r.get(col); k != "" {
			out[k] = append(out[k], r)
		}
	}
	return out
}

func (h *hsdsReader) file(table string) string {
	if t := h.tables[table]; t != nil {
		return t.file
	}
	return table + ".csv"
}

// build makes the features.
func (h *hsdsReader) build() error {
	services := h.index("services", "id")
	locations := h.index("locations", "id")
	orgs := h.index("organizations", "id")
	terms := h.index("taxonomy_terms", "id")
	termsOf := map[string][]string{} // service id → taxonomy_term ids, in file order
	for _, r := range h.tables["service_attributes"].rowsOrNil() {
		termsOf[r.get("service_id")] = append(termsOf[r.get("service_id")], r.get("taxonomy_term_id"))
	}
	for _, r := range h.tables["attributes"].rowsOrNil() {
		if lt := strings.ToLower(r.get("link_type", "link_entity")); lt == "" || lt == "service" {
			termsOf[r.get("link_id", "service_id")] = append(termsOf[r.get("link_id", "service_id")], r.get("taxonomy_term_id"))
		}
	}
	phones := h.tables["phones"].rowsOrNil()
	schedules := h.tables["schedules"].rowsOrNil()
	languages := h.tables["languages"].rowsOrNil()

	rep := &h.out.Report
	unmapped := map[string]int{}
	firstUse := map[string]int{}
	var unmappedOrder []string
	salFile := h.file("service_at_location")
	for _, sal := range h.tables["service_at_location"].rows {
		rep.Read++
		pos := rep.Read
		sid, lid := sal.get("service_id"), sal.get("location_id")
		id := sal.get("id")
		if id == "" {
			id = sid + "@" + lid
		}
		reject := func(code, field, format string, args ...any) {
			rep.Rejected++
			rep.Add(geodata.Issue{Feature: pos, ID: geodata.Truncate(id, 80), Field: field, Code: code, Action: geodata.Rejected, Message: fmt.Sprintf(format, args...)})
		}
		svc, loc := first(services[sid]), first(locations[lid])
		switch {
		case svc == nil:
			reject(CodeHSDSDanglingRef, "service_id", "%s line %d names service_id %q, which is not in %s; add the service or remove the row",
				salFile, sal.line, geodata.Truncate(sid, 60), h.file("services"))
			continue
		case loc == nil:
			reject(CodeHSDSDanglingRef, "location_id", "%s line %d names location_id %q, which is not in %s; add the location or remove the row",
				salFile, sal.line, geodata.Truncate(lid, 60), h.file("locations"))
			continue
		}
		where := fmt.Sprintf("%s line %d (location %q", h.file("locations"), loc.line, geodata.Truncate(lid, 60))
		if n := loc.get("name"); n != "" {
			where += fmt.Sprintf(", %q", geodata.Truncate(n, 60))
		}
		where += ")"
		latS, lonS := loc.get("latitude", "lat"), loc.get("longitude", "lon", "lng")
		if latS == "" || lonS == "" {
			reject(CodeHSDSNoCoordinates, "latitude,longitude", "%s has no latitude/longitude, so service %q cannot be placed; add them (WGS 84 decimal degrees)",
				where, geodata.Truncate(svc.get("name"), 60))
			continue
		}
		lat, err1 := strconv.ParseFloat(strings.ReplaceAll(latS, ",", "."), 64)
		lon, err2 := strconv.ParseFloat(strings.ReplaceAll(lonS, ",", "."), 64)
		if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 || lat != lat || lon != lon {
			reject(CodeHSDSBadCoordinates, "latitude,longitude", "%s has latitude %q, longitude %q, which are not WGS 84 decimal degrees in range; correct them",
				where, geodata.Truncate(latS, 30), geodata.Truncate(lonS, 30))
			continue
		}
		props := geojson.Properties{"hsds_service_id": sid, "hsds_location_id": lid}
		set := func(k, v string) {
			if v != "" {
				props[k] = v
			}
		}
		set("name", svc.get("name", "alternate_name"))
		if props["name"] == nil {
			set("name", loc.get("name"))
		}
		set("location", loc.get("name"))
		orgID := svc.get("organization_id")
		if orgID == "" {
			orgID = loc.get("organization_id")
		}
		if o := first(orgs[orgID]); o != nil {
			set("organization", o.get("name"))
		}
		set("email", svc.get("email"))
		set("url", svc.get("url"))
		set("last_verified", svc.get("assured_date", "last_modified"))
		set("phone", hsdsPhone(phones, sal.get("id"), sid, lid))
		set("hours", hsdsHours(schedules, sal.get("id"), sid, lid))
		set("languages", hsdsLanguages(languages, sid, lid))

		var termNames []string
		var rule *HSDSTermRule
		for _, tid := range termsOf[sid] {
			name, r, ok := hsdsTermLookup(terms, tid)
			if name == "" {
				continue
			}
			termNames = append(termNames, name)
			if ok {
				if rule == nil {
					rr := r
					rule = &rr
				}
				continue
			}
			if unmapped[name] == 0 {
				firstUse[name] = pos
				unmappedOrder = append(unmappedOrder, name)
			}
			unmapped[name]++
		}
		if len(termNames) > 0 {
			props["taxonomy_terms"] = strings.Join(termNames, "; ")
		}
		if rule == nil {
			if r, ok := hsdsNameRule(svc.get("name")); ok {
				rule = &r
			}
		}
		if rule != nil {
			props["category"] = rule.Category
			set("subtype", rule.Subtype)
		} else {
			props["flags"] = CodeHSDSNoCategory
			rep.Add(geodata.Issue{Feature: pos, ID: geodata.Truncate(id, 80), Field: "category", Code: CodeHSDSNoCategory, Action: geodata.Flagged,
				Message: fmt.Sprintf("service %q (%s line %d) has no taxonomy term nor name that maps to a category (terms: %s); kept without one — add a term from the table in docs/importers.md",
					geodata.Truncate(svc.get("name"), 60), h.file("services"), svc.line, orNone(termNames))})
		}
		f := geojson.NewFeature(orb.Point{lon, lat})
		f.ID = geodata.Truncate(id, 256)
		f.Properties = props
		h.out.Features = append(h.out.Features, f)
		rep.Accepted++
	}
	for _, name := range unmappedOrder {
		n := unmapped[name]
		rep.Add(geodata.Issue{Feature: firstUse[name], Field: "taxonomy_terms", Code: CodeHSDSUnmappedTerm, Action: geodata.Flagged,
			Message: fmt.Sprintf("taxonomy term %q (on %d service locations, the first feature %d) is not in the category table (docs/importers.md); the services keep their other terms, or their name, to find a category",
				geodata.Truncate(name, 80), n, firstUse[name])})
	}
	if rep.Counts == nil {
		rep.Counts = map[string]int{}
	}
	return nil
}

func (t *hsdsTable) rowsOrNil() []hsdsRow {
	if t == nil {
		return nil
	}
	return t.rows
}

func first(rows []hsdsRow) *hsdsRow {
	if len(rows) == 0 {
		return nil
	}
	return &rows[0]
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}

// hsdsTermLookup finds a term's name and its rule, trying its parents
// (at most 8 levels, so a cycle ends) when the term itself is not mapped.
func hsdsTermLookup(terms map[string][]hsdsRow, id string) (string, HSDSTermRule, bool) {
	t := first(terms[id])
	if t == nil {
		return "", HSDSTermRule{}, false
	}
	name := t.get("term", "name", "code")
	for i, cur := 0, t; i < 8 && cur != nil; i++ {
		if r, ok := hsdsTermRule(cur.get("term", "name")); ok {
			return name, r, true
		}
		cur = first(terms[cur.get("parent_id")])
	}
	return name, HSDSTermRule{}, false
}

// hsdsPhone answers the first phone of the service at the location, else
// of the service, else of the location.
func hsdsPhone(rows []hsdsRow, salID, sid, lid string) string {
	for _, match := range []func(hsdsRow) bool{
		func(r hsdsRow) bool { return salID != "" && r.get("service_at_location_id") == salID },
		func(r hsdsRow) bool { return r.get("service_id") == sid },
		func(r hsdsRow) bool { return r.get("location_id") == lid && r.get("service_id") == "" },
	} {
		for _, r := range rows {
			if n := r.get("number"); n != "" && match(r) {
				if ext := r.get("extension"); ext != "" {
					n += " ext. " + ext
				}
				return n
			}
		}
	}
	return ""
}

// hsdsDays are HSDS 2 weekday numbers (1 Monday) and RRULE days, as
// OpenStreetMap opening_hours spells them.
var hsdsDays = map[string]string{"1": "Mo", "2": "Tu", "3": "We", "4": "Th", "5": "Fr", "6": "Sa", "7": "Su",
	"mo": "Mo", "tu": "Tu", "we": "We", "th": "Th", "fr": "Fr", "sa": "Sa", "su": "Su",
	"monday": "Mo", "tuesday": "Tu", "wednesday": "We", "thursday": "Th", "friday": "Fr", "saturday": "Sa", "sunday": "Su"}

// hsdsHours writes the schedule rows of a service at a location as
// opening_hours-like text ("Mo,We 09:00-17:00; Sa 10:00-12:00"), or their
// descriptions when they have no times.
func hsdsHours(rows []hsdsRow, salID, sid, lid string) string {
	var parts []string
	for _, r := range rows {
		if !(salID != "" && r.get("service_at_location_id") == salID) && r.get("service_id") != sid {
			continue
		}
		if l := r.get("location_id"); l != "" && l != lid {
			continue
		}
		var days []string
		for _, d := range strings.FieldsFunc(r.get("byday", "weekday"), func(c rune) bool { return c == ',' || c == ' ' || c == ';' }) {
			d = strings.ToLower(strings.TrimLeft(d, "+-0123456789"))
			if d == "" {
				d = strings.ToLower(strings.TrimSpace(r.get("weekday")))
			}
			if v, ok := hsdsDays[d]; ok {
				days = append(days, v)
			}
		}
		open, closes := hhmm(r.get("opens_at")), hhmm(r.get("closes_at"))
		switch {
		case open != "" && closes != "":
			s := open + "-" + closes
			if len(days) > 0 {
				s = strings.Join(days, ",") + " " + s
			}
			parts = append(parts, s)
		case r.get("description") != "":
			parts = append(parts, r.get("description"))
		}
	}
	return strings.Join(parts, "; ")
}

// hhmm keeps the hours and minutes of a time ("09:00:00" → "09:00").
func hhmm(s string) string {
	if len(s) >= 5 && s[2] == ':' {
		return s[:5]
	}
	return s
}

// hsdsLanguages lists the languages of a service (or its location).
func hsdsLanguages(rows []hsdsRow, sid, lid string) string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rows {
		if r.get("service_id") != sid && (r.get("service_id") != "" || r.get("location_id") != lid) {
			continue
		}
		l := r.get("language", "name", "code")
		if l != "" && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return strings.Join(out, ", ")
}
