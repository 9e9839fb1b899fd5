package geodata

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// AuditEntry is one line of the audit log: who did what to which layer
// version, when, with what outcome. It never holds coordinates or property
// values, only sizes and counts.
type AuditEntry struct {
	Time      time.Time `json:"time"`
	Actor     string    `json:"actor"`
	Action    string    `json:"action"` // publish, restore, delete, upload, sign-in, sensitivity-change, …
	Layer     string    `json:"layer,omitempty"`
	Version   int       `json:"version,omitempty"`
	Outcome   string    `json:"outcome"` // ok, rejected, failed
	RequestID string    `json:"request_id,omitempty"`
	Format    string    `json:"format,omitempty"`
	Bytes     int64     `json:"bytes,omitempty"`    // size of the uploaded file
	Features  int       `json:"features,omitempty"` // features stored
	Rejected  int       `json:"rejected,omitempty"` // features left out
	Detail    string    `json:"detail,omitempty"`   // a short, value-free note
	Before    string    `json:"before,omitempty"`   // a setting before the change (sensitivity-change)
	After     string    `json:"after,omitempty"`    // the setting after it
	Source    string    `json:"source,omitempty"`   // the client address, on failed sign-ins
	Count     int       `json:"count,omitempty"`    // attempts this line stands for, when several are summed up
}

// Audit outcomes.
const (
	OutcomeOK       = "ok"
	OutcomeRejected = "rejected"
	OutcomeFailed   = "failed"
)

// AuditQuery asks for one page of the audit log, newest first, of the
// entries that pass its filters (a zero filter passes every entry). The
// page holds up to Limit matching entries; Next continues after the last
// of them with the same filters.
type AuditQuery struct {
	Limit  int    // entries on the page, at least 1
	Before string // the Next of the page before; "" for the newest entries
	Actor  string // only entries whose actor contains this, in any case ("" for any)
	Action string // only entries of this action, exactly ("" for any)
	From   time.Time
	To     time.Time // only entries at or after From and before To (zero: unbounded)
}

// Filtered reports whether q has any filter.
func (q AuditQuery) Filtered() bool {
	return q.Actor != "" || q.Action != "" || !q.From.IsZero() || !q.To.IsZero()
}

// Matches reports whether e passes q's filters.
func (q AuditQuery) Matches(e AuditEntry) bool {
	switch {
	case q.Actor != "" && !strings.Contains(strings.ToLower(e.Actor), strings.ToLower(q.Actor)),
		q.Action != "" && e.Action != q.Action,
		!q.From.IsZero() && e.Time.Before(q.From),
		!q.To.IsZero() && !e.Time.Before(q.To):
		return false
	}
	return true
}

// AuditPage is one page of the audit log, newest first.
type AuditPage struct {
	Entries []AuditEntry
	// Next is the cursor of the following (older) page; "" when this page
	// holds the oldest entry kept.
	Next string
}

// BadAuditCursor is the error of a cursor a store did not make.
func BadAuditCursor(cursor string) *Error {
	return InvalidParam("before", fmt.Sprintf("is %q, which is not a cursor of this audit log", Truncate(cursor, 40)),
		"the value of next_before from the previous page, or nothing for the newest entries")
}

// Purged names the versions of one layer that a purge removed.
type Purged struct {
	Layer    string `json:"layer"`
	Versions []int  `json:"versions"`
}

// Purgeable reports which of a layer's versions a purge before cutoff
// removes: versions older than cutoff that are neither current nor the
// newest (the newest is kept, so version numbers are never reused, and a
// deleted layer stays restorable from its last version). versions and
// times are parallel; current is 0 for a deleted layer.
func Purgeable(versions []int, times []time.Time, current int, cutoff time.Time) []int {
	newest := 0
	for _, v := range versions {
		newest = max(newest, v)
	}
	var out []int
	for i, v := range versions {
		if v != current && v != newest && times[i].Before(cutoff) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}
