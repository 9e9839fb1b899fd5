package mmp

import (
	"strings"
	"testing"

	"github.com/routerisk/routerisk/geodata/vocab"
)

func TestCauseCategory(t *testing.T) {
	tests := []struct{ text, want string }{
		// The examples of each category from the Missing Migrants methodology.
		{"Presumed drowning", vocab.CauseDrowning},
		{"Car Accident", vocab.CauseVehicle},
		{"Hit by train", vocab.CauseVehicle},
		{"Shot", vocab.CauseViolence},
		{"Beaten", vocab.CauseViolence},
		{"Dehydration", vocab.CauseHarsh},
		{"Hypothermia", vocab.CauseHarsh},
		{"Hyperthermia", vocab.CauseHarsh},
		{"Heart attack", vocab.CauseSickness},
		{"Sickness", vocab.CauseSickness},
		{"Unknown (skeletal remains)", vocab.CauseMixedOrUnknown},
		// The category names map to themselves, in any case or spacing.
		{"Drowning", vocab.CauseDrowning},
		{"Vehicle accident / death linked to hazardous transport", vocab.CauseVehicle},
		{"Violence", vocab.CauseViolence},
		{"Harsh environmental conditions / lack of adequate shelter, food, water", vocab.CauseHarsh},
		{"Sickness / lack of access to adequate healthcare", vocab.CauseSickness},
		{"Accidental death", vocab.CauseAccidental},
		{"Mixed or unknown", vocab.CauseMixedOrUnknown},
		{"  HARSH ENVIRONMENTAL CONDITIONS / LACK OF ADEQUATE SHELTER, FOOD, WATER \n", vocab.CauseHarsh},
		// Several causes: Mixed or unknown, as MMP files them.
		{"Drowning, Violence", vocab.CauseMixedOrUnknown},
		{"Sickness and lack of access to medicines, Starvation, Dehydration", vocab.CauseMixedOrUnknown},
		{"Mostly starvation, dehydration, and beatings by crew members", vocab.CauseMixedOrUnknown},
		// Several words of one category.
		{"Starvation, Dehydration", vocab.CauseHarsh},
		{"Shot or stabbed (knifed)", vocab.CauseViolence},
		{"Natural Death - due to sickness (heart stroke)", vocab.CauseSickness},
		// Longer phrases win over their words.
		{"Fell from train", vocab.CauseVehicle},
		{"Accident (fell from train)", vocab.CauseVehicle},
		{"Fall from building", vocab.CauseAccidental},
		{"Heat Stroke", vocab.CauseHarsh},
		{"Brain stroke", vocab.CauseSickness},
		{"Gas suffocation", vocab.CauseAccidental},
		{"Suffocation inside truck", vocab.CauseVehicle},
		{"Killed in fire", vocab.CauseAccidental},
		{"Fire and kill by SBG", vocab.CauseViolence},
		{"Freezing killed", vocab.CauseHarsh},
		// "Unknown" does not outvote a presumed cause.
		{"Unknown (presumed dehydration, hypothermia)", vocab.CauseHarsh},
		{"Unknown, likely drowning", vocab.CauseDrowning},
		// Weak words count only alone.
		{"Accident", vocab.CauseAccidental},
		{"Accident ", vocab.CauseAccidental},
		{"Truck accident", vocab.CauseVehicle},
		// Spelling variants of the record.
		{"Sickness_and_lack_of_access_to_medicines", vocab.CauseSickness},
		{"Vehicle_Accident", vocab.CauseVehicle},
		{"Don&#039;t know", vocab.CauseMixedOrUnknown},
		{"Dehydratation", vocab.CauseHarsh},
		{"Water-Related", vocab.CauseDrowning},
		{"Artillery shelling by SBG", vocab.CauseViolence},
		{"Electrocution", vocab.CauseAccidental},
		{"Suicide", vocab.CauseViolence},
		// Word boundaries: "car" is not "cardiac", "shell" is not "shelter".
		{"Cardiac arrest", vocab.CauseSickness},
		{"Lack of adequate shelter", vocab.CauseHarsh},
		// Nothing to go on.
		{"", vocab.CauseMixedOrUnknown},
		{"Other", vocab.CauseMixedOrUnknown},
		{"xyzzy", vocab.CauseMixedOrUnknown},
		{"***", vocab.CauseMixedOrUnknown},
	}
	for _, tc := range tests {
		if got := CauseCategory(tc.text); got != tc.want {
			t.Errorf("CauseCategory(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestCauseCategories(t *testing.T) {
	cats := vocab.CauseNames()
	if len(cats) != 7 {
		t.Fatalf("%d categories, want 7", len(cats))
	}
	for _, c := range cats {
		if got := CauseCategory(c); got != c {
			t.Errorf("CauseCategory(%q) = %q", c, got)
		}
	}
	cats[0] = "changed"
	if vocab.CauseNames()[0] != vocab.CauseDrowning {
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
