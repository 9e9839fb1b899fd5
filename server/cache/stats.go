package cache

// State says whether a tier is working.
type State string

// States of a cache tier.
const (
	StateOK       State = "ok"       // answering normally
	StateDegraded State = "degraded" // failing; requests go on without it
	StateDisabled State = "disabled" // not configured
)

// Stats are the counters of one cache tier, for /metrics and /readyz.
type Stats struct {
	Tier      string
	State     State
	Detail    string // why the tier is degraded; safe to show operators
	Hits      int64
	Misses    int64
	Errors    int64
	Skipped   int64 // calls not made because the breaker was open
	Evictions int64
	Bytes     int64
}
