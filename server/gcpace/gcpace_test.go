package gcpace

import (
	"runtime/debug"
	"testing"
)

func percent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestHoldsNestAndRestore: overlapping holds keep the target at Percent
// until the last ends, in any order, and releasing twice changes nothing.
func TestHoldsNestAndRestore(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, order := range [][2]int{{0, 1}, {1, 0}} {
		debug.SetGCPercent(100)
		r := [2]func(){Tighten(), Tighten()}
		if got := percent(); got != Percent {
			t.Fatalf("during two holds the target is %d, want %d", got, Percent)
		}
		r[order[0]]()
		r[order[0]]() // twice: no effect
		if got := percent(); got != Percent {
			t.Fatalf("with one hold left the target is %d, want %d", got, Percent)
		}
		r[order[1]]()
		if got := percent(); got != 100 {
			t.Fatalf("after the last hold the target is %d, want 100 restored", got)
		}
	}
}

// TestLowerTargetWins: an operator's GOGC below Percent (or off) is kept.
func TestLowerTargetWins(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, op := range []int{20, -1} {
		debug.SetGCPercent(op)
		release := Tighten()
		if got := percent(); got != op {
			t.Errorf("GOGC %d: during a hold the target is %d", op, got)
		}
		release()
		if got := percent(); got != op {
			t.Errorf("GOGC %d: after the hold the target is %d", op, got)
		}
	}
}
