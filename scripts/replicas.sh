#!/usr/bin/env bash
# Read throughput of one replica against two, in one run on one machine:
# bin/routerisk on a fresh PostGIS database (and a local Redis), behind
# nginx as the load balancer, with wrk asking for a cached bbox page of
# incidents as staff. Prints requests/s and p99 for each and the ratio.
# Needs wrk, nginx, redis-server and PostgreSQL with PostGIS at
# $PGURL (default postgresql://postgres@127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
BIN=${BIN:-bin/routerisk}
CONSISTENCY=${CONSISTENCY:-strict} # strict or eventual (see --consistency)
PGURL=${PGURL:-postgresql://postgres@127.0.0.1:5432}
for tool in wrk nginx curl psql redis-server; do
  command -v "$tool" >/dev/null || { echo "replicas: $tool is missing"; exit 1; }
done

work=$(mktemp -d)
db="rr_replicas_$$"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q "$PGURL/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

psql -q "$PGURL/postgres" -c "CREATE DATABASE $db" >/dev/null
store="$PGURL/$db"
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >/dev/null &
pids+=("$!")

# The token lives in PostGIS, where both replicas read tokens.
token=$("$BIN" token create --store "$store" --role staff --name replicas | tail -n 1)
ports=()
for r in a b; do
  port=$(free_port)
  "$BIN" serve --addr "127.0.0.1:$port" --data-dir "$work/$r" --store "$store" \
    --redis-url "redis://127.0.0.1:$redis_port/0" --consistency "$CONSISTENCY" --tile-url none --log-level warn &
  pids+=("$!")
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  ports+=("$port")
done

path="/api/v1/layers/incidents/features?bbox=-20,20,40,50&limit=2500"
run() { # name upstream-servers…
  local name=$1; shift
  local lb; lb=$(free_port)
  local servers=""
  for p in "$@"; do servers+="server 127.0.0.1:$p; "; done
  mkdir -p "$work/$name"
  cat > "$work/$name/nginx.conf" <<CONF
worker_processes 2;
pid $work/$name/nginx.pid;
error_log $work/$name/error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/$name; proxy_temp_path $work/$name;
  fastcgi_temp_path $work/$name; uwsgi_temp_path $work/$name; scgi_temp_path $work/$name;
  upstream api { least_conn; $servers keepalive 64; }
  server {
    listen 127.0.0.1:$lb;
    location / { proxy_pass http://api; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
  nginx -c "$work/$name/nginx.conf" &
  local npid=$!
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$lb/healthz" >/dev/null && break; sleep 0.1; done
  # The first request computes the answer, the first hit has it compressed
  # again (server/answers): the load then reads the bytes every hit gets.
  curl -fs -H "Authorization: Bearer $token" -H 'Accept-Encoding: gzip' -o /dev/null "http://127.0.0.1:$lb$path"
  curl -fs -H "Authorization: Bearer $token" -H 'Accept-Encoding: gzip' -o /dev/null "http://127.0.0.1:$lb$path"
  sleep 0.5
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H "Authorization: Bearer $token" -H 'Accept-Encoding: gzip' \
    "http://127.0.0.1:$lb$path" > "$work/$name.txt"
  kill "$npid"; wait "$npid" 2>/dev/null || true
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$name.txt")
  p99=$(awk '$1=="99%" {print $2}' "$work/$name.txt")
  printf '%-14s %10s req/s   p99 %s\n' "$name" "$rps" "$p99"
  echo "$rps" > "$work/$name.rps"
}
echo "cached bbox page of incidents through nginx, wrk -t$THREADS -c$CONNS $DURATION, consistency $CONSISTENCY"
run one-replica "${ports[0]}"
run two-replicas "${ports[0]}" "${ports[1]}"
python3 -c "import sys; a=float(open('$work/one-replica.rps').read()); b=float(open('$work/two-replicas.rps').read()); print(f'two replicas / one: {b/a:.2f}')"
