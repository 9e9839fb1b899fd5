package analysis

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/formats"
	"github.com/routerisk/routerisk/geodata/hxl"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/geodata/risk"
	"github.com/routerisk/routerisk/server/answers"
)

// BacktestRequest asks how well the risk of the record before a date
// foretells what was recorded from that date on.
type BacktestRequest struct {
	View        privacy.View // who is asking, decided once where the request came in
	Params      url.Values   // split= (YYYY-MM-DD, default 2022-01-01) and the analysis's own parameters
	CSV         bool         // the table (backtestColumns) instead of JSON
	HXL         bool         // with CSV: a HXL hashtag row under the header
	IfNoneMatch string
}

// BacktestAnswer is the backtest with the parameters of the model tested
// and the method's caveats.
type BacktestAnswer struct {
	risk.Backtest
	Parameters map[string]any `json:"parameters"`
	Method     string         `json:"method"`
}

// backtestMethod says in one paragraph what the figures mean.
const backtestMethod = "Risk is computed from the incidents dated before the split with reference_date the day before it. " +
	"The outcome of a segment is the dead and missing of the incidents dated from the split on within its radius " +
	"(radius_km, or sea_radius_km at sea; overlapping segments both count). spearman is the rank correlation of risk " +
	"and outcome over all segments, ties taking average ranks; top_decile_share is the outcome held by the 10% of " +
	"segments with the highest risk divided by all outcome (tied risks at the cut share the places left). " +
	"See docs/risk-validation.md."

// Backtest runs risk.Analyser.Backtest over the loaded layers, through
// the cache. Its figures are aggregates over every segment and leave no
// incident identifiable, so every tier sees the same figures (the public
// tier sees the first and last incident dates as months); the
// parameters a tier may set are those of the analysis. Errors: Invalid for
// a bad parameter, NotFound when no route or incident layer is loaded.
func (c *Service) Backtest(ctx context.Context, r BacktestRequest) (answers.Result, error) {
	params := url.Values{}
	split := risk.DefaultSplit
	for k, v := range r.Params {
		if k != "split" {
			params[k] = v
			continue
		}
		t, err := time.Parse(time.DateOnly, v[0])
		if len(v) > 1 || err != nil {
			return answers.Result{}, geodata.InvalidParam("split", "is "+geodata.Truncate(v[0], 20), "give one date YYYY-MM-DD, e.g. split=2022-01-01")
		}
		split = t
	}
	for _, k := range []string{"reference_date", "datetime"} {
		if _, ok := params[k]; ok {
			return answers.Result{}, geodata.InvalidParam(k, "is set by the backtest", "leave it out: the backtest dates the analysis the day before split")
		}
	}
	snap, tier, p, err := c.riskInputs(r.View, params)
	if err != nil {
		return answers.Result{}, err
	}
	what := "backtest:" + split.Format(time.DateOnly)
	if r.CSV {
		what += ":csv"
		if r.HXL {
			what += ":hxl"
		}
	}
	key := answers.Key{Slot: "risk", Versions: snap.Versions, What: what, Query: p.Key(), Tier: tier}
	return c.analysed(ctx, key, r.IfNoneMatch, snap, func(an *risk.Analyser) ([]byte, error) {
		bt, err := an.Backtest(ctx, p, split, time.Time{})
		if err != nil {
			return nil, err
		}
		if tier == privacy.Public {
			// The first and last incident dates are data: the public tier
			// sees no date finer than a month (docs/privacy.md).
			bt.Train.From, bt.Test.To = monthOf(bt.Train.From), monthOf(bt.Test.To)
		}
		if r.CSV {
			return backtestCSV(bt, r.HXL), nil
		}
		v := p.Values()
		v.Del("reference_date")
		return json.Marshal(BacktestAnswer{Backtest: bt, Parameters: parameters(v), Method: backtestMethod})
	})
}

// monthOf cuts a YYYY-MM-DD date to YYYY-MM.
func monthOf(d string) string {
	if len(d) >= 7 {
		return d[:7]
	}
	return d
}

// backtestColumns are the columns of the backtest table: one row for the
// model, then one per baseline, each with the split and periods.
var backtestColumns = []string{"split", "train_from", "train_to", "test_from", "test_to", "model", "radius_km", "segments", "spearman", "top_decile_share"}

// backtestCSV writes the backtest as a table (the per-class outcome stays
// in the JSON answer).
func backtestCSV(bt risk.Backtest, withHXL bool) []byte {
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	row := func(model string, spearman, share float64) []string {
		return []string{bt.Split, bt.Train.From, bt.Train.To, bt.Test.From, bt.Test.To, model,
			num(bt.RadiusKm), strconv.Itoa(bt.Segments), num(spearman), num(share)}
	}
	rows := [][]string{row("risk", bt.Spearman, bt.TopDecileShare)}
	for _, b := range bt.Baselines {
		rows = append(rows, row(b.Name, b.Spearman, b.TopDecileShare))
	}
	var tags []string
	if withHXL {
		tags = hxl.Row(hxl.ScopeBacktest, backtestColumns)
	}
	return formats.EncodeCSVTagged(backtestColumns, tags, rows, map[int]bool{6: true, 7: true, 8: true, 9: true})
}
