package web

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/routerisk/routerisk/geodata"
)

// HXLParam reads and removes hxl= from params: whether a CSV answer
// carries a HXL hashtag row under its header (docs/hxl.md). def is the
// answer when hxl is not given. 1/true and 0/false are read; anything
// else, or hxl given twice, is an Invalid error.
func HXLParam(params url.Values, def bool) (bool, error) {
	vals, ok := params["hxl"]
	if !ok {
		return def, nil
	}
	delete(params, "hxl")
	if len(vals) == 1 {
		switch strings.ToLower(strings.TrimSpace(vals[0])) {
		case "1", "true":
			return true, nil
		case "0", "false":
			return false, nil
		}
	}
	return false, geodata.InvalidParam("hxl", fmt.Sprintf("is %q", geodata.Truncate(strings.Join(vals, ","), 20)),
		"use hxl=1 for a HXL hashtag row under the CSV header, or hxl=0 for none")
}
