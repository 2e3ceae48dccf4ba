#!/bin/bash
# run.sh — run every libFuzzer target under build/fuzz/ (make fuzz-build) for
# FUZZ_SECONDS each (default 600), or only the targets named as arguments ("sheet").
# Each first replays its regression inputs (tests/fuzz/regress/NAME/), then fuzzes a
# temporary copy of its seed corpus (tests/fuzz/corpus/NAME/ is never grown); crashers
# go to build/fuzz/crashes/NAME-*. Prints one line per target with its coverage and
# speed, then "fuzz: N passed, M failed"; exits 1 when a target failed.
set -uo pipefail
cd "$(dirname "$0")/../.."

seconds=${FUZZ_SECONDS:-600}
mkdir -p build/fuzz/crashes
work=$(mktemp -d /tmp/gzf-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for bin in build/fuzz/fuzz_*; do names+=("${bin#build/fuzz/fuzz_}"); done
fi

passed=0
failed=0
for name in "${names[@]}"; do
	bin=build/fuzz/fuzz_$name
	log="$work/$name.log"
	ok=1
	if [ ! -x "$bin" ]; then
		echo "fuzz $name: no $bin (make fuzz-build)"
		failed=$((failed + 1))
		continue
	fi
	if [ -d "tests/fuzz/regress/$name" ] && ! "$bin" -runs=0 "tests/fuzz/regress/$name"/* >"$log" 2>&1; then
		echo "fuzz $name: a regression input fails again:"
		tail -n 30 "$log"
		ok=0
	fi
	if [ $ok = 1 ]; then
		mkdir -p "$work/$name"
		cp tests/fuzz/corpus/"$name"/* "$work/$name"/ 2>/dev/null
		if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="build/fuzz/crashes/$name-" "$work/$name" >"$log" 2>&1; then
			echo "fuzz $name: FAILED, the input is in build/fuzz/crashes/:"
			grep -A 25 -m 1 'ERROR\|==ERROR\|runtime error\|Assertion\|deadly signal' "$log" | head -n 40
			ok=0
		fi
	fi
	stats=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -n 1)
	execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	echo "fuzz $name: $([ $ok = 1 ] && echo ok || echo FAILED)  ${stats#* }  avg exec/s: ${execs:-?}"
	if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
