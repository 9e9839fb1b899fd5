package formats

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/routerisk/routerisk/geodata"
)

// textSniffSize is how much of a text upload is looked at to tell its
// encoding; the rest is decoded as it streams.
const textSniffSize = 64 * 1024

// Text encoding names, as shown in Decoded.Notes.
const (
	encodingUTF8        = "UTF-8"
	encodingUTF8BOM     = "UTF-8 with a byte order mark (removed)"
	encodingUTF16LE     = "UTF-16LE"
	encodingUTF16BE     = "UTF-16BE"
	encodingWindows1252 = "windows-1252 (Latin-1)"
)

// decodedText is a text upload decoded to UTF-8 as it is read.
type decodedText struct {
	io.Reader
	// Encoding names the encoding the bytes were read as.
	Encoding string
	stray    *strayBytes // UTF-8 input only: invalid bytes met after the sniffed prefix
}

// Note describes the encoding for Decoded.Notes. Read the text to the end
// first: a UTF-8 file can hold stray Latin-1 bytes after the prefix that
// was sniffed, and the note counts them.
func (t *decodedText) Note() string {
	if t.stray != nil && t.stray.n > 0 {
		return fmt.Sprintf("text encoding: %s; %d bytes that are not UTF-8 were read as windows-1252 (Latin-1) characters", t.Encoding, t.stray.n)
	}
	return "text encoding: " + t.Encoding
}

// decodeText tells the encoding of a text upload from its first bytes and
// returns a reader that decodes it to UTF-8 while streaming, so the file is
// never held in memory twice. It reads UTF-8 (a byte order mark is
// removed), UTF-16 LE or BE (with a byte order mark, or without one when
// the text is mostly ASCII), and windows-1252 — the superset of
// ISO-8859-1 that spreadsheets write as "Latin-1" — when the first bytes
// are not valid UTF-8. A file whose first bytes hold control characters
// (a spreadsheet, archive, image, …) is a *geodata.Error with code
// Invalid; an empty one too.
func decodeText(r io.Reader) (*decodedText, error) {
	br := bufio.NewReaderSize(r, textSniffSize)
	head, err := br.Peek(textSniffSize)
	atEOF := false
	switch {
	case errors.Is(err, io.EOF):
		atEOF = true
	case err != nil && !errors.Is(err, bufio.ErrBufferFull):
		return nil, textReadError(err)
	}
	if len(head) == 0 {
		return nil, geodata.Errorf(geodata.Invalid, "the file is empty")
	}
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		_, _ = br.Discard(3) // peeked above
		return utf8Text(br, encodingUTF8BOM), nil
	case bytes.HasPrefix(head, []byte("\xff\xfe")):
		return utf16Text(br, unicode.LittleEndian, unicode.ExpectBOM, encodingUTF16LE+" with a byte order mark"), nil
	case bytes.HasPrefix(head, []byte("\xfe\xff")):
		return utf16Text(br, unicode.BigEndian, unicode.ExpectBOM, encodingUTF16BE+" with a byte order mark"), nil
	}
	if e, ok := sniffUTF16(head); ok {
		name := encodingUTF16LE + " without a byte order mark"
		if e == unicode.BigEndian {
			name = encodingUTF16BE + " without a byte order mark"
		}
		return utf16Text(br, e, unicode.IgnoreBOM, name), nil
	}
	if b, at, found := firstControlByte(head); found {
		return nil, geodata.Errorf(geodata.Invalid,
			"the file is not text: byte %d is the control character 0x%02x, as found in spreadsheets, archives and images; save it as CSV (UTF-8) and upload that", at+1, b)
	}
	if validUTF8Prefix(head, atEOF) {
		return utf8Text(br, encodingUTF8), nil
	}
	return &decodedText{
		Reader:   transform.NewReader(br, charmap.Windows1252.NewDecoder()),
		Encoding: encodingWindows1252,
	}, nil
}

// textReadError passes on a *geodata.Error from the source (a size limit
// the caller set, say) and reports any other read failure as Internal.
func textReadError(err error) error {
	var ge *geodata.Error
	if errors.As(err, &ge) {
		return ge
	}
	return &geodata.Error{Code: geodata.Internal, Message: "the file could not be read", Err: err}
}

func utf8Text(r io.Reader, name string) *decodedText {
	s := &strayBytes{}
	return &decodedText{Reader: transform.NewReader(r, s), Encoding: name, stray: s}
}

func utf16Text(r io.Reader, e unicode.Endianness, bom unicode.BOMPolicy, name string) *decodedText {
	return &decodedText{Reader: transform.NewReader(r, unicode.UTF16(e, bom).NewDecoder()), Encoding: name}
}

// validUTF8Prefix reports whether head is valid UTF-8, allowing a
// character cut off at its end when more of the file follows.
func validUTF8Prefix(head []byte, atEOF bool) bool {
	if !atEOF {
		for i := 1; i <= utf8.UTFMax-1 && i <= len(head); i++ {
			if utf8.RuneStart(head[len(head)-i]) {
				if !utf8.FullRune(head[len(head)-i:]) {
					head = head[:len(head)-i]
				}
				break
			}
		}
	}
	return utf8.Valid(head)
}

// firstControlByte finds a C0 control character that text files do not
// hold. Tab, line feed, vertical tab, form feed, carriage return and
// SUB (0x1a, the end-of-file mark of old DOS files) are allowed.
func firstControlByte(head []byte) (byte, int, bool) {
	for i, b := range head {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\v' && b != '\f' && b != '\r' && b != 0x1a {
			return b, i, true
		}
	}
	return 0, 0, false
}

// sniffUTF16 recognises UTF-16 without a byte order mark by the zero high
// bytes of ASCII characters: nearly every other byte is zero, and only
// those.
func sniffUTF16(head []byte) (unicode.Endianness, bool) {
	n := min(len(head), 1024) &^ 1
	if n < 4 {
		return unicode.LittleEndian, false
	}
	var zeroEven, zeroOdd int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			zeroEven++
		}
		if head[i+1] == 0 {
			zeroOdd++
		}
	}
	pairs := n / 2
	switch {
	case zeroOdd*10 >= pairs*9 && zeroEven == 0:
		return unicode.LittleEndian, true
	case zeroEven*10 >= pairs*9 && zeroOdd == 0:
		return unicode.BigEndian, true
	}
	return unicode.LittleEndian, false
}

// strayBytes passes UTF-8 through and decodes any byte that is not part
// of a valid UTF-8 sequence as windows-1252, counting them: a file that
// is UTF-8 at its start may still carry a Latin-1 value further down
// (rows pasted from another file), and one odd byte should not make the
// whole file unreadable.
type strayBytes struct {
	transform.NopResetter
	n int
}

// Transform implements transform.Transformer.
func (s *strayBytes) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	for nSrc < len(src) {
		b := src[nSrc]
		if b < utf8.RuneSelf {
			if nDst >= len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			dst[nDst] = b
			nDst++
			nSrc++
			continue
		}
		r, size := utf8.DecodeRune(src[nSrc:])
		if r == utf8.RuneError && size == 1 {
			if !atEOF && !utf8.FullRune(src[nSrc:]) {
				return nDst, nSrc, transform.ErrShortSrc
			}
			dec := charmap.Windows1252.DecodeByte(b)
			if nDst+utf8.RuneLen(dec) > len(dst) {
				return nDst, nSrc, transform.ErrShortDst
			}
			nDst += utf8.EncodeRune(dst[nDst:], dec)
			nSrc++
			s.n++
			continue
		}
		if nDst+size > len(dst) {
			return nDst, nSrc, transform.ErrShortDst
		}
		nDst += copy(dst[nDst:], src[nSrc:nSrc+size])
		nSrc += size
	}
	return nDst, nSrc, nil
}
