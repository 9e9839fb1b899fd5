package formats

// duplicateKey reports the first key repeated within one object of a JSON
// value, and the path of that object ("properties", "geometry", "feature").
// raw must be valid JSON (as json.Decoder returns it); the walk is a byte
// scan that allocates only for objects with many keys.
func duplicateKey(raw []byte) (key, path string, dup bool) {
	s := dupScanner{b: raw}
	s.value("feature")
	return s.key, s.path, s.dup
}

type dupScanner struct {
	b    []byte
	i    int
	dup  bool
	key  string
	path string
}

func (s *dupScanner) skipSpace() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// value scans one value; path names the object it belongs to.
func (s *dupScanner) value(path string) {
	s.skipSpace()
	if s.i >= len(s.b) || s.dup {
		return
	}
	switch s.b[s.i] {
	case '{':
		s.object(path)
	case '[':
		s.i++
		for {
			s.skipSpace()
			if s.i >= len(s.b) || s.dup {
				return
			}
			if s.b[s.i] == ']' {
				s.i++
				return
			}
			if s.b[s.i] == ',' {
				s.i++
				continue
			}
			s.value(path)
		}
	case '"':
		s.str()
	default: // number, true, false, null
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', ']', '}', ' ', '\t', '\r', '\n':
				return
			}
			s.i++
		}
	}
}

func (s *dupScanner) object(path string) {
	s.i++ // {
	var small [16][]byte
	keys := small[:0]
	var set map[string]bool
	for {
		s.skipSpace()
		if s.i >= len(s.b) || s.dup {
			return
		}
		switch s.b[s.i] {
		case '}':
			s.i++
			return
		case ',':
			s.i++
			continue
		}
		k := s.str()
		if set == nil && len(keys) < cap(small) {
			for _, x := range keys {
				if string(x) == string(k) {
					s.dup, s.key, s.path = true, string(k), path
					return
				}
			}
			keys = append(keys, k)
		} else {
			if set == nil {
				set = make(map[string]bool, 32)
				for _, x := range keys {
					set[string(x)] = true
				}
			}
			if set[string(k)] {
				s.dup, s.key, s.path = true, string(k), path
				return
			}
			set[string(k)] = true
		}
		s.skipSpace()
		if s.i < len(s.b) && s.b[s.i] == ':' {
			s.i++
		}
		child := path
		if path == "feature" && (string(k) == "properties" || string(k) == "geometry") {
			child = string(k)
		}
		s.value(child)
	}
}

// str scans a string and returns its raw content (escapes left as they
// are: two spellings of one key with different escapes are not caught,
// which encoding/json would read as the same key — rare enough to accept).
func (s *dupScanner) str() []byte {
	s.i++ // opening quote
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\\':
			s.i += 2
			continue
		case '"':
			v := s.b[start:s.i]
			s.i++
			return v
		}
		s.i++
	}
	return s.b[start:]
}
