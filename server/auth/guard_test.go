package auth

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/routerisk/routerisk/geodata"
)

// TestGuardLimits: each key may fail Failures times per Window; after
// that it waits until a try has refilled, the other keys unaffected, and
// the number of keys remembered stays bounded.
func TestGuardLimits(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	tests := []struct {
		name     string
		failures int           // failures of key "a" before the check
		advance  time.Duration // time passed after them
		keys     []string
		wantWait time.Duration
	}{
		{"under the limit", 9, 0, []string{"a"}, 0},
		{"at the limit", 10, 0, []string{"a"}, 6 * time.Second},
		{"one try refilled", 10, 6 * time.Second, []string{"a"}, 0},
		{"half refilled, still blocked", 10, 3 * time.Second, []string{"a"}, 3 * time.Second},
		{"another key", 10, 0, []string{"b"}, 0},
		{"any blocked key blocks", 10, 0, []string{"b", "a"}, 6 * time.Second},
		{"empty keys ignored", 10, 0, []string{"", "b"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
			g := NewGuard(GuardOptions{Now: clock})
			for range tt.failures {
				g.Failed("sign-in", "10.0.0.1", "a")
			}
			now = now.Add(tt.advance)
			if got := g.Check(tt.keys...); got != tt.wantWait {
				t.Errorf("Check(%v) = %v, want %v", tt.keys, got, tt.wantWait)
			}
		})
	}

	// Calm: no failure within a window, so every bucket is full.
	now = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	g := NewGuard(GuardOptions{Now: clock})
	if !g.Calm() {
		t.Error("a new guard is not calm")
	}
	for range 10 {
		g.Failed("sign-in", "10.0.0.1", "a")
	}
	if g.Calm() || g.Check("a") == 0 {
		t.Error("a guard holding a key back is calm")
	}
	now = now.Add(59 * time.Second)
	if g.Calm() {
		t.Error("calm within a window of the last failure")
	}
	now = now.Add(time.Second + time.Nanosecond)
	if !g.Calm() || g.Check("a") != 0 {
		t.Errorf("a window after the last failure: calm %v, wait %v", g.Calm(), g.Check("a"))
	}

	g = NewGuard(GuardOptions{Now: clock, MaxKeys: 100})
	for i := range 1000 {
		g.Failed("sign-in", "x", fmt.Sprintf("addr:%d", i))
	}
	if n := len(g.buckets); n != 100 || g.order.Len() != 100 {
		t.Errorf("%d keys remembered, want the 100 newest", n)
	}
	if _, kept := g.buckets["addr:999"]; !kept {
		t.Error("the newest key was forgotten")
	}
	if _, kept := g.buckets["addr:0"]; kept {
		t.Error("the oldest key was kept beyond MaxKeys")
	}
}

// TestGuardAuditCounts: thousands of failures from one address are one
// audit line per window, with the count; two addresses are two lines;
// Flush writes what is pending.
func TestGuardAuditCounts(t *testing.T) {
	var mu sync.Mutex
	var lines []geodata.AuditEntry
	g := NewGuard(GuardOptions{Window: 100 * time.Millisecond, Audit: func(e geodata.AuditEntry) {
		mu.Lock()
		lines = append(lines, e)
		mu.Unlock()
	}})
	for range 2000 {
		if g.Check("addr:10.0.0.1") > 0 {
			g.Refused("sign-in", "10.0.0.1")
			continue
		}
		g.Failed("sign-in", "10.0.0.1", "addr:10.0.0.1")
	}
	g.Failed("token-auth", "10.0.0.2", "addr:10.0.0.2")
	deadline := time.Now().Add(2 * time.Second)
	for {
		mu.Lock()
		n := len(lines)
		mu.Unlock()
		if n >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	g.Flush()
	mu.Lock()
	defer mu.Unlock()
	if len(lines) != 2 {
		t.Fatalf("%d audit lines, want 2: %+v", len(lines), lines)
	}
	for _, e := range lines {
		switch e.Source {
		case "10.0.0.1":
			// Ten failures lock the address out; on a slow machine the
			// window may pass during the loop and let a few more through.
			var failed, refused int
			_, err := fmt.Sscanf(e.Detail, "%d failed, %d refused", &failed, &refused)
			if err != nil || e.Count != 2000 || e.Action != "sign-in" || e.Outcome != geodata.OutcomeRejected ||
				failed < 10 || failed > 100 || failed+refused != 2000 {
				t.Errorf("line of 10.0.0.1: %+v", e)
			}
		case "10.0.0.2":
			if e.Count != 1 || e.Action != "token-auth" {
				t.Errorf("line of 10.0.0.2: %+v", e)
			}
		default:
			t.Errorf("unexpected line %+v", e)
		}
	}
}

// TestSessionsPerToken: one token's sign-ins end its own oldest sessions
// only; every other token's sessions survive 10,050 of them.
func TestSessionsPerToken(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		perToken  int
		signIns   int
		wantAlive int // of the busy token's sessions
	}{
		{"under the cap", 20, 5, 5},
		{"at the cap", 20, 20, 20},
		{"far over the cap", 20, 10_050, 20},
		{"cap of one", 1, 3, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSessions(time.Hour)
			s.PerToken = tt.perToken
			var others []string
			for i := range 5 {
				c, _, err := s.Start(ctx, Principal{Name: "other", Role: Staff, TokenID: fmt.Sprintf("other%d", i)})
				if err != nil {
					t.Fatal(err)
				}
				others = append(others, c)
			}
			var busy []string
			for range tt.signIns {
				c, _, err := s.Start(ctx, Principal{Name: "busy", Role: Viewer, TokenID: "busy"})
				if err != nil {
					t.Fatal(err)
				}
				busy = append(busy, c)
			}
			alive := 0
			for i, c := range busy {
				if _, err := s.Get(ctx, c); err == nil {
					alive++
					if i < len(busy)-tt.wantAlive {
						t.Errorf("sign-in %d of %d is alive; the oldest should have ended first", i, len(busy))
					}
				}
			}
			if alive != tt.wantAlive {
				t.Errorf("%d of the busy token's sessions alive, want %d", alive, tt.wantAlive)
			}
			for i, c := range others {
				if _, err := s.Get(ctx, c); err != nil {
					t.Errorf("another token's session %d ended: %v", i, err)
				}
			}
			if n := len(s.Store.(*MemorySessions).byID); n != tt.wantAlive+len(others) {
				t.Errorf("%d sessions kept in memory, want %d", n, tt.wantAlive+len(others))
			}
		})
	}
}
