package store

import (
	"context"
	"strings"
	"time"
)

// Watch listens on LayersChannel and delivers the id of every layer that
// another process (a replica) published, restored or deleted, until ctx
// ends; then the channel is closed. When the listening connection is lost
// it reconnects (once a second at most) and delivers "" — notices sent
// meanwhile are lost, so the receiver should check every layer.
func (s *PostGIS) Watch(ctx context.Context) <-chan string {
	out := make(chan string, 64)
	go func() {
		defer close(out)
		for ctx.Err() == nil {
			start := time.Now()
			s.listen(ctx, out)
			if ctx.Err() != nil {
				return
			}
			select {
			case out <- "": // reconnected: some notices may be lost
			default:
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second - min(time.Since(start), time.Second)):
			}
		}
	}()
	return out
}

// listen holds one connection with LISTEN until it fails or ctx ends.
func (s *PostGIS) listen(ctx context.Context, out chan<- string) {
	pooled, err := s.pool.Acquire(ctx)
	if err != nil {
		return
	}
	// A connection that has listened is not given back to the pool.
	conn := pooled.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+LayersChannel); err != nil {
		return
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return
		}
		id, _, _ := strings.Cut(n.Payload, ":")
		select {
		case out <- id:
		default:
			// The receiver is behind: it will sync everything anyway.
		}
	}
}
