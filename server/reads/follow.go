package reads

import (
	"context"
	"strconv"
	"time"
)

// Generations is a store that counts its committed layer changes
// (publishes, restores, deletes), as PostGIS does.
type Generations interface {
	Generation(ctx context.Context) (int64, error)
}

// Fresh makes sure the library serves the store's current layers before
// it answers a request: when the store counts its changes and has
// committed any since this library last synced, it syncs first. That costs
// one round trip to the store per call; replicas call it on every request
// when they must never answer with a version another replica has
// replaced. With a store that does not count changes it does nothing.
func (c *Library) Fresh(ctx context.Context) error {
	gs, ok := c.source.(Generations)
	if !ok {
		return nil
	}
	g, err := gs.Generation(ctx)
	if err != nil {
		return err
	}
	if g <= c.synced.Load() {
		return nil
	}
	// The generation is in the flight's key: a caller that saw a newer one
	// must not settle for a sync that listed the store before it.
	_, err, _ = c.flight.Do("\x00sync:"+strconv.FormatInt(g, 10), func() (any, error) {
		if _, err := c.Sync(ctx); err != nil {
			return nil, err
		}
		for {
			old := c.synced.Load()
			if old >= g || c.synced.CompareAndSwap(old, g) {
				return nil, nil
			}
		}
	})
	return err
}

// Follow keeps the library in line with its store until ctx ends, for
// replicas that share one store: it syncs at once whenever changes
// delivers a notice (a layer id another replica published, restored or
// deleted; a closed channel stops the notices, not the polling), and every
// interval in any case, so a missed notice costs at most one interval.
// Sync errors go to onError and the next notice or tick tries again.
func (c *Library) Follow(ctx context.Context, interval time.Duration, changes <-chan string, onError func(error)) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-changes:
			if !ok {
				changes = nil // a nil channel blocks: poll only
				continue
			}
		case <-tick.C:
		}
		if _, err := c.Sync(ctx); err != nil && ctx.Err() == nil && onError != nil {
			onError(err)
		}
	}
}
