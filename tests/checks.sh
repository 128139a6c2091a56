# Assertions shared by the shell tests: source it after setting $work.
# Each records a pass or prints one FAIL line; the caller ends with
#   echo "$pass passed, $fail failed"; [[ $fail -eq 0 ]]
pass=0 fail=0

check() {   # check NAME WANT_STATUS COMMAND...   (stdout in $work/out, stderr in $work/err)
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
equals() {     # equals NAME GOT WANT
    if [[ $2 == "$3" ]]; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL $1: got '$2', want '$3'"; fi
}
