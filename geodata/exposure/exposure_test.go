package exposure

import (
	"strings"
	"testing"
)

func TestBundledCounts(t *testing.T) {
	tb, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, m := range []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"} {
		n, _ := tb.Month(Frontex.ID, []string{"Central Mediterranean Route"}, "2023-"+m)
		sum += n
	}
	if sum != 158026 {
		t.Errorf("Frontex Central Mediterranean 2023: %v detections, want 158,026", sum)
	}
	for route, d := range Denominators {
		if len(tb.Months(d.Series.ID, []string{d.Key})) == 0 {
			t.Errorf("%s: series %s has no counts for %q", route, d.Series.ID, d.Key)
		}
	}
}

func TestReadRejects(t *testing.T) {
	for name, src := range map[string]string{
		"header":   "a,b,c,d\n",
		"month":    "series,key,month,count\nx,y,2023,5\n",
		"negative": "series,key,month,count\nx,y,2023-01,-5\n",
		"fields":   "series,key,month,count\nx,y,2023-01\n",
		"empty":    "",
	} {
		if _, err := Read(strings.NewReader(src)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add("series,key,month,count\nfrontex,Central Mediterranean Route,2023-01,100\n")
	f.Fuzz(func(t *testing.T, src string) {
		tb, err := Read(strings.NewReader(src))
		if err == nil {
			tb.Months("frontex", []string{"Central Mediterranean Route"})
		}
	})
}
