package cache

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/routerisk/routerisk/geodata/account"
)

// RedisSessions keeps browser sessions in Redis, so that a session opened
// through one replica is known to every other, and a sign-out through one
// ends it everywhere. Keys are the store's prefix, "session:" and the hash
// of the cookie; each expires with its session. Unlike the cache it does
// not fail open: when Redis cannot be asked, nobody is signed in.
type RedisSessions struct {
	r *Redis
}

// Sessions returns a session store on the same Redis as the cache tier.
func (r *Redis) Sessions() *RedisSessions { return &RedisSessions{r: r} }

func (s *RedisSessions) key(k string) string { return s.r.opts.Prefix + "session:" + k }

// Save implements auth.SessionStore.
func (s *RedisSessions) Save(ctx context.Context, key string, sess account.Session) error {
	ttl := time.Until(sess.Expires)
	if ttl <= 0 {
		return nil
	}
	val, err := json.Marshal(sess)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	return s.r.client.Set(ctx, s.key(key), val, ttl).Err()
}

// Load implements auth.SessionStore.
func (s *RedisSessions) Load(ctx context.Context, key string) (account.Session, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	val, err := s.r.client.Get(ctx, s.key(key)).Bytes()
	if errors.Is(err, redis.Nil) {
		return account.Session{}, false, nil
	}
	if err != nil {
		return account.Session{}, false, err
	}
	var sess account.Session
	if err := json.Unmarshal(val, &sess); err != nil {
		return account.Session{}, false, err
	}
	return sess, true, nil
}

// Remove implements auth.SessionStore.
func (s *RedisSessions) Remove(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	return s.r.client.Del(ctx, s.key(key)).Err()
}

// timeout is longer than the cache's: a sign-in is worth a short wait.
func (s *RedisSessions) timeout() time.Duration { return max(s.r.opts.Timeout, 500*time.Millisecond) }
