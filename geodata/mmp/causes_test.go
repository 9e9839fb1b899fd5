package mmp

import (
	"strings"
	"testing"
)

func TestCauseCategory(t *testing.T) {
	tests := []struct{ text, want string }{
		// The examples DOMAIN.md gives.
		{"Presumed drowning", CauseDrowning},
		{"Car Accident", CauseVehicle},
		{"Hit by train", CauseVehicle},
		{"Shot", CauseViolence},
		{"Beaten", CauseViolence},
		{"Dehydration", CauseHarsh},
		{"Hypothermia", CauseHarsh},
		{"Hyperthermia", CauseHarsh},
		{"Heart attack", CauseSickness},
		{"Sickness", CauseSickness},
		{"Unknown (skeletal remains)", CauseMixedOrUnknown},
		// The category names map to themselves, in any case or spacing.
		{"Drowning", CauseDrowning},
		{"Vehicle accident / death linked to hazardous transport", CauseVehicle},
		{"Violence", CauseViolence},
		{"Harsh environmental conditions / lack of adequate shelter, food, water", CauseHarsh},
		{"Sickness / lack of access to adequate healthcare", CauseSickness},
		{"Accidental death", CauseAccidental},
		{"Mixed or unknown", CauseMixedOrUnknown},
		{"  HARSH ENVIRONMENTAL CONDITIONS / LACK OF ADEQUATE SHELTER, FOOD, WATER \n", CauseHarsh},
		// Several causes: Mixed or unknown, as MMP files them.
		{"Drowning, Violence", CauseMixedOrUnknown},
		{"Sickness and lack of access to medicines, Starvation, Dehydration", CauseMixedOrUnknown},
		{"Mostly starvation, dehydration, and beatings by crew members", CauseMixedOrUnknown},
		// Several words of one category.
		{"Starvation, Dehydration", CauseHarsh},
		{"Shot or stabbed (knifed)", CauseViolence},
		{"Natural Death - due to sickness (heart stroke)", CauseSickness},
		// Longer phrases win over their words.
		{"Fell from train", CauseVehicle},
		{"Accident (fell from train)", CauseVehicle},
		{"Fall from building", CauseAccidental},
		{"Heat Stroke", CauseHarsh},
		{"Brain stroke", CauseSickness},
		{"Gas suffocation", CauseAccidental},
		{"Suffocation inside truck", CauseVehicle},
		{"Killed in fire", CauseAccidental},
		{"Fire and kill by SBG", CauseViolence},
		{"Freezing killed", CauseHarsh},
		// "Unknown" does not outvote a presumed cause.
		{"Unknown (presumed dehydration, hypothermia)", CauseHarsh},
		{"Unknown, likely drowning", CauseDrowning},
		// Weak words count only alone.
		{"Accident", CauseAccidental},
		{"Accident ", CauseAccidental},
		{"Truck accident", CauseVehicle},
		// Spelling variants of the record.
		{"Sickness_and_lack_of_access_to_medicines", CauseSickness},
		{"Vehicle_Accident", CauseVehicle},
		{"Don&#039;t know", CauseMixedOrUnknown},
		{"Dehydratation", CauseHarsh},
		{"Water-Related", CauseDrowning},
		{"Artillery shelling by SBG", CauseViolence},
		{"Electrocution", CauseAccidental},
		{"Suicide", CauseViolence},
		// Word boundaries: "car" is not "cardiac", "shell" is not "shelter".
		{"Cardiac arrest", CauseSickness},
		{"Lack of adequate shelter", CauseHarsh},
		// Nothing to go on.
		{"", CauseMixedOrUnknown},
		{"Other", CauseMixedOrUnknown},
		{"xyzzy", CauseMixedOrUnknown},
		{"***", CauseMixedOrUnknown},
	}
	for _, tc := range tests {
		if got := CauseCategory(tc.text); got != tc.want {
			t.Errorf("CauseCategory(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestCauseCategories(t *testing.T) {
	cats := CauseCategories()
	if len(cats) != 7 {
		t.Fatalf("%d categories, want 7", len(cats))
	}
	for _, c := range cats {
		if got := CauseCategory(c); got != c {
			t.Errorf("CauseCategory(%q) = %q", c, got)
		}
	}
	cats[0] = "changed"
	if CauseCategories()[0] != CauseDrowning {
		t.Error("CauseCategories returns shared state")
	}
}

func TestCauseTableParses(t *testing.T) {
	rs, err := parseCauseRules(causesCSV)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.exact) < 7 || len(rs.words) < 100 || len(rs.weak) < 1 {
		t.Errorf("%d exact, %d word, %d weak rules", len(rs.exact), len(rs.words), len(rs.weak))
	}
	for i := 1; i < len(rs.words); i++ {
		if len(rs.words[i].words) > len(rs.words[i-1].words) {
			t.Fatal("word rules not longest first")
		}
	}
	bad := []struct{ name, csv string }{
		{"unknown category", "match,pattern,category\nword,x,weather\n"},
		{"unknown match", "match,pattern,category\nregex,x,harsh\n"},
		{"empty pattern", "match,pattern,category\nword,--,harsh\n"},
		{"wrong columns", "match,pattern,category\nword,x\n"},
	}
	for _, tc := range bad {
		if _, err := parseCauseRules(tc.csv); err == nil || !strings.Contains(err.Error(), "causes.csv") {
			t.Errorf("%s: err = %v", tc.name, err)
		}
	}
}
