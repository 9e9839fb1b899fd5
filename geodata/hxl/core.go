package hxl

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Core is the list of HXL core hashtags and attributes a hashtag row is
// checked against (testdata/core-schema.txt holds a copy with its source).
type Core struct {
	Hashtags   map[string]bool
	Attributes map[string]bool
}

// ReadCore reads a core schema list: lines "hashtag NAME STATUS" or
// "attribute NAME STATUS", # comments and blank lines ignored. Only
// Released and Beta names are kept: Deprecated, Proposed and Rejected
// ones are not part of the standard to write.
func ReadCore(r io.Reader) (Core, error) {
	c := Core{Hashtags: map[string]bool{}, Attributes: map[string]bool{}}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return Core{}, fmt.Errorf("line %d: want KIND NAME STATUS, got %q", n, line)
		}
		keep := f[2] == "Released" || f[2] == "Beta"
		switch f[0] {
		case "hashtag":
			if keep {
				c.Hashtags[f[1]] = true
			}
		case "attribute":
			if keep {
				c.Attributes[f[1]] = true
			}
		default:
			return Core{}, fmt.Errorf("line %d: kind %q is neither hashtag nor attribute", n, f[0])
		}
	}
	return c, sc.Err()
}

// CheckRow checks a hashtag row RouteRisk writes: every non-empty cell is
// a hashtag in the strict form (#tag+attr, lower case a–z, 0–9, _), its
// hashtag is a core hashtag, and each attribute is a core attribute or
// one of CustomAttributes. At least one cell must be tagged.
func (c Core) CheckRow(cells []string) error {
	tagged := 0
	for i, cell := range cells {
		if cell == "" {
			continue
		}
		tagged++
		if !Strict(cell) {
			return fmt.Errorf("column %d: %q is not #tag(+attribute)* in lower case", i+1, cell)
		}
		s, _ := Parse(cell)
		if !c.Hashtags[s.Tag] {
			return fmt.Errorf("column %d: #%s is not a HXL core hashtag", i+1, s.Tag)
		}
		for _, a := range s.Attributes {
			if !c.Attributes[a] && CustomAttributes[a] == "" {
				return fmt.Errorf("column %d: +%s (in %s) is neither a HXL core attribute nor a documented custom one", i+1, a, cell)
			}
		}
	}
	if tagged == 0 {
		return fmt.Errorf("no column is tagged")
	}
	return nil
}
