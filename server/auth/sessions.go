package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"sync"
	"time"

	"github.com/routerisk/routerisk/geodata/account"
)

// ErrNoSession is returned for a session cookie that is unknown, expired or signed out.
var ErrNoSession = errors.New("the session has expired or was signed out; sign in again")

// Session is a signed-in browser: who it is, until when, and the CSRF
// token its writes must echo (see account.Session).
type Session = account.Session

// SessionStore keeps sessions under a key (a hash of the cookie value,
// never the value itself) until they expire. MemorySessions keeps them in
// this process; a shared store (Redis, in package cache) lets every
// replica behind a load balancer see every session.
type SessionStore interface {
	// Save keeps s under key until s.Expires.
	Save(ctx context.Context, key string, s Session) error
	// Load returns the session under key; false when there is none.
	Load(ctx context.Context, key string) (Session, bool, error)
	// Remove forgets the session under key; an unknown key is no error.
	Remove(ctx context.Context, key string) error
}

// Sessions opens, finds and ends browser sessions in a SessionStore.
type Sessions struct {
	TTL   time.Duration
	Now   func() time.Time
	Store SessionStore
}

// NewSessions returns sessions with the given lifetime, kept in memory
// (at most 10,000; the oldest is dropped beyond that).
func NewSessions(ttl time.Duration) *Sessions {
	s := &Sessions{TTL: ttl, Now: time.Now}
	s.Store = &MemorySessions{Max: 10_000, Now: func() time.Time { return s.Now() }}
	return s
}

// Start opens a session for p and returns the cookie value and the session.
func (s *Sessions) Start(ctx context.Context, p Principal) (string, Session, error) {
	id, err := randomString(32)
	if err != nil {
		return "", Session{}, err
	}
	csrf, err := randomString(32)
	if err != nil {
		return "", Session{}, err
	}
	p.Session = true
	sess := Session{Principal: p, Expires: s.Now().Add(s.TTL).UTC().Truncate(time.Second), CSRF: csrf}
	if err := s.Store.Save(ctx, hashToken(id), sess); err != nil {
		return "", Session{}, err
	}
	return id, sess, nil
}

// Get returns the live session behind a cookie value: ErrNoSession for an
// unknown, expired or ended one, another error when the store failed.
func (s *Sessions) Get(ctx context.Context, cookie string) (Session, error) {
	if cookie == "" || len(cookie) > 100 {
		return Session{}, ErrNoSession
	}
	key := hashToken(cookie)
	sess, ok, err := s.Store.Load(ctx, key)
	if err != nil {
		return Session{}, err
	}
	if !ok {
		return Session{}, ErrNoSession
	}
	if !s.Now().Before(sess.Expires) {
		_ = s.Store.Remove(ctx, key)
		return Session{}, ErrNoSession
	}
	return sess, nil
}

// End signs a session out; ending an unknown session is not an error.
func (s *Sessions) End(ctx context.Context, cookie string) error {
	return s.Store.Remove(ctx, hashToken(cookie))
}

// MemorySessions is a SessionStore in this process, for one replica.
type MemorySessions struct {
	Max int              // most sessions kept; the one expiring first goes beyond
	Now func() time.Time // the clock expiry is judged by

	mu   sync.Mutex
	byID map[string]Session
}

// Save implements SessionStore.
func (m *MemorySessions) Save(_ context.Context, key string, s Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byID == nil {
		m.byID = map[string]Session{}
	}
	now := m.Now()
	for k, v := range m.byID {
		if !now.Before(v.Expires) {
			delete(m.byID, k)
		}
	}
	if len(m.byID) >= m.Max {
		var oldest string
		for k, v := range m.byID {
			if oldest == "" || v.Expires.Before(m.byID[oldest].Expires) {
				oldest = k
			}
		}
		delete(m.byID, oldest)
	}
	m.byID[key] = s
	return nil
}

// Load implements SessionStore.
func (m *MemorySessions) Load(_ context.Context, key string) (Session, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.byID[key]
	return s, ok, nil
}

// Remove implements SessionStore.
func (m *MemorySessions) Remove(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.byID, key)
	return nil
}

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
