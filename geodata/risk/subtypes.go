package risk

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/vocab"
)

// The coverage_subtypes parameter says, per category, which subtypes of
// service count as coverage. Each occurrence, repeated for several
// categories, is CATEGORY:SPEC, where SPEC is
//
//	*                       every subtype counts
//	hospital,clinic,doctors  only these count
//	-pharmacy,-dentist       every subtype counts but these
//
// A service with no subtype counts whatever the rule: the directory did
// not say what it is, and the analysis takes it at its word. A category
// not named keeps its default: NotCoverage's subtypes do not count, every
// other does.

// SubtypesParam is the name of the parameter.
const SubtypesParam = "coverage_subtypes"

// defaultRule is the default SPEC of a category: every subtype but those
// of NotCoverage.
func defaultRule(cat string) string {
	ex := slices.Clone(NotCoverage[cat])
	if len(ex) == 0 {
		return "*"
	}
	slices.Sort(ex)
	for i := range ex {
		ex[i] = "-" + ex[i]
	}
	return strings.Join(ex, ",")
}

// KnownSubtypes returns the subtypes coverage_subtypes accepts for a
// category, sorted: the vocabulary's and NotCoverage's.
func KnownSubtypes(cat string) []string {
	var out []string
	for _, c := range vocab.ServiceCategories() {
		if c.Category == cat {
			out = append(out, c.Subtypes...)
		}
	}
	out = append(out, NotCoverage[cat]...)
	slices.Sort(out)
	return slices.Compact(out)
}

// parseSubtypes reads the occurrences of coverage_subtypes into canonical
// "category:spec" rules, sorted by category, leaving out a rule that is
// its category's default. Errors have code Invalid and name the category
// or subtype at fault.
func parseSubtypes(vals []string) ([]string, error) {
	hint := "give CATEGORY:SUBTYPE,SUBTYPE (only these count), CATEGORY:-SUBTYPE (all but these) or CATEGORY:* (all), one category per occurrence, such as coverage_subtypes=health:hospital,clinic,doctors&coverage_subtypes=legal:legal_aid"
	rules := map[string]string{}
	for _, part := range vals {
		part = strings.TrimSpace(part)
		if part == "" {
			return nil, geodata.InvalidParam(SubtypesParam, "has an empty rule", hint)
		}
		if len(part) > geodata.MaxFilterValueBytes {
			return nil, geodata.InvalidParam(SubtypesParam, fmt.Sprintf("has a rule of %d bytes", len(part)), hint)
		}
		cat, spec, ok := strings.Cut(part, ":")
		cat = strings.ToLower(strings.TrimSpace(cat))
		if !ok {
			return nil, geodata.InvalidParam(SubtypesParam, "has "+quote(part)+", which names no subtypes", hint)
		}
		if !vocab.IsServiceCategory(cat) {
			return nil, geodata.InvalidParam(SubtypesParam, "names the category "+quote(cat)+", which is not known",
				"use one of: "+strings.Join(vocab.ServiceCategoryNames(), ", "))
		}
		if _, dup := rules[cat]; dup {
			return nil, geodata.InvalidParam(SubtypesParam, "names the category "+quote(cat)+" twice", "give each category once")
		}
		canon, err := parseSpec(cat, spec, hint)
		if err != nil {
			return nil, err
		}
		rules[cat] = canon
	}
	var out []string
	for _, cat := range slices.Sorted(maps.Keys(rules)) {
		if rules[cat] != defaultRule(cat) {
			out = append(out, cat+":"+rules[cat])
		}
	}
	return out, nil
}

// parseSpec reads one SPEC into its canonical form: "*", or its subtypes
// sorted, each once.
func parseSpec(cat, spec, hint string) (string, error) {
	spec = strings.TrimSpace(spec)
	if spec == "*" {
		return "*", nil
	}
	if spec == "" {
		return "", geodata.InvalidParam(SubtypesParam, "gives no subtypes for "+quote(cat), hint)
	}
	known := KnownSubtypes(cat)
	var subs []string
	neg := 0
	for s := range strings.SplitSeq(spec, ",") {
		s = strings.ToLower(strings.TrimSpace(s))
		name, isNeg := strings.CutPrefix(s, "-")
		if isNeg {
			neg++
		}
		if name == "" {
			return "", geodata.InvalidParam(SubtypesParam, "has an empty subtype for "+quote(cat), hint)
		}
		if !slices.Contains(known, name) {
			return "", geodata.InvalidParam(SubtypesParam, "names the subtype "+quote(name)+", which is not a subtype of "+cat,
				"the subtypes of "+cat+" are: "+strings.Join(known, ", "))
		}
		subs = append(subs, s)
	}
	if neg != 0 && neg != len(subs) {
		return "", geodata.InvalidParam(SubtypesParam, "mixes subtypes that count and subtypes that do not for "+quote(cat),
			"list either the subtypes that count (health:hospital,clinic) or, each with a minus, those that do not (health:-pharmacy)")
	}
	slices.Sort(subs)
	return strings.Join(slices.Compact(subs), ","), nil
}

// subtypeRule is one category's rule, as the analysis applies it.
type subtypeRule struct {
	only   map[string]bool // these count (nil: see except)
	except map[string]bool // every subtype but these counts
}

// counts reports whether a service of subtype sub ("" for none) counts.
func (r subtypeRule) counts(sub string) bool {
	if sub == "" {
		return true
	}
	if r.only != nil {
		return r.only[sub]
	}
	return !r.except[sub]
}

func ruleOf(spec string) subtypeRule {
	if spec == "*" {
		return subtypeRule{}
	}
	r := subtypeRule{}
	for s := range strings.SplitSeq(spec, ",") {
		if name, neg := strings.CutPrefix(s, "-"); neg {
			if r.except == nil {
				r.except = map[string]bool{}
			}
			r.except[name] = true
		} else {
			if r.only == nil {
				r.only = map[string]bool{}
			}
			r.only[name] = true
		}
	}
	return r
}

// SubtypeRules returns the rule of every category that has a default
// rule (NotCoverage) or was given one, as "category:spec" sorted by
// category: what an answer echoes in its parameters. Every subtype of a
// category it does not name counts.
func (p Params) SubtypeRules() []string {
	rules := map[string]string{}
	for cat := range NotCoverage {
		rules[cat] = defaultRule(cat)
	}
	for _, r := range p.CoverageSubtypes {
		cat, spec, _ := strings.Cut(r, ":")
		rules[cat] = spec
	}
	out := []string{}
	for _, cat := range slices.Sorted(maps.Keys(rules)) {
		out = append(out, cat+":"+rules[cat])
	}
	return out
}

// rule returns the rule of a category under p.
func (p Params) rule(cat string) subtypeRule {
	for _, r := range p.CoverageSubtypes {
		if c, spec, _ := strings.Cut(r, ":"); c == cat {
			return ruleOf(spec)
		}
	}
	return ruleOf(defaultRule(cat))
}
