#!/usr/bin/env bash
# postgres.sh — a throwaway PostgreSQL cluster for tests.
#
#   .ci/postgres.sh start DIR   initdb into DIR/data, start the server listening
#                               only on a Unix socket in DIR, create the database
#                               basewatch_test, and print its DSN on stdout:
#                               host=DIR port=PORT user=postgres dbname=basewatch_test sslmode=disable
#   .ci/postgres.sh stop DIR    stop that server (DIR is left for the caller to remove)
#
# Uses the newest /usr/lib/postgresql/*/bin (or PG_BINDIR, or initdb on PATH).
# Run as root, the server runs as the postgres user and DIR is given to it, so
# DIR's parent directories must be searchable by postgres. Run as another user,
# the server runs as that user. PGPORT chooses the port number (default 5432);
# it only names the socket file, nothing listens on TCP.
# The server is tuned for tests (fsync off): never point it at data you keep.
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 1; }

bindir() {
	if [[ -n "${PG_BINDIR:-}" ]]; then
		echo "$PG_BINDIR"
		return
	fi
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
	if [[ -n "$d" && -x "$d/initdb" ]]; then
		echo "$d"
		return
	fi
	if command -v initdb >/dev/null 2>&1; then
		dirname "$(command -v initdb)"
		return
	fi
	die "no PostgreSQL found (looked in /usr/lib/postgresql/*/bin and PATH; set PG_BINDIR or install postgresql)"
}

# as_pg runs a command as the user that owns the cluster.
as_pg() {
	if [[ "$(id -u)" == 0 ]]; then
		if command -v runuser >/dev/null 2>&1; then
			runuser -u postgres -- "$@"
		else
			su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
		fi
	else
		"$@"
	fi
}

cmd=${1:-}
dir=${2:-}
[[ -n "$cmd" && -n "$dir" ]] || die "usage: postgres.sh start|stop DIR"
[[ "$dir" == /* ]] || dir="$PWD/$dir"
port=${PGPORT:-5432}

case "$cmd" in
start)
	bin=$(bindir)
	mkdir -p "$dir"
	if [[ "$(id -u)" == 0 ]]; then
		getent passwd postgres >/dev/null || die "no postgres user to run the server as"
		chown postgres: "$dir"
		as_pg test -x "$dir" || die "the postgres user cannot reach $dir: make its parent directories searchable (chmod o+x)"
	fi
	chmod 700 "$dir"
	# The socket path must fit in 107 bytes.
	(( ${#dir} + 20 < 108 )) || die "$dir is too long for a Unix socket path; use a shorter directory"
	[[ -e "$dir/data/PG_VERSION" ]] && die "$dir/data already holds a cluster; stop and remove it first"
	as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; die "initdb failed"; }
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-k $dir -p $port -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
		start >&2 || { cat "$dir/server.log" >&2; die "pg_ctl start failed"; }
	as_pg "$bin/createdb" -h "$dir" -p "$port" -U postgres basewatch_test >&2 || die "createdb basewatch_test failed"
	if [[ -n "${WATCH_PID:-}" ]]; then
		setsid bash -c '
			while kill -0 "$1" 2>/dev/null; do sleep 1; done
			if [[ -e "$2/data/postmaster.pid" ]]; then "$0" stop "$2"; fi
			rm -rf "$2"
		' "$(readlink -f "$0")" "$WATCH_PID" "$dir" </dev/null >/dev/null 2>&1 &
	fi
	echo "host=$dir port=$port user=postgres dbname=basewatch_test sslmode=disable"
	;;
stop)
	[[ -e "$dir/data/postmaster.pid" ]] || exit 0
	bin=$(bindir)
	as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2
	;;
*)
	die "usage: postgres.sh start|stop DIR"
	;;
esac
