package topojson

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// arcsByUnmarshal is what decodeArcs stands in for: json.Unmarshal into
// [][][]float64, then the first two numbers of every position, a shorter
// position an error.
func arcsByUnmarshal(raw []byte) ([][]orb.Point, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var arcs [][][]float64
	if err := json.Unmarshal(raw, &arcs); err != nil {
		return nil, err
	}
	out := make([][]orb.Point, len(arcs))
	for i, arc := range arcs {
		out[i] = make([]orb.Point, len(arc))
		for j, p := range arc {
			if len(p) < 2 {
				return nil, fmt.Errorf("arc %d, position %d has %d numbers", i, j, len(p))
			}
			out[i][j] = orb.Point{p[0], p[1]}
		}
	}
	return out, nil
}

func TestDecodeArcs(t *testing.T) {
	tests := []struct {
		name, raw string
		ok        bool
	}{
		{"absent", ``, true},
		{"null", `null`, true},
		{"empty", `[]`, true},
		{"quantised", `[[[0,0],[10,-3],[-2,4]],[[5,5],[1,1]]]`, true},
		{"spaces everywhere", " [ [ [ 0 , 0 ] , [ 1 ,\n2 ] ] ,\t[ ] ] ", true},
		{"decimals and exponents", `[[[1.5e2,-0.25],[1E-3,2e+1]]]`, true},
		{"negative zero", `[[[-0,0]]]`, true},
		{"long integers", `[[[1234567890123456,-98765432109876543]]]`, true},
		{"more than two numbers", `[[[1,2,3,4]]]`, true},
		{"null arc and number", `[null,[[null,1]]]`, true},
		{"a null position", `[[null]]`, false},
		{"a short position", `[[[1,2],[3]]]`, false},
		{"an empty position", `[[[1,2]],[[]]]`, false},
		{"not an array", `{"a":1}`, false},
		{"an arc that is a number", `[1]`, false},
		{"a position that is a string", `[["x"]]`, false},
		{"a number that is a string", `[[["1",2]]]`, false},
		{"a number that is true", `[[[true,2]]]`, false},
		{"out of range", `[[[1e400,0]]]`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeArcs([]byte(tc.raw))
			if (err == nil) != tc.ok {
				t.Fatalf("error %v, want ok %v", err, tc.ok)
			}
			want, wantErr := arcsByUnmarshal([]byte(tc.raw))
			if (wantErr == nil) != tc.ok {
				t.Fatalf("json.Unmarshal: error %v, want ok %v (the table is wrong)", wantErr, tc.ok)
			}
			if err == nil {
				sameArcs(t, got, want)
			}
		})
	}
}

// FuzzDecodeArcs compares decodeArcs with json.Unmarshal on every valid
// JSON input: the same arcs and points (bit for bit), or an error from
// both. Any input must not panic.
func FuzzDecodeArcs(f *testing.F) {
	for _, s := range []string{`[[[0,0],[10,-3]],[[5,5]]]`, `[null,[null,[null,1]]]`, `[[[1e400,0]]]`, `[[[1.5,2,3]],[[4]]]`, `[["x"]]`, ` [ ] `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := decodeArcs(raw)
		if !json.Valid(raw) {
			return // newDecoder only passes members json.Unmarshal accepted
		}
		want, wantErr := arcsByUnmarshal(raw)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("decodeArcs error %v, json.Unmarshal error %v", err, wantErr)
		}
		if err == nil {
			sameArcs(t, got, want)
		}
	})
}

func sameArcs(t *testing.T, got, want [][]orb.Point) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d arcs, want %d", len(got), len(want))
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Fatalf("arc %d: %d positions, want %d", i, len(got[i]), len(want[i]))
		}
		for j := range want[i] {
			for k := range 2 {
				if math.Float64bits(got[i][j][k]) != math.Float64bits(want[i][j][k]) {
					t.Fatalf("arc %d, position %d: %v, want %v", i, j, got[i][j], want[i][j])
				}
			}
		}
	}
}
