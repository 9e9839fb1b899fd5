#!/usr/bin/env bash
# HTTP load test of bin/routerisk on loopback, beside a static-file
# baseline (nginx serving the very same gzip bytes from disk) and a bare
# Go net/http handler of the same bytes (cmd/staticref), all in one run on
# one machine. Prints requests/s, p99 and CPU time per request for each,
# the ratios, and a summary line (appended to $BENCH_SUMMARY when set, as
# make bench does). Needs wrk and nginx (Debian: apt-get install wrk
# nginx-light).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
BIN=${BIN:-bin/routerisk}
for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "loadtest: $tool is missing (apt-get install wrk nginx-light curl)"; exit 1; }
done

work=$(mktemp -d)
# nginx's workers run as an unprivileged user when started as root: they
# must be able to read the directory the bytes are served from.
chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
api_port=$(free_port)
# Requests come as staff: the bundled incidents are restricted, and the
# baseline is their exact points (the public tier serves counts by cell).
token=$("$BIN" token create --data-dir "$work/data" --role staff --name loadtest | tail -n 1)
auth="Authorization: Bearer $token"
"$BIN" serve --addr "127.0.0.1:$api_port" --data-dir "$work/data" --tile-url none --log-level warn &
api_pid=$!
pids+=("$api_pid")
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$api_port/readyz" >/dev/null && break; sleep 0.1; done

# A cached bbox request of 2,500 incidents (the Mediterranean and around).
path="/api/v1/layers/incidents/features?bbox=-20,20,40,50&limit=2500"
# The first request computes the answer (compressed fast, as a caller
# waits); the first hit has it compressed again in the background, at the
# level every later hit gets: fetch until two answers a moment apart agree.
fetch() { curl -fs -H 'Accept-Encoding: gzip' -H "$auth" -o "$1" "http://127.0.0.1:$api_port$path"; }
fetch "$work/features.json.gz"
fetch "$work/features.json.gz"
for _ in $(seq 1 50); do
  sleep 0.2
  fetch "$work/again.json.gz"
  cmp -s "$work/features.json.gz" "$work/again.json.gz" && break
  mv "$work/again.json.gz" "$work/features.json.gz"
done
returned=$(gzip -dc "$work/features.json.gz" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["numberReturned"])')
size=$(stat -c %s "$work/features.json.gz")

# The Go reference: a bare net/http handler of the same bytes.
bare_port=$(free_port)
go build -o "$work/staticref" ./cmd/staticref
"$work/staticref" -addr "127.0.0.1:$bare_port" -file "$work/features.json.gz" &
bare_pid=$!
pids+=("$bare_pid")

static_port=$(free_port)
mkdir -p "$work/www"
cp "$work/features.json.gz" "$work/www/features.json"
cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path $work/tmp;
  proxy_temp_path $work/tmp;
  fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp;
  scgi_temp_path $work/tmp;
  server {
    listen 127.0.0.1:$static_port;
    root $work/www;
    location / { default_type application/geo+json; add_header Content-Encoding gzip; }
  }
}
CONF
mkdir -p "$work/tmp"
nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
pids+=("$nginx_pid")
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$static_port/features.json" && break; sleep 0.1; done
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$bare_port/" && break; sleep 0.1; done
# Every server must answer 200 with the very same bytes, or the ratios
# compare unlike things (an nginx that cannot read the file answers 403
# far faster than any server sends 150 KB).
same_bytes() { # name url
  curl -fs -H 'Accept-Encoding: gzip' -H "$auth" -o "$work/check.gz" "$2" || { echo "loadtest: $1 did not answer 200 at $2"; exit 1; }
  cmp -s "$work/check.gz" "$work/features.json.gz" || { echo "loadtest: $1 answered other bytes than the cached response"; exit 1; }
}
same_bytes static_nginx "http://127.0.0.1:$static_port/features.json"
same_bytes bare_go "http://127.0.0.1:$bare_port/"
same_bytes cached "http://127.0.0.1:$api_port$path"

# CPU time (user+system, clock ticks) of a process and its children
# (nginx's workers).
cpu_ticks() {
  local t=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}
hz=$(getconf CLK_TCK)

# Uncached: every request a new bbox, so every request is a cache miss.
cat > "$work/uncached.lua" <<'LUA'
local i = 0
request = function()
  i = i + 1
  local w = 20 + (i % 100000) / 100000
  return wrk.format("GET", "/api/v1/layers/incidents/features?bbox=-20,20," .. w .. ",50&limit=2500")
end
LUA

run() { # name pid url [script]
  local name=$1 pid=$2 url=$3 script=${4:-}
  local out before after
  before=$(cpu_ticks "$pid")
  if [ -n "$script" ]; then
    out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H 'Accept-Encoding: gzip' -H "$auth" -s "$script" "$url")
  else
    out=$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H 'Accept-Encoding: gzip' -H "$auth" "$url")
  fi
  after=$(cpu_ticks "$pid")
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    echo "loadtest: $name answered errors under load; its figures would mean nothing:"; echo "$out"; exit 1
  fi
  local rps p99 n cpu
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  cpu=$(awk -v t=$((after - before)) -v hz="$hz" -v n="$n" 'BEGIN { printf "%.0f", (n > 0 ? t / hz / n * 1e6 : 0) }')
  printf '%-34s %12s req/s   p99 %8s   cpu %5s us/request\n' "$name" "$rps" "$p99" "$cpu"
  eval "rps_$name=$rps"
}

echo "payload: $returned features, $size bytes gzip; wrk -t$THREADS -c$CONNS -d$DURATION"
run static_nginx "$nginx_pid" "http://127.0.0.1:$static_port/features.json"
run bare_go "$bare_pid" "http://127.0.0.1:$bare_port/"
run cached "$api_pid" "http://127.0.0.1:$api_port$path"
run uncached "$api_pid" "http://127.0.0.1:$api_port" "$work/uncached.lua"
awk -v c="$rps_cached" -v s="$rps_static_nginx" -v b="$rps_bare_go" -v u="$rps_uncached" 'BEGIN {
  printf "ratio cached/static   %.2f\nratio bare_go/static  %.2f\nratio cached/bare_go  %.2f\nratio uncached/static %.3f\n", c/s, b/s, c/b, u/s }'
summary=$(awk -v c="$rps_cached" -v s="$rps_static_nginx" -v b="$rps_bare_go" 'BEGIN {
  printf "cached/nginx %.2fx (goal >= 0.8x; a bare Go handler of the same bytes: %.2fx), %d bytes gzip, wrk -t'"$THREADS"' -c'"$CONNS"' -d'"$DURATION"'", c/s, b/s, '"$size"' }')
echo "summary: $summary"
if [ -n "${BENCH_SUMMARY:-}" ]; then echo "$summary" >>"$BENCH_SUMMARY"; fi
rss=$(awk '/VmHWM/ {print $2 " " $3}' "/proc/$api_pid/status")
echo "server peak RSS (VmHWM), all layers loaded, after the load: $rss"
