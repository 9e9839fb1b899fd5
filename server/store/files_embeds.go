package store

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"slices"
	"time"

	"github.com/routerisk/routerisk/geodata/account"
)

// EmbedFile keeps the records of issued embed tokens, and the key that
// signs them when none is configured, in one JSON file of the data folder
// (DIR/embeds.json, mode 0600), rewritten atomically on every change and
// re-read when another process changed it. It is the auth.EmbedStore of a
// server without --store: replicas sharing withdrawals must share the
// folder.
type EmbedFile struct {
	f *jsonFile[embedDoc]
}

type embedDoc struct {
	Key    string                `json:"key,omitempty"` // hex HMAC-SHA256 key, when not configured
	Embeds []account.EmbedRecord `json:"embeds"`
}

// minKeyBytes is the shortest signing key the file may hold.
const minKeyBytes = 16

// OpenEmbedFile opens the embed file in dir; a missing file means no
// embeds and no key yet.
func OpenEmbedFile(dir string) (*EmbedFile, error) {
	f, err := openJSONFile(dir, "embeds.json", "embed file", func(d *embedDoc) error {
		if d.Key == "" {
			return nil
		}
		if k, err := hex.DecodeString(d.Key); err != nil || len(k) < minKeyBytes {
			return errors.New("the key is not 16 or more hex bytes")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &EmbedFile{f: f}, nil
}

// Add keeps rec unless an embed with its id is kept already; it reports
// whether it did.
func (e *EmbedFile) Add(_ context.Context, rec account.EmbedRecord) (bool, error) {
	if err := rec.Check(); err != nil {
		return false, err
	}
	e.f.mu.Lock()
	defer e.f.mu.Unlock()
	if err := e.f.loadFresh(); err != nil {
		return false, err
	}
	if slices.ContainsFunc(e.f.doc.Embeds, func(r account.EmbedRecord) bool { return r.ID == rec.ID }) {
		return false, nil
	}
	e.f.doc.Embeds = append(e.f.doc.Embeds, rec)
	return true, e.f.save()
}

// List returns every embed record, in the order they were added.
func (e *EmbedFile) List(context.Context) ([]account.EmbedRecord, error) {
	e.f.mu.Lock()
	defer e.f.mu.Unlock()
	if err := e.f.load(); err != nil {
		return nil, err
	}
	return slices.Clone(e.f.doc.Embeds), nil
}

// Revoke marks the embed with id revoked now; false when no active embed
// has that id.
func (e *EmbedFile) Revoke(_ context.Context, id string) (bool, error) {
	e.f.mu.Lock()
	defer e.f.mu.Unlock()
	if err := e.f.loadFresh(); err != nil {
		return false, err
	}
	for i := range e.f.doc.Embeds {
		if r := &e.f.doc.Embeds[i]; r.ID == id && r.RevokedAt == nil {
			now := time.Now().UTC()
			r.RevokedAt = &now
			return true, e.f.save()
		}
	}
	return false, nil
}

// Revoked reports whether an embed with id is on record and revoked.
func (e *EmbedFile) Revoked(_ context.Context, id string) (bool, error) {
	e.f.mu.Lock()
	defer e.f.mu.Unlock()
	if err := e.f.load(); err != nil {
		return false, err
	}
	i := slices.IndexFunc(e.f.doc.Embeds, func(r account.EmbedRecord) bool { return r.ID == id })
	return i >= 0 && e.f.doc.Embeds[i].RevokedAt != nil, nil
}

// Key returns the signing key kept in the file; when there is none yet it
// keeps candidate (at least 16 bytes) and returns it.
func (e *EmbedFile) Key(_ context.Context, candidate []byte) ([]byte, error) {
	e.f.mu.Lock()
	defer e.f.mu.Unlock()
	if err := e.f.load(); err != nil {
		return nil, err
	}
	if e.f.doc.Key == "" {
		if err := e.f.loadFresh(); err != nil { // another process may have just kept one
			return nil, err
		}
	}
	if e.f.doc.Key == "" {
		if len(candidate) < minKeyBytes {
			return nil, errors.New("an embed signing key must be at least 16 bytes")
		}
		e.f.doc.Key = hex.EncodeToString(candidate)
		if err := e.f.save(); err != nil {
			return nil, err
		}
		return bytes.Clone(candidate), nil
	}
	return hex.DecodeString(e.f.doc.Key) // checked when read
}

// StoredKey returns the signing key kept in the file, nil when there is
// none (the key was configured, or nothing was signed yet). Unlike Key it
// never writes one.
func (e *EmbedFile) StoredKey(context.Context) ([]byte, error) {
	e.f.mu.Lock()
	defer e.f.mu.Unlock()
	if err := e.f.load(); err != nil {
		return nil, err
	}
	if e.f.doc.Key == "" {
		if err := e.f.loadFresh(); err != nil { // another process may have just kept one
			return nil, err
		}
	}
	if e.f.doc.Key == "" {
		return nil, nil
	}
	return hex.DecodeString(e.f.doc.Key) // checked when read
}
