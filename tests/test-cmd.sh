#!/usr/bin/env bash
# `daemonsim test`: lines, summary and exit codes for passing, failing and
# invalid files, output independent of -j, no database unless -o, and a
# JUnit report that is well-formed XML with the right counts and, per failed
# expectation, the simulated time, the field, the expected and the actual value.
#   test-cmd.sh DAEMONSIM SOURCE_DIR WORKDIR
set -uo pipefail
bin=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work/cwd" "$work/empty-dir"
cd "$src" || exit 2
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() {   # check NAME WANT_STATUS COMMAND...
    local name=$1 want=$2; shift 2
    "$@" >"$work/out" 2>"$work/err"
    local got=$?
    if [[ $got -eq $want ]]; then ok; else bad "$name: exit $got, want $want"; head -5 "$work/out" "$work/err"; fi
}
contains() {   # contains NAME FILE TEXT
    if grep -qF -- "$3" "$2"; then ok; else bad "$1: $2 lacks '$3'"; fi
}
last_line() {   # last_line NAME FILE TEXT
    local got
    got=$(tail -n 1 "$2")
    if [[ "$got" == "$3" ]]; then ok; else bad "$1: last line '$got', want '$3'"; fi
}
xpath() {   # xpath NAME FILE EXPR WANT
    local got
    got=$(xmllint --xpath "$3" "$2" 2>&1)
    if [[ "$got" == "$4" ]]; then ok; else bad "$1: $3 = '$got', want '$4'"; fi
}
wellformed() {   # wellformed NAME FILE: well-formed, and valid against tests/junit.xsd
    if xmllint --noout "$2" 2>"$work/xmlerr"; then ok; else bad "$1: $2 is not well-formed XML"; cat "$work/xmlerr"; fi
    if xmllint --noout --schema "$src/tests/junit.xsd" "$2" 2>"$work/xmlerr"; then ok; else
        bad "$1: $2 does not follow tests/junit.xsd"; cat "$work/xmlerr"; fi
}
# every testcase counted once, and the suite's failures and errors are the
# testcases that have them
counts_match() {   # counts_match NAME FILE
    local f=$2
    xpath "$1-tests" "$f" 'count(//testcase) = /testsuites/@tests and count(//testcase) = //testsuite/@tests' true
    xpath "$1-failures" "$f" 'count(//testcase[failure]) = //testsuite/@failures and //testsuite/@failures = /testsuites/@failures' true
    xpath "$1-errors" "$f" 'count(//testcase[error]) = //testsuite/@errors and //testsuite/@errors = /testsuites/@errors' true
}

# The shipped scenarios: all green, in parallel.
n=$(find tests/scenarios -name '*.yaml' | wc -l)
check green 0 "$bin" test tests/scenarios --junit "$work/green.xml" -j 2
last_line green-summary "$work/out" "$n passed, 0 failed"
[[ $(grep -c '^PASS ' "$work/out") -eq $n ]] && ok || bad "green: not $n PASS lines"
wellformed green-xml "$work/green.xml"
counts_match green "$work/green.xml"
xpath green-n "$work/green.xml" 'string(//testsuite/@tests)' "$n"
xpath green-no-failure "$work/green.xml" 'count(//failure | //error)' 0
xpath green-classname "$work/green.xml" 'count(//testcase[@classname="tests.scenarios"])' "$n"

# A failing file and a file without expect: (which passes): exit 1.
check failing 1 "$bin" test tests/test-cmd/wrong-expectations.yaml tests/test-cmd/no-expect.yaml \
    --junit "$work/fail.xml" -j 2
last_line failing-summary "$work/out" "1 passed, 1 failed"
contains failing-line "$work/out" "FAIL  tests/test-cmd/wrong-expectations.yaml (wrong-expectations; sim "
contains failing-detail "$work/out" "    at 4m0s: daemonset agent numberAvailable = 3, expected 4 (line 31)"
contains failing-more "$work/out" "    and 4 more expectation failures"
contains no-expect "$work/out" "PASS  tests/test-cmd/no-expect.yaml (no-expect; sim "
contains no-expect-says "$work/out" "no expect: block, ran cleanly"
wellformed failing-xml "$work/fail.xml"
counts_match failing "$work/fail.xml"
xpath failing-counts "$work/fail.xml" 'concat(//testsuite/@tests, " ", //testsuite/@failures, " ", //testsuite/@errors)' "2 1 0"
xpath failing-listed "$work/fail.xml" 'count(//testcase[@name="wrong-expectations"]/failure)' 20
xpath failing-structured "$work/fail.xml" \
    'count(//failure[@message and @type and contains(., "time: ") and contains(., "field: ") and contains(., "expected: ") and contains(., "actual: ")])' 20
xpath failing-one "$work/fail.xml" \
    'count(//failure[contains(., "time: 4m0s (240 s)") and contains(., "field: daemonset agent numberAvailable") and contains(., "expected: 4") and contains(., "actual: 3")])' 1
xpath failing-message "$work/fail.xml" 'string(//failure[1]/@message)' "at 4m0s: daemonset agent numberAvailable: expected 4, actual 3"
xpath failing-unlisted "$work/fail.xml" 'string(//testcase[@name="wrong-expectations"]/system-err)' \
    "and 4 more failed expectations, not listed"
xpath failing-pass-empty "$work/fail.xml" 'count(//testcase[@name="no-expect"]/*)' 0

# An invalid file among the others: they still run, exit 2, the message is
# file:line:column, and the report carries it as an <error>, escaped.
check invalid 2 "$bin" test tests/test-cmd --junit "$work/all.xml" -j 2
last_line invalid-summary "$work/out" "1 passed, 1 failed, 1 errors"
contains invalid-line "$work/out" "ERROR tests/test-cmd/bad-key.yaml"
contains invalid-diag "$work/out" 'tests/test-cmd/bad-key.yaml:9:3: spec: unknown key "<bad&key>"'
grep -q 'manifests/agent.yaml' "$work/out" && bad "the folder walk took a manifest for a scenario" || ok
wellformed invalid-xml "$work/all.xml"
counts_match invalid "$work/all.xml"
xpath invalid-counts "$work/all.xml" 'concat(//testsuite/@tests, " ", //testsuite/@failures, " ", //testsuite/@errors)' "3 1 1"
xpath invalid-type "$work/all.xml" 'string(//testcase[@name="bad-key"]/error/@type)' invalid
xpath invalid-escaped "$work/all.xml" \
    'starts-with(//testcase[@name="bad-key"]/error/@message, "tests/test-cmd/bad-key.yaml:9:3: spec: unknown key") and contains(//error, "<bad&key>")' true

# The same lines whatever -j (wall-clock times aside).
"$bin" test tests/test-cmd tests/scenarios -j 1 | sed 's/wall [0-9.]* s/wall - s/' >"$work/j1"
"$bin" test tests/scenarios tests/test-cmd -j 3 | sed 's/wall [0-9.]* s/wall - s/' >"$work/j3"
cmp -s "$work/j1" "$work/j3" && ok || { bad "output differs between -j 1 and -j 3"; diff "$work/j1" "$work/j3" | head; }

# No database (nor results/ folder) unless -o; with -o, one run per file in
# the sorted order.
(cd "$work/cwd" && "$bin" test "$src/tests/test-cmd/no-expect.yaml" >/dev/null)
[[ -z $(ls -A "$work/cwd") ]] && ok || bad "test without -o wrote $(ls -A "$work/cwd")"
check with-db 0 "$bin" test tests/test-cmd/no-expect.yaml tests/scenarios/7.4-cordoned-node-runs-daemon-pod.yaml \
    -o "$work/runs.db" -j 2
runs=$(sqlite3 "$work/runs.db" "SELECT group_concat(scenario, ' ') FROM (SELECT scenario FROM run ORDER BY id)")
[[ "$runs" == "cordoned-node no-expect" ]] && ok || bad "-o DB holds '$runs'"
check db-unwritable 3 "$bin" test tests/test-cmd/no-expect.yaml -o /proc/nope/x.db
contains db-unwritable-line "$work/out" "ERROR tests/test-cmd/no-expect.yaml"

# --set reaches every file; a key a file lacks makes that file invalid.
check set 0 "$bin" test tests/test-cmd/no-expect.yaml --set nodes=5
check set-bad 2 "$bin" test tests/test-cmd/no-expect.yaml --set spec.nope=1
contains set-bad-diag "$work/out" "ERROR tests/test-cmd/no-expect.yaml"

# --check re-derives the controller's incremental state as the run goes.
check check 0 "$bin" test tests/scenarios/7.4-cordoned-node-runs-daemon-pod.yaml --check
last_line check-summary "$work/out" "1 passed, 0 failed"

# Misuse.
check help 0 "$bin" test --help
contains help-usage "$work/out" "Usage: daemonsim test PATH..."
check no-path 2 "$bin" test
contains no-path-try "$work/err" "Try 'daemonsim test --help'."
check bad-jobs 2 "$bin" test tests/scenarios -j 0
check empty-dir 2 "$bin" test "$work/empty-dir"
check missing-file 2 "$bin" test "$work/no-such.yaml"
contains missing-file-error "$work/out" "ERROR $work/no-such.yaml"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
