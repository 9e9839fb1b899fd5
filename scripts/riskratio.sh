#!/usr/bin/env bash
# Route risk beside PostGIS, from the Go benchmark output of one run (the
# file make bench writes): BenchmarkCountAndSum2000 against
# BenchmarkPostGISCountAndSum2000 — for the same 2,000 segments of 10 km
# and the same incidents, the incidents within 25 km counted and their
# weights summed, in Go and in PostGIS (ST_DWithin on geography with a
# GiST index, the server's own time) — one line per layer size, and the
# whole analysis of every bundled segment (BenchmarkAnalyse). Given the
# verbose output of TestPostGISCrossCheck -risk.full as well, it adds the
# whole risk join in PostGIS (every bundled segment, severity × recency ×
# kernel from ST_Distance, indexed) beside the whole analysis on the
# bundled incidents. Appends the line to $BENCH_SUMMARY when set.
set -euo pipefail
out=${1:?usage: riskratio.sh GO-BENCH-OUTPUT [POSTGIS-CROSSCHECK-OUTPUT]}
join=${2:-/dev/null}
summary=$(awk '
  $1 ~ /^BenchmarkCountAndSum2000\/incidents=/ { split($1, a, "[=-]"); go[a[2]] = $3 / 1e6; order[++sizes] = a[2] }
  $1 ~ /^BenchmarkPostGISCountAndSum2000\/incidents=/ {
    split($1, a, "[=-]")
    for (i = 2; i < NF; i++) if ($(i + 1) == "pg-ms/op") pg[a[2]] = $i
  }
  $1 ~ /^BenchmarkAnalyse\/incidents=/ { split($1, a, "[=-]"); full[a[2]] = $3 / 1e6 }
  /PostGIS query [0-9.]+(ms|s)$/ {
    t = $NF; unit = (t ~ /ms$/) ? 1 : 1000; sub(/m?s$/, "", t); pgjoin = t * unit
    for (i = 1; i <= NF; i++) if ($(i + 1) == "segments,") joinsegs = $i
  }
  END {
    line = "route risk vs PostGIS (count and sum within 25 km, 2,000 segments):"
    n = 0
    for (j = 1; j <= sizes; j++) if ((k = order[j]) in pg) {
      line = line sprintf(" %s incidents %.2f ms vs %.0f ms = %.0fx;", k, go[k], pg[k], pg[k] / go[k]); n++
    }
    if (n == 0) { print "riskratio: no PostGIS benchmark in the output (is PostGIS running?)" > "/dev/stderr"; exit 1 }
    sep = " whole analysis of every segment:"
    for (j = 1; j <= sizes; j++) if ((k = order[j]) in full) { line = line sep sprintf(" %s incidents %.0f ms", k, full[k]); sep = "," }
    if (pgjoin > 0 && order[1] in full)
      line = line sprintf("; the whole risk join in PostGIS (%s segments, indexed) %.0f ms vs the whole analysis %.0f ms = %.0fx", joinsegs, pgjoin, full[order[1]], pgjoin / full[order[1]])
    print line
  }' "$out" "$join")
echo "$summary"
if [ -n "${BENCH_SUMMARY:-}" ]; then echo "$summary" >>"$BENCH_SUMMARY"; fi
