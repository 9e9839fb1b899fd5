package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// writeExposure aggregates the public crossing series in shared/exposure
// to the monthly table package geodata/exposure embeds: series, key (a
// route or arrival country as the series names it), month and count.
func writeExposure(shared, out string) error {
	if out == "" {
		return nil
	}
	type cell struct{ series, key, month string }
	sum := map[cell]float64{}
	read := func(name string, each func(row map[string]string) (cell, float64, bool)) error {
		f, err := os.Open(filepath.Join(shared, "exposure", name))
		if err != nil {
			return err
		}
		defer f.Close()
		r := csv.NewReader(f)
		head, err := r.Read()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for {
			rec, err := r.Read()
			if err != nil {
				break
			}
			row := map[string]string{}
			for i, h := range head {
				if i < len(rec) {
					row[h] = rec[i]
				}
			}
			if c, n, ok := each(row); ok {
				sum[c] += n
			}
		}
		return nil
	}
	num := func(s string) (float64, bool) {
		n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return n, err == nil && n >= 0
	}
	steps := []struct {
		file string
		each func(map[string]string) (cell, float64, bool)
	}{
		{"frontex_ibc_detections_by_route_nat_monthly_2009_2025.csv", func(r map[string]string) (cell, float64, bool) {
			n, ok := num(r["n"])
			return cell{"frontex", r["route"], r["t"]}, n, ok
		}},
		{"panama_darien_transits_by_nat_monthly.csv", func(r map[string]string) (cell, float64, bool) {
			n, ok := num(r["n"])
			return cell{"panama-darien", "Darien", r["t"]}, n, ok
		}},
		{"uk_channel_long_uk_small_boats_monthly.csv", func(r map[string]string) (cell, float64, bool) {
			n, ok := num(r["migrants_arrived"])
			return cell{"uk-small-boats", "English Channel", strings.TrimSpace(r["date_month"])[:min(7, len(strings.TrimSpace(r["date_month"])))]}, n, ok
		}},
		{"dtm_ehoa_fmp_flows_monthly.csv", func(r map[string]string) (cell, float64, bool) {
			n, ok := num(r["n"])
			return cell{"dtm-eastern-corridor", r["route"], r["t"]}, n, ok && r["route"] == "Eastern Corridor"
		}},
		{"dtm_europe_arrivals_by_country_monthly.csv", func(r map[string]string) (cell, float64, bool) {
			n, ok := num(r["n"])
			return cell{"dtm-arrivals", r["geo"], r["t"]}, n, ok
		}},
	}
	for _, s := range steps {
		if err := read(s.file, s.each); err != nil {
			return err
		}
	}
	cells := make([]cell, 0, len(sum))
	for c := range sum {
		if len(c.month) == 7 {
			cells = append(cells, c)
		}
	}
	sort.Slice(cells, func(i, j int) bool {
		a, b := cells[i], cells[j]
		if a.series != b.series {
			return a.series < b.series
		}
		if a.key != b.key {
			return a.key < b.key
		}
		return a.month < b.month
	})
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(out, "crossings.csv"))
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"series", "key", "month", "count"})
	for _, c := range cells {
		_ = w.Write([]string{c.series, c.key, c.month, strconv.FormatFloat(sum[c], 'f', -1, 64)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
