package geodata

import "time"

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
