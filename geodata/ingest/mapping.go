package ingest

import (
	"strings"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/vocab"
)

// Mapping maps normalised field names (docs/architecture.md §5: date, dead, name,
// category, …) to the property names of an upload, as the file spells
// them ("Incident Date", "Number Dead", "Facility name", …). "id" maps a
// column onto the feature id.
type Mapping map[string]string

// Layouts DetectMapping recognises.
const (
	LayoutMMPCSV2026   = "mmp-csv-2026"   // MMP export since 2021: Main ID, Incident Date ("Thu, 01/01/2026 - 12:00"), Coordinates
	LayoutMMPCSVLegacy = "mmp-csv-legacy" // MMP export before 2021: Web ID, Reported Date ("January 05, 2020"), Location Coordinates
	LayoutMMPAPIJSON   = "mmp-api-json"   // MMP API keys: web_id, reported_date, location_coodinates, …
	LayoutACLED        = "acled"          // ACLED event export: event_id_cnty, event_date, event_type, …, latitude, longitude, fatalities
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
	typeRaw                        // kept as given (text trimmed), checked later
	typeGeoCode                    // exact, approximate, region, or ACLED's geo_precision code 1–3
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
	case geodata.KindEvent:
		// The names of an ACLED export first; ACLEDColumns says which
		// header is one.
		return []fieldSpec{
			id,
			{"event_id", typeText, []string{"event id cnty", "event id", "event id no cnty", "eventid"}},
			{"date", typeDate, []string{"event date", "date", "fecha", "date de l evenement"}},
			{"event_type", typeText, []string{"event type", "type", "disorder type"}},
			{"sub_event_type", typeText, []string{"sub event type", "subtype", "sub type"}},
			{"actor1", typeText, []string{"actor1", "actor 1", "actor"}},
			{"actor2", typeText, []string{"actor2", "actor 2"}},
			{"fatalities", typeCount, []string{"fatalities", "deaths", "killed", "dead"}},
			{"country", typeText, []string{"country", "pays", "pais"}},
			{"location", typeText, []string{"location", "place", "lieu", "lugar", "location name"}},
			{"geo_precision", typeGeoCode, []string{"geo precision", "geographic precision", "location precision", "precision"}},
			{"source", typeText, []string{"source", "sources", "fuente"}},
			{"notes", typeText, []string{"notes", "note", "description", "comments"}},
		}
	case geodata.KindExposure:
		// Month and count are read as given here and checked, row by row,
		// by checkExposure, which rejects what cannot be used.
		return []fieldSpec{
			id,
			{"route", typeRoute, []string{"route", "migration route", "mmp route", "route name", "ruta", "ruta migratoria", "route migratoire"}},
			{"month", typeRaw, []string{"month", "period", "date", "year month", "mes", "mois", "reference month", "month year"}},
			{"count", typeRaw, []string{"count", "crossings", "detections", "arrivals", "transits", "movements", "value", "total",
				"number", "individuals", "cantidad", "nombre"}},
			{"key", typeText, []string{"key", "series key", "site", "site name", "flow monitoring point", "fmp", "point"}},
			{"note", typeText, []string{"note", "notes", "comment", "comments", "remarks"}},
		}
	}
	return nil
}

// isCauseCategory reports whether s is one of the seven cause categories.
func isCauseCategory(s string) bool { return vocab.IsCause(s) }

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
// LayoutMMPCSVLegacy, LayoutMMPAPIJSON) and maps an id column; for events
// it recognises an ACLED export (LayoutACLED); for exposure a DTM
// flow-monitoring table (LayoutDTMFlows: t → month, n → count, fmp → key,
// route → route). Otherwise layout is LayoutGeneric. The mapping is never
// nil.
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
	layout = detectLayout(kind, columns, keys)
	if layout == LayoutDTMFlows {
		m = dtmMapping(columns)
	}
	return m, layout
}

func detectLayout(kind geodata.Kind, columns, keys []string) string {
	if kind == geodata.KindEvent && isACLEDKeys(keys) {
		return LayoutACLED
	}
	if kind == geodata.KindExposure && isDTMKeys(keys) {
		return LayoutDTMFlows
	}
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
// normalised fields of docs/architecture.md §5.
func FieldNames(kind geodata.Kind) []string {
	specs := fieldSpecs(kind)
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.name
	}
	return names
}
