package formats

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImporterTablesDocumented checks docs/importers.md prints every row
// of the HSDS term table and the OpenStreetMap tag table.
func TestImporterTablesDocumented(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "importers.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, r := range OSMTagTable {
		for _, v := range r.Values {
			sub := r.Subtype
			if sub == "" {
				sub = v
			}
			row := "| `" + r.Key + "=" + v + "` | " + r.Category + " | " + sub + " |"
			if !strings.Contains(doc, row) {
				t.Errorf("docs/importers.md lacks the row %s", row)
			}
		}
	}
	for _, r := range HSDSTermTable {
		row := "| " + r.Term + " | " + r.Category + " | " + r.Subtype + " |"
		if !strings.Contains(doc, row) {
			t.Errorf("docs/importers.md lacks the row %s", row)
		}
	}
	for _, r := range hsdsNameRules {
		row := "| " + strings.ReplaceAll(r.Term, "*", "…") + " | " + r.Category + " | " + r.Subtype + " |"
		if !strings.Contains(doc, row) {
			t.Errorf("docs/importers.md lacks the row %s", row)
		}
	}
}
