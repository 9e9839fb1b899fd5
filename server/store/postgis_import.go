package store

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/routerisk/routerisk/geodata"
)

// The methods in this file copy another store (a file store folder) into
// PostGIS as it is: version numbers, metadata, reports, which version is
// current or that the layer was deleted, and the audit log. Each is
// idempotent, so an interrupted copy can simply be run again.

// importVersion stores l as version l.Meta.Version of layer l.Meta.ID with
// its metadata exactly as given (number, time and author come from the
// other store) and report, in one transaction. It returns false, writing
// nothing, when that version exists. It does not change which version is
// current: importState does, once every version is in.
func (s *PostGIS) importVersion(ctx context.Context, l *geodata.Layer, report geodata.Report) (bool, error) {
	id, v := l.Meta.ID, l.Meta.Version
	if !geodata.ValidLayerID(id) || v < 1 {
		return false, geodata.Errorf(geodata.Invalid, "cannot import version %d of layer %q", v, id)
	}
	reportJSON, err := json.Marshal(report)
	if err != nil {
		return false, err
	}
	imported := false
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO layers (id) VALUES ($1) ON CONFLICT (id) DO NOTHING", id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "SELECT 1 FROM layers WHERE id = $1 FOR UPDATE", id); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM layer_versions WHERE layer_id = $1 AND version = $2)", id, v).Scan(&exists); err != nil || exists {
			return err
		}
		if err := insertVersion(ctx, tx, l.Meta, reportJSON); err != nil {
			return err
		}
		imported = true
		return copyFeatures(ctx, tx, id, v, l.Features)
	})
	if err != nil {
		return false, wrapWrite("importing", id, err)
	}
	return imported, nil
}

// importState makes version v of layer id current, or with v = 0 marks
// the layer deleted (keeping the time of an earlier delete), and announces
// it on LayersChannel. Code NotFound when the layer has no version v.
func (s *PostGIS) importState(ctx context.Context, id string, v int) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if v == 0 {
			tag, err := tx.Exec(ctx, "UPDATE layers SET current_version = NULL, deleted_at = coalesce(deleted_at, now()) WHERE id = $1", id)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return errNoLayer(id)
			}
			return notify(ctx, tx, id+":deleted")
		}
		var exists bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM layer_versions WHERE layer_id = $1 AND version = $2)", id, v).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return errNoVersion(id, v)
		}
		if _, err := tx.Exec(ctx, "UPDATE layers SET current_version = $2, deleted_at = NULL WHERE id = $1", id, v); err != nil {
			return err
		}
		return notify(ctx, tx, id+":"+strconv.Itoa(v))
	})
	return wrapWrite("importing", id, err)
}

// importAudit appends e to the audit log as it is (its time included)
// under key, a name unique to the entry in the other store; it returns
// false, writing nothing, when an entry with that key was imported before.
func (s *PostGIS) importAudit(ctx context.Context, key string, e geodata.AuditEntry) (bool, error) {
	if key == "" {
		return false, errors.New("an imported audit entry needs a key")
	}
	return insertAudit(ctx, s.pool, e, &key)
}
