package catalog

import (
	"context"
	"time"
)

// Follow keeps the catalog in line with its store until ctx ends, for
// replicas that share one store: it syncs at once whenever changes
// delivers a notice (a layer id another replica published, restored or
// deleted; a closed channel stops the notices, not the polling), and every
// interval in any case, so a missed notice costs at most one interval.
// Sync errors go to onError and the next notice or tick tries again.
func (c *Catalog) Follow(ctx context.Context, interval time.Duration, changes <-chan string, onError func(error)) {
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
