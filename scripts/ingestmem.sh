#!/usr/bin/env bash
# Peak memory of the server while it ingests one large GeoJSON upload.
# WORKLOAD=minimal (default) generates synthetic incidents with the five
# properties the analysis reads (about 245 bytes a feature: the worst case,
# most features per megabyte); WORKLOAD=mmp repeats the bundled Missing
# Migrants incidents with all their properties (about 700 bytes a feature),
# up to about SIZE_MB (default 100) MB. It starts bin/routerisk with the bundled layers loaded, resets the kernel's
# peak-RSS counter (VmHWM) once the server is idle, uploads the file as a new
# layer and reads the peak again: once when the upload is answered (the new
# version installed and served, so the published layer is counted), and
# again when the server has re-run its warm analyses over the new layer
# (/readyz says "warm"). Then converts the same file with GDAL's ogr2ogr to
# GeoPackage, as a reference for time and memory. Prints the file size, the
# resident memory before, both peaks and their growth over the file size
# (the aim: at most 2x at the answer), and a summary line, appended to
# $BENCH_SUMMARY when set (make bench).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=${SIZE_MB:-100}
BIN=${BIN:-bin/routerisk}
GO=${GO:-go}
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

WORKLOAD=${WORKLOAD:-minimal}
case "$WORKLOAD" in
minimal)
  # About 245 bytes per synthetic incident.
  n=$(( SIZE_MB * 1024 * 1024 / 245 ))
  "$GO" run ./cmd/synthincidents -n "$n" -seed 7 -out "$work" >/dev/null
  file=$(ls "$work"/incidents-*.geojson)
  ;;
mmp)
  file="$work/incidents-mmp.geojson"
  python3 - "$SIZE_MB" "$file" <<'PY'
import gzip, json, sys
size_mb, out = int(sys.argv[1]), sys.argv[2]
base = json.load(gzip.open("geodata/sample/layers/incidents.geojson.gz"))["features"]
limit, written, copy = size_mb * 1024 * 1024, 0, 0
with open(out, "w") as f:
    f.write('{"type":"FeatureCollection","features":[\n')
    first = True
    while written < limit:
        copy += 1
        for ft in base:
            ft = dict(ft, id=f"{ft['id']}-{copy}")
            line = ("" if first else ",\n") + json.dumps(ft, ensure_ascii=False)
            first = False
            f.write(line)
            written += len(line.encode())
            if written >= limit:
                break
    f.write("]}\n")
PY
  ;;
*) echo "ingestmem: WORKLOAD is minimal or mmp"; exit 2 ;;
esac
size=$(stat -c %s "$file")

token=$("$BIN" token create --data-dir "$work/data" --role editor --name ingest-benchmark | tail -n 1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
"$BIN" serve --addr "127.0.0.1:$port" --data-dir "$work/data" --tile-url none --log-level warn \
  --upload-max-bytes "$(( size + 1048576 ))" --upload-max-features 2000000 &
pid=$!
warm() { curl -fs "http://127.0.0.1:$port/readyz" 2>/dev/null | grep -q '"warm": *true'; }
for _ in $(seq 1 1200); do warm && break; sleep 0.1; done
warm || { echo "ingestmem: the server was not warm after 120 s"; exit 1; }
sleep 1
kb() { awk -v k="$1:" '$1==k {print $2}' "/proc/$pid/status"; }
before=$(kb VmRSS)
echo 5 > "/proc/$pid/clear_refs" # reset VmHWM to the current RSS
start=$(date +%s.%N)
status=$(curl -s -o "$work/answer.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
  -F "file=@$file" -F id=big-incidents -F kind=incident -F title="Synthetic incidents" \
  -F sensitivity=restricted -F source=synthetic -F license=none \
  "http://127.0.0.1:$port/api/v1/layers")
end=$(date +%s.%N)
peak=$(kb VmHWM)
[ "$status" = 201 ] || { echo "ingestmem: upload answered $status: $(head -c 400 "$work/answer.json")"; exit 1; }
for _ in $(seq 1 3000); do warm && break; sleep 0.1; done
warm || { echo "ingestmem: the server was not warm again 300 s after the upload"; exit 1; }
warmpeak=$(kb VmHWM)
features=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layer"]["feature_count"])' "$work/answer.json")
# The reference: GDAL converting the same file to GeoPackage, its time and
# its peak resident memory (the child's ru_maxrss).
ogr=$(python3 - "$file" "$work/ref.gpkg" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
subprocess.run(["ogr2ogr", "-f", "GPKG", sys.argv[2], sys.argv[1]], check=True, stdout=subprocess.DEVNULL)
print(f"{time.monotonic() - t:.1f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
PY
)
summary=$(python3 - "$size" "$before" "$peak" "$features" "$start" "$end" "$WORKLOAD" "$warmpeak" $ogr <<'PY'
import sys
size, before, peak, feats, start, end = int(sys.argv[1]), int(sys.argv[2])*1024, int(sys.argv[3])*1024, int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
warmpeak, ogr_s, ogr_rss = int(sys.argv[8])*1024, float(sys.argv[9]), int(sys.argv[10])*1024
mb = lambda b: b / 1048576
print(f"ingest ({sys.argv[7]}): {mb(size):.1f} MB GeoJSON, {feats} features, {end-start:.1f} s; ogr2ogr to GeoPackage {ogr_s:.1f} s, peak RSS {mb(ogr_rss):.0f} MB", file=sys.stderr)
print(f"ingest: RSS before {mb(before):.0f} MB, peak until the upload is answered {mb(peak):.0f} MB, until the analyses are warm again {mb(warmpeak):.0f} MB", file=sys.stderr)
print(f"ingest ({sys.argv[7]}, {mb(size):.0f} MB, {feats} features): peak growth {(peak-before)/size:.2f}x the file at the answer (aim <= 2x), "
      f"{(warmpeak-before)/size:.2f}x until warm again; {end-start:.1f} s vs ogr2ogr {ogr_s:.1f} s")
PY
)
echo "$summary"
if [ -n "${BENCH_SUMMARY:-}" ]; then echo "$summary" >>"$BENCH_SUMMARY"; fi
