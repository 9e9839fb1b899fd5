package auth

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/routerisk/routerisk/geodata"
)

// Auditor appends entries to the audit log.
type Auditor interface {
	Audit(ctx context.Context, e geodata.AuditEntry) error
}

// ReadLog audits staff reads and downloads of restricted layers without
// writing a line per request: reads are counted per caller, layer, kind
// of read and hour, and each count is written as one audit entry when its
// hour ends (or at Flush).
type ReadLog struct {
	audit Auditor
	now   func() time.Time

	mu     sync.Mutex
	counts map[readKey]*readCount
}

type readKey struct {
	actor, layer, action string
	hour                 time.Time
}

type readCount struct {
	n     int
	timer *time.Timer
}

// NewReadLog returns a read log that writes to audit.
func NewReadLog(audit Auditor) *ReadLog {
	return &ReadLog{audit: audit, now: time.Now, counts: map[readKey]*readCount{}}
}

// Note counts one read (action "read" or "download") of a restricted
// layer by actor.
func (l *ReadLog) Note(actor, layer, action string) {
	now := l.now().UTC()
	k := readKey{actor: actor, layer: layer, action: action, hour: now.Truncate(time.Hour)}
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.counts[k]
	if !ok {
		c = &readCount{}
		l.counts[k] = c
		c.timer = time.AfterFunc(k.hour.Add(time.Hour).Sub(now), func() { l.close(k) })
	}
	c.n++
}

// close writes the count of k and forgets it.
func (l *ReadLog) close(k readKey) {
	l.mu.Lock()
	c, ok := l.counts[k]
	delete(l.counts, k)
	l.mu.Unlock()
	if ok {
		l.write(k, c.n)
	}
}

func (l *ReadLog) write(k readKey, n int) {
	_ = l.audit.Audit(context.Background(), geodata.AuditEntry{
		Actor: k.actor, Action: k.action, Layer: k.layer, Outcome: geodata.OutcomeOK, Count: n,
		Detail: fmt.Sprintf("%d %ss of a restricted layer in the hour from %s", n, k.action, k.hour.Format(time.RFC3339)),
	})
}

// Flush writes every count now, as at shutdown.
func (l *ReadLog) Flush() {
	l.mu.Lock()
	counts := l.counts
	l.counts = map[readKey]*readCount{}
	l.mu.Unlock()
	for k, c := range counts {
		c.timer.Stop()
		l.write(k, c.n)
	}
}
