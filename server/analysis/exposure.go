package analysis

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/exposure"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/hxl"
	"github.com/routerisk/routerisk/geodata/mmp"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/server/answers"
)

// RoutesRequest asks for dead and missing per 1,000 crossings, by route,
// for one year (year=YYYY) or a span of months (datetime=start/end).
type RoutesRequest struct {
	View        privacy.View
	Params      url.Values
	CSV         bool // one row per route (exposureColumns) instead of JSON
	HXL         bool // with CSV: a HXL hashtag row under the header
	IfNoneMatch string
}

// RouteExposure is one route's toll against its denominator.
type RouteExposure struct {
	Route           string           `json:"route"`
	Dead            *float64         `json:"dead"`    // null where the public tier suppresses a count of 1–4
	Missing         *float64         `json:"missing"` // likewise
	Crossings       *float64         `json:"crossings"`
	CrossingsSource *exposure.Series `json:"crossings_source"`
	// CrossingsLayer is the uploaded exposure layer version whose counts
	// are the denominator; absent when the bundled series is.
	CrossingsLayer *LayerRef       `json:"crossings_layer,omitempty"`
	Per1000        *float64        `json:"per_1000"`
	Reason         string          `json:"reason,omitempty"` // why per_1000 is null
	CrossChecks    []CrossCheck    `json:"cross_checks,omitempty"`
	Months         []MonthExposure `json:"months"`
}

// CrossCheck is the same toll against another series.
type CrossCheck struct {
	Label     string          `json:"label"`
	Source    exposure.Series `json:"source"`
	Crossings float64         `json:"crossings"`
	Per1000   *float64        `json:"per_1000"`
}

// MonthExposure is one month of a route.
type MonthExposure struct {
	Month     string   `json:"month"`
	Dead      *float64 `json:"dead"`
	Missing   *float64 `json:"missing"`
	Crossings *float64 `json:"crossings"`
	Per1000   *float64 `json:"per_1000"`
}

// RoutesAnswer is the answer of GET /api/v1/risk/routes.
type RoutesAnswer struct {
	Year    *int            `json:"year"`
	From    string          `json:"from"` // YYYY-MM
	To      string          `json:"to"`   // YYYY-MM
	Routes  []RouteExposure `json:"routes"`
	Caveats []string        `json:"caveats"`
}

// ExposureCaveats qualify deaths per crossing.
var ExposureCaveats = []string{
	"Deaths and disappearances are minimum estimates; crossings are what each series counts, not everyone who crossed.",
	"Frontex counts detections of irregular border crossings, not people: one person detected twice counts twice, and people never detected are not counted.",
	"Flow monitoring counts movements observed at monitoring points on the route, not all who travel it.",
	"A route's dead and missing are the Missing Migrants records that name the route; records without a route are in none.",
	"A month without a count in the series has no rate; a year's rate uses only the months both have.",
}

// UploadedExposureCaveat is added when an uploaded exposure layer is used.
const UploadedExposureCaveat = "Where an uploaded exposure layer has counts for a route, they replace the bundled series for that route; when two layers have the route, the most recently published wins. crossings_layer names the layer version used."

// Routes answers deaths per 1,000 crossings per route, through the cache.
// The denominator of a route is the counts of the most recently published
// exposure layer that has the route (crossings_layer names its id and
// version), else the bundled series (exposure.Denominators).
func (c *Service) Routes(ctx context.Context, r RoutesRequest) (answers.Result, error) {
	from, to, year, err := parsePeriod(r.Params)
	if err != nil {
		return answers.Result{}, err
	}
	snap, err := riskSnapshot(c.lib)
	if err != nil {
		return answers.Result{}, err
	}
	tier := r.View.Lowest(snap.Metas)
	what := "routes"
	if r.CSV {
		what += ":csv"
		if r.HXL {
			what += ":hxl"
		}
	}
	// Uploaded exposure layers replace the bundled series of the routes
	// they have; their versions are part of the key, so publishing,
	// replacing or rolling one back changes the answer.
	uploaded, upVersions := uploadedDenominators(c.lib.Exposures(), r.View)
	versions := snap.Versions
	if upVersions != "" {
		versions += ";exposure:" + upVersions
	}
	key := answers.Key{Slot: "risk", Versions: versions, What: what, Query: from + "/" + to, Tier: tier}
	return c.answers.Get(ctx, key, r.IfNoneMatch, func() ([]byte, error) {
		table, err := exposure.Default()
		if err != nil {
			return nil, err
		}
		type toll struct{ dead, missing float64 }
		by := map[string]map[string]*toll{} // route → month → toll
		for _, f := range snap.Features[geodata.KindIncident] {
			route, _ := f.Properties["route"].(string)
			t, ok := geodata.ParseDate(f.Properties["date"])
			if route == "" || !ok {
				continue
			}
			m := t.Format("2006-01")
			if m < from || m > to {
				continue
			}
			if by[route] == nil {
				by[route] = map[string]*toll{}
			}
			if by[route][m] == nil {
				by[route][m] = &toll{}
			}
			by[route][m].dead += geodata.Count(f.Properties["dead"])
			by[route][m].missing += geodata.Count(f.Properties["missing"])
		}
		for route := range exposure.Denominators {
			if by[route] == nil {
				by[route] = map[string]*toll{}
			}
		}
		for route := range uploaded {
			if by[route] == nil && routeListed(route) {
				by[route] = map[string]*toll{}
			}
		}
		months := monthsBetween(from, to)
		ans := RoutesAnswer{Year: year, From: from, To: to, Caveats: ExposureCaveats}
		if len(uploaded) > 0 {
			ans.Caveats = append(slices.Clone(ExposureCaveats), UploadedExposureCaveat)
		}
		for route, perMonth := range by {
			den, hasDen := exposure.Denominators[route]
			up, hasUp := uploaded[mmp.CurrentRoute(route)]
			var source exposure.Series
			count := func(m string) (float64, bool) { return 0, false }
			switch {
			case hasUp:
				source = up.series
				count = func(m string) (float64, bool) { n, ok := up.counts[m]; return n, ok }
			case hasDen:
				source = den.Series
				count = func(m string) (float64, bool) { return table.Month(den.Series.ID, []string{den.Key}, m) }
			}
			re := RouteExposure{Route: route}
			if hasUp {
				ref := up.layer
				re.CrossingsLayer = &ref
			}
			var dead, missing, cross, tollWithCount float64
			counted := false
			for _, m := range months {
				t := perMonth[m]
				if t == nil {
					t = &toll{}
				}
				dead += t.dead
				missing += t.missing
				me := MonthExposure{Month: m}
				me.Dead, me.Missing = disclosed(t.dead, tier), disclosed(t.missing, tier)
				if hasDen || hasUp {
					if n, ok := count(m); ok {
						me.Crossings = &n
						cross += n
						tollWithCount += t.dead + t.missing
						counted = true
						if me.Dead != nil && me.Missing != nil {
							me.Per1000 = per1000(*me.Dead+*me.Missing, n)
						}
					}
				}
				re.Months = append(re.Months, me)
			}
			if dead+missing == 0 && !hasDen && !hasUp {
				continue
			}
			re.Dead, re.Missing = disclosed(dead, tier), disclosed(missing, tier)
			switch {
			case !hasDen && !hasUp:
				re.Reason = "no public count of crossings for this route is bundled or uploaded"
			case !counted:
				s := source
				re.CrossingsSource = &s
				re.Reason = "the series has no count for this period"
			default:
				s := source
				re.CrossingsSource, re.Crossings = &s, &cross
				if d := disclosedSum(tollWithCount, tier); d != nil {
					re.Per1000 = per1000(*d, cross)
				} else {
					re.Reason = "the dead and missing are too few to show at this tier"
				}
				for _, ch := range den.Checks {
					var n float64
					for _, m := range months {
						if v, ok := table.Month(ch.Series.ID, ch.Keys, m); ok {
							n += v
						}
					}
					cc := CrossCheck{Label: ch.Label, Source: ch.Series, Crossings: n}
					if d := disclosedSum(dead+missing, tier); d != nil {
						cc.Per1000 = per1000(*d, n)
					}
					re.CrossChecks = append(re.CrossChecks, cc)
				}
			}
			ans.Routes = append(ans.Routes, re)
		}
		sort.Slice(ans.Routes, func(i, j int) bool { return ans.Routes[i].Route < ans.Routes[j].Route })
		if r.CSV {
			return exposureCSV(ans, r.HXL), nil
		}
		return json.Marshal(ans)
	})
}

// disclosed is a count as tier may see it; nil when suppressed.
func disclosed(n float64, tier privacy.Tier) *float64 {
	if tier != privacy.Public {
		return &n
	}
	v, ok := privacy.PublicCount(n)
	if !ok {
		return nil
	}
	return &v
}

func disclosedSum(n float64, tier privacy.Tier) *float64 { return disclosed(n, tier) }

func per1000(toll, crossings float64) *float64 {
	if crossings <= 0 {
		return nil
	}
	v := toll / crossings * 1000
	return &v
}

// parsePeriod reads year=YYYY or datetime=start/end (dates or months) as a
// span of months.
func parsePeriod(q url.Values) (from, to string, year *int, err error) {
	for k := range q {
		if k != "year" && k != "datetime" {
			return "", "", nil, geodata.InvalidParam(k, "is not a parameter of this endpoint", "use year=YYYY or datetime=YYYY-MM-DD/YYYY-MM-DD")
		}
	}
	if y := q.Get("year"); y != "" {
		n, err := strconv.Atoi(strings.TrimSpace(y))
		if err != nil || n < 1900 || n > 2100 || len(q["year"]) > 1 || q.Get("datetime") != "" {
			return "", "", nil, geodata.InvalidParam("year", "is "+geodata.Truncate(y, 20), "give one year YYYY (1900–2100), or datetime= instead")
		}
		return strconv.Itoa(n) + "-01", strconv.Itoa(n) + "-12", &n, nil
	}
	if dt := q.Get("datetime"); dt != "" {
		iv, err := geodata.ParseInterval(dt)
		if err != nil {
			return "", "", nil, err
		}
		if iv.Start.IsZero() || iv.End.IsZero() || iv.End.Sub(iv.Start) > 50*366*24*time.Hour {
			return "", "", nil, geodata.InvalidParam("datetime", "is open or longer than 50 years", "give a closed interval, e.g. 2023-01-01/2023-12-31")
		}
		return iv.Start.UTC().Format("2006-01"), iv.End.UTC().Format("2006-01"), nil, nil
	}
	return "", "", nil, geodata.InvalidParam("year", "is missing", "give year=YYYY or datetime=start/end")
}

func monthsBetween(from, to string) []string {
	t, _ := time.Parse("2006-01", from)
	end, _ := time.Parse("2006-01", to)
	var out []string
	for ; !t.After(end); t = t.AddDate(0, 1, 0) {
		out = append(out, t.Format("2006-01"))
	}
	return out
}

// exposureColumns are the columns of the route exposure table: one row per
// route for the whole period (the months and cross-checks stay in the JSON
// answer); the caveats follow on every row.
var exposureColumns = []string{"route", "from", "to", "dead", "missing", "crossings", "per_1000", "crossings_source", "reason", "caveats"}

func exposureCSV(ans RoutesAnswer, withHXL bool) []byte {
	num := func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', -1, 64)
	}
	caveats := strings.Join(ans.Caveats, " ")
	rows := make([][]string, 0, len(ans.Routes))
	for _, re := range ans.Routes {
		var src string
		if s := re.CrossingsSource; s != nil {
			src = s.Name + " (" + s.Source + "; " + s.License + ")"
		}
		rows = append(rows, []string{re.Route, ans.From, ans.To, num(re.Dead), num(re.Missing), num(re.Crossings), num(re.Per1000), src, re.Reason, caveats})
	}
	var tags []string
	if withHXL {
		tags = hxl.Row(hxl.ScopeExposure, exposureColumns)
	}
	return formats.EncodeCSVTagged(exposureColumns, tags, rows, map[int]bool{3: true, 4: true, 5: true, 6: true})
}
