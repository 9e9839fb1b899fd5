package topojson

import (
	"fmt"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/routerisk/routerisk/geodata"
)

// minPositionBytes is the fewest bytes one position and its separator
// take in the arcs member ("[0,0],"): what decodeArcs reserves from the
// member's size, so a hostile member cannot reserve more than it holds.
const minPositionBytes = 6

// decodeArcs reads a topology's arcs member, an array of arcs, each an
// array of positions, each an array of numbers, as json.Unmarshal into
// [][][]float64 reads it (null is an empty array, or 0 in place of a
// number), without a slice for every position: it returns the first two
// numbers of every position, all arcs in one backing array. raw must be
// valid JSON (json.Unmarshal of the topology checked it); any other
// value, a position of fewer than two numbers and a number out of
// float64's range are errors. An absent member (raw empty) holds no arcs.
func decodeArcs(raw []byte) ([][]orb.Point, error) {
	if len(raw) == 0 { // no arcs member
		return nil, nil
	}
	s := arcScanner{b: raw}
	all := make([]orb.Point, 0, len(raw)/minPositionBytes+1)
	var ends []int
	err := s.array(place{-1, -1}, func(arc int) error {
		err := s.array(place{arc, -1}, func(pos int) error {
			var p orb.Point
			n := 0
			err := s.array(place{arc, pos}, func(k int) error {
				v, err := s.number(arc, pos)
				if k < 2 {
					p[k] = v
				}
				n++
				return err
			})
			if err != nil {
				return err
			}
			if n < 2 {
				return geodata.Errorf(geodata.Invalid, "arc %d, position %d has %d numbers; a position needs two", arc, pos, n)
			}
			all = append(all, p)
			return nil
		})
		ends = append(ends, len(all))
		return err
	})
	if err != nil {
		return nil, err
	}
	if s.skipSpace(); s.i != len(s.b) {
		return nil, geodata.Errorf(geodata.Invalid, "the arcs member continues after its array")
	}
	arcs := make([][]orb.Point, len(ends))
	start := 0
	for i, end := range ends {
		arcs[i] = all[start:end:end]
		start = end
	}
	return arcs, nil
}

// place is where in the arcs member a value is: an arc (-1 for the
// member itself) and a position in it (-1 for the arc itself).
type place struct{ arc, pos int }

func (p place) String() string {
	switch {
	case p.arc < 0:
		return "the arcs member"
	case p.pos < 0:
		return fmt.Sprintf("arc %d", p.arc)
	}
	return fmt.Sprintf("arc %d, position %d", p.arc, p.pos)
}

// arcScanner walks the arcs member of a topology.
type arcScanner struct {
	b []byte
	i int
}

func (s *arcScanner) skipSpace() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// null consumes a null and reports whether there was one.
func (s *arcScanner) null() bool {
	s.skipSpace()
	if s.i+4 <= len(s.b) && string(s.b[s.i:s.i+4]) == "null" {
		s.i += 4
		return true
	}
	return false
}

// array reads an array (or null, an empty one), calling member for each
// element with its index; member reads the element.
func (s *arcScanner) array(what place, member func(int) error) error {
	if s.null() {
		return nil
	}
	if s.i >= len(s.b) || s.b[s.i] != '[' {
		return geodata.Errorf(geodata.Invalid, "%s must be an array", what)
	}
	s.i++
	for n := 0; ; n++ {
		s.skipSpace()
		if s.i < len(s.b) && s.b[s.i] == ']' && n == 0 {
			s.i++
			return nil
		}
		if err := member(n); err != nil {
			return err
		}
		s.skipSpace()
		if s.i >= len(s.b) {
			return geodata.Errorf(geodata.Invalid, "%s is not closed", what)
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return geodata.Errorf(geodata.Invalid, "%s holds %q where a comma or its end belongs", what, s.b[s.i])
		}
	}
}

// number reads a number (or null, 0) of the given position.
func (s *arcScanner) number(arc, pos int) (float64, error) {
	if s.null() {
		return 0, nil
	}
	start := s.i
	for s.i < len(s.b) && isNumberByte(s.b[s.i]) {
		s.i++
	}
	if start == s.i {
		return 0, geodata.Errorf(geodata.Invalid, "arc %d, position %d holds something other than a number", arc, pos)
	}
	if v, ok := smallInteger(s.b[start:s.i]); ok {
		return v, nil
	}
	v, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
	if err != nil {
		return 0, geodata.Errorf(geodata.Invalid, "arc %d, position %d: %s is not a number a coordinate can hold", arc, pos, s.b[start:s.i])
	}
	return v, nil
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// smallInteger reads an integer of at most 15 digits, with an optional
// minus sign, the numbers of quantised arcs: exactly the float64
// strconv.ParseFloat gives, without converting the bytes to a string.
func smallInteger(b []byte) (float64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		return -float64(n), true
	}
	return float64(n), true
}
