package formats

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestEncodeCSVNeutralisesFormulas(t *testing.T) {
	rows := [][]string{
		{"1", "=HYPERLINK(\"http://x\",\"y\")", "-3.5"},
		{"2", "+1+1", "@SUM(A1)"},
		{"3", "plain, with comma and \"quotes\"", "\tTAB"},
		{"-4", "-cmd", ""},
	}
	out := EncodeCSV([]string{"rank", "text", "other"}, rows, map[int]bool{0: true})
	got, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, out)
	}
	want := [][]string{
		{"rank", "text", "other"},
		{"1", "'=HYPERLINK(\"http://x\",\"y\")", "'-3.5"},
		{"2", "'+1+1", "'@SUM(A1)"},
		{"3", "plain, with comma and \"quotes\"", "'\tTAB"},
		{"-4", "'-cmd", ""},
	}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Errorf("row %d col %d = %q, want %q", i, j, got[i][j], want[i][j])
			}
		}
	}
}
