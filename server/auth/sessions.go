package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"sync"
	"time"
)

// ErrNoSession is returned for a session cookie that is unknown, expired or signed out.
var ErrNoSession = errors.New("the session has expired or was signed out; sign in again")

// Session is a signed-in browser: who it is, until when, and the CSRF
// token its writes must echo in the X-CSRF-Token header.
type Session struct {
	Principal Principal
	Expires   time.Time
	CSRF      string
}

// Sessions keeps browser sessions in memory, keyed by a hash of the cookie
// value. It holds at most Max sessions; the oldest is dropped beyond that.
type Sessions struct {
	TTL time.Duration
	Max int
	Now func() time.Time

	mu   sync.Mutex
	byID map[string]*Session
}

// NewSessions returns an empty session table with the given lifetime.
func NewSessions(ttl time.Duration) *Sessions {
	return &Sessions{TTL: ttl, Max: 10_000, Now: time.Now, byID: map[string]*Session{}}
}

// Start opens a session for p and returns the cookie value and the session.
func (s *Sessions) Start(p Principal) (string, Session, error) {
	id, err := randomString(32)
	if err != nil {
		return "", Session{}, err
	}
	csrf, err := randomString(32)
	if err != nil {
		return "", Session{}, err
	}
	p.Session = true
	sess := &Session{Principal: p, Expires: s.Now().Add(s.TTL).UTC().Truncate(time.Second), CSRF: csrf}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	if len(s.byID) >= s.Max {
		var oldest string
		for k, v := range s.byID {
			if oldest == "" || v.Expires.Before(s.byID[oldest].Expires) {
				oldest = k
			}
		}
		delete(s.byID, oldest)
	}
	s.byID[hashToken(id)] = sess
	return id, *sess, nil
}

// Get returns the live session behind a cookie value.
func (s *Sessions) Get(cookie string) (Session, error) {
	if cookie == "" || len(cookie) > 100 {
		return Session{}, ErrNoSession
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[hashToken(cookie)]
	if !ok {
		return Session{}, ErrNoSession
	}
	if !s.Now().Before(sess.Expires) {
		delete(s.byID, hashToken(cookie))
		return Session{}, ErrNoSession
	}
	return *sess, nil
}

// End signs a session out; ending an unknown session is not an error.
func (s *Sessions) End(cookie string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, hashToken(cookie))
}

// EndToken signs out every session opened with the token of the given id
// (after the token is revoked).
func (s *Sessions) EndToken(tokenID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.byID {
		if v.Principal.TokenID == tokenID {
			delete(s.byID, k)
		}
	}
}

// sweep drops expired sessions; the caller holds s.mu.
func (s *Sessions) sweep() {
	now := s.Now()
	for k, v := range s.byID {
		if !now.Before(v.Expires) {
			delete(s.byID, k)
		}
	}
}

// CheckCSRF reports whether got is the session's CSRF token.
func (sess Session) CheckCSRF(got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) == 1
}

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
