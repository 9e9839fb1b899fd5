package mmp

import (
	_ "embed"
	"fmt"
	"html"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/routerisk/routerisk/geodata/vocab"
)

//go:embed causes.csv
var causesCSV string

// CauseCategory maps a free-text cause of death onto one of the seven MMP
// categories using the rule table causes.csv:
//
//   - the text is normalised (HTML entities decoded, lower case, punctuation
//     made spaces, "a"/"an"/"the" dropped);
//   - an exact rule that equals the whole text decides;
//   - otherwise every keyword rule that matches adds its category, longer
//     phrases first and using up their words ("fell from train" is
//     transport, not a fall); weak rules ("accident") count only when no
//     keyword rule found a category;
//   - one category found: that category; none, or only "unknown"-like
//     words: Mixed or unknown; two or more different categories (as in
//     "Drowning, Violence" or "Sickness, Starvation, Dehydration"): Mixed or
//     unknown, which is how MMP files deaths with several causes.
//
// The category names map to themselves.
func CauseCategory(text string) string {
	c, _ := classifyCause(text)
	return c
}

// causeMatch says how a text was classified; the tests use it to measure
// how much falls through to the fallback.
type causeMatch int

const (
	matchNone     causeMatch = iota // no rule matched: fallback
	matchUnknown                    // only "unknown"-like words matched
	matchExact                      // an exact rule
	matchKeywords                   // keyword rules of one category
	matchSeveral                    // keyword rules of several categories
)

func classifyCause(text string) (string, causeMatch) {
	rules, err := causeTable()
	if err != nil {
		return vocab.CauseMixedOrUnknown, matchNone
	}
	return rules.classify(text)
}

// causeRule is one row of causes.csv.
type causeRule struct {
	exact    string   // normalised whole text, for exact rules
	words    []string // for keyword rules; a trailing * makes a prefix
	category string
}

type causeRules struct {
	exact []causeRule
	words []causeRule // longest first, then file order
	weak  []causeRule // likewise
}

var causeTable = sync.OnceValues(func() (causeRules, error) { return parseCauseRules(causesCSV) })

// causeKey maps the category keys of causes.csv to category names.
func causeKey(k string) (string, bool) {
	switch k {
	case "drowning":
		return vocab.CauseDrowning, true
	case "vehicle":
		return vocab.CauseVehicle, true
	case "violence":
		return vocab.CauseViolence, true
	case "harsh":
		return vocab.CauseHarsh, true
	case "sickness":
		return vocab.CauseSickness, true
	case "accidental":
		return vocab.CauseAccidental, true
	case "mixed":
		return vocab.CauseMixedOrUnknown, true
	}
	return "", false
}

func parseCauseRules(src string) (causeRules, error) {
	rows, err := readTable(strings.NewReader(src), 3)
	if err != nil {
		return causeRules{}, fmt.Errorf("causes.csv: %w", err)
	}
	var rs causeRules
	for i, r := range rows {
		cat, ok := causeKey(r[2])
		if !ok {
			return causeRules{}, fmt.Errorf("causes.csv rule %d: unknown category %q", i+1, r[2])
		}
		words := causeWords(r[1])
		if len(words) == 0 {
			return causeRules{}, fmt.Errorf("causes.csv rule %d: empty pattern", i+1)
		}
		switch r[0] {
		case "exact":
			rs.exact = append(rs.exact, causeRule{exact: strings.Join(words, " "), category: cat})
		case "word":
			rs.words = append(rs.words, causeRule{words: words, category: cat})
		case "weak":
			rs.weak = append(rs.weak, causeRule{words: words, category: cat})
		default:
			return causeRules{}, fmt.Errorf("causes.csv rule %d: match %q is not exact, word or weak", i+1, r[0])
		}
	}
	sort.SliceStable(rs.words, func(i, j int) bool { return len(rs.words[i].words) > len(rs.words[j].words) })
	sort.SliceStable(rs.weak, func(i, j int) bool { return len(rs.weak[i].words) > len(rs.weak[j].words) })
	return rs, nil
}

// causeWords normalises text into words. A '*' is kept so that patterns
// can mark prefixes; cause texts do not use it in a word's last place.
func causeWords(s string) []string {
	s = strings.ToLower(html.UnescapeString(s))
	f := strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '*'
	})
	out := f[:0]
	for _, w := range f {
		switch w {
		case "a", "an", "the":
			continue
		}
		out = append(out, w)
	}
	return out
}

func (rs causeRules) classify(text string) (string, causeMatch) {
	words := causeWords(text)
	for i, w := range words {
		words[i] = strings.TrimRight(w, "*")
	}
	whole := strings.Join(words, " ")
	for _, r := range rs.exact {
		if r.exact == whole {
			return r.category, matchExact
		}
	}
	used := make([]bool, len(words))
	found := map[string]bool{}
	unknown := applyRules(rs.words, words, used, found)
	if len(found) == 0 {
		unknown = applyRules(rs.weak, words, used, found) || unknown
	}
	switch {
	case len(found) == 1:
		for c := range found {
			return c, matchKeywords
		}
	case len(found) > 1:
		return vocab.CauseMixedOrUnknown, matchSeveral
	case unknown:
		return vocab.CauseMixedOrUnknown, matchUnknown
	}
	return vocab.CauseMixedOrUnknown, matchNone
}

// applyRules matches rules against the words not yet used, marking the
// words they use and adding their categories to found. It reports whether
// an "unknown"-like rule matched.
func applyRules(rules []causeRule, words []string, used []bool, found map[string]bool) bool {
	unknown := false
	for _, r := range rules {
		n := len(r.words)
		for i := 0; i+n <= len(words); i++ {
			if !matchAt(words, used, i, r.words) {
				continue
			}
			for j := i; j < i+n; j++ {
				used[j] = true
			}
			if r.category == vocab.CauseMixedOrUnknown {
				unknown = true
			} else {
				found[r.category] = true
			}
		}
	}
	return unknown
}

func matchAt(words []string, used []bool, i int, pattern []string) bool {
	for j, p := range pattern {
		if used[i+j] {
			return false
		}
		w := words[i+j]
		if prefix, ok := strings.CutSuffix(p, "*"); ok {
			if !strings.HasPrefix(w, prefix) {
				return false
			}
		} else if w != p {
			return false
		}
	}
	return true
}
