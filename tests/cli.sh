#!/usr/bin/env bash
# The command line's contract (docs/cli.md): exit codes, help on stdout, misuse on
# stderr, nothing written on bad input.
#   cli.sh DAEMONSIM SOURCE_DIR WORKDIR
set -uo pipefail
bin=$1 src=$2 work=$3
mkdir -p "$work"
rm -f "$work"/cli-*.db*
source "$(dirname "$0")/checks.sh"

check help 0 "$bin" --help
contains help-lists-run "$work/out" "run"
check version 0 "$bin" --version
check no-command 2 "$bin"
check unknown-command 2 "$bin" frobnicate
check run-help 0 "$bin" run --help
contains run-help-stdout "$work/out" "Usage: daemonsim run"
check run-no-file 2 "$bin" run
contains run-no-file-try "$work/err" "Try 'daemonsim run --help'."
check run-bad-option 2 "$bin" run "$src/scenarios/quickstart.yaml" --frob
check run-bad-seed 2 "$bin" run "$src/scenarios/quickstart.yaml" --seed 12x
check run-missing-scenario 2 "$bin" run "$work/no-such.yaml" -o "$work/cli-a.db"
[[ ! -e "$work/cli-a.db" ]] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL missing scenario wrote a db"; }
check run-unwritable-db 3 "$bin" run "$src/tests/scenarios/7.4-cordoned-node-runs-daemon-pod.yaml" -q -o /proc/nope/x.db
check run-ok 0 "$bin" run "$src/tests/scenarios/7.4-cordoned-node-runs-daemon-pod.yaml" -q -o "$work/cli-b.db"
contains run-table "$work/out" "UP-TO-DATE"
check run-until 0 "$bin" run "$src/tests/scenarios/7.4-cordoned-node-runs-daemon-pod.yaml" -q --until 1m -o "$work/cli-b.db"
sed 's/numberAvailable: 5, numberMisscheduled: 0}/numberAvailable: 4, numberMisscheduled: 0}/' \
    "$src/tests/scenarios/7.4-cordoned-node-runs-daemon-pod.yaml" >"$work/cli-fail.yaml"
check run-expect-fails 1 "$bin" run "$work/cli-fail.yaml" -q -o "$work/cli-b.db"
contains expect-message "$work/err" "numberAvailable = 5, expected 4"
# An update that overlaps an unfinished placement warns on stderr (even with
# -q) and in the warning table; one on an already running DaemonSet does not.
check run-overlap 0 "$bin" run "$src/tests/scenarios/8.2-update-overlapping-placement-warns.yaml" -q -o "$work/cli-w.db"
contains overlap-warning "$work/err" 'warning at 20s: daemon set "fresh": update starts before the placement of revision 1 has converged'
if grep -q steady "$work/err"; then fail=$((fail + 1)); echo "FAIL overlap: steady warned"; else pass=$((pass + 1)); fi
if command -v sqlite3 >/dev/null; then
    rows=$(sqlite3 "$work/cli-w.db" "SELECT t || '|' || daemonset FROM warning")
    [[ $rows == "20.0|fresh" ]] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL warning rows: '$rows'"; }
fi
# Recording levels and --no-db (run as for sweep): summary drops the pod
# events other than creations and all node events; --no-db and -o :memory:
# write nothing yet print the same table and keep the exit status.
s74="$src/tests/scenarios/7.4-cordoned-node-runs-daemon-pod.yaml"
check run-record-bad 2 "$bin" run "$s74" -q --record some -o "$work/cli-r.db"
[[ ! -e "$work/cli-r.db" ]] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL bad --record wrote a db"; }
check run-record-full 0 "$bin" run "$s74" -q --record full -o "$work/cli-rf.db"
check run-record-summary 0 "$bin" run "$s74" -q --record summary -o "$work/cli-rs.db"
if command -v sqlite3 >/dev/null; then
    full=$(sqlite3 "$work/cli-rf.db" "SELECT count(*) FROM pod_event")
    summ=$(sqlite3 "$work/cli-rs.db" "SELECT count(*) FROM pod_event")
    created=$(sqlite3 "$work/cli-rf.db" "SELECT count(*) FROM pod_event WHERE phase = 'Created'")
    nodes=$(sqlite3 "$work/cli-rs.db" "SELECT count(*) FROM node_event")
    [[ $summ -gt 0 && $summ -eq $created && $summ -lt $full && $nodes -eq 0 ]] && pass=$((pass + 1)) ||
        { fail=$((fail + 1)); echo "FAIL record summary: $summ pod rows ($created created of $full), $nodes node rows"; }
fi
cp "$work/out" "$work/table-db"
(cd "$work" && rm -rf nodb && mkdir nodb && cd nodb && "$bin" run "$s74" --no-db >../out 2>../err)
[[ $? -eq 0 && -z $(ls -A "$work/nodb") ]] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL --no-db wrote files or failed"; }
contains no-db-line "$work/err" "run (not recorded)"
cmp -s "$work/out" "$work/table-db" && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL --no-db table differs"; }
check run-memory 0 "$bin" run "$s74" -q -o :memory:
[[ ! -e ":memory:" && ! -e "$work/:memory:" ]] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL -o :memory: made a file"; }
check run-no-db-and-o 2 "$bin" run "$s74" -q --no-db -o "$work/cli-r.db"
check run-no-db-expect 1 "$bin" run "$work/cli-fail.yaml" -q --no-db
# status: the same as summary without the pod creations; sweep takes the same levels
check run-record-status 0 "$bin" run "$s74" -q --record status -o "$work/cli-rt.db"
check sweep-record-status 0 "$bin" sweep "$s74" --vary maxUnavailable=1,2 --seeds 2 -j 1 -q \
    --record status -o "$work/cli-st.db"
check sweep-record-bad 2 "$bin" sweep "$s74" --vary maxUnavailable=1 --record some -o "$work/cli-sb.db"
if command -v sqlite3 >/dev/null; then
    got=$(sqlite3 "$work/cli-rt.db" "SELECT (SELECT count(*) FROM pod_event) || '|' ||
        (SELECT count(*) FROM node_event) || '|' || (SELECT count(*) > 0 FROM ds_status) || '|' ||
        (SELECT count(*) FROM rollout)")
    want=$(sqlite3 "$work/cli-rs.db" "SELECT 0 || '|' || 0 || '|' || (SELECT count(*) > 0 FROM ds_status)
        || '|' || (SELECT count(*) FROM rollout)")
    [[ $got == "$want" ]] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL record status: $got, want $want"; }
    got=$(sqlite3 "$work/cli-st.db" "SELECT count(*), (SELECT count(*) FROM pod_event),
        (SELECT json_extract(params, '$.record') FROM sweep) FROM run")
    [[ $got == "4|0|status" ]] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL sweep record status: $got"; }
fi
# status keeps the bad release known (plot --rollout bad picks it) but counts no exposure
bad="$src/tests/scenarios/8.2-bad-release-stalls-then-rollback.yaml"
check sweep-record-status-bad 0 "$bin" sweep "$bad" --vary maxUnavailable=1,2 --seeds 2 -j 1 -q \
    --record status -o "$work/cli-sbad.db"
check plot-rollout-bad-status 0 "$bin" plot "$work/cli-sbad.db" --kind tradeoff --rollout bad \
    -o "$work/cli-sbad.png"
if command -v sqlite3 >/dev/null; then
    got=$(sqlite3 "$work/cli-sbad.db" "SELECT json_extract(params, '$.failing_revisions') ||
        (SELECT '|' || count(*) FROM sweep_point WHERE exposure_mean IS NULL) FROM sweep")
    [[ $got == "[[2],[2]]|2" ]] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL status bad release: $got"; }
fi
# The benchmark scenarios of tools/bench stay valid (they are timed, never run here).
for name in rollout-10k rollout-100k rollout-1m many-daemonsets-10k; do
    check "bench-$name-valid" 0 "$bin" validate "$src/scenarios/bench/$name.yaml"
done
# 25 failing checks: the first 20 are printed, then one line counts the rest.
cp "$src/tests/scenarios/7.4-cordoned-node-runs-daemon-pod.yaml" "$work/cli-many.yaml"
for i in $(seq 1 25); do
    echo "    - {at: ${i}s, podsOn: {nodes: {pool: cordoned}, count: 7}}" >>"$work/cli-many.yaml"
done
check run-many-failures 1 "$bin" run "$work/cli-many.yaml" -q -o "$work/cli-b.db"
[[ $(grep -c 'expect failed at' "$work/err") -eq 20 ]] && pass=$((pass + 1)) ||
    { fail=$((fail + 1)); echo "FAIL run-many-failures: not 20 printed failures"; }
contains run-many-failures-rest "$work/err" "and 5 more expectation failures"
contains run-many-failures-total "$work/err" "25 expectation(s) failed"
check validate-ok 0 "$bin" validate "$src/scenarios/quickstart.yaml"
check report-ok 0 "$bin" report "$work/cli-b.db"
check report-missing 3 "$bin" report "$work/no-such.db"

# calibrate: help, misuse, a bad file with its position and nothing written,
# and a chart per phase when gnuplot is there.
check calibrate-help 0 "$bin" calibrate --help
contains calibrate-help-stdout "$work/out" "Usage: daemonsim calibrate"
check calibrate-no-file 2 "$bin" calibrate
contains calibrate-no-file-try "$work/err" "Try 'daemonsim calibrate --help'."
check calibrate-bad-option 2 "$bin" calibrate --frob x.json
printf '{"kind": "List",\n "items": [{"kind": "Event", "reason": "Pulled"}]}\n' >"$work/cal-bad.json"
rm -f "$work/cal-timing.yaml"
check calibrate-bad-file 2 "$bin" calibrate "$work/cal-bad.json" -o "$work/cal-timing.yaml"
contains calibrate-bad-file-pos "$work/err" "cal-bad.json:2:12: an Event needs involvedObject"
[[ ! -e "$work/cal-timing.yaml" ]] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL bad calibrate input wrote a file"; }
gen=$(dirname "$bin")/gen-kubectl-history
if [[ -x $gen ]] && command -v gnuplot >/dev/null; then
    "$gen" --count 200 "$work/cal-events.yaml" "$work/cal-pods.json"
    rm -rf "$work/cal-plots"
    check calibrate-plot 0 "$bin" calibrate "$work/cal-events.yaml" "$work/cal-pods.json" --plot "$work/cal-plots"
    for phase in schedule imagePull containerStart readiness termination; do
        [[ -s "$work/cal-plots/$phase.png" ]] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL no $phase.png"; }
    done
fi

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
