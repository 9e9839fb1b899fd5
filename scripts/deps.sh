#!/usr/bin/env bash
# What the tests need besides Go and Node, on Debian: redis-server (the
# tests start their own servers), Chromium (end-to-end tests), GDAL's
# ogrinfo (gdal-bin), psql (postgresql-client) and a PostgreSQL server with
# PostGIS. Missing packages are installed with apt-get when run as root;
# otherwise the one command to install them is printed and the script
# fails. A PostgreSQL server that is installed but not accepting
# connections on 127.0.0.1:5432 is started.
#
# scripts/deps.sh bench checks instead for what make bench adds: wrk,
# nginx (nginx-light) and curl.
set -euo pipefail

what=${1:-test}
missing=()

# pg_major prints the major version of the installed PostgreSQL server
# (the newest, when several are), nothing when none is.
pg_major() {
  ls /etc/postgresql 2>/dev/null | sort -n | tail -n 1
}

install_missing() {
  if [ ${#missing[@]} -eq 0 ]; then
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing ${missing[*]}; install with:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "deps: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

case "$what" in
test) ;;
bench)
  command -v wrk >/dev/null || missing+=(wrk)
  command -v nginx >/dev/null || missing+=(nginx-light)
  command -v curl >/dev/null || missing+=(curl)
  install_missing
  echo "deps: wrk, nginx and curl present"
  exit 0
  ;;
*)
  echo "usage: scripts/deps.sh [test|bench]" >&2
  exit 2
  ;;
esac

command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v ogrinfo >/dev/null || missing+=(gdal-bin)
command -v psql >/dev/null || missing+=(postgresql-client)
major=$(pg_major)
if [ -z "$major" ]; then
  missing+=(postgresql postgresql-15-postgis-3)
elif [ ! -e "/usr/share/postgresql/$major/extension/postgis.control" ]; then
  missing+=("postgresql-$major-postgis-3")
fi
install_missing
major=$(pg_major)
if [ -z "$major" ]; then
  echo "deps: PostgreSQL is installed but has no cluster in /etc/postgresql" >&2
  exit 1
fi
echo "deps: redis-server, chromium, gdal-bin, postgresql-client and PostgreSQL $major with PostGIS present"

# The PostGIS tests connect to 127.0.0.1:5432.
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: PostgreSQL is not accepting connections on 127.0.0.1:5432; start it with:" >&2
    echo "  sudo pg_ctlcluster $major main start" >&2
    exit 1
  fi
  echo "deps: starting PostgreSQL $major"
  pg_ctlcluster --skip-systemctl-redirect "$major" main start || pg_ctlcluster "$major" main start || true
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
  done
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "deps: PostgreSQL $major did not accept connections on 127.0.0.1:5432 within 30 s" >&2
    exit 1
  fi
fi
echo "deps: PostgreSQL ready on 127.0.0.1:5432"
