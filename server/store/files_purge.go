package store

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/routerisk/routerisk/geodata"
)

// Purge removes, from every layer, the versions published before cutoff
// that are neither current nor the layer's newest (see
// geodata.Purgeable), and audits one entry per layer.
func (s *Files) Purge(_ context.Context, cutoff time.Time, by geodata.AuditEntry) ([]geodata.Purged, error) {
	ids, err := s.LayerIDs()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []geodata.Purged
	for _, id := range ids {
		vs, err := s.versionNumbers(id, true)
		if err != nil {
			return out, err
		}
		times := make([]time.Time, len(vs))
		for i, v := range vs {
			m, err := s.meta(id, v)
			if err != nil {
				return out, err
			}
			times[i] = m.UpdatedAt
		}
		current, err := s.currentVersion(id)
		if err != nil && geodata.ErrorCode(err) != geodata.NotFound {
			return out, err
		}
		gone := geodata.Purgeable(vs, times, current, cutoff)
		if len(gone) == 0 {
			continue
		}
		for _, v := range gone {
			if err := os.RemoveAll(s.versionDir(id, v)); err != nil {
				return out, err
			}
		}
		out = append(out, geodata.Purged{Layer: id, Versions: gone})
		e := by
		e.Action, e.Layer, e.Outcome = "purge", id, geodata.OutcomeOK
		e.Detail = purgeDetail(gone, cutoff)
		if err := s.audit(e); err != nil {
			return out, err
		}
	}
	slices.SortFunc(out, func(a, b geodata.Purged) int { return cmpString(a.Layer, b.Layer) })
	return out, nil
}

// purgeDetail says in the audit log what a purge removed.
func purgeDetail(versions []int, cutoff time.Time) string {
	return fmt.Sprintf("versions %v published before %s", versions, cutoff.UTC().Format(time.RFC3339))
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
