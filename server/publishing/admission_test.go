package publishing

import (
	"runtime/debug"
	"testing"

	"github.com/routerisk/routerisk/geodata"
)

func TestAdmissionBoundsUploadsAndRestoresTheCollector(t *testing.T) {
	gc := debug.SetGCPercent(100)
	defer debug.SetGCPercent(gc)
	limit := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(limit)

	a := NewAdmission(2)
	one, err := a.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if got := debug.SetGCPercent(-1); got != uploadGCPercent {
		t.Errorf("collector target while reading: %d, want %d", got, uploadGCPercent)
	}
	debug.SetGCPercent(uploadGCPercent)
	two, err := a.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Begin(); geodata.ErrorCode(err) != geodata.Busy {
		t.Fatalf("third upload: %v, want code Busy", err)
	}
	one.Budget(100 << 20)
	if got := debug.SetMemoryLimit(-1); got >= limit {
		t.Errorf("soft memory limit %d not lowered below %d while an upload is budgeted", got, limit)
	}
	one.Done()
	one.Done() // twice gives back nothing more
	two.Done()
	if got := debug.SetMemoryLimit(-1); got != limit {
		t.Errorf("memory limit after the uploads: %d, want %d", got, limit)
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("collector target after the uploads: %d, want 100", got)
	}
	if _, err := a.Begin(); err != nil {
		t.Errorf("a slot is free again: %v", err)
	}
}
