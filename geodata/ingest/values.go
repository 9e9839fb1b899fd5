package ingest

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/vocab"
)

// DateOrder says how to read a numeric date whose first two parts could
// each be the day or the month, such as 05/01/2020.
type DateOrder int

// Date orders.
const (
	OrderUnknown    DateOrder = iota // refuse an ambiguous date
	OrderMonthFirst                  // MM/DD/YYYY, as MMP and US exports write it
	OrderDayFirst                    // DD/MM/YYYY, as most of the world writes it
)

// DateResult is a date value read by ParseDate.
type DateResult struct {
	Value     string // YYYY-MM-DD, or YYYY-MM when MonthOnly
	MonthOnly bool   // the text gives a month and a year only
	Ambiguous bool   // a numeric date that reads both ways and no order was known; Value is empty
	OK        bool   // Value holds a date
}

// ParseDate reads a date as upload files write it, into ISO 8601:
//
//	2020-01-05, 2020/01/05, 2020-01-05T10:00:00Z, 2020-01-05 10:00   → 2020-01-05
//	Thu, 01/01/2026 - 12:00 (MMP's current export: month first)      → 2026-01-01
//	January 05, 2020 · Jan 5 2020 · 5 January 2020 · 5 janvier 2020  → 2020-01-05
//	05/01/2020 · 5.1.2020 · 05-01-2020                               → by order, or when a part is over 12
//	2020-01 · 01/2020 · January 2020 · enero de 2020                 → 2020-01 (MonthOnly)
//
// Month names may be English, French or Spanish, full or abbreviated. A
// weekday name decides an ambiguous numeric date when only one order
// falls on that weekday; the Drupal form of the MMP export ("Thu,
// MM/DD/YYYY - HH:MM") is read month first whatever the order. Years
// have four digits; anything else is not a date (OK false).
func ParseDate(s string, order DateOrder) DateResult {
	t := strings.TrimSpace(s)
	if len(t) > 64 {
		return DateResult{}
	}
	if m := isoDatePattern.FindStringSubmatch(t); m != nil {
		return dayDate(m[1], m[2], m[3])
	}
	if m := isoMonthPattern.FindStringSubmatch(t); m != nil {
		return monthDate(m[1], m[2])
	}
	weekday, t := cutWeekday(t)
	if m := drupalDatePattern.FindStringSubmatch(t); m != nil && weekday >= 0 {
		return dayDate(m[3], m[1], m[2])
	}
	t = strings.TrimSpace(timeOfDayPattern.ReplaceAllString(t, " "))
	t = strings.TrimRight(t, " -,")
	if m := numericDatePattern.FindStringSubmatch(t); m != nil {
		return numericDate(m[1], m[3], m[4], order, weekday)
	}
	if m := numericMonthPattern.FindStringSubmatch(t); m != nil {
		return monthDate(m[2], m[1])
	}
	return namedMonthDate(t)
}

var (
	isoDatePattern      = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$`)
	isoMonthPattern     = regexp.MustCompile(`^(\d{4})[-/](\d{1,2})$`)
	drupalDatePattern   = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})\s*-\s*\d{1,2}:\d{2}$`)
	timeOfDayPattern    = regexp.MustCompile(`(?i)\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?`)
	numericDatePattern  = regexp.MustCompile(`^(\d{1,2})([-/.])(\d{1,2})[-/.](\d{4})$`)
	numericMonthPattern = regexp.MustCompile(`^(\d{1,2})[-/.](\d{4})$`)
)

// dayDate checks and formats a full date.
func dayDate(year, month, day string) DateResult {
	y, _ := strconv.Atoi(year)
	m, _ := strconv.Atoi(month)
	d, _ := strconv.Atoi(day)
	if !validDay(y, m, d) {
		return DateResult{}
	}
	return DateResult{Value: fmt.Sprintf("%04d-%02d-%02d", y, m, d), OK: true}
}

// monthDate checks and formats a month.
func monthDate(year, month string) DateResult {
	y, _ := strconv.Atoi(year)
	m, _ := strconv.Atoi(month)
	if y < 1000 || m < 1 || m > 12 {
		return DateResult{}
	}
	return DateResult{Value: fmt.Sprintf("%04d-%02d", y, m), MonthOnly: true, OK: true}
}

func validDay(y, m, d int) bool {
	if y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// numericDate reads a/b/year, deciding which of a and b is the month.
func numericDate(a, b, year string, order DateOrder, weekday time.Weekday) DateResult {
	first, _ := strconv.Atoi(a)
	second, _ := strconv.Atoi(b)
	switch {
	case first > 12 && second > 12:
		return DateResult{}
	case first > 12:
		return dayDate(year, b, a)
	case second > 12 || first == second:
		return dayDate(year, a, b)
	}
	if weekday >= 0 {
		monthFirst, dayFirst := dayDate(year, a, b), dayDate(year, b, a)
		mf := monthFirst.OK && weekdayOf(monthFirst.Value) == weekday
		df := dayFirst.OK && weekdayOf(dayFirst.Value) == weekday
		switch {
		case mf && !df:
			return monthFirst
		case df && !mf:
			return dayFirst
		}
	}
	switch order {
	case OrderMonthFirst:
		return dayDate(year, a, b)
	case OrderDayFirst:
		return dayDate(year, b, a)
	}
	return DateResult{Ambiguous: true}
}

func weekdayOf(iso string) time.Weekday {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return -1
	}
	return t.Weekday()
}

// cutWeekday removes a leading weekday name ("Thu,", "Thursday",
// "jeudi", "jueves") and returns it, or -1 when there is none.
func cutWeekday(s string) (time.Weekday, string) {
	end := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if end <= 0 {
		return -1, s
	}
	day, ok := weekdayNames[foldKey(s[:end])]
	if !ok {
		return -1, s
	}
	return day, strings.TrimLeft(s[end:], " .,")
}

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday, "dimanche": time.Sunday, "domingo": time.Sunday,
	"mon": time.Monday, "monday": time.Monday, "lundi": time.Monday, "lunes": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday, "mardi": time.Tuesday, "martes": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday, "mercredi": time.Wednesday, "miercoles": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday, "jeudi": time.Thursday, "jueves": time.Thursday,
	"fri": time.Friday, "friday": time.Friday, "vendredi": time.Friday, "viernes": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday, "samedi": time.Saturday, "sabado": time.Saturday,
}

var monthNames = map[string]int{
	"january": 1, "jan": 1, "janvier": 1, "janv": 1, "enero": 1, "ene": 1,
	"february": 2, "feb": 2, "fevrier": 2, "fevr": 2, "fev": 2, "febrero": 2,
	"march": 3, "mar": 3, "mars": 3, "marzo": 3,
	"april": 4, "apr": 4, "avril": 4, "avr": 4, "abril": 4, "abr": 4,
	"may": 5, "mai": 5, "mayo": 5,
	"june": 6, "jun": 6, "juin": 6, "junio": 6,
	"july": 7, "jul": 7, "juillet": 7, "juil": 7, "julio": 7,
	"august": 8, "aug": 8, "aout": 8, "agosto": 8, "ago": 8,
	"september": 9, "sep": 9, "sept": 9, "septembre": 9, "septiembre": 9, "setiembre": 9,
	"october": 10, "oct": 10, "octobre": 10, "octubre": 10,
	"november": 11, "nov": 11, "novembre": 11, "noviembre": 11,
	"december": 12, "dec": 12, "decembre": 12, "diciembre": 12, "dic": 12,
}

var ordinalPattern = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th|er|re|o|a)$`)

// namedMonthDate reads dates that name the month: "January 05, 2020",
// "5 janvier 2020", "5 de enero de 2020", "January 2020".
func namedMonthDate(s string) DateResult {
	month, day, year := 0, "", ""
	for _, w := range strings.Fields(foldKey(s)) {
		if m := ordinalPattern.FindStringSubmatch(w); m != nil {
			w = m[1]
		}
		switch n, isMonth := monthNames[w]; {
		case w == "de" || w == "of" || w == "the" || w == "le" || w == "del":
		case isMonth && month == 0:
			month = n
		case len(w) == 4 && allDigits(w) && year == "":
			year = w
		case len(w) <= 2 && allDigits(w) && day == "":
			day = w
		default:
			return DateResult{}
		}
	}
	switch {
	case month == 0 || year == "":
		return DateResult{}
	case day == "":
		return monthDate(year, strconv.Itoa(month))
	}
	return dayDate(year, strconv.Itoa(month), day)
}

// InferDateOrder looks at the numeric dates of one column and returns the
// order they must be in: month first when one of them has a second part
// over 12 (01/13/2020) or is in MMP's Drupal form, day first when one has
// a first part over 12, OrderUnknown when none decides or they disagree.
func InferDateOrder(values []string) DateOrder {
	monthFirst, dayFirst := false, false
	for _, v := range values {
		weekday, t := cutWeekday(strings.TrimSpace(v))
		if weekday >= 0 && drupalDatePattern.MatchString(t) {
			monthFirst = true
			continue
		}
		t = strings.TrimRight(strings.TrimSpace(timeOfDayPattern.ReplaceAllString(t, " ")), " -,")
		m := numericDatePattern.FindStringSubmatch(t)
		if m == nil {
			continue
		}
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[3])
		switch {
		case a > 12 && b <= 12:
			dayFirst = true
		case b > 12 && a <= 12:
			monthFirst = true
		}
	}
	switch {
	case monthFirst && !dayFirst:
		return OrderMonthFirst
	case dayFirst && !monthFirst:
		return OrderDayFirst
	}
	return OrderUnknown
}

// countStatus is the outcome of reading a count.
type countStatus int

const (
	countAbsent  countStatus = iota // empty, NA, N/A, …: no value
	countOK                         // a whole number
	countInvalid                    // present but not a whole number within ±maxCount
)

// maxCount bounds counts; no incident or service comes near it.
const maxCount = 1_000_000

var (
	groupedPattern = regexp.MustCompile(`^[+-]?\d{1,3}(?:[, \x{a0}\x{202f}']\d{3})+$`)
	wholePattern   = regexp.MustCompile(`^[+-]?\d+(?:\.0*)?$`)
	groupSeps      = strings.NewReplacer(",", "", " ", "", "\u00a0", "", "\u202f", "", "'", "")
)

// parseCount reads a whole number: 12, "12", " 12 ", "+12", "-3", "1.0",
// "1,022", "1 022", 12.0. Empty text and NA-like text are absent.
func parseCount(v any) (int, countStatus) {
	var f float64
	switch x := v.(type) {
	case nil:
		return 0, countAbsent
	case int:
		f = float64(x)
	case int64:
		f = float64(x)
	case float64:
		f = x
	case string:
		t := cleanText(x)
		if noValue(t) {
			return 0, countAbsent
		}
		if groupedPattern.MatchString(t) {
			t = groupSeps.Replace(t)
		}
		if !wholePattern.MatchString(t) || len(t) > 32 {
			return 0, countInvalid
		}
		if i := strings.IndexByte(t, '.'); i >= 0 {
			t = t[:i]
		}
		n, err := strconv.Atoi(t)
		if err != nil || n > maxCount || n < -maxCount {
			return 0, countInvalid
		}
		return n, countOK
	default:
		return 0, countInvalid
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || math.Abs(f) > maxCount {
		return 0, countInvalid
	}
	return int(f), countOK
}

// parseBool reads yes/no answers in English, French and Spanish, and
// true/false, 1/0. ok is false for other text; absent for no value.
func parseBool(v any) (value, ok, absent bool) {
	switch x := v.(type) {
	case nil:
		return false, false, true
	case bool:
		return x, true, false
	case float64:
		if x == 0 || x == 1 {
			return x == 1, true, false
		}
		return false, false, false
	case string:
		t := foldKey(x)
		switch t {
		case "":
			return false, false, noValue(cleanText(x))
		case "yes", "y", "true", "t", "1", "oui", "si", "required", "obligatoire":
			return true, true, false
		case "no", "n", "false", "f", "0", "non", "not required":
			return false, true, false
		}
		if noValue(cleanText(x)) {
			return false, false, true
		}
	}
	return false, false, false
}

// noValue reports whether text says "no value": empty, NA, N/A, NaN,
// null, None or a dash, as R, pandas, Excel and databases write it.
func noValue(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "na", "n/a", "#n/a", "nan", "null", "none", "-", "--":
		return true
	}
	return false
}

// cleanText trims white space and the zero-width characters that files
// joined together or pasted from the web leave behind.
func cleanText(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\ufeff' || r == '\u200b'
	})
}

// textValue renders a scalar property value, or a list of them, as text.
func textValue(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case int:
		return strconv.Itoa(x), true
	case bool:
		return strconv.FormatBool(x), true
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := textValue(e)
			if !ok {
				return "", false
			}
			if _, nested := e.([]any); nested {
				return "", false
			}
			if s = cleanText(s); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ", "), true
	}
	return "", false
}

// foldKey reduces a name to the key names are matched by.
func foldKey(s string) string { return formats.FoldName(s) }

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// categoryRule maps words found in a category value onto a category. A
// word ending in * matches any word it starts.
type categoryRule struct {
	words    string
	category string
}

// categoryRules are tried in order, so "mental health" is psychosocial
// before "health" makes it health, and "child protection" is protection
// before "child" could mean anything else.
var categoryRules = []categoryRule{
	{"psychosocial", vocab.CategoryPsychosocial}, {"mhpss", vocab.CategoryPsychosocial}, {"mental health", vocab.CategoryPsychosocial},
	{"salud mental", vocab.CategoryPsychosocial}, {"sante mentale", vocab.CategoryPsychosocial}, {"psycholog*", vocab.CategoryPsychosocial},
	{"psychiatr*", vocab.CategoryPsychosocial}, {"psicosocial", vocab.CategoryPsychosocial}, {"counsel*", vocab.CategoryPsychosocial},
	{"search and rescue", vocab.CategoryRescue}, {"rescue", vocab.CategoryRescue}, {"sar", vocab.CategoryRescue}, {"sauvetage", vocab.CategoryRescue},
	{"rescate", vocab.CategoryRescue},
	{"legal", vocab.CategoryLegal}, {"law*", vocab.CategoryLegal}, {"justice", vocab.CategoryLegal}, {"asylum", vocab.CategoryLegal},
	{"documentation", vocab.CategoryLegal}, {"juridi*", vocab.CategoryLegal}, {"consul*", vocab.CategoryLegal}, {"abogad*", vocab.CategoryLegal},
	{"avocat*", vocab.CategoryLegal}, {"asilo", vocab.CategoryLegal}, {"asile", vocab.CategoryLegal},
	{"protection", vocab.CategoryProtection}, {"proteccion", vocab.CategoryProtection}, {"gbv", vocab.CategoryProtection},
	{"sgbv", vocab.CategoryProtection}, {"traffick*", vocab.CategoryProtection}, {"family tracing", vocab.CategoryProtection},
	{"restoring family links", vocab.CategoryProtection}, {"women", vocab.CategoryProtection}, {"child", vocab.CategoryProtection},
	{"children", vocab.CategoryProtection}, {"lgbt*", vocab.CategoryProtection}, {"humanrights", vocab.CategoryProtection},
	{"human rights", vocab.CategoryProtection}, {"safe space", vocab.CategoryProtection},
	{"shelter", vocab.CategoryShelter}, {"housing", vocab.CategoryShelter}, {"accommodation", vocab.CategoryShelter},
	{"albergue", vocab.CategoryShelter}, {"refugio", vocab.CategoryShelter}, {"hebergement", vocab.CategoryShelter}, {"abri", vocab.CategoryShelter},
	{"refuge", vocab.CategoryShelter}, {"hostel", vocab.CategoryShelter},
	{"food", vocab.CategoryFood}, {"feeding", vocab.CategoryFood}, {"nutrition", vocab.CategoryFood}, {"meal*", vocab.CategoryFood},
	{"comedor", vocab.CategoryFood}, {"alimenta*", vocab.CategoryFood}, {"alimento*", vocab.CategoryFood}, {"nfi", vocab.CategoryFood},
	{"non food", vocab.CategoryFood}, {"kitchen", vocab.CategoryFood}, {"distribution", vocab.CategoryFood},
	{"wash", vocab.CategoryWASH}, {"water", vocab.CategoryWASH}, {"sanitation", vocab.CategoryWASH}, {"hygien*", vocab.CategoryWASH},
	{"shower*", vocab.CategoryWASH}, {"latrine*", vocab.CategoryWASH}, {"toilet*", vocab.CategoryWASH}, {"eau", vocab.CategoryWASH},
	{"agua", vocab.CategoryWASH},
	{"cash", vocab.CategoryCash}, {"cva", vocab.CategoryCash}, {"voucher*", vocab.CategoryCash}, {"money transfer", vocab.CategoryCash},
	{"efectivo", vocab.CategoryCash},
	{"information", vocab.CategoryInformation}, {"info", vocab.CategoryInformation}, {"orientation", vocab.CategoryInformation},
	{"orientacion", vocab.CategoryInformation}, {"informacion", vocab.CategoryInformation}, {"hotline", vocab.CategoryInformation},
	{"helpline", vocab.CategoryInformation}, {"help desk", vocab.CategoryInformation},
	{"health*", vocab.CategoryHealth}, {"hospital*", vocab.CategoryHealth}, {"hopital", vocab.CategoryHealth}, {"clinic*", vocab.CategoryHealth},
	{"polyclinic", vocab.CategoryHealth}, {"pharmac*", vocab.CategoryHealth}, {"doctor*", vocab.CategoryHealth}, {"dentist*", vocab.CategoryHealth},
	{"dental", vocab.CategoryHealth}, {"dispensar*", vocab.CategoryHealth}, {"dispensaire", vocab.CategoryHealth}, {"medic*", vocab.CategoryHealth},
	{"maternit*", vocab.CategoryHealth}, {"sante", vocab.CategoryHealth}, {"salud", vocab.CategoryHealth}, {"first aid", vocab.CategoryHealth},
	{"centre de sante", vocab.CategoryHealth}, {"centro de salud", vocab.CategoryHealth}, {"nursing", vocab.CategoryHealth},
}

// normaliseCategory maps a service category as files write it onto the
// vocabulary; ok is false when no rule knows it.
func normaliseCategory(s string) (string, bool) {
	words := strings.Fields(foldKey(s))
	if len(words) == 0 {
		return "", false
	}
	if len(words) == 1 && vocab.IsServiceCategory(words[0]) {
		return words[0], true
	}
	for _, r := range categoryRules {
		if containsWords(words, strings.Fields(r.words)) {
			return r.category, true
		}
	}
	return "", false
}

// containsWords reports whether pattern occurs as consecutive words.
func containsWords(words, pattern []string) bool {
	for i := 0; i+len(pattern) <= len(words); i++ {
		match := true
		for j, p := range pattern {
			if prefix, ok := strings.CutSuffix(p, "*"); ok {
				match = strings.HasPrefix(words[i+j], prefix)
			} else {
				match = words[i+j] == p
			}
			if !match {
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// Route modes (docs/architecture.md §5).
var routeModes = map[string]string{
	"sea": "sea", "maritime": "sea", "boat": "sea", "mar": "sea", "mer": "sea", "sea crossing": "sea",
	"land": "land", "overland": "land", "road": "land", "terrestre": "land", "tierra": "land", "rail": "land", "train": "land",
	"desert": "desert", "sahara": "desert", "desierto": "desert",
	"jungle": "jungle", "forest": "jungle", "selva": "jungle", "jungla": "jungle",
	"mixed": "mixed", "mixte": "mixed", "mixto": "mixed", "multimodal": "mixed", "land and sea": "mixed", "sea and land": "mixed",
}

// normaliseMode maps a route mode onto sea, land, desert, jungle, mixed.
func normaliseMode(s string) (string, bool) {
	m, ok := routeModes[foldKey(s)]
	return m, ok
}

// normalisePrecision maps a geo precision onto exact, approximate, region.
func normalisePrecision(s string) (string, bool) {
	switch foldKey(s) {
	case "exact", "precise", "gps", "point", "high":
		return "exact", true
	case "approximate", "approx", "estimated", "nearby", "town", "city", "village", "medium":
		return "approximate", true
	case "region", "regional", "country", "admin", "province", "district", "area", "low":
		return "region", true
	}
	return "", false
}
