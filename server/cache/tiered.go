package cache

import (
	"context"
)

// Backend is what Tiered needs of each tier.
type Backend interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, val []byte) error
	Stats() Stats
}

// Tiered puts a fast local tier in front of a shared remote one. Keys are
// versioned, so the local copy of a key is always the same bytes as the
// remote one and needs no invalidation. Remote may be nil.
type Tiered struct {
	Local  Backend
	Remote Backend
}

// Get asks the local tier, then the remote one; a remote hit is copied into
// the local tier. An error means the remote tier could not be asked and the
// local one missed.
func (t *Tiered) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if v, ok, _ := t.Local.Get(ctx, key); ok {
		return v, true, nil
	}
	if t.Remote == nil {
		return nil, false, nil
	}
	v, ok, err := t.Remote.Get(ctx, key)
	if err != nil || !ok {
		return nil, false, err
	}
	_ = t.Local.Set(ctx, key, v)
	return v, true, nil
}

// Set stores val in both tiers; an error reports a remote failure (the
// local tier always takes the value).
func (t *Tiered) Set(ctx context.Context, key string, val []byte) error {
	_ = t.Local.Set(ctx, key, val)
	if t.Remote == nil {
		return nil
	}
	return t.Remote.Set(ctx, key, val)
}

// Stats returns the stats of every configured tier, local first.
func (t *Tiered) Stats() []Stats {
	out := []Stats{t.Local.Stats()}
	if t.Remote != nil {
		out = append(out, t.Remote.Stats())
	} else {
		out = append(out, Stats{Tier: "redis", State: StateDisabled})
	}
	return out
}
