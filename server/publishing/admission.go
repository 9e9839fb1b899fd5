package publishing

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/routerisk/routerisk/geodata"
)

// uploadGCPercent is the garbage collector's target while an upload is
// read: the heap may grow a quarter of its live size between collections
// instead of doubling. An ingest builds a whole layer in memory at once,
// its features parsed and mapped on every processor; uploads are rare, so
// trading some CPU for a lower peak is the right way round (101 MB of
// small incidents: peak growth 1.1-1.5x the file in 3.8-4.0 s at 25,
// 1.7-2.0x in 3.6-3.8 s at 35, 2.2-2.3x in 3.2-3.4 s at 50).
const uploadGCPercent = 25

// uploadMemoryFactor is the memory an upload may add, as a multiple of
// its file size, before the collector works harder to stay within it: a
// soft limit (debug.SetMemoryLimit) set while uploads are read, so freed
// memory goes back to the system during the ingest rather than after it.
const uploadMemoryFactor = 3.5

// Admission bounds the uploads read at once and the memory they may add.
// The server and `routerisk import` both read files through one.
type Admission struct {
	slots chan struct{}

	mu             sync.Mutex
	uploading      int
	savedGCPercent int
	// budgeted is the memory granted to the uploads being read, on top of
	// memBase (in use when the first began); savedMemLimit is restored
	// when the last one ends.
	budgeted      int64
	memBase       int64
	savedMemLimit int64
}

// NewAdmission admits at most concurrency uploads at once (at least one).
func NewAdmission(concurrency int) *Admission {
	return &Admission{slots: make(chan struct{}, max(1, concurrency))}
}

// Reading is how many uploads hold a slot now.
func (a *Admission) Reading() int { return len(a.slots) }

// Ticket is one admitted upload.
type Ticket struct {
	a        *Admission
	budget   int64
	doneOnce sync.Once
}

// Begin takes an upload slot, or answers code Busy when all are taken.
// While any slot is taken the collector runs at uploadGCPercent.
func (a *Admission) Begin() (*Ticket, error) {
	select {
	case a.slots <- struct{}{}:
	default:
		return nil, &geodata.Error{Code: geodata.Busy, Details: map[string]any{"limit": "upload_concurrency", "value": cap(a.slots)},
			Message: fmt.Sprintf("%d uploads are being read already (limit upload_concurrency); try again in a minute", cap(a.slots))}
	}
	a.mu.Lock()
	if a.uploading == 0 {
		a.savedGCPercent = debug.SetGCPercent(uploadGCPercent)
	}
	a.uploading++
	a.mu.Unlock()
	return &Ticket{a: a}, nil
}

// Budget raises the process's soft memory limit to what is in use now
// plus uploadMemoryFactor times size, for this upload (once; later calls
// do nothing). An operator's lower GOMEMLIMIT wins.
func (t *Ticket) Budget(size int64) {
	a := t.a
	a.mu.Lock()
	defer a.mu.Unlock()
	if t.budget != 0 {
		return
	}
	t.budget = max(1, int64(uploadMemoryFactor*float64(size)))
	if a.budgeted == 0 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		a.memBase = int64(ms.HeapInuse + ms.StackInuse + ms.GCSys + ms.OtherSys + ms.MSpanInuse + ms.MCacheInuse + ms.BuckHashSys)
		a.savedMemLimit = debug.SetMemoryLimit(-1)
	}
	a.budgeted += t.budget
	debug.SetMemoryLimit(min(a.savedMemLimit, a.memBase+a.budgeted))
}

// Done gives back the budget and the slot; later calls do nothing.
func (t *Ticket) Done() {
	t.doneOnce.Do(func() {
		a := t.a
		a.mu.Lock()
		if t.budget != 0 {
			a.budgeted -= t.budget
			if a.budgeted == 0 {
				debug.SetMemoryLimit(a.savedMemLimit)
			} else {
				debug.SetMemoryLimit(min(a.savedMemLimit, a.memBase+a.budgeted))
			}
		}
		a.uploading--
		if a.uploading == 0 {
			debug.SetGCPercent(a.savedGCPercent)
		}
		a.mu.Unlock()
		<-a.slots
	})
}
