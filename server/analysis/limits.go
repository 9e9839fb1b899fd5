package analysis

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/geodata/risk"
)

// limiter bounds the analyses computed at once: a caller waits up to wait
// for a slot, then is answered code Busy with a time to try again. Cached
// answers never take a slot.
type limiter struct {
	slots chan struct{}
	wait  time.Duration
}

// newLimiter admits as many analyses at once as there are processors, at
// least two.
func newLimiter() *limiter {
	return &limiter{slots: make(chan struct{}, max(2, runtime.NumCPU())), wait: 20 * time.Second}
}

// acquire takes a slot; release gives it back.
func (l *limiter) acquire(ctx context.Context) (release func(), err error) {
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return func() { <-l.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return nil, &geodata.Error{Code: geodata.Busy, Details: map[string]any{geodata.RetryAfterDetail: 10, "limit": cap(l.slots)},
			Message: fmt.Sprintf("%d analyses are being computed already; try again in 10 seconds (answers computed before come from the cache at once)", cap(l.slots))}
	}
}

// maxWork bounds radius_km² ÷ segment_km below the staff tier: the work
// of an analysis grows with the number of segments and the area around
// each. 1,000 is 16 times the defaults (25² ÷ 10): segments of 5 km with
// a radius of up to about 70 km, or of 10 km with up to 100 km.
const maxWork = 1000

// minSegmentKm is the shortest segment below the staff tier: it bounds
// the size of an answer (the bundled routes make about 24,000 segments
// of 5 km) and, with maxWork, the memory of three such analyses at once
// to about 0.6 GiB (make bench, scripts/analysismem.sh).
const minSegmentKm = 5

// checkWork refuses, below the staff tier, segments shorter than
// minSegmentKm and parameters whose work exceeds maxWork.
func checkWork(p risk.Params, tier privacy.Tier) error {
	if tier == privacy.Staff || p.SegmentKm <= 0 {
		return nil
	}
	if p.SegmentKm < minSegmentKm {
		return &geodata.Error{Code: geodata.Forbidden, Details: map[string]any{"parameter": "segment_km", "tier": tier},
			Message: fmt.Sprintf("segment_km %g is shorter than the %s tier may ask (at least %d km, which bounds the size of the answer); use longer segments, or ask staff",
				p.SegmentKm, tier, minSegmentKm)}
	}
	if w := p.RadiusKm * p.RadiusKm / p.SegmentKm; w > maxWork {
		return &geodata.Error{Code: geodata.Forbidden, Details: map[string]any{"parameter": "radius_km", "tier": tier},
			Message: fmt.Sprintf("radius_km %g with segment_km %g is more work than the %s tier may ask (radius_km² ÷ segment_km at most %d); "+
				"use longer segments or a shorter radius, or ask staff", p.RadiusKm, p.SegmentKm, tier, maxWork)}
	}
	return nil
}
