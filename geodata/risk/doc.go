// Package risk analyses migration routes segment by segment: how many
// people died or went missing near each stretch of route and how recently
// (risk), which service categories are out of reach there (coverage), and
// where outreach is most needed (priority). It is pure computation: no
// I/O, no clock (the reference date is a parameter), no cache, no
// package-level state.
//
// Build an Analyser once per version of the routes, incidents and services
// layers (NewAnalyser indexes them), then call Analyse for each set of
// Params (ParseParams reads them from a query; Params.Key is their cache
// key). Result.SegmentFeatures and Result.PriorityFeatures give the result
// as GeoJSON features.
//
// # Geometry
//
// Every distance is a great-circle distance on a sphere of radius
// EarthRadiusKm (6371.0088 km, the mean radius (2a + b)/3 of WGS84), the
// sphere PostGIS uses for geography with use_spheroid = false. Route lines run
// along great circles between their vertices, the shorter way round (so a
// line may cross the antimeridian). On the WGS84 spheroid distances differ
// by up to about 0.5 %.
//
// # Segments
//
// Each LineString of a route (each part of a MultiLineString) of
// great-circle length L is cut into n = max(1, round(L / segment_km))
// segments of equal length L / n: a segment is between 2/3 and 3/2 of
// segment_km long (shorter only when the whole line is shorter than half
// of it), and no short remainder, whose risk per 100 km would be inflated,
// is left at the end. Cut points are interpolated on the great circle;
// vertices are kept as given. start_km and end_km run on across the parts
// of a MultiLineString in their order; segment_index counts along the whole
// route feature. Lines shorter than a metre are left out.
//
// # Which incidents count
//
// An incident counts for a segment when its true distance to the segment
// is at most radius_km: the distance to the nearest point of the segment,
// measured across track where the incident lies beside the segment and to
// the nearer end where it lies beyond one (not to the nearest vertex, nor
// to a bounding box). It must also be dated within datetime (an undated incident is left
// out when datetime is given), dated on or before reference_date (the
// analysis sees the record as of that day), and of one of the causes when
// causes is given (an incident without cause_category is then left out).
// Dates are read as YYYY-MM-DD, YYYY-MM (the first of the month) or
// RFC 3339 instants (their UTC date). The incident's own route property is
// not used: an incident counts for
// every segment near it, whatever route the record names, because that
// field is empty in about one record in seven and corridors overlap.
//
// # Weight and risk
//
// Each counted incident weighs severity × quality × recency × kernel
// (docs/risk-validation.md gives the backtest that chose the defaults):
//
//   - quality = quality_floor + (1 − quality_floor) × (source_quality − 1) / 4:
//     a record of MMP source quality 1 weighs quality_floor (default 0.25),
//     one of quality 5 weighs 1; a record without a quality weighs 1.
//   - an approximate incident (geo_precision other than exact: a
//     whole-degree coordinate, or one shared by ten or more records) is
//     spread over approx_radius_km (default 50, never less than the
//     segment's radius) instead of the radius, its weight scaled by
//     radius / approx_radius_km so that it adds about as much in all: it
//     counts for every segment within that wider reach, and is no longer
//     pinned to one stretch.
//   - a segment at sea on a line with sea_radius_km counts incidents within
//     sea_radius_km × radius_km / 25 instead of radius_km (when larger, at
//     most 200 km): a boat in distress drifts and wrecks are reported
//     coarsely. At the default radius that is sea_radius_km itself (75 km
//     on the bundled sea lines); a narrower radius_km narrows it in
//     proportion. Segment.RadiusKm is the radius used.
//   - severity = min(dead + missing, severity_cap): one record counts at
//     most severity_cap (default 100) dead and missing, so that a single
//     event cannot dominate a ranking. An incident that records no one dead and
//     no one missing weighs nonfatal_weight instead (DefaultNonFatalWeight,
//     0.5, bounds 0–1): it is evidence of danger on the route, but weighs
//     less than any recorded death or disappearance. In the Missing
//     Migrants record such entries are rare (25 of 17,772 in the bundled
//     layer) and mostly mean that the count is unknown.
//   - recency = exp(−ln2 · age / half_life_days), with age in days from the
//     incident's date to reference_date: 1 on the reference date, ½ one
//     half-life earlier. An undated incident (counted only when datetime is
//     not given) weighs as much as the oldest dated incident of the layer,
//     so it adds evidence without ever outweighing a dated one.
//   - kernel = (1 − (d / radius_km)²)², the quartic (biweight) kernel of the
//     distance d to the segment: 1 on the line, ½ at 0.54 × radius_km, 0 at
//     the radius. It is the default kernel of QGIS's heatmap; being flat at
//     the radius, an incident near the edge adds almost nothing, so the
//     choice between sphere and spheroid there does not change the risk.
//
// Risk = the sum of the weights × 100 / the segment's length in km: in
// effect recent dead and missing near the line per 100 km of route. The
// class comes from fixed breakpoints: Low below MediumFrom (1), Medium
// from 1, High from HighFrom (10), Critical from CriticalFrom (50) — about
// one recent death or disappearance per 100 km, ten, and fifty. With the
// defaults and the bundled layers as of 2025-09-09, 81 % of the 12,104
// segments are low (64 % have no incident within 25 km at all), 9 %
// medium, 6 % high and 4 % critical.
//
// Each segment also keeps the raw parts: incidents counted, their dead and
// missing, the date of the latest, and incidents_per_year = incidents /
// the observation period in years of 365.25 days. The period runs from the
// start of datetime (or, if later or if datetime has none, the earliest
// dated incident of the layer) to the end of datetime (or, if earlier or
// if it has none, reference_date).
//
// # Coverage
//
// Services are grouped by category (the ten of Categories, then any other
// met in the layer). A service is current when its last_verified date is
// no more than stale_years (DefaultStaleYears, 10) before reference_date;
// a service with no readable last_verified is never current. Ten years is
// the default because the bundled services, health facilities from
// OpenStreetMap (last edited 2009–2020) and the WHO/KEMRI list of 2019,
// are long-lived buildings rarely re-surveyed: as of 2025-09-09 a decade
// keeps the 92 % checked since 2015 and drops those nobody has looked at for
// longer, whose existence is the least certain. Lists of mobile or project-funded
// services (legal aid, psychosocial support) should use a far shorter age,
// such as 1 or 2 years.
//
// Each service layer has a coverage area: where it holds data
// (geodata/coverage). An uploader declares it — countries (ISO 3166-1
// codes, drawn from the bundled Natural Earth outlines) and/or an area —
// and a declaration holds for every category the layer supplies. A layer
// without one has, per category, a coverage computed from its points of
// that category, whatever their subtype or age: the H3 cells (resolution
// 4) holding them and every cell within 4 steps, about 180 km around each
// (130–270 km, as cells vary), close to the 200 km search of the method
// before coverage areas. A stale service still says that the layer holds
// data where it is.
//
// A category's coverage is the union of the coverage areas of the layers
// that supply it: those holding at least one current service of it that
// counts (below). A segment is "no_data" for a category unless the point
// it is judged at — its middle, or at sea its landing place (below) — lies
// in that coverage; a declared area counts a point within 10 km of it as
// inside, so that a coastal landing place is not lost to the coarser
// country outlines. Only inside can it be "ok" (a current service that
// counts within reach_km) or "gap" (none within reach_km). So health
// services loaded for eight African and eight European countries make no
// stretch in Iran or Mexico a health gap, and three legal-aid offices in
// Italy make legal gaps only around them (or in the countries they
// declare). A category with no current service anywhere is "no_data"
// everywhere.
//
// For each segment and category the distance to the nearest current
// service that counts is searched up to NearestSearchFactor × reach_km (4 ×
// 50 km by default) and reported inside the coverage only; a gap can
// have no nearest distance (none within the search).
//
// Which subtypes count as coverage is a default that a request can
// change with coverage_subtypes (subtypes.go): by default NotCoverage's
// subtypes do not (pharmacies, dentists and other specialised points for
// health) and every other does; coverage_subtypes=health:hospital,clinic
// counts only hospitals and clinics, health:-pharmacy all but pharmacies,
// health:* all. A service without a subtype always counts. Services that
// do not count stay on the map and still make the computed coverage. A
// gap's reason names what was searched: the category's label and the
// sources of its services.
//
// A segment at sea (its middle off Natural Earth's 1:10m land) is judged
// on what a survivor reaches: the services around its leg's landing place,
// the point where the line, followed as drawn (from departure to
// arrival), next reaches land — or its end, if it ends at sea — named by
// the nearest port within 30 km or else the nearest gazetteer place. The
// nearest distance of a sea segment is measured from there, not from the
// nearest shore.
//
// # Priority
//
// The ranked list names stretches, not pieces (stretch.go): from the
// highest-priority segment not yet listed, a stretch grows by the adjacent
// segments of its line, in order of priority, while theirs is at least
// half the peak's and it holds fewer than five; no listed stretch touches
// another (within 1 km, on any line), so a long deadly corridor is one row
// and the next row is elsewhere. A row carries the peak segment's figures
// with the stretch's start_km, end_km and course.
//
// Priority = (risk / the highest risk of the analysis) × (categories with a
// gap / categories with data). With no category holding data it is the
// normalised risk alone, and the reasons say so. Priorities therefore
// compare the segments of one analysis, between 0 and 1. Segments with a
// priority above zero are ranked, highest first; equal priorities share a
// rank and the next rank skips (1, 2, 2, 4); the list orders ties by risk,
// then route name, route id and position along the route. Each ranked
// segment carries its reasons: incidents and risk, dead and missing, last
// incident, each category with a gap (with the nearest distance), and the
// categories without data.
//
// # Parameters
//
// As query parameters (ParseParams), with their defaults and inclusive
// bounds:
//
//	segment_km       10          1–100     length cut along each route
//	radius_km        25          1–200     how far from a segment incidents count
//	half_life_days   365         1–36500   age at which an incident weighs half
//	reach_km         50          1–200     a service farther than this leaves a gap
//	reference_date   today (UTC; the API: the last incident's date) 1900-01-01–2100-12-31
//	datetime         all time    an RFC 3339 date, instant or interval (start/end, ".." open)
//	routes           all         route names, one per occurrence (routes=A&routes=B)
//	causes           all         cause categories, one per occurrence, of the seven of MMP
//	nonfatal_weight  0.5         0–1       severity of an incident with no dead or missing
//	stale_years      10          1–100     a service verified longer ago is stale
//	quality_floor    0.25        0–1       weight of a source_quality 1 record (5 weighs 1)
//	severity_cap     100         1–100000  most dead and missing one incident counts with
//	approx_radius_km 50          1–200     how far an approximate incident is spread
//	coverage_subtypes NotCoverage's rule  CATEGORY:SPEC per occurrence or ";"-separated (see Coverage)
//
// reference_date defaults, in the API, to the date of the last incident
// (Analyser.DataThrough), so that an answer does not age with the
// calendar. Route lines whose valid_to is before reference_date are left
// out: they are history, not current routes.
//
// Any other parameter, a parameter given twice, or a value out of bounds is
// an error naming the parameter and what it allows. Params.Key gives every
// parameter in one canonical form, with the reference date resolved and
// MethodVersion in front, for cache keys.
//
// # Speed
//
// NewAnalyser keeps the incidents and services in uniform
// longitude/latitude grids, stored cell by cell so that the cells of one
// grid row inside a query box are one contiguous run of memory. Incidents
// farther than MaxRadiusKm from every route, and services farther than
// NearestSearchFactor × MaxReachKm, are dropped, as no parameter can reach
// them. For each segment Analyse scans the runs of the rows that meet the
// box around the segment's bounding cap grown by radius_km, rejects most
// far points with one dot product, and computes squared distances from
// dot products without square roots or trigonometry. The nearest-service
// search starts from the previous segment's nearest service and widens
// row by row only while a nearer service is still possible. Segments are
// spread over the processors. Work grows with the number of (segment,
// nearby incident) pairs, so linearly with the incidents; the benchmarks
// run the whole analysis over every bundled route (12,104 segments) with
// the real incidents and with synthetic layers of 200,000 and 1,000,000
// (package synthetic).
//
// # Checking
//
// The tests compare the counts and the risk of each segment with a
// brute-force computation (every segment against every incident, with a
// plain point-to-arc distance from math.Asin) and with an independent one
// in PostGIS (ST_DWithin and ST_Distance on geography; the test fails
// under CI=true when PostGIS is unreachable and is skipped otherwise). On
// the sphere counts must agree exactly, but for incidents within a
// millimetre of the radius, which either side may count, and risk to 10⁻⁶
// relative. On the WGS84 spheroid (ST_DWithin's default) counts may differ
// only by incidents whose spherical distance is within 0.5 % of the
// radius. With the bundled layers and the defaults, all 12,104 segments
// and 78,071 (segment, incident) pairs agree on the sphere, risk to 10⁻⁷;
// on the spheroid 76 segments differ, by at most 12 incidents, all within
// that band.
package risk
