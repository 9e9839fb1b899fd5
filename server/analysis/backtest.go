package analysis

import (
	"context"
	"encoding/json"
	"net/url"
	"time"

	"github.com/routerisk/routerisk/geodata"
	"github.com/routerisk/routerisk/geodata/privacy"
	"github.com/routerisk/routerisk/geodata/risk"
	"github.com/routerisk/routerisk/server/answers"
)

// BacktestRequest asks how well the risk of the record before a date
// foretells what was recorded from that date on.
type BacktestRequest struct {
	View        privacy.View // who is asking, decided once where the request came in
	Params      url.Values   // split= (YYYY-MM-DD, default 2022-01-01) and the analysis's own parameters
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
// incident identifiable, so every tier sees the same answer; the
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
	key := answers.Key{Slot: "risk", Versions: snap.Versions, What: "backtest:" + split.Format(time.DateOnly), Query: p.Key(), Tier: tier}
	return c.analysed(ctx, key, r.IfNoneMatch, snap, func(an *risk.Analyser) ([]byte, error) {
		bt, err := an.Backtest(ctx, p, split, time.Time{})
		if err != nil {
			return nil, err
		}
		v := p.Values()
		v.Del("reference_date")
		return json.Marshal(BacktestAnswer{Backtest: bt, Parameters: parameters(v), Method: backtestMethod})
	})
}
