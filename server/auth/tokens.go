package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// ErrUnknownToken is returned for a token that is malformed, unknown or revoked.
var ErrUnknownToken = errors.New("the token is not valid: check that it was copied whole, or ask an admin for a new one")

// tokenPrefix starts every token, so a leaked token is recognisable in
// logs and by secret scanners.
const tokenPrefix = "rrt_"

// TokenRecord is what is kept of a token: never the token itself, only a
// SHA-256 hash of it (tokens are 256-bit random, so a fast hash is enough).
type TokenRecord struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Role      Role       `json:"role"`
	Hash      string     `json:"hash"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// TokenFile keeps tokens in one JSON file (DIR/tokens.json, mode 0600),
// rewritten atomically on every change and re-read when another process
// (such as `routerisk token create`) changed it.
type TokenFile struct {
	path string
	mu   sync.Mutex
	mod  time.Time
	size int64
	recs []TokenRecord
}

// OpenTokenFile opens the token file in dir; a missing file means no tokens.
func OpenTokenFile(dir string) (*TokenFile, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("token folder %s: %w", dir, err)
	}
	t := &TokenFile{path: filepath.Join(dir, "tokens.json")}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.reload(); err != nil {
		return nil, err
	}
	return t, nil
}

// reload re-reads the file when its size or modification time changed.
func (t *TokenFile) reload() error {
	st, err := os.Stat(t.path)
	if errors.Is(err, os.ErrNotExist) {
		t.recs, t.mod, t.size = nil, time.Time{}, 0
		return nil
	}
	if err != nil {
		return err
	}
	if st.ModTime().Equal(t.mod) && st.Size() == t.size && t.recs != nil {
		return nil
	}
	data, err := os.ReadFile(t.path)
	if err != nil {
		return err
	}
	var doc struct {
		Tokens []TokenRecord `json:"tokens"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s is not a valid token file: %w", t.path, err)
	}
	t.recs, t.mod, t.size = doc.Tokens, st.ModTime(), st.Size()
	if t.recs == nil {
		t.recs = []TokenRecord{}
	}
	return nil
}

func (t *TokenFile) save() error {
	if err := writeJSONFile(t.path, struct {
		Tokens []TokenRecord `json:"tokens"`
	}{t.recs}); err != nil {
		return err
	}
	t.mod = time.Time{} // force the next reload to read what was written
	return t.reload()
}

// writeJSONFile replaces path with v as indented JSON, atomically (a temp
// file in the same folder, fsynced, renamed) and readable by the owner only.
func writeJSONFile(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".write-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// NewToken makes a new token for name with role: the token (shown once,
// never stored) and the record to keep. Every token store makes tokens
// with it.
func NewToken(name string, role Role) (string, TokenRecord, error) {
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

// TokenID returns the public id part of a well-formed token.
func TokenID(token string) (string, bool) { return tokenID(token) }

// Matches reports whether token is the one r was made for and r is not
// revoked (the hashes are compared in constant time).
func (r TokenRecord) Matches(token string) bool {
	return r.RevokedAt == nil && subtle.ConstantTimeCompare([]byte(r.Hash), []byte(hashToken(token))) == 1
}

// Principal is who the record's token stands for.
func (r TokenRecord) Principal() Principal {
	return Principal{Name: r.Name, Role: r.Role, TokenID: r.ID}
}

// Create makes a new token for name with role and returns the token (shown
// once, never stored) and its record.
func (t *TokenFile) Create(name string, role Role) (string, TokenRecord, error) {
	token, rec, err := NewToken(name, role)
	if err != nil {
		return "", TokenRecord{}, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.reload(); err != nil {
		return "", TokenRecord{}, err
	}
	t.recs = append(t.recs, rec)
	if err := t.save(); err != nil {
		return "", TokenRecord{}, err
	}
	return token, rec, nil
}

// Revoke marks the token with the given public id as no longer valid.
func (t *TokenFile) Revoke(id string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.reload(); err != nil {
		return err
	}
	for i := range t.recs {
		if t.recs[i].ID == id && t.recs[i].RevokedAt == nil {
			now := time.Now().UTC()
			t.recs[i].RevokedAt = &now
			return t.save()
		}
	}
	return fmt.Errorf("no active token has id %q", id)
}

// List returns every token record (hashes included; callers show only
// id, name, role and dates).
func (t *TokenFile) List() ([]TokenRecord, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.reload(); err != nil {
		return nil, err
	}
	return append([]TokenRecord(nil), t.recs...), nil
}

// Authenticate returns the principal a token stands for, or ErrUnknownToken.
func (t *TokenFile) Authenticate(token string) (Principal, error) {
	id, ok := tokenID(token)
	if !ok {
		return Principal{}, ErrUnknownToken
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.reload(); err != nil {
		return Principal{}, err
	}
	for _, r := range t.recs {
		if r.ID == id && r.Matches(token) {
			return r.Principal(), nil
		}
	}
	return Principal{}, ErrUnknownToken
}

// Active reports whether the token with public id is on record and not
// revoked.
func (t *TokenFile) Active(id string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.reload(); err != nil {
		return false
	}
	for _, r := range t.recs {
		if r.ID == id && r.RevokedAt == nil {
			return true
		}
	}
	return false
}

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
