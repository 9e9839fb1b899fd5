// Package hxl maps RouteRisk's columns to HXL hashtags (the Humanitarian
// Exchange Language, https://hxlstandard.org, version 1.1) and back.
//
// One table, Entries, names the hashtag of every column the product
// writes: the columns of a layer download (per layer kind, plus the id and
// coordinate columns every download has), of the outreach priorities, of
// the route exposure table and of the backtest table. Row gives the
// hashtag row that goes directly under a CSV header; Field reads a hashtag
// back to the normalised field of a layer kind, which is how the importer
// maps a HXL-tagged CSV without a manual mapping.
//
// Every hashtag is one of the HXL 1.1 core hashtags. Attributes are core
// attributes wherever one says what the column holds; where none does
// (HXL has no attribute for people missing, for a route, or for a risk
// score), the table uses a custom attribute, as the standard allows, and
// lists it in CustomAttributes with the reason. A test checks every tag
// and attribute against a copy of the HXL core schema kept in testdata.
// docs/hxl.md explains each choice.
package hxl

import (
	"slices"
	"strings"
)

// Scopes of the table besides the layer kinds (incident, service, route,
// area), which name the columns of a layer download.
const (
	ScopeLayer      = "layer"          // the columns every layer download has: id, longitude, latitude, wkt
	ScopePriorities = "priorities"     // GET /api/v1/risk/priorities?format=csv
	ScopeExposure   = "route_exposure" // GET /api/v1/risk/routes?format=csv
	ScopeBacktest   = "backtest"       // GET /api/v1/risk/backtest?format=csv
)

// Entry is one row of the table: the hashtag of a column in a scope.
type Entry struct {
	Scope  string // a layer kind or one of the Scope constants
	Column string // the column (normalised field) name
	Tag    string // the hashtag with its attributes, e.g. "#affected+killed"
}

// route is the hashtag of a migration route's name: HXL has no #route
// hashtag. A route is a general location (#loc) named by the MMP route
// name (+name); the custom +route says which kind of location it is, so
// that it is not read as the place of an incident (#loc+name).
const route = "#loc+name+route"

// Entries is the mapping table.
var Entries = []Entry{
	{ScopeLayer, "id", "#meta+id"},
	{ScopeLayer, "longitude", "#geo+lon"},
	{ScopeLayer, "latitude", "#geo+lat"},
	{ScopeLayer, "wkt", "#geo+bounds"},
	{ScopeLayer, "flags", "#meta+flags"},

	{"incident", "date", "#date+reported"},
	{"incident", "dead", "#affected+killed"},
	{"incident", "missing", "#affected+missing"},
	{"incident", "survivors", "#affected+survivors"},
	{"incident", "female", "#affected+killed+missing+f"},
	{"incident", "male", "#affected+killed+missing+m"},
	{"incident", "children", "#affected+killed+missing+children"},
	{"incident", "cause", "#cause+name"},
	{"incident", "cause_category", "#cause+category+type"},
	{"incident", "route", route},
	{"incident", "location", "#loc+name"},
	{"incident", "country", "#country+name"},
	{"incident", "country_origin", "#country+name+origin"},
	{"incident", "region", "#region+name"},
	{"incident", "region_origin", "#region+name+origin"},
	{"incident", "source", "#meta+source"},
	{"incident", "source_url", "#meta+url"},
	{"incident", "source_quality", "#meta+source+quality"},
	{"incident", "geo_precision", "#geo+precision"},
	{"incident", "mmp_id", "#meta+id+mmp"},

	{"service", "name", "#loc+name"},
	{"service", "category", "#service+type"},
	{"service", "organization", "#org+name"},
	{"service", "phone", "#contact+phone"},
	{"service", "url", "#contact+url"},
	{"service", "hours", "#access+hours"},
	{"service", "languages", "#access+languages"},
	{"service", "referral_required", "#access+referral"},
	{"service", "eligibility", "#beneficiary+type"},
	{"service", "last_verified", "#date+verified"},
	{"service", "country", "#country+name"},
	{"service", "admin1", "#adm1+name"},
	{"service", "city", "#loc+name+city"},
	{"service", "facility_type", "#loc+type"},
	{"service", "source", "#meta+source"},

	{"route", "name", route},
	{"route", "mode", "#loc+type"},
	{"route", "region", "#region+name"},
	{"route", "valid_from", "#date+start"},
	{"route", "valid_to", "#date+end"},
	{"route", "source", "#meta+source"},

	{"area", "name", "#loc+name"},
	{"area", "source", "#meta+source"},
	{"area", "country_iso3", "#country+code"},

	{ScopePriorities, "rank", "#indicator+rank"},
	{ScopePriorities, "id", "#meta+id"},
	{ScopePriorities, "route", route},
	{ScopePriorities, "label", "#loc+name+segment"},
	{ScopePriorities, "place", "#loc+name"},
	{ScopePriorities, "location", "#country+name"},
	{ScopePriorities, "setting", "#loc+type"},
	{ScopePriorities, "srr", "#region+name+srr"},
	{ScopePriorities, "start_km", "#indicator+km+start"},
	{ScopePriorities, "end_km", "#indicator+km+end"},
	{ScopePriorities, "priority", "#indicator+priority"},
	{ScopePriorities, "risk", "#indicator+risk"},
	{ScopePriorities, "class", "#indicator+risk+text"},
	{ScopePriorities, "incidents", "#event+num"},
	{ScopePriorities, "dead", "#affected+killed"},
	{ScopePriorities, "missing", "#affected+missing"},
	{ScopePriorities, "last_incident", "#date+occurred"},
	{ScopePriorities, "incidents_per_year", "#event+num+per_year"},
	{ScopePriorities, "gaps", "#service+type+gap"},
	{ScopePriorities, "no_data", "#service+type+no_data"},
	{ScopePriorities, "reasons", "#description"},
	{ScopePriorities, "reference_date", "#date+reference"},
	{ScopePriorities, "data_through", "#date+end"},
	{ScopePriorities, "parameters", "#meta+parameters"},
	{ScopePriorities, "caveats", "#description+caveats"},

	{ScopeExposure, "route", route},
	{ScopeExposure, "from", "#date+start"},
	{ScopeExposure, "to", "#date+end"},
	{ScopeExposure, "dead", "#affected+killed"},
	{ScopeExposure, "missing", "#affected+missing"},
	{ScopeExposure, "crossings", "#indicator+crossings"},
	{ScopeExposure, "per_1000", "#indicator+per_1000"},
	{ScopeExposure, "crossings_source", "#meta+source"},
	{ScopeExposure, "reason", "#description"},
	{ScopeExposure, "caveats", "#description+caveats"},

	{ScopeBacktest, "split", "#date+split"},
	{ScopeBacktest, "train_from", "#date+start+train"},
	{ScopeBacktest, "train_to", "#date+end+train"},
	{ScopeBacktest, "test_from", "#date+start+test"},
	{ScopeBacktest, "test_to", "#date+end+test"},
	{ScopeBacktest, "model", "#indicator+name"},
	{ScopeBacktest, "radius_km", "#indicator+radius_km"},
	{ScopeBacktest, "segments", "#indicator+segments"},
	{ScopeBacktest, "spearman", "#indicator+spearman"},
	{ScopeBacktest, "top_decile_share", "#indicator+top_decile_share+pct"},
}

// CustomAttributes are the attributes of Entries that are not HXL 1.1
// core attributes, each with the reason no core attribute fits. HXL 1.1
// lets a data provider add its own attributes; tools that do not know them
// still read the core hashtag.
var CustomAttributes = map[string]string{
	"category":         "a category of a coded list, the HDX convention for cause categories (#cause+category); the core +type is kept beside it, so tools that know only core attributes match #cause+type",
	"missing":          "people missing: the core impact attributes have +killed and +injured, not missing",
	"survivors":        "people who survived an incident: no core attribute",
	"route":            "a migration route: HXL has no #route hashtag and no route attribute; #loc is the nearest core hashtag",
	"mmp":              "the Missing Migrants Project's own record id, beside the product's id",
	"flags":            "the data-quality flags the importer set on a record",
	"quality":          "the MMP source-quality score (1–5) of the record's source",
	"precision":        "how precise the coordinates are (exact, approximate, region)",
	"hours":            "opening hours of a service",
	"languages":        "languages a service works in",
	"referral":         "whether a service needs a referral",
	"verified":         "the date a service's details were last verified (the core date attributes have reported, occurred, start, end, approved, canceled, converted)",
	"city":             "the town or city a service is in",
	"segment":          "a stretch of a route",
	"srr":              "a maritime search and rescue region",
	"km":               "a distance along a route, in kilometres",
	"rank":             "the place of a segment in the ranked list",
	"priority":         "the outreach priority score",
	"risk":             "the route-risk score; HXL's indicator examples use custom attributes for the measure (+vaccination_coverage)",
	"per_year":         "a count per year",
	"gap":              "service categories with no current service within reach",
	"no_data":          "service categories with no service data loaded",
	"reference":        "the date the analysis is as of",
	"parameters":       "the parameters of the analysis, as a query string",
	"caveats":          "the caveats that qualify the figures",
	"crossings":        "crossings counted by the denominator series",
	"per_1000":         "dead and missing per 1,000 crossings",
	"split":            "the date that splits a backtest's training and test periods",
	"train":            "the training period of a backtest",
	"test":             "the test period of a backtest",
	"radius_km":        "the radius around a segment that counts incidents, in kilometres",
	"segments":         "a number of route segments",
	"spearman":         "Spearman's rank correlation",
	"top_decile_share": "the share of the outcome held by the top tenth of segments",
}

// ReadAliases are hashtags the importer also reads as a column of a kind,
// besides those of Entries: the shorter forms other producers write.
var ReadAliases = []Entry{
	{"incident", "cause_category", "#cause+type"},
	{"incident", "cause_category", "#cause+category"},
}

// Tag returns the hashtag of column in scope, "" when the table has none.
// A layer kind's columns fall back to the columns every download has.
func Tag(scope, column string) string {
	for _, e := range Entries {
		if e.Scope == scope && e.Column == column {
			return e.Tag
		}
	}
	if scope != ScopeLayer && !isAnalysis(scope) {
		return Tag(ScopeLayer, column)
	}
	return ""
}

func isAnalysis(scope string) bool {
	return scope == ScopePriorities || scope == ScopeExposure || scope == ScopeBacktest
}

// Row returns the hashtag row for a CSV header in scope: one cell per
// column, empty where the table has no hashtag (HXL tools skip untagged
// columns).
func Row(scope string, columns []string) []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = Tag(scope, c)
	}
	return out
}

// Field returns the normalised field of a layer kind that the hashtag t
// names, the reverse of the table: the entry whose hashtag is t's and
// whose attributes t all has (t may have more), the one matching most
// attributes winning. ok is false when no entry of the kind matches.
func Field(kind string, t Spec) (field string, ok bool) {
	best := -1
	for _, scope := range []string{kind, ScopeLayer} {
		for _, e := range slices.Concat(Entries, ReadAliases) {
			if e.Scope != scope {
				continue
			}
			s, err := Parse(e.Tag)
			if err != nil || s.Tag != t.Tag || !t.hasAll(s.Attributes) {
				continue
			}
			if len(s.Attributes) > best {
				best, field = len(s.Attributes), e.Column
			}
		}
	}
	return field, best >= 0
}

func (s Spec) hasAll(attrs []string) bool {
	for _, a := range attrs {
		found := false
		for _, b := range s.Attributes {
			if a == b {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// String writes the spec as HXL: "#tag+attr+attr".
func (s Spec) String() string {
	var b strings.Builder
	b.WriteString("#" + s.Tag)
	for _, a := range s.Attributes {
		b.WriteString("+" + a)
	}
	return b.String()
}
