#!/usr/bin/env bash
# Run the whole suite RUNS times in a row with BURNERS CPU-burning processes beside it; stop at the
# first failure. Flaky tests (races with the fake API server, watch timing) show up here.
#
#     scripts/suite_under_load.sh [RUNS=20] [BURNERS=2]      # from a checkout with .venv installed
#
# Each run's summary line goes to stdout; a failing run's whole output is kept in suite-under-load.log.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
burners=${2:-2}
pids=()
stop_burners() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done; }
trap stop_burners EXIT INT TERM
for _ in $(seq "$burners"); do
    python3 -c 'while True: pass' &
    pids+=($!)
done
echo "$(date -u +%FT%TZ) commit $(git rev-parse --short HEAD), $(nproc) CPUs, $burners burners, $runs runs"
for run in $(seq "$runs"); do
    started=$(date +%s)
    if .venv/bin/python -m pytest -q -p no:cacheprovider > suite-under-load.log 2>&1; then
        echo "run $run/$runs: $(tail -n 1 suite-under-load.log) [wall $(( $(date +%s) - started )) s]"
    else
        echo "run $run/$runs FAILED after $(( $(date +%s) - started )) s:"
        grep -E '^(FAILED|ERROR)' suite-under-load.log
        exit 1
    fi
done
echo "$(date -u +%FT%TZ) all $runs runs passed"
