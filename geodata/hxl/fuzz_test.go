package hxl

import (
	"strings"
	"testing"
)

// FuzzParseRow checks the hashtag-row reader on any input: it never
// panics, a row it accepts writes back to specs that parse to themselves,
// and IsHashtagRow agrees with ParseRow.
func FuzzParseRow(f *testing.F) {
	for _, s := range []string{"#date+reported,#geo+lat,#geo+lon", " #Affected +Killed ,,#meta+id", "#,#a", "date,dead", "#a+b+c+d,#é", "#a\x00+b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		cells := strings.Split(line, ",")
		specs, err := ParseRow(cells)
		if IsHashtagRow(cells) && err != nil {
			t.Fatalf("IsHashtagRow but ParseRow: %v", err)
		}
		if err != nil {
			return
		}
		for i, s := range specs {
			if s.Tag == "" {
				continue
			}
			back, err := Parse(s.String())
			if err != nil || back.String() != s.String() || !Strict(s.String()) {
				t.Fatalf("cell %d %q → %q → %v %v", i, cells[i], s.String(), back, err)
			}
		}
	})
}
