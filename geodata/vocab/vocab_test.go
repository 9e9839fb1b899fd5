package vocab

import (
	"math"
	"testing"
)

func TestRiskClassOfFollowsTheBreakpoints(t *testing.T) {
	for _, tc := range []struct {
		risk float64
		want string
	}{
		{0, RiskLow}, {0.99, RiskLow}, {math.NaN(), RiskLow}, {1, RiskMedium}, {9.99, RiskMedium},
		{10, RiskHigh}, {49.9, RiskHigh}, {50, RiskCritical}, {1e9, RiskCritical},
	} {
		if got := RiskClassOf(tc.risk); got != tc.want {
			t.Errorf("RiskClassOf(%v) = %s, want %s", tc.risk, got, tc.want)
		}
	}
	classes := RiskClasses()
	for i := 1; i < len(classes); i++ {
		if got := RiskClassOf(classes[i].From); got != classes[i].Class {
			t.Errorf("the breakpoint of %s is classed %s", classes[i].Class, got)
		}
	}
}

func TestResolutionForZoom(t *testing.T) {
	for _, tc := range []struct {
		zoom      float64
		res, pubs int
	}{
		{math.NaN(), 2, 2}, {-3, 2, 2}, {0, 2, 2}, {4.99, 2, 2}, {5, 3, 3}, {6, 4, 4}, {7.5, 4, 4},
		{8, 5, 5}, {9, 6, 5}, {10, 7, 5}, {24, 7, 5},
	} {
		if got := ResolutionForZoom(tc.zoom); got != tc.res {
			t.Errorf("ResolutionForZoom(%v) = %d, want %d", tc.zoom, got, tc.res)
		}
		if got := PublicResolutionForZoom(tc.zoom); got != tc.pubs {
			t.Errorf("PublicResolutionForZoom(%v) = %d, want %d", tc.zoom, got, tc.pubs)
		}
	}
}

func TestNamesAreUnique(t *testing.T) {
	for name, list := range map[string][]string{"causes": CauseNames(), "categories": ServiceCategoryNames(), "routes": Routes()} {
		seen := map[string]bool{}
		for _, v := range list {
			if v == "" || seen[v] {
				t.Errorf("%s: %q is empty or repeated", name, v)
			}
			seen[v] = true
		}
	}
}

func TestMembership(t *testing.T) {
	if !IsCause(CauseDrowning) || IsCause("drowning") || !IsServiceCategory(CategoryHealth) || IsServiceCategory("Health") {
		t.Error("membership")
	}
	names := CauseNames()
	names[0] = "changed"
	if CauseNames()[0] != CauseDrowning {
		t.Error("CauseNames hands out its own slice")
	}
}
