package geodata

import "unicode/utf8"

// Truncate shortens s to at most n characters for quoting in a message
// or a bounded field, marking the cut with "…". Invalid UTF-8 counts a
// byte a character.
func Truncate(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for range n {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i] + "…"
}
