package mmp

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// value is one field of an API record as read from JSON.
type value struct {
	text    string // the string, the number as written, "true"/"false"; "" for null
	quoted  bool   // arrived as a JSON string
	invalid bool   // an object or array
}

func readValue(raw json.RawMessage) value {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return value{}
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return value{invalid: true}
		}
		return value{text: s, quoted: true}
	case 'n':
		return value{}
	case '{', '[':
		return value{invalid: true}
	default: // number, true, false
		return value{text: string(raw)}
	}
}

// countResult is a parsed count with what had to be done to read it.
type countResult struct {
	n         int
	ok        bool   // a value was present and readable
	issue     string // CodeThousandsSeparator, CodeNumberNormalised, CodeInvalidNumber or ""
	raw       string
	wasString bool
}

// maxCount bounds counts so that sums cannot overflow; no MMP incident
// comes near it.
const maxCount = 1_000_000

// parseCount reads a non-negative or negative whole number written as
// text: "12", "1,022", "2.0". Empty text is absent, not an error.
func parseCount(v value) countResult {
	s := strings.TrimSpace(v.text)
	r := countResult{raw: s, wasString: v.quoted && s != ""}
	if s == "" {
		return r
	}
	issue := ""
	if strings.Contains(s, ",") && thousands(s) {
		s = strings.ReplaceAll(s, ",", "")
		issue = CodeThousandsSeparator
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || math.Abs(f) > maxCount {
			r.issue = CodeInvalidNumber
			return r
		}
		n = int(f)
		issue = CodeNumberNormalised
	}
	if n > maxCount || n < -maxCount {
		r.issue = CodeInvalidNumber
		return r
	}
	r.n, r.ok, r.issue = n, true, issue
	return r
}

// thousands reports whether s is digits grouped by commas in threes,
// optionally signed: "1,022", "-12,000".
func thousands(s string) bool {
	s = strings.TrimPrefix(s, "-")
	parts := strings.Split(s, ",")
	if len(parts[0]) == 0 || len(parts[0]) > 3 {
		return false
	}
	for i, p := range parts {
		if i > 0 && len(p) != 3 {
			return false
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return true
}
