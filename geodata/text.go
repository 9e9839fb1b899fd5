package geodata

import "unicode/utf8"

// Truncate shortens s to at most n bytes for quoting in a message,
// marking the cut with "…" and never splitting a UTF-8 character.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
