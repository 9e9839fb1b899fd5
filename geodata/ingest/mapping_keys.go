package ingest

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// uniqueKey returns base, or base~2, base~3, … (cut to fit maxKeyLength),
// the first that taken refuses.
func uniqueKey(base string, taken func(string) bool) string {
	key := base
	for n := 2; taken(key); n++ {
		suffix := fmt.Sprintf("~%d", n)
		cut := maxKeyLength - len(suffix)
		for cut < len(base) && cut > 0 && !utf8.RuneStart(base[cut]) {
			cut--
		}
		key = base[:min(cut, len(base))] + suffix
	}
	return key
}

// safeKey trims a property name, removes control characters and cuts it
// to maxKeyLength bytes on a character boundary.
func safeKey(k string) string {
	k = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\ufeff' || r == '\u200b' {
			return -1
		}
		return r
	}, cleanText(k))
	if len(k) > maxKeyLength {
		cut := maxKeyLength
		for cut > 0 && !utf8.RuneStart(k[cut]) {
			cut--
		}
		k = strings.TrimSpace(k[:cut])
	}
	if k == "" {
		return "unnamed"
	}
	return k
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
