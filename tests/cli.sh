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
check validate-ok 0 "$bin" validate "$src/scenarios/quickstart.yaml"
check report-ok 0 "$bin" report "$work/cli-b.db"
check report-missing 3 "$bin" report "$work/no-such.db"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
