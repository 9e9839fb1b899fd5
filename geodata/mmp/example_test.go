package mmp_test

import (
	"fmt"
	"strings"

	"github.com/routerisk/routerisk/geodata/mmp"
)

func ExampleDecodeAPIJSON() {
	page := `[{"web_id": "2023.MMP0267", "reported_date": "2023-06-14", "number_dead": "3",
	  "number_missing": "-2", "total_dead_and_missing": "1", "cause_death": "Presumed drowning",
	  "location_description": "Off Pylos, Greece\n", "location_coodinates": "36.9, 21.6",
	  "migration_route": "Central Mediterranean", "source_quality": "4"}]`
	features, report, err := mmp.DecodeAPIJSON(strings.NewReader(page))
	if err != nil {
		panic(err)
	}
	f := features[0]
	fmt.Println(f.ID, f.Geometry, f.Properties["date"], f.Properties["cause_category"])
	fmt.Println("dead", f.Properties["dead"], "missing", f.Properties["missing"], "reported", f.Properties["missing_reported"])
	fmt.Println(report.Accepted, report.Repaired, report.Counts[mmp.CodeNegativeMissing])
	// Output:
	// 2023.MMP0267 [21.6 36.9] 2023-06-14 Drowning
	// dead 3 missing 0 reported -2
	// 1 1 1
}

func ExampleCauseCategory() {
	for _, c := range []string{"Hit by train", "Unknown (presumed dehydration, hypothermia)", "Drowning, Violence"} {
		fmt.Println(mmp.CauseCategory(c))
	}
	// Output:
	// Vehicle accident / death linked to hazardous transport
	// Harsh environmental conditions / lack of adequate shelter, food, water
	// Mixed or unknown
}

func ExampleCanonicalRoute() {
	fmt.Println(mmp.CanonicalRoute("Western African Route"))
	fmt.Println(mmp.CanonicalRoute("Black sea Route"))
	// Output:
	// Western Africa / Atlantic route to the Canary Islands true
	// Black Sea Route false
}
