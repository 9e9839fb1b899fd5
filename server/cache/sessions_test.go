package cache

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/routerisk/routerisk/geodata"

	"github.com/routerisk/routerisk/internal/testredis"
	"github.com/routerisk/routerisk/server/auth"
)

// RedisSessions is what auth keeps sessions in.
var _ auth.SessionStore = (*RedisSessions)(nil)

// TestRedisSessionsSharedByReplicas: two replicas' session tables on one
// Redis: a sign-in through one is known to the other, a sign-out through
// the other ends it for both, and sessions expire in Redis with their
// lifetime.
func TestRedisSessionsSharedByReplicas(t *testing.T) {
	srv := testredis.Start(t)
	ctx := context.Background()
	one, two := auth.NewSessions(time.Hour), auth.NewSessions(time.Hour)
	r := newTestRedis(t, srv.URL())
	one.Store, two.Store = r.Sessions(), r.Sessions()

	cookie, sess, err := one.Start(ctx, auth.Principal{Name: "ana", Role: auth.Editor, TokenID: "abc"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := two.Get(ctx, cookie)
	if err != nil || got.Principal.Name != "ana" || got.Principal.Role != auth.Editor || !got.CheckCSRF(sess.CSRF) {
		t.Fatalf("the other replica: %+v %v", got, err)
	}
	// Redis holds a hash of the cookie, never the cookie itself, and the
	// entry expires with the session.
	direct := newTestRedis(t, srv.URL())
	keys, _ := direct.client.Keys(ctx, "test:session:*").Result()
	if len(keys) != 1 || keys[0] == "test:session:"+cookie {
		t.Fatalf("keys %v", keys)
	}
	if ttl, _ := direct.client.TTL(ctx, keys[0]).Result(); ttl < 59*time.Minute || ttl > time.Hour {
		t.Errorf("TTL %v, want the session's hour", ttl)
	}
	if err := two.End(ctx, cookie); err != nil {
		t.Fatal(err)
	}
	if _, err := one.Get(ctx, cookie); !errors.Is(err, auth.ErrNoSession) {
		t.Fatalf("signed out through the other replica, still: %v", err)
	}

	// Redis gone: nobody is signed in (an error, never a session).
	c2, _, err := one.Start(ctx, auth.Principal{Name: "bo", Role: auth.Viewer})
	if err != nil {
		t.Fatal(err)
	}
	srv.Stop(t)
	if s, err := two.Get(ctx, c2); err == nil {
		t.Fatalf("with Redis down a session was found: %+v", s)
	}
}

func TestRedisSessionsOnCluster(t *testing.T) {
	cl := testredis.StartCluster(t, 3)
	ctx := context.Background()
	one, two := auth.NewSessions(time.Hour), auth.NewSessions(time.Hour)
	one.Store, two.Store = newTestRedis(t, cl.URL()).Sessions(), newTestRedis(t, cl.URL()).Sessions()
	for i := range 10 {
		cookie, _, err := one.Start(ctx, auth.Principal{Name: "p", Role: auth.Staff, TokenID: string(rune('a' + i))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := two.Get(ctx, cookie); err != nil {
			t.Fatalf("session %d on the cluster: %v", i, err)
		}
	}
}

// TestRedisSessionsPerToken: one token signing in 10,050 times keeps its
// 20 newest sessions and ends none of another token's, on one server and
// on a cluster (the token's set and the sessions live on different nodes).
func TestRedisSessionsPerToken(t *testing.T) {
	tests := []struct {
		name    string
		url     func(t *testing.T) string
		signIns int
	}{
		{"one server", func(t *testing.T) string { return testredis.Start(t).URL() }, 10_050},
		{"cluster", func(t *testing.T) string { return testredis.StartCluster(t, 3).URL() }, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			r, err := NewRedis(RedisOptions{URL: tt.url(t), Timeout: time.Second, Prefix: "test:"})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = r.Close() })
			s := auth.NewSessions(time.Hour)
			s.Store = r.Sessions()
			var others []string
			for i := range 5 {
				c, _, err := s.Start(ctx, auth.Principal{Name: "other", Role: auth.Staff, TokenID: fmt.Sprintf("other%d", i)})
				if err != nil {
					t.Fatal(err)
				}
				others = append(others, c)
			}
			var busy []string
			for range tt.signIns {
				c, _, err := s.Start(ctx, auth.Principal{Name: "busy", Role: auth.Viewer, TokenID: "busy"})
				if err != nil {
					t.Fatal(err)
				}
				busy = append(busy, c)
			}
			for i, c := range busy {
				_, err := s.Get(ctx, c)
				if alive, want := err == nil, i >= len(busy)-auth.DefaultSessionsPerToken; alive != want {
					t.Errorf("sign-in %d of %d: alive %v, want %v (%v)", i, len(busy), alive, want, err)
				}
			}
			for i, c := range others {
				if _, err := s.Get(ctx, c); err != nil {
					t.Errorf("another token's session %d ended: %v", i, err)
				}
			}
			if n, err := r.client.ZCard(ctx, "test:sessions:busy").Result(); err != nil || n != auth.DefaultSessionsPerToken {
				t.Errorf("the token's set holds %d (%v), want %d", n, err, auth.DefaultSessionsPerToken)
			}
		})
	}
}

// TestRedisSessionsHung: a Redis that accepts connections and never
// answers makes sign-in and session lookups fail with code Unavailable
// within the session timeout, never hang.
func TestRedisSessionsHung(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	r := newTestRedis(t, "redis://"+ln.Addr().String()+"/0")
	s := auth.NewSessions(time.Hour)
	s.Store = r.Sessions()
	ctx := context.Background()
	start := time.Now()
	_, _, err = s.Start(ctx, auth.Principal{Name: "a", Role: auth.Editor, TokenID: "abc"})
	if geodata.ErrorCode(err) != geodata.Unavailable {
		t.Errorf("sign-in with Redis hung: %v, want code unavailable", err)
	}
	if _, err := s.Get(ctx, "somecookie"); geodata.ErrorCode(err) != geodata.Unavailable {
		t.Errorf("session lookup with Redis hung: %v, want code unavailable", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("took %v; the session timeout is 500ms a call", took)
	}
}
