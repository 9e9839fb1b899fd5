package store

import (
	"context"
	"slices"
	"time"

	"github.com/routerisk/routerisk/geodata/account"
)

// TokenFile keeps the records of API tokens in one JSON file of the data
// folder (DIR/tokens.json, mode 0600), rewritten atomically on every
// change and re-read when another process (such as `routerisk token
// create`) changed it. It never holds a token, only its hash. It is the
// auth.TokenStore of a server without --store.
type TokenFile struct {
	f *jsonFile[tokenDoc]
}

type tokenDoc struct {
	Tokens []account.TokenRecord `json:"tokens"`
}

// OpenTokenFile opens the token file in dir; a missing file means no tokens.
func OpenTokenFile(dir string) (*TokenFile, error) {
	f, err := openJSONFile[tokenDoc](dir, "tokens.json", "token file", nil)
	if err != nil {
		return nil, err
	}
	return &TokenFile{f: f}, nil
}

// Add keeps rec unless a token with its id is kept already; it reports
// whether it did.
func (t *TokenFile) Add(_ context.Context, rec account.TokenRecord) (bool, error) {
	if err := rec.Check(); err != nil {
		return false, err
	}
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	if err := t.f.loadFresh(); err != nil {
		return false, err
	}
	if slices.ContainsFunc(t.f.doc.Tokens, func(r account.TokenRecord) bool { return r.ID == rec.ID }) {
		return false, nil
	}
	t.f.doc.Tokens = append(t.f.doc.Tokens, rec)
	return true, t.f.save()
}

// Find returns the record of the token with public id; false when there
// is none.
func (t *TokenFile) Find(_ context.Context, id string) (account.TokenRecord, bool, error) {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	if err := t.f.load(); err != nil {
		return account.TokenRecord{}, false, err
	}
	for _, r := range t.f.doc.Tokens {
		if r.ID == id {
			return r, true, nil
		}
	}
	return account.TokenRecord{}, false, nil
}

// List returns every token record, in the order they were added.
func (t *TokenFile) List(context.Context) ([]account.TokenRecord, error) {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	if err := t.f.load(); err != nil {
		return nil, err
	}
	return slices.Clone(t.f.doc.Tokens), nil
}

// Revoke marks the token with public id revoked now; false when no active
// token has that id.
func (t *TokenFile) Revoke(_ context.Context, id string) (bool, error) {
	t.f.mu.Lock()
	defer t.f.mu.Unlock()
	if err := t.f.loadFresh(); err != nil {
		return false, err
	}
	for i := range t.f.doc.Tokens {
		if r := &t.f.doc.Tokens[i]; r.ID == id && r.RevokedAt == nil {
			now := time.Now().UTC()
			r.RevokedAt = &now
			return true, t.f.save()
		}
	}
	return false, nil
}
