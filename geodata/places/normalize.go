package places

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MaxQueryBytes is the longest query Search reads; longer ones are cut
// (at a character boundary) to this many bytes.
const MaxQueryBytes = 100

// letters folds the Latin letters that Unicode does not decompose into a
// base letter and a mark.
var letters = map[rune]string{
	'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'ħ': "h", 'ı': "i", 'ŀ': "l",
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'þ': "th", 'ŧ': "t", 'ƒ': "f",
}

// Normalize folds s for matching: accents and case removed, apostrophes
// and similar marks dropped (so "M'diq" and "Mdiq" match), other
// punctuation and spacing turned into single spaces, ends trimmed.
// Letters of other scripts (Arabic, Cyrillic…) pass through, lowercased.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case isApostrophe(r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			r = unicode.ToLower(r)
			if f, ok := letters[r]; ok {
				b.WriteString(f)
			} else {
				b.WriteRune(r)
			}
		default:
			space = true
		}
	}
	return b.String()
}

// isApostrophe reports the apostrophes, quotes and transliteration marks
// (ʿayn, hamza) that sit inside names.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʼ', 'ʻ', 'ʽ', 'ʾ', 'ʿ', '`', '´', 'ˈ':
		return true
	}
	return false
}
