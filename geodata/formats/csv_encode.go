package formats

import (
	"bytes"
	"encoding/csv"
	"strings"
)

// EncodeCSV writes a header and rows as RFC 4180 CSV. Text cells that a
// spreadsheet would run as a formula — starting with =, +, -, @, a tab or
// a carriage return — are neutralised with a leading apostrophe, so a
// hostile value exported from the map cannot execute when the file is
// opened. Numbers are passed as numbers: give them in numeric, a set of
// column positions whose cells are never rewritten.
func EncodeCSV(header []string, rows [][]string, numeric map[int]bool) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(neutralise(header, nil)) // writes to a bytes.Buffer cannot fail
	for _, r := range rows {
		_ = w.Write(neutralise(r, numeric))
	}
	w.Flush()
	return buf.Bytes()
}

// EncodeCSVTagged is EncodeCSV with a HXL hashtag row (tags, one cell per
// column) directly under the header when tags is not nil.
func EncodeCSVTagged(header, tags []string, rows [][]string, numeric map[int]bool) []byte {
	if tags == nil {
		return EncodeCSV(header, rows, numeric)
	}
	all := make([][]string, 0, len(rows)+1)
	all = append(all, tags) // hashtags start with #, which neutralise leaves alone
	return EncodeCSV(header, append(all, rows...), numeric)
}

func neutralise(cells []string, numeric map[int]bool) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		if !numeric[i] && c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			c = "'" + c
		}
		out[i] = c
	}
	return out
}
