package render

import (
	"image/color"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tdewolff/canvas"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// MaxTextRunes is the longest text taken from the input (titles, layer
// titles, route and category names); longer texts end in an ellipsis.
const MaxTextRunes = 200

// ellipsis ends a shortened text.
const ellipsis = "…"

// fonts are the Go fonts of one rendering. They are loaded per call: the
// shaper caches are not safe for concurrent use, and loading takes a few
// milliseconds.
type fonts struct {
	regular, bold *canvas.Font
}

func loadFonts() (*fonts, error) {
	regular, err := canvas.LoadFont(goregular.TTF, 0, canvas.FontRegular)
	if err != nil {
		return nil, err
	}
	bold, err := canvas.LoadFont(gobold.TTF, 0, canvas.FontBold)
	if err != nil {
		return nil, err
	}
	return &fonts{regular: regular, bold: bold}, nil
}

// mmPerPt converts canvas's font sizes (points) into its units, which the
// renderer uses as CSS pixels.
const mmPerPt = 25.4 / 72

// face is a font face of size px pixels.
func (f *fonts) face(bold bool, px float64, c color.Color) *canvas.FontFace {
	font := f.regular
	if bold {
		font = f.bold
	}
	return font.Face(px/mmPerPt, c)
}

// clean makes untrusted text printable on one line: invalid UTF-8 and
// characters XML cannot hold are dropped, control characters, line breaks
// and runs of spaces become one space, format characters (bidirectional
// overrides, zero-width joiners) are dropped, and the text is cut to
// MaxTextRunes runes with an ellipsis.
func clean(s string) string { return cleanMax(s, MaxTextRunes) }

// maxSourcesRunes bounds the sources line, which names every layer's
// sources and so runs longer than a title.
const maxSourcesRunes = 600

// maxCaveatRunes bounds the footer's data-through date and caveats.
const maxCaveatRunes = 1200

// cleanMax is clean with a limit of max runes.
func cleanMax(s string, max int) string {
	var b strings.Builder
	space := false
	n := 0
	for _, r := range strings.ToValidUTF8(s, "") {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = b.Len() > 0
			continue
		case unicode.Is(unicode.Cf, r), unicode.Is(unicode.Co, r), r == utf8.RuneError,
			r >= 0xFDD0 && r <= 0xFDEF, r&0xFFFE == 0xFFFE:
			continue
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		if n == max {
			return strings.TrimRightFunc(b.String(), unicode.IsSpace) + ellipsis
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// fit shortens s with an ellipsis until it is at most width pixels wide in
// face; "" when not even the ellipsis fits.
func fit(face *canvas.FontFace, s string, width float64) string {
	if face.TextWidth(s) <= width {
		return s
	}
	runes := []rune(s)
	lo, hi := 0, len(runes) // the longest prefix that fits lies in [lo, hi)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if face.TextWidth(strings.TrimRightFunc(string(runes[:mid]), unicode.IsSpace)+ellipsis) <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 {
		if face.TextWidth(ellipsis) <= width {
			return ellipsis
		}
		return ""
	}
	return strings.TrimRightFunc(string(runes[:lo]), unicode.IsSpace) + ellipsis
}

// wrap breaks s into lines at most width pixels wide in face, at spaces
// where it can and inside a word where it must. Text beyond maxLines is
// cut, and the last line then ends in an ellipsis.
func wrap(face *canvas.FontFace, s string, width float64, maxLines int) []string {
	if maxLines <= 0 {
		return nil
	}
	var lines []string
	cur := ""
	words := strings.Fields(s)
	for i := 0; i < len(words); i++ {
		w := words[i]
		try := w
		if cur != "" {
			try = cur + " " + w
		}
		switch {
		case face.TextWidth(try) <= width:
			cur = try
		case cur != "":
			lines = append(lines, cur)
			cur = ""
			i--
		default:
			// One word wider than the line: cut it where it overflows.
			runes := []rune(w)
			k := 1
			for k < len(runes) && face.TextWidth(string(runes[:k+1])) <= width {
				k++
			}
			lines = append(lines, string(runes[:k]))
			if k < len(runes) {
				words[i] = string(runes[k:])
				i--
			}
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) <= maxLines {
		return lines
	}
	last := strings.Join(lines[maxLines-1:], " ")
	return append(lines[:maxLines-1], fit(face, last, width))
}

// utf16Units is s as JavaScript sees it, for orders and hashes that must
// match the dashboard's.
func utf16Units(s string) []uint16 { return utf16.Encode([]rune(s)) }

// lessUTF16 orders strings as JavaScript's default sort does.
func lessUTF16(a, b string) bool {
	ua, ub := utf16Units(a), utf16Units(b)
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return ua[i] < ub[i]
		}
	}
	return len(ua) < len(ub)
}
