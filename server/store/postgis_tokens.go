package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/routerisk/routerisk/server/auth"
)

// PostGISTokens keeps API tokens in the PostGIS database, so that every
// replica accepts a token made through any of them (or by `routerisk
// token create --store …`) and refuses a revoked one at once. It has the
// methods of auth.TokenFile.
type PostGISTokens struct {
	s *PostGIS
}

// Tokens returns the token store of the database.
func (s *PostGIS) Tokens() *PostGISTokens { return &PostGISTokens{s: s} }

// tokenTimeout bounds one token query: a request waits for it.
const tokenTimeout = 2 * time.Second

// Create makes a new token for name with role and returns the token (shown
// once, never stored) and its record.
func (t *PostGISTokens) Create(name string, role auth.Role) (string, auth.TokenRecord, error) {
	token, rec, err := auth.NewToken(name, role)
	if err != nil {
		return "", auth.TokenRecord{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), tokenTimeout)
	defer cancel()
	_, err = t.s.pool.Exec(ctx, "INSERT INTO api_tokens (id, name, role, hash, created_at) VALUES ($1, $2, $3, $4, $5)",
		rec.ID, rec.Name, string(rec.Role), rec.Hash, rec.CreatedAt)
	if err != nil {
		return "", auth.TokenRecord{}, fmt.Errorf("storing the token: %w", err)
	}
	return token, rec, nil
}

// Revoke marks the token with the given public id as no longer valid.
func (t *PostGISTokens) Revoke(id string) error {
	ctx, cancel := context.WithTimeout(context.Background(), tokenTimeout)
	defer cancel()
	tag, err := t.s.pool.Exec(ctx, "UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("no active token has id %q", id)
	}
	return nil
}

// List returns every token record, oldest first.
func (t *PostGISTokens) List() ([]auth.TokenRecord, error) {
	ctx, cancel := context.WithTimeout(context.Background(), tokenTimeout)
	defer cancel()
	rows, err := t.s.pool.Query(ctx, "SELECT id, name, role, hash, created_at, revoked_at FROM api_tokens ORDER BY created_at, id")
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanToken)
}

// Authenticate returns the principal a token stands for, or
// auth.ErrUnknownToken.
func (t *PostGISTokens) Authenticate(token string) (auth.Principal, error) {
	id, ok := auth.TokenID(token)
	if !ok {
		return auth.Principal{}, auth.ErrUnknownToken
	}
	rec, found, err := t.find(id)
	if err != nil {
		return auth.Principal{}, err
	}
	if !found || !rec.Matches(token) {
		return auth.Principal{}, auth.ErrUnknownToken
	}
	return rec.Principal(), nil
}

// Active reports whether the token with public id is on record and not
// revoked.
func (t *PostGISTokens) Active(id string) bool {
	rec, found, err := t.find(id)
	return err == nil && found && rec.RevokedAt == nil
}

func (t *PostGISTokens) find(id string) (auth.TokenRecord, bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), tokenTimeout)
	defer cancel()
	rows, err := t.s.pool.Query(ctx, "SELECT id, name, role, hash, created_at, revoked_at FROM api_tokens WHERE id = $1", id)
	if err != nil {
		return auth.TokenRecord{}, false, err
	}
	rec, err := pgx.CollectExactlyOneRow(rows, scanToken)
	if errors.Is(err, pgx.ErrNoRows) {
		return auth.TokenRecord{}, false, nil
	}
	return rec, err == nil, err
}

func scanToken(row pgx.CollectableRow) (auth.TokenRecord, error) {
	var r auth.TokenRecord
	var role string
	err := row.Scan(&r.ID, &r.Name, &role, &r.Hash, &r.CreatedAt, &r.RevokedAt)
	r.Role = auth.Role(role)
	r.CreatedAt = r.CreatedAt.UTC()
	return r, err
}

// Import adds a token record made elsewhere (a file store's tokens.json),
// hash, dates and revocation as they are. It reports false when a token
// with that id is already here, which it leaves alone.
func (t *PostGISTokens) Import(rec auth.TokenRecord) (bool, error) {
	if rec.ID == "" || rec.Hash == "" || !rec.Role.Valid() {
		return false, fmt.Errorf("token record %q is incomplete", rec.ID)
	}
	ctx, cancel := context.WithTimeout(context.Background(), tokenTimeout)
	defer cancel()
	tag, err := t.s.pool.Exec(ctx, `INSERT INTO api_tokens (id, name, role, hash, created_at, revoked_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
		rec.ID, rec.Name, string(rec.Role), rec.Hash, rec.CreatedAt, rec.RevokedAt)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}
