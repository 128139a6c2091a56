#!/usr/bin/env bash
# The command line's contract (SPEC §2): exit codes, help on stdout, misuse on
# stderr, nothing written on bad input.
#   cli.sh DAEMONSIM SOURCE_DIR WORKDIR
set -uo pipefail
bin=$1 src=$2 work=$3
mkdir -p "$work"
rm -f "$work"/cli-*.db*
pass=0 fail=0

check() {   # check NAME WANT_STATUS COMMAND...
    local name=$1 want=$2; shift 2
    "$@" >"$work/out" 2>"$work/err"
    local got=$?
    if [[ $got -eq $want ]]; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL $name: exit $got, want $want"; head -3 "$work/err"; fi
}
contains() {   # contains NAME FILE TEXT
    if grep -qF -- "$3" "$2"; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL $1: $2 lacks '$3'"; fi
}

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
