#!/usr/bin/env bash
# Peak memory of the server while it computes the heaviest route-risk
# analyses the tiers below staff may ask, three at once: partners with
# 5 km segments (the shortest allowed) and the largest radius the work cap
# allows, on three different reference months (so no two share a
# computation or a cache entry). It starts bin/routerisk with the bundled layers, reads the peak
# resident memory (VmHWM) once loaded and warm, fires the three requests in
# parallel, and reads it again. The aim: under 1 GiB. Appends a summary
# line to $BENCH_SUMMARY when set (make bench).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-bin/routerisk}
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
port=$(free_port)
token=$("$BIN" token create --data-dir "$work/data" --role partner --name analysismem | tail -n 1)
"$BIN" serve --addr "127.0.0.1:$port" --data-dir "$work/data" --tile-url none --log-level warn &
pid=$!
# Ready, then warm: the dashboard's first answers (route risk, priorities,
# the first layers) are computed in the background at start-up.
warm() { curl -fs "http://127.0.0.1:$port/readyz" 2>/dev/null | grep -q '"warm": *true'; }
for _ in $(seq 1 600); do warm && break; sleep 0.1; done
warm || { echo "analysismem: the server was not warm after 60 s"; exit 1; }

hwm() { awk '/VmHWM/ {print $2}' "/proc/$pid/status"; }
loaded=$(hwm)
start=$(date +%s.%N)
codes=()
requests=()
for day in 2025-01-01 2025-02-01 2025-03-01; do
  curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/v1/risk/segments?segment_km=5&radius_km=70&reference_date=$day" > "$work/code-$day" &
  requests+=("$!")
done
wait "${requests[@]}"
for f in "$work"/code-*; do codes+=("$(cat "$f")"); done
took=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e-s}')
peak=$(hwm)
echo "heaviest permitted analyses (partner, segment_km=5, radius_km=70), 3 at once: answers ${codes[*]} in ${took} s"
line=$(awk -v l="$loaded" -v p="$peak" 'BEGIN {
  printf "peak RSS on the bundled data: %.0f MiB once loaded and warm (the dashboard'"'"'s first answers computed), %.0f MiB during the three heaviest permitted analyses (limit 1024 MiB: %s)", l/1024, p/1024, (p < 1024*1024 ? "under" : "OVER") }')
echo "$line"
if [ -n "${BENCH_SUMMARY:-}" ]; then echo "$line" >>"$BENCH_SUMMARY"; fi
# A request beyond the work cap is refused before any work.
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/risk/segments?segment_km=1&radius_km=200")
echo "segment_km=1&radius_km=200 as a partner: $code"
