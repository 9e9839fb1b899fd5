package auth

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"time"
)

// memTokens is a TokenStore in memory, for the tests of this package (the
// real ones, files and PostGIS, are tested in package store).
type memTokens struct {
	mu   sync.Mutex
	recs []TokenRecord
	err  error // returned by every call when set
}

func (m *memTokens) Add(_ context.Context, rec TokenRecord) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return false, m.err
	}
	if slices.ContainsFunc(m.recs, func(r TokenRecord) bool { return r.ID == rec.ID }) {
		return false, nil
	}
	m.recs = append(m.recs, rec)
	return true, nil
}

func (m *memTokens) Find(_ context.Context, id string) (TokenRecord, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return TokenRecord{}, false, m.err
	}
	for _, r := range m.recs {
		if r.ID == id {
			return r, true, nil
		}
	}
	return TokenRecord{}, false, nil
}

func (m *memTokens) List(context.Context) ([]TokenRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.recs), m.err
}

func (m *memTokens) Revoke(_ context.Context, id string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return false, m.err
	}
	for i := range m.recs {
		if m.recs[i].ID == id && m.recs[i].RevokedAt == nil {
			now := time.Now().UTC()
			m.recs[i].RevokedAt = &now
			return true, nil
		}
	}
	return false, nil
}

// memEmbeds is an EmbedStore in memory.
type memEmbeds struct {
	mu   sync.Mutex
	recs []EmbedRecord
	key  []byte
	err  error // returned by every call when set
}

func (m *memEmbeds) Add(_ context.Context, rec EmbedRecord) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return false, m.err
	}
	if slices.ContainsFunc(m.recs, func(r EmbedRecord) bool { return r.ID == rec.ID }) {
		return false, nil
	}
	m.recs = append(m.recs, rec)
	return true, nil
}

func (m *memEmbeds) List(context.Context) ([]EmbedRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.recs), m.err
}

func (m *memEmbeds) Revoke(_ context.Context, id string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return false, m.err
	}
	for i := range m.recs {
		if m.recs[i].ID == id && m.recs[i].RevokedAt == nil {
			now := time.Now().UTC()
			m.recs[i].RevokedAt = &now
			return true, nil
		}
	}
	return false, nil
}

func (m *memEmbeds) Revoked(_ context.Context, id string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return false, m.err
	}
	i := slices.IndexFunc(m.recs, func(r EmbedRecord) bool { return r.ID == id })
	return i >= 0 && m.recs[i].RevokedAt != nil, nil
}

func (m *memEmbeds) Key(_ context.Context, candidate []byte) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return nil, m.err
	}
	if m.key == nil {
		m.key = bytes.Clone(candidate)
	}
	return bytes.Clone(m.key), nil
}
