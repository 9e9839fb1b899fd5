package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/routerisk/routerisk/geodata/account"
)

// PostGISEmbeds keeps the records of issued embed tokens, and the key
// that signs them when none is configured, in the PostGIS database, so
// that an embed withdrawn through one replica is refused by every other at
// once, with no shared folder. It is the auth.EmbedStore of a server with
// --store.
type PostGISEmbeds struct {
	s *PostGIS
}

// NewPostGISEmbeds returns the embed store of the database.
func NewPostGISEmbeds(s *PostGIS) *PostGISEmbeds { return &PostGISEmbeds{s: s} }

// Add keeps rec (dates and revocation as they are) unless an embed with
// its id is kept already; it reports whether it did.
func (e *PostGISEmbeds) Add(ctx context.Context, rec account.EmbedRecord) (_ bool, err error) {
	defer e.s.unavailable(&err)
	if err := rec.Check(); err != nil {
		return false, err
	}
	layers := rec.Layers
	if layers == nil {
		layers = []string{}
	}
	ctx, cancel := context.WithTimeout(ctx, recordTimeout)
	defer cancel()
	tag, err := e.s.pool.Exec(ctx, `INSERT INTO embeds (id, name, tier, layers, params, created_by, created_at, expires_at, revoked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
		rec.ID, rec.Name, string(rec.Tier), layers, rec.Params, rec.CreatedBy, rec.CreatedAt, rec.ExpiresAt, rec.RevokedAt)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// List returns every embed record, in the order they were added.
func (e *PostGISEmbeds) List(ctx context.Context) (_ []account.EmbedRecord, err error) {
	defer e.s.unavailable(&err)
	ctx, cancel := context.WithTimeout(ctx, recordTimeout)
	defer cancel()
	rows, err := e.s.pool.Query(ctx, `SELECT id, name, tier, layers, params, created_by, created_at, expires_at, revoked_at
		FROM embeds ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanEmbed)
}

func scanEmbed(row pgx.CollectableRow) (account.EmbedRecord, error) {
	var r account.EmbedRecord
	var tier string
	err := row.Scan(&r.ID, &r.Name, &tier, &r.Layers, &r.Params, &r.CreatedBy, &r.CreatedAt, &r.ExpiresAt, &r.RevokedAt)
	r.Tier = account.EmbedTier(tier)
	r.CreatedAt, r.ExpiresAt = r.CreatedAt.UTC(), r.ExpiresAt.UTC()
	if r.RevokedAt != nil {
		at := r.RevokedAt.UTC()
		r.RevokedAt = &at
	}
	return r, err
}

// Revoke marks the embed with id revoked now; false when no active embed
// has that id.
func (e *PostGISEmbeds) Revoke(ctx context.Context, id string) (_ bool, err error) {
	defer e.s.unavailable(&err)
	ctx, cancel := context.WithTimeout(ctx, recordTimeout)
	defer cancel()
	tag, err := e.s.pool.Exec(ctx, "UPDATE embeds SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", id)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// Revoked reports whether an embed with id is on record and revoked.
func (e *PostGISEmbeds) Revoked(ctx context.Context, id string) (_ bool, err error) {
	defer e.s.unavailable(&err)
	ctx, cancel := context.WithTimeout(ctx, recordTimeout)
	defer cancel()
	var revoked bool
	err = e.s.pool.QueryRow(ctx, "SELECT revoked_at IS NOT NULL FROM embeds WHERE id = $1", id).Scan(&revoked)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return revoked, err
}

// Key returns the signing key kept in the database; when there is none
// yet it keeps candidate (at least 16 bytes) and returns it. Replicas
// starting together all get the key kept first.
func (e *PostGISEmbeds) Key(ctx context.Context, candidate []byte) (_ []byte, err error) {
	defer e.s.unavailable(&err)
	ctx, cancel := context.WithTimeout(ctx, recordTimeout)
	defer cancel()
	if len(candidate) < minKeyBytes {
		return nil, errors.New("an embed signing key must be at least 16 bytes")
	}
	// A concurrent insert makes this one wait, then do nothing; the
	// select that follows (a new snapshot) sees the row kept first.
	if _, err := e.s.pool.Exec(ctx, "INSERT INTO embed_key (key) VALUES ($1) ON CONFLICT (singleton) DO NOTHING", candidate); err != nil {
		return nil, err
	}
	var key []byte
	if err := e.s.pool.QueryRow(ctx, "SELECT key FROM embed_key").Scan(&key); err != nil {
		return nil, err
	}
	return key, nil
}
