package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/account"
)

// ErrUnknownToken is returned for a token that is malformed, unknown or revoked.
var ErrUnknownToken = errors.New("the token is not valid: check that it was copied whole, or ask an admin for a new one")

// tokenPrefix starts every token, so a leaked token is recognisable in
// logs and by secret scanners.
const tokenPrefix = "rrt_"

// TokenRecord is what is kept of a token (see account.TokenRecord): never
// the token itself, only a SHA-256 hash of it (tokens are 256-bit random,
// so a fast hash is enough).
type TokenRecord = account.TokenRecord

// TokenStore keeps token records: a file in the data folder, or PostGIS
// shared by every replica. It never sees a token, only its record.
type TokenStore interface {
	// Add keeps rec unless a record with its id is kept already, and
	// reports whether it did. It adds new tokens, and copies records from
	// another store (hash, dates and revocation as they are).
	Add(ctx context.Context, rec TokenRecord) (bool, error)
	// Find returns the record with public id; false when there is none.
	Find(ctx context.Context, id string) (TokenRecord, bool, error)
	// List returns every record, oldest first, in a new slice.
	List(ctx context.Context) ([]TokenRecord, error)
	// Revoke marks the record with public id revoked now, and reports
	// false when no record with that id is active.
	Revoke(ctx context.Context, id string) (bool, error)
}

// Tokens makes, checks and revokes API tokens, keeping their records in a
// TokenStore.
type Tokens struct {
	store TokenStore
	// hashes keeps the hash of tokens that matched a record, so that a
	// client repeating its token is not hashed again on every request
	// (at most maxRememberedHashes; a token that matched nothing is never
	// kept, so guesses cannot fill it).
	hashes     sync.Map // token → hashToken(token)
	remembered atomic.Int64
}

// maxRememberedHashes bounds Tokens.hashes.
const maxRememberedHashes = 4096

// NewTokens returns the tokens kept in store.
func NewTokens(store TokenStore) *Tokens { return &Tokens{store: store} }

// Create makes a new token for name with role and returns the token (shown
// once, never stored) and its record.
func (t *Tokens) Create(name string, role Role) (string, TokenRecord, error) {
	token, rec, err := newToken(name, role)
	if err != nil {
		return "", TokenRecord{}, err
	}
	added, err := t.store.Add(context.Background(), rec)
	if err != nil {
		return "", TokenRecord{}, fmt.Errorf("storing the token: %w", err)
	}
	if !added {
		return "", TokenRecord{}, fmt.Errorf("a token with id %s exists already; try again", rec.ID)
	}
	return token, rec, nil
}

// Revoke marks the token with the given public id as no longer valid.
func (t *Tokens) Revoke(id string) error {
	ok, err := t.store.Revoke(context.Background(), id)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no active token has id %q", geodata.Truncate(id, 40))
	}
	return nil
}

// List returns every token record, oldest first (hashes included; callers
// show only id, name, role and dates).
func (t *Tokens) List() ([]TokenRecord, error) { return t.store.List(context.Background()) }

// Authenticate returns the principal a token stands for, or ErrUnknownToken.
func (t *Tokens) Authenticate(token string) (Principal, error) {
	id, ok := tokenID(token)
	if !ok {
		return Principal{}, ErrUnknownToken
	}
	rec, found, err := t.store.Find(context.Background(), id)
	if err != nil {
		return Principal{}, err
	}
	if !found {
		return Principal{}, ErrUnknownToken
	}
	h, known := t.hashes.Load(token)
	if !known {
		h = hashToken(token)
	}
	if !hashMatches(rec, h.(string)) {
		return Principal{}, ErrUnknownToken
	}
	if !known && t.remembered.Add(1) <= maxRememberedHashes {
		t.hashes.Store(token, h)
	}
	return rec.Principal(), nil
}

// Active reports whether the token with public id is on record and not
// revoked. When the store cannot be asked it answers the store's error and
// false: the caller cannot tell, and must not take that for a revocation.
func (t *Tokens) Active(id string) (bool, error) {
	rec, found, err := t.store.Find(context.Background(), id)
	if err != nil {
		return false, err
	}
	return found && rec.RevokedAt == nil, nil
}

// newToken makes a new token for name with role: the token (shown once,
// never stored) and the record to keep.
func newToken(name string, role Role) (string, TokenRecord, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", TokenRecord{}, errors.New("give the token a name of 1–100 characters (who or what uses it)")
	}
	if !role.Valid() {
		return "", TokenRecord{}, fmt.Errorf("role %q is not one of viewer, partner, staff, editor, admin", role)
	}
	idBytes := make([]byte, 6)
	secret := make([]byte, 32)
	if _, err := rand.Read(idBytes); err != nil {
		return "", TokenRecord{}, err
	}
	if _, err := rand.Read(secret); err != nil {
		return "", TokenRecord{}, err
	}
	id := hex.EncodeToString(idBytes)
	token := tokenPrefix + id + "_" + base64.RawURLEncoding.EncodeToString(secret)
	return token, TokenRecord{ID: id, Name: name, Role: role, Hash: hashToken(token), CreatedAt: time.Now().UTC()}, nil
}

// hashMatches reports whether hash is r's and r is not revoked (compared
// in constant time).
func hashMatches(r TokenRecord, hash string) bool {
	return r.RevokedAt == nil && subtle.ConstantTimeCompare([]byte(r.Hash), []byte(hash)) == 1
}

// TokenID returns the public id part of a well-formed token.
func TokenID(token string) (string, bool) { return tokenID(token) }

// tokenID returns the public id part of a well-formed token.
func tokenID(token string) (string, bool) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok || len(token) > 200 {
		return "", false
	}
	id, secret, ok := strings.Cut(rest, "_")
	if !ok || len(id) != 12 || len(secret) != 43 {
		return "", false
	}
	if _, err := hex.DecodeString(id); err != nil {
		return "", false
	}
	return id, true
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
