package risk

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/routerisk/routerisk/geodata"
)

// MaxExplainIncidents bounds the incidents an Explanation lists; the
// total is always given.
const MaxExplainIncidents = 500

// Explanation shows what makes up one segment's figures: the incidents
// counted for it with the weight of each, their tally by year, and the
// nearest service of each category.
type Explanation struct {
	// Segment is the segment as SegmentFeatures gives it, plus "reasons"
	// (the sentences of its priority; an empty list when it is not
	// ranked).
	Segment *geojson.Feature `json:"-"`
	// Incidents are the incidents counted for the segment, by weight,
	// highest first, then by id; at most MaxExplainIncidents of them.
	// Their weights add up to risk × length_km / 100.
	Incidents []Contribution `json:"incidents"`
	// IncidentsTotal is how many incidents were counted: the segment's
	// incidents figure.
	IncidentsTotal int `json:"incidents_total"`
	// PerYear tallies the dated incidents counted by year, every year from
	// the first to the last, empty years included; undated incidents are
	// in no year.
	PerYear []YearTally `json:"per_year"`
	// Services gives, for each category in Result.Categories order, the
	// segment's coverage and its nearest current service.
	Services []ServiceExplanation `json:"services"`
}

// Contribution is one incident counted for a segment and what it weighs:
// severity × recency × kernel (doc.go).
type Contribution struct {
	ID            string  `json:"id"`
	Date          *string `json:"date"` // YYYY-MM-DD; nil when undated
	Dead          float64 `json:"dead"`
	Missing       float64 `json:"missing"`
	CauseCategory string  `json:"cause_category"` // "" when none is given
	DistanceKm    float64 `json:"distance_km"`    // to the nearest point of the segment
	Weight        float64 `json:"weight"`
	day           int32   // for the tally; noDay when undated
}

// YearTally counts the incidents of one calendar year.
type YearTally struct {
	Year      int     `json:"year"`
	Incidents int     `json:"incidents"`
	Dead      float64 `json:"dead"`
	Missing   float64 `json:"missing"`
}

// ServiceExplanation is the coverage of the segment by one category.
type ServiceExplanation struct {
	Category string `json:"category"`
	Status   Status `json:"status"`
	// NearestKm is the distance to the nearest current service, nil when
	// none lies within NearestSearchFactor × reach_km.
	NearestKm *float64       `json:"nearest_km"`
	Nearest   *ServiceRecord `json:"nearest"`
}

// ServiceRecord names a service feature.
type ServiceRecord struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Explain runs the analysis for p and explains the segment with the given
// id (Segment.ID). The segment is recomputed by the same code as in
// Analyse, with each counted incident recorded on the way, so the
// explanation always adds up to the segment's figures. Errors: those of
// Analyse, and a *geodata.Error with code NotFound when the analysis has
// no such segment.
func (a *Analyser) Explain(p Params, segmentID string) (Explanation, error) {
	res, q, err := a.analyse(context.Background(), p)
	if err != nil {
		return Explanation{}, err
	}
	i := -1
	for j := range res.Segments {
		if res.Segments[j].ID() == segmentID {
			i = j
			break
		}
	}
	if i < 0 {
		return Explanation{}, geodata.Errorf(geodata.NotFound,
			"no segment %q in this analysis: a segment id is the route id, a colon and the position along the route, as the ids of the segments list", segmentID)
	}

	// Recompute the segment alone, recording the incidents counted and
	// the nearest services. Its coverage goes to a copy, so the result
	// stays as Analyse left it.
	in := &q.a.inc
	var contribs []Contribution
	sc := scratch{last: -1, nearest: make([]int32, len(q.a.svc))}
	sc.visit = func(k int, theta2, w float64) {
		r := &in.rec[k]
		c := Contribution{
			ID: in.id(k), Dead: float64(r.dead), Missing: float64(r.missing),
			CauseCategory: in.causes[r.cause],
			DistanceKm:    math.Sqrt(theta2) * EarthRadiusKm, Weight: w, day: r.day,
		}
		if r.day != noDay {
			d := dayTime(r.day).Format(time.DateOnly)
			c.Date = &d
		}
		contribs = append(contribs, c)
	}
	saved := slices.Clone(res.Segments[i].Coverage)
	var again Segment
	q.segment(i, &again, &sc)
	copy(res.Segments[i].Coverage, saved)

	s := &res.Segments[i]
	ex := Explanation{
		Segment:        segmentFeature(&res, s),
		IncidentsTotal: len(contribs),
		PerYear:        perYear(contribs),
		Services:       make([]ServiceExplanation, len(res.Categories)),
	}
	reasons := []string{}
	for _, pr := range res.Priorities {
		if pr.Segment == i || slices.Contains(pr.Members, i) {
			reasons = pr.Reasons
			break
		}
	}
	ex.Segment.Properties["reasons"] = reasons

	slices.SortFunc(contribs, func(x, y Contribution) int {
		return cmp.Or(cmp.Compare(y.Weight, x.Weight), strings.Compare(x.ID, y.ID))
	})
	ex.Incidents = contribs[:min(len(contribs), MaxExplainIncidents):min(len(contribs), MaxExplainIncidents)]
	if ex.Incidents == nil {
		ex.Incidents = []Contribution{}
	}

	for c, cat := range res.Categories {
		cv := s.Coverage[c]
		se := ServiceExplanation{Category: cat.Category, Status: cv.Status}
		if cv.HasNearest {
			km := cv.NearestKm
			se.NearestKm = &km
			if k := sc.nearest[c]; k >= 0 {
				svc := &q.a.svc[c]
				se.Nearest = &ServiceRecord{ID: svc.ids[k], Name: svc.names[k]}
			}
		}
		ex.Services[c] = se
	}
	return ex, nil
}

// perYear tallies the dated contributions by calendar year, from the
// first year to the last, empty years included.
func perYear(contribs []Contribution) []YearTally {
	first, last := 0, -1
	for _, c := range contribs {
		if c.day == noDay {
			continue
		}
		y := dayTime(c.day).Year()
		if last < first {
			first, last = y, y
		}
		first, last = min(first, y), max(last, y)
	}
	out := make([]YearTally, 0, max(0, last-first+1))
	for y := first; y <= last; y++ {
		out = append(out, YearTally{Year: y})
	}
	for _, c := range contribs {
		if c.day == noDay {
			continue
		}
		t := &out[dayTime(c.day).Year()-first]
		t.Incidents++
		t.Dead += c.Dead
		t.Missing += c.Missing
	}
	return out
}
