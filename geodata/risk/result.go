package risk

import (
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"github.com/routerisk/routerisk/geodata/sea"
)

// Result is one analysis: every segment of the analysed routes with its
// risk and coverage, the ranked outreach priorities and the service
// categories it considered.
type Result struct {
	Params Params
	// Segments in the order of the routes layer, then along each route.
	Segments []Segment
	// Priorities lists the segments with a priority above zero, highest
	// first (ties: higher risk first, then route name, route id and
	// position along the route).
	Priorities []Priority
	// Categories summarises each service category, in the order of every
	// Segment's Coverage.
	Categories []CategorySummary
	// PeriodStart and PeriodEnd bound the observation period that
	// incidents_per_year divides by (both days included); Years is its
	// length in years of 365.25 days, 0 if the period is empty.
	PeriodStart, PeriodEnd time.Time
	Years                  float64
	// MaxRisk is the highest segment risk, which normalises priorities.
	MaxRisk float64
}

// Segment is one piece of about segment_km of a route.
type Segment struct {
	RouteID  string         // the route feature's id
	Route    string         // the route's name
	Index    int            // 0-based position along the route feature
	StartKm  float64        // distance along the route where the segment starts
	EndKm    float64        // and ends
	Geometry orb.LineString // the segment's course, ends interpolated on the great circle
	Label    string         // the route's descriptive name ("label"), "" if it has none

	Setting  sea.Setting // where the segment's middle lies: at sea or on land
	SRR      string      // at sea, the search-and-rescue region(s) of its middle; "" if none is known
	RadiusKm float64     // how far from it incidents count: radius_km, or the route's sea_radius_km at sea
	Landing  string      // at sea, the landing place of its leg (a port or named place), whose services judge it
	// LandingAt is the landing place's point, where HasLanding; coverage
	// at sea is measured from it.
	LandingAt  orb.Point
	HasLanding bool

	landing vec3 // LandingAt as a unit vector

	Risk             float64   // weighted incidents per 100 km (doc.go)
	Class            Class     // band of Risk
	Incidents        int       // incidents counted (within radius_km, window and causes)
	Dead             float64   // their dead
	Missing          float64   // their missing
	LastIncident     time.Time // date of the latest incident counted; zero if none is dated
	IncidentsPerYear float64   // Incidents divided by Result.Years (0 if the period is empty)

	Coverage []Coverage // one per Result.Categories, in that order
	// GapShare is the share of categories with data here (the segment lies
	// in their coverage) that leave a gap; HasCoverage is false when no
	// category has data here, GapShare is then 0.
	GapShare    float64
	HasCoverage bool
	Priority    float64 // normalised risk × GapShare (normalised risk alone without coverage data)
	Rank        int     // 1 for the highest priority, equal priorities equal rank; 0 when Priority is 0
}

// ID returns the segment's id: its route's id, ":" and its Index, as in
// "giocopp-12:3".
func (s *Segment) ID() string { return s.RouteID + ":" + strconv.Itoa(s.Index) }

// LengthKm returns the segment's length along the route.
func (s *Segment) LengthKm() float64 { return s.EndKm - s.StartKm }

// Coverage is how one service category (named by Result.Categories at the
// same position) covers one segment.
type Coverage struct {
	// NearestKm is the distance to the nearest current service that
	// counts, when the segment lies in the category's coverage and one
	// lies within NearestSearchFactor × reach_km (HasNearest).
	NearestKm  float64
	Status     Status
	HasNearest bool
}

// CategorySummary counts the services of one category as the analysis saw
// them.
type CategorySummary struct {
	Category string `json:"category"`
	Loaded   int    `json:"loaded"`  // services of the category in the layer, with a point
	Current  int    `json:"current"` // verified within stale_years before the reference date
	Stale    int    `json:"stale"`   // the others, unverified ones included
	HasData  bool   `json:"has_data"`
	// Sources are the "source" values of the category's services, most
	// services first (at most three): what a gap says was searched.
	Sources []string `json:"sources"`
	// NotCounted are the category's services of a subtype that does not
	// count as coverage (NotCoverage by default: pharmacies, dentists…;
	// coverage_subtypes changes it).
	NotCounted int `json:"not_counted"`
}

// Priority is one ranked segment with the reasons for its rank.
type Priority struct {
	Rank         int      `json:"rank"`
	Priority     float64  `json:"priority"`
	Segment      int      `json:"-"` // position in Result.Segments of the stretch's peak
	Members      []int    `json:"-"` // the stretch's segments, in order along the route
	SegmentID    string   `json:"segment_id"`
	Route        string   `json:"route"`
	RouteID      string   `json:"route_id"`
	SegmentIndex int      `json:"segment_index"`
	StartKm      float64  `json:"start_km"`
	EndKm        float64  `json:"end_km"`
	Risk         float64  `json:"risk"`
	Class        Class    `json:"class"`
	Incidents    int      `json:"incidents"`
	Dead         float64  `json:"dead"`
	Missing      float64  `json:"missing"`
	LastIncident string   `json:"last_incident,omitempty"` // YYYY-MM-DD
	Gaps         []string `json:"gaps"`                    // categories with a gap
	NoData       []string `json:"no_data"`                 // categories without data
	Reasons      []string `json:"reasons"`                 // the above as sentences
}
