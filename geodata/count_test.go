package geodata

import (
	"encoding/json"
	"math"
	"testing"
)

func TestCount(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want float64
	}{
		{"JSON number", 45.0, 45},
		{"int", 3, 3},
		{"int64", int64(7), 7},
		{"json.Number", json.Number("12"), 12},
		{"numeric string", " 5 ", 5},
		{"fraction kept", 2.5, 2.5},
		{"negative", -13.0, 0},
		{"NaN", math.NaN(), 0},
		{"infinite", math.Inf(1), 0},
		{"text", "several", 0},
		{"absent", nil, 0},
		{"bool", true, 0},
	}
	for _, tt := range tests {
		if got := Count(tt.in); got != tt.want {
			t.Errorf("%s: Count(%v) = %v, want %v", tt.name, tt.in, got, tt.want)
		}
	}
}
