// Package vocab is RouteRisk's one vocabulary: the risk classes and their
// breakpoints, the service categories, the Missing Migrants cause
// categories, the route names and the map zoom → H3 resolution steps. The
// analysis, the importer, the images and (through GET /api/v1/vocabulary)
// the dashboard all read them from here; nothing keeps a copy.
package vocab

import (
	"math"
	"slices"
)

// RiskClass is a band of route risk: a risk value from From (inclusive)
// up to the next class's From is in this class.
type RiskClass struct {
	Class string  `json:"class"`
	From  float64 `json:"from"`
	Label string  `json:"label"` // English name, for images and as a fallback
}

// The risk classes, lowest first.
const (
	RiskLow      = "low"
	RiskMedium   = "medium"
	RiskHigh     = "high"
	RiskCritical = "critical"
)

// Breakpoints between the risk classes, in risk units (weighted dead and
// missing per 100 km of route).
const (
	MediumFrom   = 1.0
	HighFrom     = 10.0
	CriticalFrom = 50.0
)

// RiskClasses returns the classes, lowest first, each with its lower
// breakpoint.
func RiskClasses() []RiskClass {
	return []RiskClass{
		{RiskLow, 0, "Low"},
		{RiskMedium, MediumFrom, "Medium"},
		{RiskHigh, HighFrom, "High"},
		{RiskCritical, CriticalFrom, "Critical"},
	}
}

// RiskClassOf returns the class of a risk value; NaN is low.
func RiskClassOf(risk float64) string {
	switch {
	case risk >= CriticalFrom:
		return RiskCritical
	case risk >= HighFrom:
		return RiskHigh
	case risk >= MediumFrom:
		return RiskMedium
	}
	return RiskLow
}

// ServiceCategory is one kind of help a service point gives.
type ServiceCategory struct {
	Category string   `json:"category"`
	Label    string   `json:"label"`              // English name, for images and as a fallback
	Subtypes []string `json:"subtypes,omitempty"` // values of a service's "subtype" (older layers: "type") that belong to it
}

// The service categories (close to the humanitarian sectors).
const (
	CategoryHealth       = "health"
	CategoryLegal        = "legal"
	CategoryPsychosocial = "psychosocial"
	CategoryProtection   = "protection"
	CategoryShelter      = "shelter"
	CategoryFood         = "food"
	CategoryWASH         = "wash"
	CategoryInformation  = "information"
	CategoryCash         = "cash"
	CategoryRescue       = "rescue"
)

// ServiceCategories returns the categories in the order every list shows
// them.
func ServiceCategories() []ServiceCategory {
	return []ServiceCategory{
		{CategoryHealth, "Health", []string{"hospital", "clinic", "doctors", "health_post", "pharmacy", "dentist"}},
		{CategoryLegal, "Legal aid and documentation", []string{"legal_aid", "immigration", "documentation"}},
		{CategoryPsychosocial, "Mental health and psychosocial support", []string{"psychotherapist", "counselling", "support_group"}},
		{CategoryProtection, "Protection", []string{"child_protection", "gbv", "anti_trafficking", "family_tracing"}},
		{CategoryShelter, "Shelter", []string{"shelter", "refugee_site", "housing", "reception_centre"}},
		{CategoryFood, "Food and non-food items", []string{"food_bank", "soup_kitchen", "meals", "non_food_items"}},
		{CategoryWASH, "Water, sanitation and hygiene", []string{"drinking_water", "water_point", "toilets", "shower", "hygiene"}},
		{CategoryInformation, "Information and orientation", []string{"information_point", "outreach", "interpretation", "internet"}},
		{CategoryCash, "Cash assistance", []string{"cash_assistance"}},
		{CategoryRescue, "Search and rescue", []string{"sea_rescue"}},
	}
}

// ServiceCategoryNames returns the category names, in ServiceCategories
// order.
func ServiceCategoryNames() []string { return slices.Clone(serviceCategoryNames) }

// serviceCategoryNames and causeNames are the names, computed once for
// the lookups made per feature.
var serviceCategoryNames, causeNames = func() ([]string, []string) {
	var cats, causes []string
	for _, c := range ServiceCategories() {
		cats = append(cats, c.Category)
	}
	for _, c := range Causes() {
		causes = append(causes, c.Category)
	}
	return cats, causes
}()

// IsServiceCategory reports whether s is one of the service categories.
func IsServiceCategory(s string) bool { return slices.Contains(serviceCategoryNames, s) }

// IsCause reports whether s is one of the cause categories, as the
// Missing Migrants Project spells them.
func IsCause(s string) bool { return slices.Contains(causeNames, s) }

// ServiceCategoryLabel returns the English name of a category, or the
// value itself for one the vocabulary does not know.
func ServiceCategoryLabel(category string) string {
	for _, c := range ServiceCategories() {
		if c.Category == category {
			return c.Label
		}
	}
	return category
}

// Cause is one of the Missing Migrants cause-of-death categories.
type Cause struct {
	Category string `json:"category"` // as the Missing Migrants Project spells it
	Key      string `json:"key"`      // a short stable name, for message catalogues
}

// The seven cause-of-death categories, spelt as the Missing Migrants
// Project spells them.
const (
	CauseDrowning       = "Drowning"
	CauseVehicle        = "Vehicle accident / death linked to hazardous transport"
	CauseViolence       = "Violence"
	CauseHarsh          = "Harsh environmental conditions / lack of adequate shelter, food, water"
	CauseSickness       = "Sickness / lack of access to adequate healthcare"
	CauseAccidental     = "Accidental death"
	CauseMixedOrUnknown = "Mixed or unknown"
)

// Causes returns the seven cause categories in the Missing Migrants
// Project's order.
func Causes() []Cause {
	return []Cause{
		{CauseDrowning, "drowning"},
		{CauseVehicle, "vehicle"},
		{CauseViolence, "violence"},
		{CauseHarsh, "harsh"},
		{CauseSickness, "sickness"},
		{CauseAccidental, "accidental"},
		{CauseMixedOrUnknown, "mixed"},
	}
}

// CauseNames returns the cause categories, in Causes order.
func CauseNames() []string { return slices.Clone(causeNames) }

// Route names that the code refers to by name.
const (
	RouteEnglishChannel   = "English Channel to the UK" // the record's name for the Channel route until 2024
	RouteMainlandEuropeUK = "Mainland Europe to the UK" // its name since 2025
)

// Routes returns the Missing Migrants route taxonomy: the migration_route
// values of the record 2014–2025, most incidents first. Both names of the
// Channel route are in it, because the record uses both.
func Routes() []string {
	return []string{
		"US-Mexico border crossing", "Afghanistan to Iran", "Sahara Desert crossing", "Central Mediterranean",
		"Western Mediterranean", "Eastern Route to/from EHOA", "Eastern Mediterranean",
		"Western Africa / Atlantic route to the Canary Islands", "Western Balkans", "Darien",
		"Türkiye-Europe land route", RouteEnglishChannel, "Syria to Türkiye", "Belarus-EU border",
		"Iran to Türkiye", "Route to Southern Africa", "Caribbean to US", "Horn of Africa Route",
		"Dominican Republic to Puerto Rico", "Northern Route from EHOA", "Italy to France",
		"Sea crossings to Mayotte", RouteMainlandEuropeUK, "Haiti to Dominican Republic", "Ukraine to Europe",
		"Venezuela to Caribbean", "Caribbean to Central America", "Bay of Bengal/Andaman Sea", "DRC to Uganda",
		"Naf River crossing",
	}
}

// Bounds of the H3 grid resolutions the product serves.
const (
	MinResolution = 2 // coarsest H3 resolution served (mean edge 158 km)
	MaxResolution = 7 // finest H3 resolution served (mean edge 1.2 km)
	// DefaultResolution is used when a request names neither a
	// resolution nor a zoom.
	DefaultResolution = 3
	// MaxPublicResolution is the finest resolution the public tier sees
	// counts at (cells about 10 km across).
	MaxPublicResolution = 5
	// MaxZoom is the largest map zoom accepted.
	MaxZoom = 24
)

// ZoomStep says that from map zoom MinZoom on, cells are drawn at
// Resolution.
type ZoomStep struct {
	MinZoom    float64 `json:"min_zoom"`
	Resolution int     `json:"resolution"`
}

// ZoomSteps returns the map zoom → H3 resolution steps, lowest zoom
// first: cells about 16–37 pixels wide at every zoom.
func ZoomSteps() []ZoomStep {
	return []ZoomStep{{0, 2}, {5, 3}, {6, 4}, {8, 5}, {9, 6}, {10, MaxResolution}}
}

// ResolutionForZoom returns the H3 resolution of cells at a map zoom (see
// ZoomSteps). A fractional zoom counts as the whole zoom below it; NaN and
// negative zooms get MinResolution.
func ResolutionForZoom(zoom float64) int {
	res := MinResolution
	if math.IsNaN(zoom) {
		return res
	}
	for _, s := range ZoomSteps() {
		if zoom >= s.MinZoom {
			res = s.Resolution
		}
	}
	return res
}

// PublicResolutionForZoom is ResolutionForZoom never finer than
// MaxPublicResolution.
func PublicResolutionForZoom(zoom float64) int {
	return min(MaxPublicResolution, ResolutionForZoom(zoom))
}

// MinPublicCount is the fewest incidents a cell or row shown at the public
// tier may count: smaller groups are left out.
const MinPublicCount = 5

// Vocabulary is the whole vocabulary, as GET /api/v1/vocabulary serves it.
type Vocabulary struct {
	RiskClasses       []RiskClass       `json:"risk_classes"`
	ServiceCategories []ServiceCategory `json:"service_categories"`
	Causes            []Cause           `json:"causes"`
	Routes            []string          `json:"routes"`
	Resolutions       Resolutions       `json:"resolutions"`
	MinPublicCount    int               `json:"min_public_count"`
}

// Resolutions describes the H3 grid resolutions and their map zooms.
type Resolutions struct {
	Min       int        `json:"min"`
	Max       int        `json:"max"`
	Default   int        `json:"default"`
	PublicMax int        `json:"public_max"`
	ZoomSteps []ZoomStep `json:"zoom_steps"`
}

// All returns the whole vocabulary.
func All() Vocabulary {
	return Vocabulary{
		RiskClasses:       RiskClasses(),
		ServiceCategories: ServiceCategories(),
		Causes:            Causes(),
		Routes:            Routes(),
		Resolutions: Resolutions{Min: MinResolution, Max: MaxResolution, Default: DefaultResolution,
			PublicMax: MaxPublicResolution, ZoomSteps: ZoomSteps()},
		MinPublicCount: MinPublicCount,
	}
}
