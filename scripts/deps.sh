#!/bin/bash
# deps.sh — install the Debian packages gzf needs, only those missing; silent when all
# are there. Idempotent.
#   deps.sh          to build and run (compiler, libraries, Node.js for the front end)
#   deps.sh test     also what the tests use (PostgreSQL server, Chromium with CJK fonts, Check,
#                    httperf for the soak)
#   deps.sh bench    also what the benchmarks use (nginx, wrk, httperf)
set -euo pipefail

# john-data (1.9.0-2 in Debian 12) ships Openwall's list of common passwords,
# /usr/share/john/password.lst, which the server refuses (GZF_PASSWORD_LIST).
run_pkgs=(gcc make pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev
	libsodium-dev libcurl4-openssl-dev libexpat1-dev zlib1g-dev libgd-dev john-data)
# httperf (0.9.0-9 in Debian 12) keeps a fixed arrival rate for bench/soak, which the tests
# run for 60 s. gdb and procps: a stage of the tests that does not end in its time prints
# what still ran and the stacks of its gzf processes.
test_pkgs=(check postgresql postgresql-contrib chromium fonts-noto-cjk poppler-utils poppler-data sqlite3 clang
	libclang-rt-14-dev httperf curl gdb procps)
bench_pkgs=(nginx-light wrk curl httperf)

want=("${run_pkgs[@]}")
case "${1:-run}" in
run) ;;
test) want+=("${test_pkgs[@]}") ;;
bench) want+=("${bench_pkgs[@]}") ;;
*) echo "usage: deps.sh [run|test|bench]" >&2; exit 2 ;;
esac
# Node.js may come from elsewhere (nvm, NodeSource); only install Debian's when none.
command -v node >/dev/null 2>&1 || want+=(nodejs)
command -v npm >/dev/null 2>&1 || want+=(npm)

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
