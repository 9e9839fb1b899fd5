package mmp

import (
	"github.com/routerisk/routerisk/geodata/vocab"

	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/routerisk/routerisk/internal/testenv"

	"github.com/paulmach/orb"
)

// apiPagesDir is the shared MMP API data, relative to this package.
const apiPagesDir = "../../../shared/data/incidents/mmp_hdx_api_json"

// realPages opens the shared API pages. Without them the test is skipped,
// unless CI=true, where their absence is a failure.
func realPages(t testing.TB) []Page {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(apiPagesDir, "*-json.json"))
	if len(names) == 0 {
		testenv.Unavailable(t, "the shared data is missing: "+apiPagesDir+" has no *-json.json pages; check out ../shared beside the project")
	}
	sort.Strings(names)
	var pages []Page
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		pages = append(pages, Page{Name: filepath.Base(n), R: f})
	}
	return pages
}

func TestDecodeRealPages(t *testing.T) {
	features, rep, err := DecodeAPIJSONPages(realPages(t)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("read %d, accepted %d (repaired %d), rejected %d", rep.Read, rep.Accepted, rep.Repaired, rep.Rejected)
	codes := make([]string, 0, len(rep.Counts))
	for c := range rep.Counts {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		t.Logf("  %-28s %6d", c, rep.Counts[c])
	}

	// The counts the data's publishers give for it.
	if rep.Read != 17846 {
		t.Errorf("read %d records, want 17846", rep.Read)
	}
	if rep.Read != rep.Accepted+rep.Rejected || len(features) != rep.Accepted {
		t.Errorf("read %d ≠ accepted %d + rejected %d, or %d features", rep.Read, rep.Accepted, rep.Rejected, len(features))
	}
	// Exact duplicates are rejected before anything else is counted.
	distinct := rep.Read - rep.Counts[CodeExactDuplicate]
	wantCounts := map[string]int{
		CodeTrailingWhitespace:   distinct, // every location_description ends in \n
		CodeNumberAsString:       distinct,
		CodeMissingCoordinates:   1,
		CodeEmptyDate:            15,
		CodeFreeTextID:           1,
		CodeThousandsSeparator:   1,
		CodeMissingSourceQuality: 1,
	}
	for code, want := range wantCounts {
		if got := rep.Counts[code]; got != want {
			t.Errorf("Counts[%s] = %d, want %d", code, got, want)
		}
	}
	// 20 rows have a negative number_missing, one of them an exact
	// duplicate of another.
	if got := rep.Counts[CodeNegativeMissing]; got < 19 || got > 20 {
		t.Errorf("Counts[negative_missing] = %d, want 19 or 20", got)
	}
	if got := rep.Counts[CodeExactDuplicate]; got < 20 {
		t.Errorf("Counts[exact_duplicate] = %d, want at least the 20 SOURCES.md names", got)
	}
	// 1,117 rows have a whole-number longitude; a few of them are exact
	// duplicates.
	if got := rep.Counts[CodeLongitudeTruncated]; got < 1100 || got > 1117 {
		t.Errorf("Counts[longitude_truncated] = %d, want 1100…1117", got)
	}
	// 1,117 rows have a whole-number longitude; a few of them are exact
	// duplicates.
	if got := rep.Counts[CodeLongitudeTruncated]; got < 1100 || got > 1117 {
		t.Errorf("Counts[longitude_truncated] = %d, want 1100…1117", got)
	}
	if got := rep.Counts[CodeCoordinatesSwapped]; got < 200 {
		t.Errorf("Counts[coordinates_swapped_order] = %d; the 2019 West Africa records alone have over 200", got)
	}
	for code, n := range rep.Counts {
		listed := 0
		for _, is := range rep.Issues {
			if is.Code == code {
				listed++
			}
		}
		if listed > DefaultMaxIssuesPerCode {
			t.Errorf("%d %s issues listed, cap is %d", listed, code, DefaultMaxIssuesPerCode)
		}
		if !cosmetic(code) && listed != min(n, DefaultMaxIssuesPerCode) {
			t.Errorf("%d %s issues listed of %d", listed, code, n)
		}
	}

	ids := map[string]bool{}
	routes := map[string]bool{}
	for _, n := range vocab.Routes() {
		routes[n] = true
	}
	for _, f := range features {
		checkFeature(t, f.ID, f.Geometry, f.Properties)
		id := fmt.Sprint(f.ID)
		if ids[id] {
			t.Errorf("feature id %s repeats", id)
		}
		ids[id] = true
		if r, ok := f.Properties["route"].(string); ok && !routes[r] {
			t.Errorf("%s: route %q is not an MMP route", id, r)
		}
	}

	// Spot checks on known records.
	byID := map[string]map[string]any{}
	for _, f := range features {
		byID[fmt.Sprint(f.ID)] = f.Properties
	}
	negative := false
	for _, f := range features {
		p := f.Properties
		if p["mmp_id"] == "2015.MMP00565" && p["missing_reported"] == -13 {
			flags, _ := p["flags"].(string)
			negative = p["missing"] == 0 && p["dead"] == 56 && strings.Contains(flags, CodeNegativeMissing)
		}
	}
	if !negative {
		t.Errorf("2015.MMP00565 with number_missing -13 not stored as missing 0, missing_reported -13")
	}
	if p := byID["2015.MMP00108"]; p == nil || p["dead"] != 750 || p["missing"] != 272 {
		t.Errorf("2015.MMP00108 (total \"1,022\") = %v", p)
	}
	for _, f := range features {
		if f.ID == "2019.MMP00808" { // "15.056086, 12.128946" N'Djamena, within the margin: kept
			if p := f.Geometry.(orb.Point); p[1] != 15.056086 {
				t.Errorf("2019.MMP00808 at %v", p)
			}
		}
		if f.ID == "2019.MMP01832" { // "-7.995856, 12.617282" is Bamako written lon, lat
			if p := f.Geometry.(orb.Point); p[0] != -7.995856 || p[1] != 12.617282 {
				t.Errorf("2019.MMP01832 at %v, want Bamako [-7.995856 12.617282]", p)
			}
		}
	}
}

// TestCauseCoverageRealData measures how the cause table sorts the
// record's free text and fails when the fallback takes more than a small
// share of it.
func TestCauseCoverageRealData(t *testing.T) {
	features, _, err := DecodeAPIJSONPages(realPages(t)...)
	if err != nil {
		t.Fatal(err)
	}
	distinct := map[string]int{}
	for _, f := range features {
		if c, ok := f.Properties["cause"].(string); ok {
			distinct[c]++
		}
	}
	perCategory := map[string]int{}
	unmatchedTexts := map[string]int{}
	unmatchedRows := 0
	total := 0
	for text, n := range distinct {
		cat, how := classifyCause(text)
		perCategory[cat]++
		total += n
		if how == matchNone {
			unmatchedTexts[text] = n
			unmatchedRows += n
		}
	}
	for _, c := range vocab.CauseNames() {
		t.Logf("%5d distinct texts → %s", perCategory[c], c)
	}
	type tn struct {
		text string
		n    int
	}
	var top []tn
	for text, n := range unmatchedTexts {
		top = append(top, tn{text, n})
	}
	sort.Slice(top, func(i, j int) bool {
		if top[i].n != top[j].n {
			return top[i].n > top[j].n
		}
		return top[i].text < top[j].text
	})
	t.Logf("%d distinct texts (%d rows of %d) matched no rule; the most frequent:", len(top), unmatchedRows, total)
	for i := 0; i < len(top) && i < 25; i++ {
		t.Logf("  %4d %q", top[i].n, top[i].text)
	}
	if share := float64(unmatchedRows) / float64(total); share > 0.01 {
		t.Errorf("%.1f%% of rows have a cause no rule matches; extend causes.csv", share*100)
	}
}
