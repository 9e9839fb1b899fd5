package formats

import (
	"regexp"
	"sort"
	"strings"
)

// OSMTagRule maps OpenStreetMap objects carrying Key=Value (any of Values)
// onto a RouteRisk service category and subtype. When rules overlap the
// first in OSMTagTable wins. Require, when set, is a further test the
// object's tags must pass (legal aid among lawyers), described by Needs.
type OSMTagRule struct {
	Key      string
	Values   []string
	Category string
	Subtype  string // "" means the matched value itself
	Needs    string
	Require  func(tags map[string]string) bool `json:"-"`
}

// OSMTagTable is the one table the OpenStreetMap importer reads tags by
// (docs/importers.md prints it). Police, border and detention facilities
// are deliberately absent: RouteRisk maps help, not enforcement.
var OSMTagTable = []OSMTagRule{
	{Key: "amenity", Values: []string{"hospital", "clinic", "doctors", "pharmacy", "dentist"}, Category: "health"},
	{Key: "healthcare", Values: []string{"hospital", "clinic", "pharmacy", "dentist"}, Category: "health"},
	{Key: "healthcare", Values: []string{"doctor"}, Category: "health", Subtype: "doctors"},
	{Key: "healthcare", Values: []string{"centre", "midwife", "nurse", "birthing_centre", "vaccination_centre"}, Category: "health", Subtype: "clinic"},
	{Key: "healthcare", Values: []string{"psychotherapist"}, Category: "psychosocial", Subtype: "psychotherapist"},
	{Key: "healthcare", Values: []string{"counselling"}, Category: "psychosocial", Subtype: "counselling"},
	{Key: "office", Values: []string{"lawyer"}, Category: "legal", Subtype: "legal_aid",
		Needs: "lawyer=legal_aid, legal_aid=yes, or legal aid for migrants named in name or description", Require: isOSMLegalAid},
	{Key: "social_facility", Values: []string{"shelter"}, Category: "shelter", Subtype: "shelter"},
	{Key: "amenity", Values: []string{"refugee_site"}, Category: "shelter", Subtype: "refugee_site"},
	{Key: "social_facility", Values: []string{"food_bank", "soup_kitchen"}, Category: "food"},
	{Key: "amenity", Values: []string{"food_bank", "soup_kitchen"}, Category: "food"},
	{Key: "amenity", Values: []string{"drinking_water", "water_point"}, Category: "wash"},
	{Key: "amenity", Values: []string{"toilets", "shower"}, Category: "wash"},
	{Key: "social_facility", Values: []string{"outreach"}, Category: "information", Subtype: "outreach"},
	{Key: "emergency", Values: []string{"lifeboat_station", "water_rescue"}, Category: "rescue", Subtype: "sea_rescue"},
	{Key: "seamark:type", Values: []string{"rescue_station"}, Category: "rescue", Subtype: "sea_rescue"},
}

// osmLegalAidWords match a lawyer's name or description that says it
// gives legal aid or serves people in migration (English, French,
// Spanish, Italian, Greek transliterated, German).
var osmLegalAidWords = regexp.MustCompile(`(?i)legal aid|pro bono|law centre|law center|legal clinic|aide juridique|aide juridictionnelle|` +
	`asistencia jur[ií]dica|asesor[ií]a jur[ií]dica|assistenza legale|sportello legale|rechtsberatung|migra|refug|asyl|asilo|r[ée]fugi|immigra`)

// isOSMLegalAid tells a lawyer's office that gives legal aid.
func isOSMLegalAid(tags map[string]string) bool {
	if tags["lawyer"] == "legal_aid" || tags["legal_aid"] == "yes" || tags["social_facility:for"] == "migrant" {
		return true
	}
	return osmLegalAidWords.MatchString(tags["name"]) || osmLegalAidWords.MatchString(tags["description"])
}

// osmMatch is the outcome of reading one object's tags.
type osmMatch struct {
	category, subtype string
	tag               string // the tag that decided, key=value
}

// classifyOSM maps tags through OSMTagTable. When no rule applies it
// returns false and the tag to count the object under ("" for objects
// with no descriptive tag, such as the vertices of a way).
func classifyOSM(tags map[string]string) (osmMatch, bool, string) {
	for _, r := range OSMTagTable {
		v, ok := tags[r.Key]
		if !ok {
			continue
		}
		for _, want := range strings.Split(v, ";") {
			want = strings.TrimSpace(want)
			if !containsString(r.Values, want) {
				continue
			}
			if r.Require != nil && !r.Require(tags) {
				continue
			}
			sub := r.Subtype
			if sub == "" {
				sub = want
			}
			return osmMatch{category: r.Category, subtype: sub, tag: r.Key + "=" + want}, true, ""
		}
	}
	return osmMatch{}, false, osmCountTag(tags)
}

// osmMainKeys are the keys that say what an object is, in the order an
// unmapped object is counted under.
var osmMainKeys = []string{"amenity", "healthcare", "social_facility", "office", "emergency", "shop", "tourism", "leisure",
	"craft", "man_made", "public_transport", "railway", "aeroway", "highway", "building", "landuse", "natural", "waterway",
	"place", "boundary", "barrier", "power"}

// osmMinorKeys say nothing of what an object is; an object with only
// these is not counted as left out.
var osmMinorKeys = map[string]bool{"created_by": true, "source": true, "note": true, "fixme": true, "FIXME": true,
	"comment": true, "odbl": true, "attribution": true}

// osmCountTag names the tag an unmapped object is counted under:
// key=value of its first main key, else its first key in order.
func osmCountTag(tags map[string]string) string {
	for _, k := range osmMainKeys {
		if v, ok := tags[k]; ok {
			if k == "office" && v == "lawyer" {
				return "office=lawyer (not marked as legal aid)"
			}
			return k + "=" + truncateRunes(v, 40)
		}
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		if !osmMinorKeys[k] && !strings.HasPrefix(k, "source:") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	sort.Strings(keys)
	return truncateRunes(keys[0], 40) + "=*"
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
