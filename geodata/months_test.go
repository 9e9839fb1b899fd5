package geodata

import (
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

func incident(date any, dead, missing any) *geojson.Feature {
	f := geojson.NewFeature(orb.Point{12, 35})
	if date != nil {
		f.Properties["date"] = date
	}
	f.Properties["dead"] = dead
	f.Properties["missing"] = missing
	return f
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCountMonths(t *testing.T) {
	feats := []*geojson.Feature{
		incident("2023-01-05", 3.0, 1.0),
		incident("2023-01-31", 2.0, "4"),                // numeric text counts
		incident("2023-03-15", -1.0, 0.0),               // a negative count is 0
		incident("2023-03", 1.0, nil),                   // a month alone is a date
		incident("2023-02-10T23:30:00-02:00", 5.0, 5.0), // 2023-02-11 in UTC
		incident(nil, 100.0, 100.0),                     // undated: left out
		incident("soon", 100.0, 100.0),                  // not a date: left out
	}
	tests := []struct {
		name  string
		feats []*geojson.Feature
		span  Interval
		want  []MonthCount
	}{
		{"the dated features' span, a month between counted as zero", []*geojson.Feature{feats[0], feats[1], feats[2], feats[3]}, Interval{}, []MonthCount{
			{"2023-01", 2, 5, 5}, {"2023-02", 0, 0, 0}, {"2023-03", 2, 1, 0},
		}},
		{"every kind of date, undated left out", feats, Interval{}, []MonthCount{
			{"2023-01", 2, 5, 5}, {"2023-02", 1, 5, 5}, {"2023-03", 2, 1, 0},
		}},
		{"a span wider than the data is filled", feats[:1], Interval{Start: day("2022-11-20"), End: day("2023-02-01")}, []MonthCount{
			{"2022-11", 0, 0, 0}, {"2022-12", 0, 0, 0}, {"2023-01", 1, 3, 1}, {"2023-02", 0, 0, 0},
		}},
		{"features outside the span are left out", feats, Interval{Start: day("2023-02-01"), End: day("2023-02-28")}, []MonthCount{
			{"2023-02", 1, 5, 5},
		}},
		{"a span open at one end ends with the data", feats, Interval{Start: day("2023-03-01")}, []MonthCount{
			{"2023-03", 2, 1, 0},
		}},
		{"nothing dated", feats[5:], Interval{}, []MonthCount{}},
		{"nothing dated in a closed span: every month zero", feats[5:], Interval{Start: day("2023-01-01"), End: day("2023-02-01")}, []MonthCount{
			{"2023-01", 0, 0, 0}, {"2023-02", 0, 0, 0},
		}},
		{"no features", nil, Interval{}, []MonthCount{}},
		{"a span with no month", feats, Interval{Start: day("2023-05-01"), End: day("2023-04-01")}, []MonthCount{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CountMonths(tt.feats, "date", tt.span)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestCountMonthsIsBounded(t *testing.T) {
	got := CountMonths([]*geojson.Feature{incident("0001-01-01", 1.0, 0.0), incident("2023-06-01", 1.0, 0.0)}, "date", Interval{})
	if len(got) != MaxMonths || got[len(got)-1].Month != "2023-06" || got[len(got)-1].Incidents != 1 {
		t.Fatalf("%d months, last %+v", len(got), got[len(got)-1])
	}
	if got[0].Month != "1923-07" {
		t.Fatalf("first month %s", got[0].Month)
	}
}
