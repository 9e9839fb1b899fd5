package risk

import (
	"os"
	"syscall"
	"testing"
	"time"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestTiming(t *testing.T) {
	if os.Getenv("RISK_TIMING") == "" {
		t.Skip()
	}
	l := sampleLayers(t)
	a := NewAnalyser(l.routes, l.incidents, l.services)
	p := DefaultParams(sampleDate)
	for range 5 {
		a.Analyse(p)
	}
	best, bestW := time.Hour, time.Hour
	for range 20 {
		c0, w0 := cpuNow(), time.Now()
		for range 5 {
			a.Analyse(p)
		}
		best = min(best, (cpuNow()-c0)/5)
		bestW = min(bestW, time.Since(w0)/5)
	}
	t.Logf("min cpu/op %v min wall/op %v", best, bestW)
}
