package ogc

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/routerisk/routerisk/geodata"
)

// maxFilterValues bounds the values of one property filter, as the JSON
// API does.
const maxFilterValues = 100

// itemParams lists the parameters of .../items other than the property
// filters, in the order the API definition gives them.
func itemParams() []string {
	return []string{"f", "bbox", "bbox-crs", "datetime", "limit", "offset", "crs", "properties", "precision"}
}

// reservedParam reports whether name is one of itemParams: a property of
// that name cannot be a filter.
func reservedParam(name string) bool { return slices.Contains(itemParams(), name) }

// filterable lists the properties of a layer that work as query
// parameters (prop=value): every property of its schema whose name is not
// a parameter of its own.
func filterable(m geodata.Meta) []geodata.Field {
	var out []geodata.Field
	for _, f := range m.Schema {
		if !reservedParam(f.Name) {
			out = append(out, f)
		}
	}
	return out
}

// onlyParams refuses query parameters other than allowed: OGC API –
// Features answers 400 to a parameter its definition does not list.
func onlyParams(c echo.Context, allowed ...string) error {
	for name := range c.QueryParams() {
		if !slices.Contains(allowed, name) {
			return &geodata.Error{
				Code:    geodata.Invalid,
				Message: fmt.Sprintf("unknown parameter %q; this resource accepts: %s", geodata.Truncate(name, 64), strings.Join(allowed, ", ")),
				Details: map[string]any{"parameter": geodata.Truncate(name, 64), "allowed": allowed},
			}
		}
	}
	return nil
}

// parseItems reads the query of .../items into a geodata.Query for the
// layer described by m. It strips what the reads use case need not see (f, and
// crs and bbox-crs once checked to be CRS84), clamps limit to the
// largest page, reads a six-number bbox by its horizontal corners and
// turns properties given as parameters into exact-match filters on that
// very property. Every problem is an *geodata.Error with code Invalid.
func parseItems(v url.Values, m geodata.Meta) (geodata.Query, error) {
	pass := url.Values{}
	var filters []geodata.Filter
	for name, vals := range v {
		switch name {
		case "f":
		case "crs", "bbox-crs":
			if err := checkCRS(name, vals); err != nil {
				return geodata.Query{}, err
			}
		case "bbox":
			pass[name] = horizontalBBox(vals)
		case "datetime":
			if m.TimeProperty == "" {
				return geodata.Query{}, geodata.InvalidParam(name, fmt.Sprintf("cannot be used: collection %q has no time property", m.ID),
					"leave datetime out for this collection")
			}
			pass[name] = gdalDates(vals)
		case "limit":
			pass[name] = clampLimit(vals)
		case "offset", "precision", "properties":
			pass[name] = vals
		default:
			i := slices.IndexFunc(filterable(m), func(f geodata.Field) bool { return f.Name == name })
			if i < 0 {
				return geodata.Query{}, unknownItemsParam(name, m)
			}
			f, err := parseFilter(filterable(m)[i], vals)
			if err != nil {
				return geodata.Query{}, err
			}
			filters = append(filters, f)
		}
	}
	q, err := geodata.ParseQuery(pass, m)
	if err != nil {
		return q, err
	}
	q.Filters = append(q.Filters, filters...)
	slices.SortFunc(q.Filters, func(a, b geodata.Filter) int { return strings.Compare(a.Param, b.Param) })
	return q, nil
}

func unknownItemsParam(name string, m geodata.Meta) *geodata.Error {
	allowed := itemParams()
	var props []string
	for _, f := range filterable(m) {
		props = append(props, f.Name)
	}
	msg := fmt.Sprintf("unknown parameter %q; collection %q accepts %s", geodata.Truncate(name, 64), m.ID, strings.Join(allowed, ", "))
	if len(props) > 0 {
		msg += ", and these properties as filters (name=value): " + strings.Join(props, ", ")
	}
	return &geodata.Error{
		Code:    geodata.Invalid,
		Message: msg,
		Details: map[string]any{"parameter": geodata.Truncate(name, 64), "allowed": append(allowed, props...)},
	}
}

// checkCRS accepts CRS84, the only coordinate reference system served,
// as its URI or as the safe CURIE [OGC:CRS84].
func checkCRS(param string, vals []string) error {
	const allowed = "this server offers only " + CRS84 + " (WGS 84 longitude, latitude); leave " +
		"the parameter out or give that URI"
	if len(vals) > 1 {
		return geodata.InvalidParam(param, "is given more than once", allowed)
	}
	v := strings.TrimSpace(vals[0])
	switch v {
	case CRS84, "https://www.opengis.net/def/crs/OGC/1.3/CRS84", "[OGC:CRS84]":
		return nil
	}
	problem := fmt.Sprintf("is %q, which is not offered", geodata.Truncate(v, 100))
	if strings.Contains(v, "4326") {
		problem = fmt.Sprintf("is %q (latitude first), which is not offered", geodata.Truncate(v, 100))
	}
	return &geodata.Error{
		Code:    geodata.Invalid,
		Message: fmt.Sprintf("parameter %q %s; %s", param, problem, allowed),
		Details: map[string]any{"parameter": param, "allowed": allowed, "supported": []string{CRS84}},
	}
}

// horizontalBBox reads a bbox of six numbers (with heights) by its four
// horizontal ones; anything else goes on as given.
func horizontalBBox(vals []string) []string {
	if len(vals) != 1 {
		return vals
	}
	p := strings.Split(vals[0], ",")
	if len(p) != 6 {
		return vals
	}
	return []string{strings.Join([]string{p[0], p[1], p[3], p[4]}, ",")}
}

// gdalDates reads the date-only ends GDAL writes with a trailing T
// (2020-01-01T) as the dates they are.
func gdalDates(vals []string) []string {
	if len(vals) != 1 {
		return vals
	}
	ends := strings.Split(vals[0], "/")
	for i, e := range ends {
		e = strings.TrimSpace(e)
		if len(e) == len(time.DateOnly)+1 && e[len(e)-1] == 'T' {
			if _, err := time.Parse(time.DateOnly, e[:len(e)-1]); err == nil {
				ends[i] = e[:len(e)-1]
			}
		}
	}
	return []string{strings.Join(ends, "/")}
}

// clampLimit lowers a limit above the largest page to that page: OGC API
// clients send what they would like, and the server may serve fewer.
func clampLimit(vals []string) []string {
	if len(vals) != 1 {
		return vals
	}
	n, err := strconv.Atoi(strings.TrimSpace(vals[0]))
	if err == nil && n > geodata.MaxLimit {
		return []string{strconv.Itoa(geodata.MaxLimit)}
	}
	return vals
}

// parseFilter reads prop=value for a property of the schema. Each
// occurrence is one whole value; repeating the parameter admits several.
// Numbers and booleans are written the way the encoder writes them, so
// that 3.0 finds 3 and TRUE finds true.
func parseFilter(field geodata.Field, vals []string) (geodata.Filter, error) {
	f := geodata.Filter{Param: field.Name, Property: field.Name}
	for _, raw := range vals {
		s := strings.TrimSpace(raw)
		if s == "" {
			return f, geodata.InvalidParam(field.Name, "is empty", "give a value, repeat the parameter for several values, or leave it out")
		}
		switch field.Type {
		case "integer", "number":
			n, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(n) || math.IsInf(n, 0) || (field.Type == "integer" && n != math.Trunc(n)) {
				kind := "a number"
				if field.Type == "integer" {
					kind = "a whole number"
				}
				return f, geodata.InvalidParam(field.Name, fmt.Sprintf("is %q, not %s", geodata.Truncate(s, 32), kind),
					fmt.Sprintf("property %q holds %ss; give one", field.Name, strings.TrimPrefix(kind, "a ")))
			}
			s = strconv.FormatFloat(n, 'f', -1, 64)
		case "boolean":
			b, err := strconv.ParseBool(s)
			if err != nil {
				return f, geodata.InvalidParam(field.Name, fmt.Sprintf("is %q, not true or false", geodata.Truncate(s, 32)),
					fmt.Sprintf("property %q is true or false; give one of those", field.Name))
			}
			s = strconv.FormatBool(b)
		}
		f.Values = append(f.Values, s)
	}
	if len(f.Values) > maxFilterValues {
		return f, geodata.InvalidParam(field.Name, fmt.Sprintf("has %d values", len(f.Values)), fmt.Sprintf("give at most %d values", maxFilterValues))
	}
	slices.Sort(f.Values)
	f.Values = slices.Compact(f.Values)
	return f, nil
}
