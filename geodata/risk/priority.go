package risk

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/routerisk/routerisk/geodata/vocab"
)

// prioritise sets every segment's priority and rank and lists the ranked
// segments with their reasons. Priority = (risk / the highest risk of the
// analysis) × the share of categories with data that leave a gap; with no
// category holding data, normalised risk alone. Segments are ranked by
// priority, highest first; equal priorities share a rank and the next rank
// skips (1, 2, 2, 4); a priority of 0 is not ranked. The list holds
// stretches (stretch.go): runs of adjacent segments grown from a peak, no
// two of which touch; each member segment carries its stretch's rank.
func prioritise(res *Result) {
	for i := range res.Segments {
		res.MaxRisk = max(res.MaxRisk, res.Segments[i].Risk)
	}
	var order []int
	for i := range res.Segments {
		s := &res.Segments[i]
		norm := 0.0
		if res.MaxRisk > 0 {
			norm = s.Risk / res.MaxRisk
		}
		s.Priority = norm
		if s.HasCoverage {
			s.Priority = norm * s.GapShare
		}
		if s.Priority > 0 {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(i, j int) int {
		a, b := &res.Segments[i], &res.Segments[j]
		return cmp.Or(
			cmp.Compare(b.Priority, a.Priority),
			cmp.Compare(b.Risk, a.Risk),
			strings.Compare(a.Route, b.Route),
			strings.Compare(a.RouteID, b.RouteID),
			cmp.Compare(a.Index, b.Index),
		)
	})
	stretches := buildStretches(res, order)
	res.Priorities = make([]Priority, len(stretches))
	noData := []string{}
	for _, c := range res.Categories {
		if !c.HasData {
			noData = append(noData, c.Category)
		}
	}
	var buf []byte
	for n, st := range stretches {
		rank := n + 1
		if n > 0 && res.Segments[st.peak].Priority == res.Priorities[n-1].Priority {
			rank = res.Priorities[n-1].Rank
		}
		for _, m := range st.members {
			res.Segments[m].Rank = rank
		}
		res.Priorities[n], buf = newPriority(res, st.peak, noData, buf)
		p := &res.Priorities[n]
		p.Members = st.members
		first, last := &res.Segments[st.members[0]], &res.Segments[st.members[len(st.members)-1]]
		p.StartKm, p.EndKm = first.StartKm, last.EndKm
	}
}

// newPriority describes segment i for the ranked list; noData (the
// categories without data, the same for every segment) is shared, not
// copied. buf is scratch space, returned for reuse.
func newPriority(res *Result, i int, noData []string, buf []byte) (Priority, []byte) {
	s := &res.Segments[i]
	p := Priority{
		Rank: s.Rank, Priority: s.Priority, Segment: i, SegmentID: s.ID(),
		Route: s.Route, RouteID: s.RouteID, SegmentIndex: s.Index, StartKm: s.StartKm, EndKm: s.EndKm,
		Risk: s.Risk, Class: s.Class, Incidents: s.Incidents, Dead: s.Dead, Missing: s.Missing,
		Gaps: []string{}, NoData: noData,
	}
	if !s.LastIncident.IsZero() {
		p.LastIncident = s.LastIncident.Format(time.DateOnly)
	}
	for j, c := range s.Coverage {
		if c.Status == Gap {
			p.Gaps = append(p.Gaps, res.Categories[j].Category)
		}
	}
	p.Reasons, buf = reasons(res, s, p, buf)
	return p, buf
}

// reasons writes why a segment ranks where it does, one sentence each:
// the incidents and risk, the dead and missing, the last incident, each
// category with a gap, and the categories without data. The sentences
// share one string.
func reasons(res *Result, s *Segment, p Priority, buf []byte) ([]string, []byte) {
	params := res.Params
	buf = buf[:0]
	ends := make([]int, 0, 16)
	end := func() { ends = append(ends, len(buf)) }
	buf = strconv.AppendInt(buf, int64(s.Incidents), 10)
	buf = append(buf, ' ')
	buf = append(buf, plural(s.Incidents, "incident", "incidents")...)
	buf = append(buf, " within "...)
	buf = strconv.AppendFloat(buf, params.RadiusKm, 'f', -1, 64)
	buf = append(buf, " km (risk "...)
	buf = strconv.AppendFloat(buf, s.Risk, 'f', 2, 64)
	buf = append(buf, ", "...)
	buf = append(buf, s.Class...)
	buf = append(buf, ')')
	end()
	buf = strconv.AppendFloat(buf, s.Dead, 'f', -1, 64)
	buf = append(buf, " dead, "...)
	buf = strconv.AppendFloat(buf, s.Missing, 'f', -1, 64)
	buf = append(buf, " missing"...)
	end()
	if p.LastIncident != "" {
		buf = append(buf, "last incident "...)
		buf = append(buf, p.LastIncident...)
		end()
	}
	for j, c := range s.Coverage {
		if c.Status != Gap {
			continue
		}
		buf = append(buf, res.Categories[j].Category...)
		buf = append(buf, ": none recorded within "...)
		buf = strconv.AppendFloat(buf, params.ReachKm, 'f', -1, 64)
		buf = append(buf, " km"...)
		if s.HasLanding {
			buf = append(buf, " of the landing place ("...)
			buf = append(buf, s.Landing...)
			buf = append(buf, ')')
		}
		buf = append(buf, " in "...)
		buf = append(buf, vocab.ServiceCategoryLabel(res.Categories[j].Category)...)
		if src := res.Categories[j].Sources; len(src) > 0 {
			buf = append(buf, " ("...)
			buf = append(buf, strings.Join(src, ", ")...)
			buf = append(buf, ')')
		}
		if c.HasNearest {
			buf = append(buf, "; nearest "...)
			buf = strconv.AppendFloat(buf, c.NearestKm, 'f', 0, 64)
			buf = append(buf, " km"...)
		}
		end()
	}
	if !s.HasCoverage {
		buf = append(buf, "no service data: the priority reflects risk alone"...)
		end()
	} else if len(p.NoData) > 0 {
		buf = append(buf, "no service data for "...)
		for j, c := range p.NoData {
			if j > 0 {
				buf = append(buf, ", "...)
			}
			buf = append(buf, c...)
		}
		end()
	}
	all := string(buf)
	out := make([]string, len(ends))
	from := 0
	for j := range ends {
		out[j] = all[from:ends[j]]
		from = ends[j]
	}
	return out, buf
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
