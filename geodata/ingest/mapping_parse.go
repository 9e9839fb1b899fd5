package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/routerisk/routerisk/geodata"
)

// ParseMapping reads the mapping a client sends with an upload: a JSON
// object from field name to column name, {"date": "Incident Date", "dead":
// "Deaths"}. Field names are matched case-insensitively; a column name of
// "" unmaps the field (see Merge). An empty string is an empty mapping.
// Anything else — not a JSON object of strings, a field kind does not
// have, one column for two fields, over 16 KiB — is a *geodata.Error with
// code Invalid whose message lists the fields of kind.
func ParseMapping(kind geodata.Kind, s string) (Mapping, error) {
	if !kind.Valid() {
		return nil, geodata.InvalidParam("kind", fmt.Sprintf("is %q", geodata.Truncate(string(kind), 40)), "one of "+geodata.KindNames)
	}
	allowed := FieldNames(kind)
	invalid := func(format string, args ...any) error {
		return &geodata.Error{
			Code:    geodata.Invalid,
			Message: "mapping: " + fmt.Sprintf(format, args...) + "; the fields of " + string(kind) + " layers are " + strings.Join(allowed, ", "),
			Details: map[string]any{"parameter": "mapping", "allowed": allowed},
		}
	}
	if strings.TrimSpace(s) == "" {
		return Mapping{}, nil
	}
	if len(s) > maxMappingBytes {
		return nil, invalid("%d bytes, more than %d", len(s), maxMappingBytes)
	}
	dec := json.NewDecoder(strings.NewReader(s))
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, invalid(`not a JSON object such as {"date": "Incident Date"}`)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, invalid("unexpected text after the JSON object")
	}
	known := map[string]bool{}
	for _, a := range allowed {
		known[a] = true
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var unknown []string
	for _, k := range keys {
		if !known[strings.ToLower(strings.TrimSpace(k))] {
			unknown = append(unknown, strconv.Quote(geodata.Truncate(k, 40)))
		}
	}
	if len(unknown) > 0 {
		verb := "are not fields"
		if len(unknown) == 1 {
			verb = "is not a field"
		}
		return nil, invalid("%s %s of %s layers", strings.Join(unknown, ", "), verb, kind)
	}
	m := Mapping{}
	byColumn := map[string]string{}
	for _, k := range keys {
		field := strings.ToLower(strings.TrimSpace(k))
		v, ok := raw[k].(string)
		if !ok {
			return nil, invalid("the value for %q must be a column name in quotes", field)
		}
		column := strings.TrimSpace(v)
		if len(column) > 256 {
			return nil, invalid("the column name for %q is longer than 256 bytes", field)
		}
		if _, dup := m[field]; dup {
			return nil, invalid("%q is given twice", field)
		}
		if other, dup := byColumn[column]; dup && column != "" {
			return nil, invalid("the column %q is given for both %s and %s", geodata.Truncate(column, 60), other, field)
		}
		byColumn[column] = field
		m[field] = column
	}
	return m, nil
}

// Merge returns m with override applied: a field override maps to a
// column replaces m's, a field it maps to "" is removed. Neither input
// changes.
func (m Mapping) Merge(override Mapping) Mapping {
	out := make(Mapping, len(m)+len(override))
	for k, v := range m {
		out[k] = v
	}
	for k, v := range override {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// CheckColumns returns a *geodata.Error (Invalid) naming the first mapped
// column that is not among columns, and listing the columns; nil when
// every mapped column is there.
func (m Mapping) CheckColumns(columns []string) error {
	have := make(map[string]bool, len(columns))
	for _, c := range columns {
		have[c] = true
	}
	fields := make([]string, 0, len(m))
	for f := range m {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		if c := m[f]; c != "" && !have[c] {
			quoted := make([]string, 0, len(columns))
			for i, c := range columns {
				if i == 40 {
					quoted = append(quoted, fmt.Sprintf("… (%d in all)", len(columns)))
					break
				}
				quoted = append(quoted, strconv.Quote(geodata.Truncate(c, 60)))
			}
			return &geodata.Error{Code: geodata.Invalid, Details: map[string]any{"parameter": "mapping", "columns": columns},
				Message: fmt.Sprintf("mapping: the column %q given for %s is not in the file; its columns are %s", geodata.Truncate(c, 60), f, strings.Join(quoted, ", "))}
		}
	}
	return nil
}
