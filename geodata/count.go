package geodata

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// Count reads a count property such as dead or missing: a non-negative
// finite number, given as a JSON number, a Go integer or a numeric string
// (as some uploads carry them). Anything else — absent, negative, NaN,
// text — counts as 0. Every analysis reads counts through it, so one layer
// counts the same everywhere.
func Count(v any) float64 {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case int:
		f = float64(x)
	case int64:
		f = float64(x)
	case int32:
		f = float64(x)
	case json.Number:
		f, _ = x.Float64()
	case string:
		f, _ = strconv.ParseFloat(strings.TrimSpace(x), 64)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0
	}
	return f
}
