#!/bin/bash
# pg.sh — a throw-away PostgreSQL server for the tests, on loopback only.
#   pg.sh start DIR   initdb in DIR (created, owned by postgres when run as root), start on a
#                     free port, print the base URL (postgresql://postgres@127.0.0.1:PORT)
#   pg.sh stop DIR    stop it and remove DIR
# PostgreSQL refuses to run as root, so as root every server command runs as the postgres user.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "pg.sh: PostgreSQL server is not installed (apt-get install postgresql)" >&2; exit 1; }

as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
	done
	echo "pg.sh: no free port found" >&2
	exit 1
}

case "${1:-}" in
start)
	dir=$2
	mkdir -p "$dir"
	[ "$(id -u)" = 0 ] && chown postgres: "$dir"
	as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
		|| { cat "$dir/initdb.log" >&2; exit 1; }
	# Durability is not under test here, so skip fsync to keep the suite fast. A port that
	# looked free may be taken before the server binds it: then another port, three times.
	for _ in 1 2 3; do
		port=$(free_port)
		if as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
			-o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
			start >/dev/null; then
			echo "postgresql://postgres@127.0.0.1:$port"
			exit 0
		fi
		grep -q "could not create any TCP/IP sockets" "$dir/server.log" || break
	done
	cat "$dir/server.log" >&2
	exit 1
	;;
stop)
	dir=$2
	[ -d "$dir/data" ] && as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
	;;
*)
	echo "usage: pg.sh start|stop DIR" >&2
	exit 2
	;;
esac
