#!/bin/bash
# run.sh — every test, as `make test` runs them, after starting a PostgreSQL server here
# (stopped afterwards):
#   1. C unit tests (Check), built with AddressSanitizer and UBSan, on SQLite and on that
#      server (GZF_TEST_PG_URL; in CI a missing server fails them rather than skipping)
#   1b. each libFuzzer target for 30 s (tests/fuzz/README.md): a pass per target that found nothing
#   1c. unit tests of the front end's plain modules (tests/unit-web, node:test)
#   2. API tests against a real `gzf serve` (the sanitizer build) on SQLite
#   3. the same API tests on PostgreSQL
#   4. browser tests (playwright-core driving Debian's Chromium) on SQLite
#   5. the soak: residents and staff at a fixed arrival rate of 2,000 requests/s for 60 s
#      (bench/soak with httperf, build/gzf): no error, p99 under 50 ms; run alone
# Stages that do not disturb each other run two at a time, as the two cores allow: the unit
# tests beside the fuzzers, the API tests on SQLite beside those on PostgreSQL (each has its
# own server and database); the output of each is printed whole once it ends.
# Each stage has a time it must end in (bounded, below): one that does not fails with what
# still ran and its gzf processes' stacks, so a hang never holds the run.
# It goes on after a failing stage and ends with one line: "total: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d /tmp/gzf-tests.XXXXXX)
chmod 755 "$work"
pgdir="$work/pg"
cleanup() {
	tests/lib/pg.sh stop "$pgdir" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
stage_failed=()

# count_spec FILE LABEL — counts the summary node's spec reporter ends FILE with
# ("ℹ pass N", "ℹ fail N", "ℹ cancelled N"); no summary (a stage cut short) fails LABEL.
count_spec() {
	local p f c
	p=$(awk '$1 == "ℹ" && $2 == "pass" {n = $3} END {print n}' "$1")
	f=$(awk '$1 == "ℹ" && $2 == "fail" {n = $3} END {print n}' "$1")
	c=$(awk '$1 == "ℹ" && $2 == "cancelled" {n = $3} END {print n}' "$1")
	f=$((${f:-0} + ${c:-0}))
	passed=$((passed + ${p:-0}))
	failed=$((failed + f))
	if [ "$f" != 0 ] || [ -z "$p" ]; then stage_failed+=("$2"); fi
}

# bounded SECONDS command... — runs the command in a process group of its own; if it has
# not ended after SECONDS, prints what was still running and the threads' stacks of every
# gzf process among them (gdb), then ends the group: a stage that hangs fails with the
# reason instead of holding the whole run. The command's exit code (124 past the time).
bounded() {
	local secs=$1 pid waited=0 diag rc
	shift
	setsid "$@" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$waited" -ge "$secs" ]; then
			diag=$(
				echo "!! did not end within $secs s: $*"
				ps -o pid,etime,stat,wchan:24,args -g "$pid"
				for p in $(pgrep -g "$pid" '^gzf'); do
					echo "!! the threads of gzf process $p"
					timeout 60 gdb -p "$p" -batch -ex 'thread apply all bt' 2>&1 | grep -E '^(Thread|#)' | head -400
				done
			)
			kill -TERM -- "-$pid" 2>/dev/null
			sleep 5
			kill -KILL -- "-$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			printf '%s\n' "$diag"
			return 124
		fi
		sleep 1
		waited=$((waited + 1))
	done
	wait "$pid"
	rc=$?
	kill -KILL -- "-$pid" 2>/dev/null # what it left running
	return $rc
}

# node_run LABEL SECONDS DIR [env...] — the node:test files of DIR, one at a time, for
# SECONDS at most; the spec report goes to $work/LABEL.out (standard output, written as
# it comes: a reporter writing to a file of its own may not be flushed when the run is
# made to exit), the exit code to $work/LABEL.rc, the seconds it took to
# $work/LABEL.secs. Safe to run in the background.
node_run() {
	local label=$1 secs=$2 dir=$3 start=$SECONDS
	shift 3
	bounded "$secs" env "$@" node --test --test-concurrency=1 "${node_flags[@]}" \
		--test-reporter=spec --test-reporter-destination=stdout \
		"$dir"/*.test.mjs >"$work/$label.out" 2>&1
	echo $? >"$work/$label.rc"
	echo $((SECONDS - start)) >"$work/$label.secs"
}

# A test without a timeout of its own fails after ten minutes, and a test file whose
# tests have ended ends even if something it started still runs (Node.js 20.14 and later;
# older ones run without).
node_flags=()
for f in --test-timeout=600000 --test-force-exit; do
	node "$f" -e 0 2>/dev/null && node_flags+=("$f")
done

# node_report LABEL — prints what node_run LABEL wrote and counts it.
node_report() {
	local label=$1
	echo "== $label ($(cat "$work/$label.secs") s)"
	cat "$work/$label.out"
	count_spec "$work/$label.out" "$label"
	[ "$(cat "$work/$label.rc" 2>/dev/null)" = 0 ] ||
		case " ${stage_failed[*]} " in *" $label "*) ;; *) stage_failed+=("$label"); failed=$((failed + 1)) ;; esac
}

echo "== starting PostgreSQL"
if ! pg_url=$(tests/lib/pg.sh start "$pgdir"); then
	echo "PostgreSQL could not be started"
	pg_url=
fi

echo "== unit, beside the fuzzers"
fuzz_out="$work/fuzz.txt"
FUZZ_SECONDS=${FUZZ_SECONDS:-30} bounded 900 tests/fuzz/run.sh >"$fuzz_out" 2>&1 &
fuzz_pid=$!
unit_out="$work/unit.txt"
GZF_TEST_PG_URL="$pg_url" bounded 900 build/unit-tests 2>&1 | tee "$unit_out"
unit_rc=${PIPESTATUS[0]}
checks=$(sed -n 's/.*Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p' "$unit_out")
read -r n nf ne <<<"${checks:-0 1 0}"
passed=$((passed + n - nf - ne))
failed=$((failed + nf + ne))
[ "$unit_rc" = 0 ] || stage_failed+=(unit)

node_run web-unit 120 tests/unit-web
node_report web-unit

wait "$fuzz_pid"
echo "== fuzz"
cat "$fuzz_out"
read -r fp ff <<<"$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$fuzz_out")"
passed=$((passed + ${fp:-0}))
failed=$((failed + ${ff:-1}))
[ "${ff:-1}" = 0 ] || stage_failed+=(fuzz)

export GZF_BIN=build/gzf-asan
node_run api-sqlite 1500 tests/api GZF_TEST_BACKEND=sqlite &
sqlite_pid=$!
if [ -n "$pg_url" ]; then
	node_run api-pgsql 1500 tests/api GZF_TEST_BACKEND=pgsql GZF_TEST_PG_URL="$pg_url"
fi
wait "$sqlite_pid"
node_report api-sqlite
if [ -n "$pg_url" ]; then
	node_report api-pgsql
else
	stage_failed+=(api-pgsql)
	failed=$((failed + 1))
fi

node_run browser 1200 tests/browser GZF_TEST_BACKEND=sqlite GZF_BIN=build/gzf
node_report browser

echo "== soak"
if BENCH_SECONDS=60 bounded 300 bench/soak; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	stage_failed+=(soak)
fi

echo
if [ ${#stage_failed[@]} -gt 0 ]; then
	echo "failed stages: ${stage_failed[*]}"
fi
echo "total: $passed passed, $failed failed"
[ ${#stage_failed[@]} -eq 0 ]
