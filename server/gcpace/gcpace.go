// Package gcpace lets heavy work that makes much short-lived garbage (an
// upload read into a whole layer, the warm-up's analyses) ask the garbage
// collector to run more often while it lasts, so the process's resident
// memory stays closer to what is live. The collector's target is one
// setting for the whole process; holds nest and overlap, and the setting
// in force before the first is restored when the last ends.
package gcpace

import (
	"runtime/debug"
	"sync"
)

// Percent is the collector's target while any hold lasts: the heap may
// grow by half its live size between collections instead of doubling.
const Percent = 50

var (
	mu    sync.Mutex
	holds int
	saved int
)

// Tighten sets the collector's target to Percent (unless the one in force
// is lower already) until the returned function is called; calling that
// again does nothing.
func Tighten() (release func()) {
	mu.Lock()
	if holds == 0 {
		saved = debug.SetGCPercent(Percent)
		if saved < Percent { // an operator's lower GOGC, or GOGC=off, wins
			debug.SetGCPercent(saved)
		}
	}
	holds++
	mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			mu.Lock()
			defer mu.Unlock()
			if holds--; holds == 0 {
				debug.SetGCPercent(saved)
			}
		})
	}
}
