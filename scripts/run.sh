#!/bin/bash
# run.sh — what `make run` serves: the partner simulators (gzf sim, on :8090) and the
# server (gzf serve, on :8080), both with the data folder var/. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
build/gzf sim &
sim=$!
trap 'kill "$sim" 2>/dev/null; wait "$sim" 2>/dev/null' EXIT
echo "gzf: resident app http://127.0.0.1:8080/  staff console http://127.0.0.1:8080/staff/  (SMS codes: http://127.0.0.1:8090/sms/sim/messages)"
build/gzf serve
