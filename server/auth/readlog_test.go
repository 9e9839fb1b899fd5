package auth

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/routerisk/routerisk/geodata"
)

type memoryAudit struct {
	mu      sync.Mutex
	entries []geodata.AuditEntry
}

func (m *memoryAudit) Audit(_ context.Context, e geodata.AuditEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries = append(m.entries, e)
	return nil
}

func TestReadLogAggregatesPerCallerLayerAndHour(t *testing.T) {
	audit := &memoryAudit{}
	l := NewReadLog(audit)
	clock := time.Date(2026, 12, 6, 10, 15, 0, 0, time.UTC)
	l.now = func() time.Time { return clock }
	for range 250 {
		l.Note("token:amina", "incidents", "read")
	}
	l.Note("token:amina", "incidents", "download")
	l.Note("token:joe", "incidents", "read")
	clock = clock.Add(time.Hour) // the next hour is counted apart
	l.Note("token:amina", "incidents", "read")
	if len(audit.entries) != 0 {
		t.Fatalf("written before the hour ended: %v", audit.entries)
	}
	l.Flush()
	counts := map[string]int{}
	for _, e := range audit.entries {
		counts[e.Actor+" "+e.Action] += e.Count
		if e.Layer != "incidents" || e.Count == 0 {
			t.Errorf("entry %+v", e)
		}
	}
	if len(audit.entries) != 4 || counts["token:amina read"] != 251 || counts["token:amina download"] != 1 || counts["token:joe read"] != 1 {
		t.Errorf("%d entries: %v", len(audit.entries), counts)
	}
}
