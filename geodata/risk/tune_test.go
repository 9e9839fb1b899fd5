package risk

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"
)

// tune prints the backtest of a grid of parameters on the bundled layers
// (go test -run TestTune -risk.tune ./geodata/risk/): the table from which
// the defaults were chosen (docs/risk-validation.md).
var tune = flag.Bool("risk.tune", false, "print the backtest of a grid of parameters")

func TestTune(t *testing.T) {
	if !*tune {
		t.Skip("run with -risk.tune")
	}
	l := sampleLayers(t)
	a := NewAnalyser(l.routes, l.incidents, l.services)
	type row struct {
		radius, half, floor, cap, approx float64
	}
	var rows []row
	rows = append(rows,
		row{DefaultRadiusKm, DefaultHalfLifeDays, DefaultQualityFloor, DefaultSeverityCap, DefaultApproxRadiusKm}, // the defaults
		row{DefaultRadiusKm, DefaultHalfLifeDays, 1, MaxSeverityCap, DefaultRadiusKm},                             // the previous model
	)
	for _, half := range []float64{180, 365, 730} {
		for _, floor := range []float64{0, 0.25, 1} {
			for _, cap := range []float64{10, 100, MaxSeverityCap} {
				for _, approx := range []float64{25, 50} {
					rows = append(rows, row{DefaultRadiusKm, half, floor, cap, approx})
				}
			}
		}
	}
	splits := [][2]time.Time{
		{time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC)},
	}
	for _, sp := range splits {
		split, until := sp[0], sp[1]
		fmt.Printf("split %s until %s\n", split.Format(time.DateOnly), until.Format(time.DateOnly))
		for _, r := range rows {
			p := DefaultParams(sampleDate)
			p.RadiusKm, p.HalfLifeDays, p.QualityFloor, p.SeverityCap, p.ApproxRadiusKm = r.radius, r.half, r.floor, r.cap, r.approx
			bt, err := a.Backtest(context.Background(), p, split, until)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Printf("radius %3g half %5g floor %4g cap %6g approx %3g  spearman %.3f top10 %.3f | count %.3f %.3f | toll %.3f %.3f | prev %.3f %.3f\n",
				r.radius, r.half, r.floor, r.cap, r.approx, bt.Spearman, bt.TopDecileShare,
				bt.Baselines[0].Spearman, bt.Baselines[0].TopDecileShare, bt.Baselines[1].Spearman, bt.Baselines[1].TopDecileShare,
				bt.Baselines[2].Spearman, bt.Baselines[2].TopDecileShare)
		}
	}
}
