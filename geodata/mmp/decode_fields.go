package mmp

// API field names. "location_coodinates" is the API's spelling; the
// corrected spelling is accepted too.
const (
	fieldID               = "web_id"
	fieldDate             = "reported_date"
	fieldCoordinates      = "location_coodinates"
	fieldCoordinatesFixed = "location_coordinates"
	fieldTotal            = "total_dead_and_missing"
	fieldCause            = "cause_death"
	fieldRoute            = "migration_route"
	fieldQuality          = "source_quality"
)

// countField is an API count field, the incident property it fills and
// the issue code for a negative value.
type countField struct{ api, prop, negCode string }

// countFields lists the API count fields in output order.
func countFields() []countField {
	return []countField{
		{"number_dead", "dead", CodeNegativeDead},
		{"number_missing", "missing", CodeNegativeMissing},
		{"number_of_survivors", "survivors", CodeNegativeSurvivors},
		{"number_of_female", "female", CodeNegativeFemale},
		{"number_of_male", "male", CodeNegativeMale},
		{"number_of_children", "children", CodeNegativeChildren},
	}
}

// textField is an API text field and the incident property it fills.
type textField struct{ api, prop string }

// textFields lists the API text fields kept as they are (trimmed).
func textFields() []textField {
	return []textField{
		{"location_description", "location"},
		{"country_of_incident", "country"},
		{"region", "region"},
		{"unsd_geographic_grouping", "unsd_grouping"},
		{"information_source", "source"},
		{"url", "source_url"},
		{"country_origin", "country_origin"},
		{"region_origin", "region_origin"},
	}
}

func knownField(k string) bool {
	switch k {
	case fieldID, fieldDate, fieldCoordinates, fieldCoordinatesFixed, fieldTotal, fieldCause, fieldRoute, fieldQuality:
		return true
	}
	for _, f := range countFields() {
		if f.api == k {
			return true
		}
	}
	for _, f := range textFields() {
		if f.api == k {
			return true
		}
	}
	return false
}

// outputProperty reports whether name is a property the importer writes,
// so that an unknown API key of that name is renamed rather than lost.
func outputProperty(name string) bool {
	switch name {
	case "date", "date_reported", "cause", "cause_category", "route", "source_quality", "geo_precision",
		"mmp_id", "flags", "total_reported":
		return true
	}
	for _, f := range countFields() {
		if f.prop == name || f.prop+"_reported" == name {
			return true
		}
	}
	for _, f := range textFields() {
		if f.prop == name {
			return true
		}
	}
	return false
}
