package ingest

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/mmp"
)

// OnError says what to do with a file in which some features are bad.
type OnError string

// The choices for OnError.
const (
	RejectFile   OnError = "reject" // the default: nothing is stored, the report says why
	SkipFeatures OnError = "skip"   // the good features are stored, the report lists the others
)

// ParseOnError reads the on_error parameter ("" means reject).
func ParseOnError(s string) (OnError, error) {
	switch OnError(strings.ToLower(strings.TrimSpace(s))) {
	case "", RejectFile:
		return RejectFile, nil
	case SkipFeatures:
		return SkipFeatures, nil
	}
	return "", geodata.InvalidParam("on_error", fmt.Sprintf("is %q", shorten(s, 40)), "reject (store nothing when a feature is bad) or skip (store the good features)")
}

// Options say how to read one upload.
type Options struct {
	// Kind is the layer kind the features are for; "" reads it from the
	// file (DetectKind), and when the file does not tell, FallbackKind
	// (incident when that is "" too).
	Kind         geodata.Kind
	FallbackKind geodata.Kind
	Format       formats.Format // "" detects it from the name and first bytes
	Mapping      Mapping        // overrides of the detected column mapping; "" unmaps a field
	// MappingText, with Kind "", is the mapping override as ParseMapping
	// reads it, parsed for the kind the file is read as.
	MappingText string
	OnError     OnError
	Limits      formats.Limits
	CSV         formats.CSVOptions
}

// MaxIssuesPerCode bounds how many issues of one code a report lists; the
// counts stay complete.
const MaxIssuesPerCode = 200

// Result is an upload read, mapped and checked: the features that may be
// stored and the report of everything found.
type Result struct {
	Format   formats.Format     `json:"format"`
	Kind     geodata.Kind       `json:"kind"`
	Layout   string             `json:"layout"`
	Columns  []string           `json:"columns"`
	Mapping  Mapping            `json:"mapping"`
	Fields   []string           `json:"fields"` // the normalised fields of the kind
	Report   geodata.Report     `json:"report"`
	Notes    []string           `json:"notes"`
	Features []*geojson.Feature `json:"-"`
}

// Run reads src as a layer of kind o.Kind. Whole-file problems are errors
// (Invalid, TooLarge); bad features are in the report, and when
// o.OnError is RejectFile and any feature was rejected, Run also returns an
// Unprocessable error whose details hold the report — the Result is
// returned with it so callers can show the report.
func Run(src formats.Source, o Options) (*Result, error) {
	detect := o.Kind == ""
	if detect && o.FallbackKind == "" {
		o.FallbackKind = geodata.KindIncident
	}
	for _, k := range []geodata.Kind{o.Kind, o.FallbackKind} {
		if k != "" && !k.Valid() {
			return nil, geodata.InvalidParam("kind", fmt.Sprintf("is %q", shorten(string(k), 40)), "one of "+geodata.KindNames)
		}
	}
	if !detect && !o.Kind.Valid() {
		return nil, geodata.InvalidParam("kind", "is missing", "one of "+geodata.KindNames)
	}
	lim := o.Limits.WithDefaults()
	head := make([]byte, 512)
	n, err := src.R.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, &geodata.Error{Code: geodata.Internal, Message: "the upload could not be read", Err: err}
	}
	head = head[:n]
	if n == 0 {
		return nil, geodata.Errorf(geodata.Invalid, "the file %q is empty", shorten(src.Name, 80))
	}
	format := o.Format
	if format == "" {
		if format, err = formats.DetectSource(src, head); err != nil {
			return nil, err
		}
	}
	res := &Result{Format: format}
	// decided fixes the kind: the one given, or the one the file was read as.
	decided := func(kind geodata.Kind, why string) error {
		if detect {
			o.Kind = kind
			res.Notes = append(res.Notes, kindNote(kind, why))
			m, err := ParseMapping(kind, o.MappingText)
			if err != nil {
				return err
			}
			o.Mapping = m
		}
		res.Kind, res.Fields = o.Kind, FieldNames(o.Kind)
		return nil
	}
	var feats []*geojson.Feature
	var rep geodata.Report
	var positions []int // 1-based position in the file of each decoded feature, when known
	var rows []int      // how many rows of the file each feature sums, when rows were summed (DTM flows)
	if format == formats.GeoJSON && isJSONArray(head) {
		if err := decided(geodata.KindIncident, "a JSON array is read as Missing Migrants Project API records"); err != nil {
			return nil, err
		}
		if o.Kind != geodata.KindIncident {
			return nil, geodata.Errorf(geodata.Invalid, "the file is a JSON array, which RouteRisk reads only as Missing Migrants API records for an incident layer; upload GeoJSON for a %s layer", o.Kind)
		}
		feats, rep, err = mmp.DecodeAPIJSON(src.Reader())
		if err != nil {
			return nil, err
		}
		if len(feats) > lim.MaxFeatures {
			return nil, tooManyFeatures(lim)
		}
		res.Layout, res.Mapping = "mmp-api-json", Mapping{}
		res.Notes = append(res.Notes, "read as Missing Migrants Project API records")
	} else {
		csvOpts := o.CSV
		if csvOpts.Table == nil {
			// An exposure series is a table: a CSV without coordinates is
			// read as rows without geometry when the kind is exposure, or
			// when the kind is read from the file and its columns are
			// route, month and count.
			given, fallback := o.Kind, o.FallbackKind
			csvOpts.Table = func(columns []string) bool {
				if given == geodata.KindExposure || (given == "" && fallback == geodata.KindExposure) {
					return true
				}
				_, ok := exposureColumns(columns)
				return given == "" && (ok || IsDTMFlowHeader(columns))
			}
		}
		// Features without geometry are kept for an exposure layer, or
		// when the kind is read from the file; the checks reject them
		// from any other kind.
		nulls := o.Kind == geodata.KindExposure || detect
		d, err := formats.Decode(format, src, formats.Options{Limits: lim, CSV: csvOpts, NullGeometry: nulls})
		if err != nil {
			return nil, err
		}
		rep = d.Report
		res.Notes = append(res.Notes, d.Notes...)
		res.Columns = d.Columns
		if len(res.Columns) == 0 {
			res.Columns = propertyNames(d.Features, 1000)
		}
		kind, why := o.Kind, ""
		if detect {
			if kind, why = DetectKind(res.Columns, d.Features); kind == "" {
				kind = o.FallbackKind
			}
		}
		if err := decided(kind, why); err != nil {
			return nil, err
		}
		if err := checkNotACLED(o.Kind, res.Columns); err != nil {
			return nil, err
		}
		m, layout := DetectMapping(o.Kind, res.Columns)
		if d.HXL != nil {
			var notes []string
			m, notes = ApplyHXL(o.Kind, m, res.Columns, d.HXL)
			res.Notes = append(res.Notes, notes...)
		}
		m = m.Merge(o.Mapping)
		if err := m.CheckColumns(res.Columns); err != nil {
			return nil, err // a column named in the override is not in the file
		}
		res.Mapping, res.Layout = m, layout
		if o.Kind == geodata.KindIncident && IsMMPLayout(layout) && len(o.Mapping) == 0 {
			mapped, mrep, err := MapIncidentsMMP(layout, d.Features)
			if err != nil {
				return nil, err
			}
			feats = mapped
			mergeReport(&rep, mrep)
		} else if o.Kind == geodata.KindExposure && layout == LayoutDTMFlows && len(o.Mapping) == 0 {
			positions = filePositions(rep, len(d.Features))
			at := func(i int) int {
				if positions != nil {
					return positions[i]
				}
				return i + 1
			}
			s := mapDTMFlows(m, d.Features, at, &rep)
			feats, positions, rows = s.features, s.positions, s.rows
			res.Notes = append(res.Notes, s.notes...)
		} else {
			positions = filePositions(rep, len(d.Features))
			before := len(rep.Issues)
			feats = ApplyMapping(o.Kind, m, d.Features, &rep)
			renumber(rep.Issues[before:], positions)
		}
	}

	if rep.Counts == nil {
		rep.Counts = map[string]int{}
	}
	position := func(i int) int {
		if positions != nil {
			return positions[i]
		}
		return i + 1
	}
	var excluded map[int]bool
	if o.Kind == geodata.KindExposure {
		noun := "feature"
		if format == formats.CSV {
			noun = "row"
		}
		var notes []string
		excluded, notes = checkExposure(feats, position, noun, &rep)
		res.Notes = append(res.Notes, notes...)
	}
	c := &checker{kind: o.Kind, lim: lim, rep: &rep, ids: make(map[string]int, len(feats))}
	kept := feats[:0]
	repaired, keptRows := 0, 0
	for i, f := range feats {
		if excluded[i] {
			continue
		}
		n := position(i)
		ok, fixed := c.check(n, f)
		if !ok {
			continue
		}
		if fixed {
			repaired++
		}
		kept = append(kept, f)
		if rows != nil {
			keptRows += rows[i]
		}
	}
	for i := len(kept); i < len(feats); i++ {
		feats[i] = nil // let rejected features go
	}
	if o.Kind == geodata.KindIncident {
		geodata.MarkPileUps(kept, &rep)
	}
	rep.Accepted = len(kept)
	if rows != nil {
		// Rows were summed: the report counts the file's rows, and the
		// features stored are fewer (the notes say how many).
		rep.Accepted = keptRows
	}
	if rep.Read < rep.Accepted {
		rep.Read = rep.Accepted
	}
	rep.Rejected = rep.Read - rep.Accepted
	rep.Repaired += repaired
	rep.CapIssues(MaxIssuesPerCode)
	ListCounted(&rep)
	res.Report, res.Features = rep, kept

	if rep.Accepted == 0 {
		msg := fmt.Sprintf("no feature in the file can be used (%d read, all rejected)", rep.Read)
		if is, ok := firstRejection(rep); ok {
			msg += fmt.Sprintf("; feature %d: %s", is.Feature, is.Message)
		}
		if rep.Read == 0 {
			msg = "the file holds no features"
		}
		return res, &geodata.Error{Code: geodata.Unprocessable, Details: map[string]any{"report": rep}, Message: msg}
	}
	if rep.Rejected > 0 && o.OnError != SkipFeatures {
		return res, &geodata.Error{Code: geodata.Unprocessable, Details: map[string]any{"report": rep},
			Message: fmt.Sprintf("%d of %d features cannot be used, so nothing was stored; fix them (the report names each feature, field and problem) or upload again with on_error=skip to store the other %d", rep.Rejected, rep.Read, rep.Accepted)}
	}
	return res, nil
}

// ImpliedKind answers the layer kind a file's format always is (an Open
// Referral package or OpenStreetMap data is a service layer), or "" when
// the format does not tell; format is the one named, or "" to detect it.
func ImpliedKind(src formats.Source, format formats.Format) geodata.Kind {
	if format = sourceFormat(src, format); format == "" {
		return ""
	}
	return format.ImpliedKind()
}

// HeaderKind answers the layer kind a CSV file's header always is: event
// for an ACLED export (IsACLEDHeader), exposure for a DTM flow-monitoring
// table (IsDTMFlowHeader); "" for any other file, format or header that
// cannot be read. format is the one named, or "" to detect it.
func HeaderKind(src formats.Source, format formats.Format) geodata.Kind {
	if sourceFormat(src, format) != formats.CSV {
		return ""
	}
	columns, err := formats.ReadCSVHeader(src.Reader())
	switch {
	case err != nil:
		return ""
	case IsACLEDHeader(columns):
		return geodata.KindEvent
	case IsDTMFlowHeader(columns):
		return geodata.KindExposure
	}
	return ""
}

// FileKind answers the layer kind a file always is, by its format
// (ImpliedKind) or, for a CSV file, by its header (HeaderKind); "" when
// the file does not tell and its kind must be named. format is the one
// named, or "" to detect it.
func FileKind(src formats.Source, format formats.Format) geodata.Kind {
	format = sourceFormat(src, format)
	if k := ImpliedKind(src, format); k != "" {
		return k
	}
	return HeaderKind(src, format)
}

// sourceFormat is format, or when that is "" the format detected from
// src's name and first bytes; "" when it cannot be read or detected.
func sourceFormat(src formats.Source, format formats.Format) formats.Format {
	if format != "" {
		return format
	}
	head := make([]byte, 512)
	n, err := src.R.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return ""
	}
	if format, err = formats.DetectSource(src, head[:n]); err != nil {
		return ""
	}
	return format
}

// firstRejection returns the first rejected feature's issue.
func firstRejection(r geodata.Report) (geodata.Issue, bool) {
	for _, is := range r.Issues {
		if is.Action == geodata.Rejected {
			return is, true
		}
	}
	return geodata.Issue{}, false
}

func tooManyFeatures(lim formats.Limits) error {
	return &geodata.Error{Code: geodata.TooLarge, Details: map[string]any{"limit": "max_features", "value": lim.MaxFeatures},
		Message: fmt.Sprintf("the file has more than %d features (limit max_features); split it or ask an admin to raise the limit", lim.MaxFeatures)}
}

func isJSONArray(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	return len(head) > 0 && head[0] == '['
}

// propertyNames lists property names in the order first seen in the
// first n features, for formats without a header.
func propertyNames(feats []*geojson.Feature, n int) []string {
	seen := map[string]bool{}
	var out []string
	for i, f := range feats {
		if i >= n {
			break
		}
		keys := make([]string, 0, len(f.Properties))
		for k := range f.Properties {
			if !seen[k] {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// filePositions works out where in the file each of n decoded features
// was: the decoder numbered every feature it read and listed each it
// rejected, so the others are the numbers it did not list. It returns nil
// when the report cannot tell (an issue list cut short), and the features
// are then numbered by their place among the decoded ones.
func filePositions(rep geodata.Report, n int) []int {
	if rep.Rejected == 0 {
		return nil
	}
	rejected := map[int]bool{}
	for _, is := range rep.Issues {
		if is.Action == geodata.Rejected && is.Feature > 0 {
			rejected[is.Feature] = true
		}
	}
	if len(rejected) != rep.Rejected || rep.Read != n+rep.Rejected {
		return nil
	}
	out := make([]int, 0, n)
	for pos := 1; len(out) < n && pos <= rep.Read; pos++ {
		if !rejected[pos] {
			out = append(out, pos)
		}
	}
	if len(out) != n {
		return nil
	}
	return out
}

// renumber turns the positions among the decoded features that issues
// carry into positions in the file.
func renumber(issues []geodata.Issue, positions []int) {
	if positions == nil {
		return
	}
	for i := range issues {
		if f := issues[i].Feature; f >= 1 && f <= len(positions) {
			issues[i].Feature = positions[f-1]
		}
	}
}

// mergeReport adds the issues and counts of b to a.
func mergeReport(a *geodata.Report, b geodata.Report) {
	if a.Counts == nil {
		a.Counts = map[string]int{}
	}
	for k, v := range b.Counts {
		a.Counts[k] += v
	}
	a.Issues = append(a.Issues, b.Issues...)
	a.Repaired += b.Repaired
	if b.Read > a.Read {
		a.Read = b.Read
	}
}
