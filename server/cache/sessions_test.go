package cache

import (
	"context"
	"errors"
	"testing"
	"time"

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
	keys, _ := direct.client.Keys(ctx, "*").Result()
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
