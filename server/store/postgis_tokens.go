package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/routerisk/routerisk/geodata/account"
)

// PostGISTokens keeps the records of API tokens in the PostGIS database,
// so that every replica accepts a token made through any of them (or by
// `routerisk token create --store …`) and refuses a revoked one at once.
// It is the auth.TokenStore of a server with --store, and never holds a
// token, only its hash.
type PostGISTokens struct {
	s *PostGIS
}

// NewPostGISTokens returns the token store of the database.
func NewPostGISTokens(s *PostGIS) *PostGISTokens { return &PostGISTokens{s: s} }

// recordTimeout bounds one query of the token or embed records: a request
// waits for it.
const recordTimeout = 2 * time.Second

// Add keeps rec (hash, dates and revocation as they are) unless a token
// with its id is kept already; it reports whether it did.
func (t *PostGISTokens) Add(ctx context.Context, rec account.TokenRecord) (_ bool, err error) {
	defer t.s.unavailable(&err)
	if err := rec.Check(); err != nil {
		return false, err
	}
	ctx, cancel := context.WithTimeout(ctx, recordTimeout)
	defer cancel()
	tag, err := t.s.pool.Exec(ctx, `INSERT INTO api_tokens (id, name, role, hash, created_at, revoked_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
		rec.ID, rec.Name, string(rec.Role), rec.Hash, rec.CreatedAt, rec.RevokedAt)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// Find returns the record of the token with public id; false when there
// is none.
func (t *PostGISTokens) Find(ctx context.Context, id string) (_ account.TokenRecord, _ bool, err error) {
	defer t.s.unavailable(&err)
	ctx, cancel := context.WithTimeout(ctx, recordTimeout)
	defer cancel()
	rows, err := t.s.pool.Query(ctx, "SELECT id, name, role, hash, created_at, revoked_at FROM api_tokens WHERE id = $1", id)
	if err != nil {
		return account.TokenRecord{}, false, err
	}
	rec, err := pgx.CollectExactlyOneRow(rows, scanToken)
	if errors.Is(err, pgx.ErrNoRows) {
		return account.TokenRecord{}, false, nil
	}
	return rec, err == nil, err
}

// List returns every token record, oldest first.
func (t *PostGISTokens) List(ctx context.Context) (_ []account.TokenRecord, err error) {
	defer t.s.unavailable(&err)
	ctx, cancel := context.WithTimeout(ctx, recordTimeout)
	defer cancel()
	rows, err := t.s.pool.Query(ctx, "SELECT id, name, role, hash, created_at, revoked_at FROM api_tokens ORDER BY created_at, id")
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanToken)
}

// Revoke marks the token with public id revoked now; false when no active
// token has that id.
func (t *PostGISTokens) Revoke(ctx context.Context, id string) (_ bool, err error) {
	defer t.s.unavailable(&err)
	ctx, cancel := context.WithTimeout(ctx, recordTimeout)
	defer cancel()
	tag, err := t.s.pool.Exec(ctx, "UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", id)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

func scanToken(row pgx.CollectableRow) (account.TokenRecord, error) {
	var r account.TokenRecord
	var role string
	err := row.Scan(&r.ID, &r.Name, &role, &r.Hash, &r.CreatedAt, &r.RevokedAt)
	r.Role = account.Role(role)
	r.CreatedAt = r.CreatedAt.UTC()
	if r.RevokedAt != nil {
		at := r.RevokedAt.UTC()
		r.RevokedAt = &at
	}
	return r, err
}
