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
	// Save keeps s under key until s.Expires. When the token s was opened
	// with (s.Principal.TokenID) has perToken sessions already, the ones
	// it started first end, so that one token can never end the sessions
	// of another.
	Save(ctx context.Context, key string, s Session, perToken int) error
	// Load returns the session under key; false when there is none.
	Load(ctx context.Context, key string) (Session, bool, error)
	// Remove forgets the session under key; an unknown key is no error.
	Remove(ctx context.Context, key string) error
}

// DefaultSessionsPerToken is how many browser sessions one token may have
// open at once.
const DefaultSessionsPerToken = 20

// Sessions opens, finds and ends browser sessions in a SessionStore.
type Sessions struct {
	TTL time.Duration
	// PerToken bounds the sessions of one token; its oldest ends first
	// (default DefaultSessionsPerToken).
	PerToken int
	Now      func() time.Time
	Store    SessionStore
}

// NewSessions returns sessions with the given lifetime, kept in memory:
// at most DefaultSessionsPerToken per token, and at most 100,000 in all
// as a last bound on memory.
func NewSessions(ttl time.Duration) *Sessions {
	s := &Sessions{TTL: ttl, PerToken: DefaultSessionsPerToken, Now: time.Now}
	s.Store = &MemorySessions{Max: 100_000, Now: func() time.Time { return s.Now() }}
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
	perToken := s.PerToken
	if perToken <= 0 {
		perToken = DefaultSessionsPerToken
	}
	if err := s.Store.Save(ctx, hashToken(id), sess, perToken); err != nil {
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
	// Max bounds the sessions kept in all, a last guard on memory: beyond
	// it the expired ones go, then the one expiring first. The per-token
	// bound given to Save comes long before it.
	Max int
	Now func() time.Time // the clock expiry is judged by

	mu      sync.Mutex
	byID    map[string]Session
	byToken map[string][]string // session keys of each token, oldest first
}

// Save implements SessionStore.
func (m *MemorySessions) Save(_ context.Context, key string, s Session, perToken int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byID == nil {
		m.byID, m.byToken = map[string]Session{}, map[string][]string{}
	}
	now := m.Now()
	tok := s.Principal.TokenID
	// The token's own sessions: forget the ended and expired ones, then
	// end the oldest until there is room for this one.
	keys := m.byToken[tok][:0]
	for _, k := range m.byToken[tok] {
		if v, ok := m.byID[k]; ok && now.Before(v.Expires) && v.Principal.TokenID == tok {
			keys = append(keys, k)
		} else if ok {
			delete(m.byID, k)
		}
	}
	for len(keys) >= max(perToken, 1) {
		delete(m.byID, keys[0])
		keys = keys[1:]
	}
	m.byToken[tok] = append(keys, key)
	if m.Max > 0 && len(m.byID) >= m.Max {
		m.sweep(now)
	}
	m.byID[key] = s
	return nil
}

// sweep drops the expired sessions, and when Max are still kept, the one
// expiring first; the caller holds m.mu.
func (m *MemorySessions) sweep(now time.Time) {
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
	for tok, keys := range m.byToken {
		live := keys[:0]
		for _, k := range keys {
			if _, ok := m.byID[k]; ok {
				live = append(live, k)
			}
		}
		if len(live) == 0 {
			delete(m.byToken, tok)
		} else {
			m.byToken[tok] = live
		}
	}
}

// Load implements SessionStore.
func (m *MemorySessions) Load(_ context.Context, key string) (Session, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.byID[key]
	return s, ok, nil
}

// Remove implements SessionStore. The token's list forgets the key the
// next time the token signs in.
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
