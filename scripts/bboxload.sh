#!/usr/bin/env bash
# Uncached bbox reads at scale, beside PostGIS: a synthetic incident layer
# of N incidents (default 200,000; cmd/synthincidents, seed 1) is published
# in bin/routerisk and loaded into a PostGIS table with a GiST index
# (ogr2ogr), which cmd/pgref serves with a minimal pgx handler
# (ST_AsGeoJSON rows joined into a FeatureCollection). Both are then read
# with the same random 2×2° boxes centred on incident positions, so that
# nearly every request to RouteRisk misses its cache. Prints requests/s,
# p50 and p99 of each, the ratio, and the peak resident memory of the
# server and of PostgreSQL's backends; appends a summary line to
# $BENCH_SUMMARY when set (make bench). Needs wrk, curl, psql, ogr2ogr and
# a PostgreSQL with PostGIS at $PGURL (default
# postgresql://postgres@127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-200000}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}
BIN=${BIN:-bin/routerisk}
GO=${GO:-go}
PGURL=${PGURL:-postgresql://postgres@127.0.0.1:5432}
for tool in wrk curl psql ogr2ogr python3; do
  command -v "$tool" >/dev/null || { echo "bboxload: $tool is missing (make bench-deps)"; exit 1; }
done

work=$(mktemp -d)
db="routerisk_bbox_$$"
table="incidents$N"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q "$PGURL/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

echo "bboxload: $N synthetic incidents"
"$GO" run ./cmd/synthincidents -n "$N" -seed 1 -out "$work" >/dev/null
file=$(ls "$work"/incidents-"$N"-*.geojson)
"$GO" build -o "$work/pgref" ./cmd/pgref

# RouteRisk: the layer published in a fresh file store, read as staff
# (exact points: the same features PostGIS returns).
"$BIN" import --data-dir "$work/data" --id synthetic --kind incident --title "Synthetic incidents" \
  --source "cmd/synthincidents" --license "CC0" "$file" >"$work/import.log" 2>&1 ||
  { echo "bboxload: import failed:"; tail -n 20 "$work/import.log"; exit 1; }
token=$("$BIN" token create --data-dir "$work/data" --role staff --name bboxload | tail -n 1)
auth="Authorization: Bearer $token"

# PostGIS: the same file, with a GiST index on the geometry.
psql -q "$PGURL/postgres" -c "CREATE DATABASE $db" >/dev/null
psql -q "$PGURL/$db" -c "CREATE EXTENSION postgis" >/dev/null
PG_USE_COPY=YES ogr2ogr -f PostgreSQL "PG:$PGURL/$db" "$file" -nln "$table" \
  -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST -lco FID=fid -t_srs EPSG:4326
psql -q "$PGURL/$db" -c "ANALYZE $table" >/dev/null
rows=$(psql -tA "$PGURL/$db" -c "SELECT count(*) FROM $table")

api_port=$(free_port)
"$BIN" serve --addr "127.0.0.1:$api_port" --data-dir "$work/data" --tile-url none --log-level warn &
api_pid=$!
pids+=("$api_pid")
pg_port=$(free_port)
"$work/pgref" -addr "127.0.0.1:$pg_port" -db "$PGURL/$db" -table "$table" -conns "$CONNS" &
pg_pid=$!
pids+=("$pg_pid")
for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$api_port/readyz" >/dev/null && break; sleep 0.1; done
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$pg_port/?bbox=0,0,1,1" && break; sleep 0.1; done

# The boxes: centred on 4,000 incident positions drawn with a fixed seed,
# jittered by up to a degree, so they fall where the data is and repeat
# rarely; both servers get the same sequence.
python3 - "$file" "$work/centres.lua" <<'PY'
import json, random, sys
feats = json.load(open(sys.argv[1]))["features"]
rng = random.Random(1)
pts = [f["geometry"]["coordinates"] for f in rng.sample(feats, 4000)]
with open(sys.argv[2], "w") as out:
    out.write("centres = {\n")
    for lon, lat in pts:
        out.write("{%.4f,%.4f},\n" % (lon + rng.uniform(-1, 1), lat + rng.uniform(-1, 1)))
    out.write("}\n")
PY
lua_for() { # path-prefix out
  cat "$work/centres.lua" > "$2"
  cat >>"$2" <<LUA
local i = 0
local tid = 0
setup = function(thread) tid = tid + 1; thread:set("offset", tid * 1009) end
request = function()
  i = i + 1
  local c = centres[((i + (offset or 0)) % #centres) + 1]
  local j = (i % 997) / 100000
  local box = string.format("%.5f,%.5f,%.5f,%.5f", c[1] - 1 + j, c[2] - 1, c[1] + 1 + j, c[2] + 1)
  return wrk.format("GET", "$1" .. "bbox=" .. box .. "&limit=2500")
end
LUA
}
lua_for "/api/v1/layers/synthetic/features?" "$work/routerisk.lua"
lua_for "/?" "$work/pgref.lua"

# One box, to show both answer the same features.
box="10,33,12,35"
ours=$(curl -fs -H "$auth" "http://127.0.0.1:$api_port/api/v1/layers/synthetic/features?bbox=$box&limit=2500" | python3 -c 'import json,sys; print(json.load(sys.stdin)["numberReturned"])')
theirs=$(curl -fs "http://127.0.0.1:$pg_port/?bbox=$box&limit=2500" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["features"]))')
echo "layer: $rows rows in PostGIS; bbox $box: RouteRisk $ours features, PostGIS $theirs"

# A short unmeasured run of each first: PostgreSQL's buffers then hold the
# table and its index, and RouteRisk has compressed the runs of features
# its box pages are spliced from (started by the first box read, in the
# background: about a second for 200,000 incidents).
wrk -t"$THREADS" -c"$CONNS" -d3s -H 'Accept-Encoding: gzip' -s "$work/pgref.lua" "http://127.0.0.1:$pg_port" >/dev/null
wrk -t"$THREADS" -c"$CONNS" -d3s -H 'Accept-Encoding: gzip' -H "$auth" -s "$work/routerisk.lua" "http://127.0.0.1:$api_port" >/dev/null

run() { # name url script
  local out rps p50 p99
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H 'Accept-Encoding: gzip' -H "$auth" -s "$3" "$2")
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    echo "bboxload: $1 answered errors under load; its figures would mean nothing:"; echo "$out"; exit 1
  fi
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '%-28s %10s req/s   p50 %8s   p99 %8s\n' "$1" "$rps" "$p50" "$p99"
  eval "rps_$1=$rps; p50_$1=$p50; p99_$1=$p99"
}
echo "uncached random 2x2 degree boxes, limit 2500, wrk -t$THREADS -c$CONNS -d$DURATION"
run postgis "http://127.0.0.1:$pg_port" "$work/pgref.lua"
run routerisk "http://127.0.0.1:$api_port" "$work/routerisk.lua"
rss=$(awk '/VmHWM/ {print $2}' "/proc/$api_pid/status")
pg_rss=$(ps -o rss= -C postgres | awk '{s+=$1} END {print s+0}')
ratio=$(awk -v a="$rps_routerisk" -v b="$rps_postgis" 'BEGIN { printf "%.1f", a / b }')
echo "ratio routerisk/postgis ${ratio}x (goal >= 20x)"
echo "peak RSS: routerisk $((rss / 1024)) MiB (VmHWM); postgres backends now $((pg_rss / 1024)) MiB"
summary="uncached ${N} bbox: routerisk/postgis ${ratio}x (goal >= 20x; ${rps_routerisk} vs ${rps_postgis} req/s; p50 ${p50_routerisk} vs ${p50_postgis}, p99 ${p99_routerisk} vs ${p99_postgis}; routerisk peak RSS $((rss / 1024)) MiB)"
echo "summary: $summary"
if [ -n "${BENCH_SUMMARY:-}" ]; then echo "$summary" >>"$BENCH_SUMMARY"; fi
