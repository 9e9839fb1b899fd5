package formats

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/routerisk/routerisk/geodata"
)

// csvSample wraps the text in a buffered reader and returns its first
// bytes, for sniffing, and whether they are the whole file.
func csvSample(text io.Reader) (io.Reader, []byte, bool, error) {
	br := bufio.NewReaderSize(text, textSniffSize)
	sample, err := br.Peek(textSniffSize)
	atEOF := errors.Is(err, io.EOF)
	if err != nil && !atEOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, nil, false, csvReadError(err, "the start of the file")
	}
	if strings.TrimSpace(string(sample)) == "" {
		return nil, nil, false, geodata.Errorf(geodata.Invalid, "the file holds no header line; the first line must name the columns")
	}
	return br, sample, atEOF, nil
}

// detectCSVDelimiter picks ',', ';' or tab: the one present in the header
// that splits the first rows into as many cells as the header, the one
// giving most columns on a tie; quotes are respected. A file whose header
// holds none of them has one column and reads as ','.
func detectCSVDelimiter(sample []byte, atEOF bool) rune {
	cands := [...]rune{',', ';', '\t'}
	var counts [][len(cands)]int
	var cur [len(cands)]int
	inQuote, content := false, false
	for _, b := range sample {
		switch {
		case b == '"':
			inQuote = !inQuote
			content = true
		case inQuote:
		case b == '\n':
			if content {
				counts = append(counts, cur)
			}
			cur, content = [len(cands)]int{}, false
		case b == '\r', b == ' ':
		default:
			content = true
			for k, c := range cands {
				if rune(b) == c {
					cur[k]++
				}
			}
		}
		if len(counts) >= csvSniffRecords {
			break
		}
	}
	if content && (atEOF || len(counts) == 0) {
		counts = append(counts, cur)
	}
	best, bestScore := ',', -1
	for k, c := range cands {
		if len(counts) == 0 || counts[0][k] == 0 {
			continue
		}
		score := counts[0][k] * 2
		consistent := true
		for _, rc := range counts[1:] {
			consistent = consistent && rc[k] == counts[0][k]
		}
		if consistent {
			score += 1 << 20
		}
		if score > bestScore {
			best, bestScore = c, score
		}
	}
	return best
}

func csvDelimiterAllowed(d rune) bool {
	switch d {
	case ',', ';', '\t', '|':
		return true
	}
	return false
}

func csvDelimiterName(d rune) string {
	if d == '\t' {
		return "tab"
	}
	return fmt.Sprintf("%q", d)
}

// csvOnlyCR reports whether lines end in a bare carriage return.
func csvOnlyCR(sample []byte) bool {
	return strings.ContainsRune(string(sample), '\r') && !strings.ContainsRune(string(sample), '\n')
}

// csvCRReader turns every carriage return into a line feed.
type csvCRReader struct{ r io.Reader }

// Read reads from the underlying reader, carriage returns made line feeds.
func (c csvCRReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := range p[:n] {
		if p[i] == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// ReadCSVHeader returns the column names of a delimited text file's
// header line as DecodeCSV names them (trimmed, an empty name made
// column_N, a repeated one suffixed _2, …), the encoding and delimiter
// detected as DecodeCSV detects them. It reads no further than the
// header.
func ReadCSVHeader(r io.Reader) ([]string, error) {
	text, err := decodeText(r)
	if err != nil {
		return nil, err
	}
	src, sample, atEOF, err := csvSample(text)
	if err != nil {
		return nil, err
	}
	if csvOnlyCR(sample) {
		src = csvCRReader{src}
		sample = []byte(strings.ReplaceAll(string(sample), "\r", "\n"))
	}
	cr := csv.NewReader(src)
	cr.Comma = detectCSVDelimiter(sample, atEOF)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return nil, geodata.Errorf(geodata.Invalid, "the file holds no header line; the first line must name the columns")
	case err != nil:
		return nil, csvReadError(err, "the header line")
	}
	return csvUniqueColumns(header, &geodata.Report{}), nil
}
