package hxl

import (
	"fmt"
	"strings"
)

// Spec is one parsed hashtag cell: the hashtag without its # and its
// attributes without their +, lower-cased, in the order written.
type Spec struct {
	Tag        string
	Attributes []string
}

// maxCell bounds a hashtag cell read from a file, in bytes.
const maxCell = 256

// Parse reads one hashtag cell as HXL 1.1 writes it: "#tag" then any
// number of "+attribute", with optional spaces before each "+" and around
// the cell ("#affected +killed"). Names are a letter then letters, digits
// or underscores, compared without case, and returned lower-cased.
// Anything else is an error naming what is wrong.
func Parse(cell string) (Spec, error) {
	s := strings.TrimSpace(cell)
	if len(s) > maxCell {
		return Spec{}, fmt.Errorf("hashtag %.40q… is longer than %d bytes", s, maxCell)
	}
	if !strings.HasPrefix(s, "#") {
		return Spec{}, fmt.Errorf("%q does not start with #", s)
	}
	parts := strings.Split(s[1:], "+")
	var out Spec
	for i, p := range parts {
		name := strings.ToLower(p)
		if i == 0 {
			name = strings.TrimRight(name, " \t")
		} else {
			name = strings.TrimSpace(name)
		}
		if !validName(name) {
			what := "hashtag"
			if i > 0 {
				what = "attribute"
			}
			return Spec{}, fmt.Errorf("%q: the %s %q is not a letter followed by letters, digits or _", s, what, p)
		}
		if i == 0 {
			out.Tag = name
		} else {
			out.Attributes = append(out.Attributes, name)
		}
	}
	return out, nil
}

// Strict reports whether cell is a hashtag exactly as RouteRisk writes
// it: "#tag+attr+attr", lower case a–z, 0–9 and _, no spaces.
func Strict(cell string) bool {
	s, err := Parse(cell)
	return err == nil && s.String() == cell
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
		case i > 0 && (r >= '0' && r <= '9' || r == '_'):
		default:
			return false
		}
	}
	return true
}

// IsHashtagRow reports whether a CSV row is a HXL hashtag row, as libhxl
// decides it: at least one cell is not empty, and every cell that is not
// empty is a hashtag that parses.
func IsHashtagRow(cells []string) bool {
	tagged := 0
	for _, c := range cells {
		if strings.TrimSpace(c) == "" {
			continue
		}
		if _, err := Parse(c); err != nil {
			return false
		}
		tagged++
	}
	return tagged > 0
}

// ParseRow parses a hashtag row: one spec per cell, the zero Spec for an
// empty cell. It returns an error for the first cell that does not parse.
func ParseRow(cells []string) ([]Spec, error) {
	out := make([]Spec, len(cells))
	for i, c := range cells {
		if strings.TrimSpace(c) == "" {
			continue
		}
		s, err := Parse(c)
		if err != nil {
			return nil, fmt.Errorf("column %d: %w", i+1, err)
		}
		out[i] = s
	}
	return out, nil
}
