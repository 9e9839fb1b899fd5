package mmp

import (
	"testing"

	"github.com/routerisk/routerisk/geodata/vocab"
)

func TestRouteNames(t *testing.T) {
	names := vocab.Routes()
	if len(names) != 30 {
		t.Fatalf("%d MMP routes, want the 30 of the API data", len(names))
	}
	for _, n := range []string{"US-Mexico border crossing", "Afghanistan to Iran", "Sahara Desert crossing",
		"Eastern Route to/from EHOA", "Darien", "Naf River crossing", vocab.RouteEnglishChannel, vocab.RouteMainlandEuropeUK} {
		if got, ok := CanonicalRoute(n); !ok || got != n {
			t.Errorf("CanonicalRoute(%q) = %q, %v", n, got, ok)
		}
	}
}

func TestCanonicalRoute(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		// Frontex names.
		{"Central Mediterranean Route", "Central Mediterranean", true},
		{"Western Mediterranean Route", "Western Mediterranean", true},
		{"Eastern Mediterranean Route", "Eastern Mediterranean", true},
		{"Western African Route", "Western Africa / Atlantic route to the Canary Islands", true},
		{"Western Balkan Route", "Western Balkans", true},
		{"Eastern borders Route", "Eastern Borders Route", false},
		{"Black sea Route", "Black Sea Route", false},
		{"Circular Route from Albania to Greece", "Circular Route from Albania to Greece", false},
		// Spelling.
		{"  central mediterranean ", "Central Mediterranean", true},
		{"Turkiye-Europe land route", "Türkiye-Europe land route", true},
		{"Türkiye - Europe land route", "Türkiye-Europe land route", true},
		{"Syria to Turkey", "Syria to Türkiye", true},
		{"Bay of Bengal / Andaman Sea", "Bay of Bengal/Andaman Sea", true},
		{"Western Africa/Atlantic route to the Canary Islands", "Western Africa / Atlantic route to the Canary Islands", true},
		{"US–Mexico border crossing", "US-Mexico border crossing", true},
		{"Darién Gap", "Darien", true},
		{"Darién", "Darien", true},
		{"English Channel", vocab.RouteMainlandEuropeUK, true},
		// Unknown names come back trimmed.
		{" Other ", "Other", false},
		{"", "", false},
	}
	for _, tc := range tests {
		got, ok := CanonicalRoute(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("CanonicalRoute(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestCurrentRoute(t *testing.T) {
	if got := CurrentRoute(vocab.RouteEnglishChannel); got != vocab.RouteMainlandEuropeUK {
		t.Errorf("CurrentRoute(English Channel) = %q", got)
	}
	if got := CurrentRoute("Darien"); got != "Darien" {
		t.Errorf("CurrentRoute(Darien) = %q", got)
	}
}

func TestRouteTableErrors(t *testing.T) {
	for name, csv := range map[string]string{
		"alias to nothing": "name,mmp_route,note\nA,A,\nB,C,\n",
		"listed twice":     "name,mmp_route,note\nA,A,\na,A,\n",
		"short row":        "name,mmp_route,note\nA\n",
	} {
		if _, err := parseRoutes(csv); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
