#!/usr/bin/env bash
# ci-services.sh start|stop: a throwaway PostgreSQL cluster for this module's
# tests. `start` installs PostgreSQL with apt-get when it is missing, creates a
# cluster in a fresh temporary directory (no fsync, trust authentication),
# listening on 127.0.0.1 only, on a free port, and writes the DSN the tests
# read to .ci-services.env beside this script. `stop` stops the cluster and
# removes the directory and the file. Nothing outside the temporary directory
# is touched, except the package installation.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
state="$here/.ci-services.env"

find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v initdb)"; return 0
  fi
  return 1
}

install_postgres() {
  command -v apt-get >/dev/null || { echo "ci-services: PostgreSQL is missing and apt-get is not available" >&2; return 1; }
  [ "$(id -u)" = 0 ] || { echo "ci-services: PostgreSQL is missing; installing it needs root" >&2; return 1; }
  # Install the server without the packaged 'main' cluster: the tests make their own.
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    mkdir -p /etc/postgresql-common
    echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

# as_owner runs a command as the cluster's owner: root may not run PostgreSQL.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  if [ -f "$state" ]; then
    echo "ci-services: already started ($state); stopping the old cluster first" >&2
    stop
  fi
  local bin
  bin="$(find_bin)" || { install_postgres; bin="$(find_bin)"; }
  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/o2okit-pg.XXXXXX")"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres: "$dir"
  fi
  as_owner "$bin/initdb" --no-sync --auth=trust --username=postgres --encoding=UTF8 --locale=C -D "$dir/data" >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; rm -rf "$dir"; return 1; }
  local port tries=0
  while :; do
    tries=$((tries + 1))
    port=$((20000 + RANDOM % 40000))
    port_free "$port" || continue
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null; then
      break
    fi
    if [ "$tries" -ge 5 ]; then cat "$dir/server.log" >&2; rm -rf "$dir"; return 1; fi
  done
  local dsn="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  printf 'PGTMP=%s\nPGBIN=%s\nO2OKIT_SERVICE_DSN=%s\n' "$dir" "$bin" "$dsn" >"$state"
  echo "ci-services: PostgreSQL on 127.0.0.1:$port (data in $dir)"
}

stop() {
  [ -f "$state" ] || { echo "ci-services: nothing to stop"; return 0; }
  local dir bin
  dir="$(sed -n 's/^PGTMP=//p' "$state")"
  bin="$(sed -n 's/^PGBIN=//p' "$state")"
  if [ -n "$dir" ] && [ -d "$dir/data" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  case "$dir" in */o2okit-pg.*) rm -rf "$dir" ;; esac
  rm -f "$state"
  echo "ci-services: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
