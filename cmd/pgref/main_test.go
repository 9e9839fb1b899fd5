package main

import (
	"net/http/httptest"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		query string
		box   [4]float64
		limit int
		ok    bool
	}{
		{"bbox=10,33,12,35", [4]float64{10, 33, 12, 35}, 2500, true},
		{"bbox=-1.5,%20-2,3,4&limit=10", [4]float64{-1.5, -2, 3, 4}, 10, true},
		{"bbox=1,2,3", [4]float64{}, 0, false},
		{"bbox=a,2,3,4", [4]float64{}, 0, false},
		{"bbox=1,2,3,4&limit=0", [4]float64{}, 0, false},
		{"bbox=1,2,3,4&limit=10001", [4]float64{}, 0, false},
		{"", [4]float64{}, 0, false},
	} {
		box, limit, err := parse(httptest.NewRequest("GET", "/?"+tc.query, nil))
		if (err == nil) != tc.ok {
			t.Errorf("%q: err %v, want ok %v", tc.query, err, tc.ok)
			continue
		}
		if tc.ok && (box != tc.box || limit != tc.limit) {
			t.Errorf("%q: %v %d, want %v %d", tc.query, box, limit, tc.box, tc.limit)
		}
	}
}
