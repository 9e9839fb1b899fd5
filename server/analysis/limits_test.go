package analysis

import (
	"context"
	"testing"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/geodata/risk"
)

func TestCheckWork(t *testing.T) {
	p := risk.DefaultParams(time.Now())
	for _, tc := range []struct {
		segment, radius float64
		tier            privacy.Tier
		ok              bool
	}{
		{10, 25, privacy.Public, true}, {5, 70, privacy.Partner, true}, {5, 71, privacy.Partner, false},
		{1, 20, privacy.Partner, false}, {1, 200, privacy.Partner, false}, {10, 100, privacy.Partner, true},
		{1, 200, privacy.Staff, true},
	} {
		p.SegmentKm, p.RadiusKm = tc.segment, tc.radius
		err := checkWork(p, tc.tier)
		if (err == nil) != tc.ok || (err != nil && geodata.ErrorCode(err) != geodata.Forbidden) {
			t.Errorf("segment %g, radius %g, %s: %v", tc.segment, tc.radius, tc.tier, err)
		}
	}
}

func TestLimiterAnswersBusyWithATimeToRetry(t *testing.T) {
	l := &limiter{slots: make(chan struct{}, 1), wait: 20 * time.Millisecond}
	release, err := l.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.acquire(context.Background())
	var ge *geodata.Error
	if geodata.ErrorCode(err) != geodata.Busy {
		t.Fatalf("second analysis: %v, want Busy", err)
	}
	if e, ok := err.(*geodata.Error); ok {
		ge = e
	}
	if ge == nil || ge.Details[geodata.RetryAfterDetail] != 10 {
		t.Errorf("no time to retry: %+v", ge)
	}
	release()
	if r, err := l.acquire(context.Background()); err != nil {
		t.Errorf("after release: %v", err)
	} else {
		r()
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	block, _ := l.acquire(context.Background())
	if _, err := l.acquire(ctx); err != context.Canceled {
		t.Errorf("a caller that left: %v", err)
	}
	block()
}
