package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/routerisk/routerisk/geodata"
)

// Purge removes, from every layer, the versions published before cutoff
// that are neither current nor the layer's newest (see
// geodata.Purgeable), with their features, and audits one entry per
// layer, in one transaction.
func (s *PostGIS) Purge(ctx context.Context, cutoff time.Time, by geodata.AuditEntry) (out []geodata.Purged, err error) {
	defer s.unavailable(&err)
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		out = nil
		rows, err := tx.Query(ctx, `SELECT l.id, coalesce(l.current_version, 0), v.version, v.created_at
			FROM layers l JOIN layer_versions v ON v.layer_id = l.id ORDER BY l.id, v.version FOR UPDATE OF l`)
		if err != nil {
			return err
		}
		type layer struct {
			current  int
			versions []int
			times    []time.Time
		}
		layers := map[string]*layer{}
		var order []string
		for rows.Next() {
			var id string
			var current, v int
			var at time.Time
			if err := rows.Scan(&id, &current, &v, &at); err != nil {
				rows.Close()
				return err
			}
			l, ok := layers[id]
			if !ok {
				l = &layer{current: current}
				layers[id] = l
				order = append(order, id)
			}
			l.versions = append(l.versions, v)
			l.times = append(l.times, at)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range order {
			l := layers[id]
			gone := geodata.Purgeable(l.versions, l.times, l.current, cutoff)
			if len(gone) == 0 {
				continue
			}
			if _, err := tx.Exec(ctx, "DELETE FROM features WHERE layer_id = $1 AND version = ANY($2)", id, gone); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "DELETE FROM layer_versions WHERE layer_id = $1 AND version = ANY($2)", id, gone); err != nil {
				return err
			}
			out = append(out, geodata.Purged{Layer: id, Versions: gone})
			e := by
			e.Action, e.Layer, e.Outcome = "purge", id, geodata.OutcomeOK
			e.Detail = purgeDetail(gone, cutoff)
			if err := s.audit(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}
