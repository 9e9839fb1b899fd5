package cache

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/routerisk/routerisk/geodata"
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

// Save implements auth.SessionStore. Besides the session's own key, each
// token has a sorted set of its session keys ("sessions:" and the token
// id), scored by start (microseconds): the expired ones leave it, and
// beyond perToken the oldest are popped and their sessions deleted. The set expires with
// the token's newest session.
func (s *RedisSessions) Save(ctx context.Context, key string, sess account.Session, perToken int) error {
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
	if err := s.r.client.Set(ctx, s.key(key), val, ttl).Err(); err != nil {
		return s.down(err)
	}
	// One script on one key, so it runs on the node of the set in a
	// cluster; the session keys it pops are deleted one by one (they live
	// on other nodes).
	now := time.Now()
	popped, err := capSessions.Run(ctx, s.r.client, []string{s.tokenKey(sess.Principal.TokenID)},
		key, now.UnixMicro(), now.Add(-ttl).UnixMicro(), max(perToken, 1), ttl.Milliseconds()).StringSlice()
	if err != nil {
		return s.down(err)
	}
	for _, k := range popped {
		if err := s.r.client.Del(ctx, s.key(k)).Err(); err != nil {
			return s.down(err)
		}
	}
	return nil
}

// tokenKey is the sorted set of the sessions of one token.
func (s *RedisSessions) tokenKey(tokenID string) string {
	return s.r.opts.Prefix + "sessions:" + tokenID
}

// capSessions adds ARGV[1] (scored by its start, ARGV[2]) to the set of
// its token, drops members started before ARGV[3] (expired), pops the oldest beyond
// ARGV[4] and returns them, and makes the set live at least ARGV[5] ms.
var capSessions = redis.NewScript(`
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
local popped = {}
if over > 0 then
  for _, pair in ipairs(redis.call('ZPOPMIN', KEYS[1], over)) do table.insert(popped, pair) end
end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[5]) then redis.call('PEXPIRE', KEYS[1], ARGV[5]) end
local keys = {}
for i = 1, #popped, 2 do table.insert(keys, popped[i]) end
return keys
`)

// Load implements auth.SessionStore.
func (s *RedisSessions) Load(ctx context.Context, key string) (account.Session, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	val, err := s.r.client.Get(ctx, s.key(key)).Bytes()
	if errors.Is(err, redis.Nil) {
		return account.Session{}, false, nil
	}
	if err != nil {
		return account.Session{}, false, s.down(err)
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
	return s.down(s.r.client.Del(ctx, s.key(key)).Err())
}

// down names Redis in an error of the session store: code Unavailable,
// so a sign-in while Redis is down or hung is a 503 with Retry-After.
func (s *RedisSessions) down(err error) error {
	if err == nil {
		return nil
	}
	return geodata.Unreachable("the session store (Redis)", 5*time.Second, err)
}

// timeout is longer than the cache's: a sign-in is worth a short wait.
func (s *RedisSessions) timeout() time.Duration { return max(s.r.opts.Timeout, 500*time.Millisecond) }
