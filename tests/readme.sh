#!/usr/bin/env bash
# The README's commands work as written. Every indented line of README.md
# that starts with `build/daemonsim` or `sqlite3` runs, in order, with bash in
# a fresh folder holding a copy of scenarios/, tests/scenarios/ and build/daemonsim (the binary
# under test); any non-zero exit fails the test. Lines ending in `# slow`, or in
# `# your files` (they read the user's own kubectl output), are listed but not run, and tools/* and cmake lines are the build itself.
#   readme.sh DAEMONSIM SOURCE_DIR WORKDIR
set -uo pipefail
bin=$1 src=$2 work=$3
rm -rf "$work"
mkdir -p "$work/build" "$work/results"
cp -R "$src/scenarios" "$work/scenarios"
mkdir -p "$work/tests" && cp -R "$src/tests/scenarios" "$src/tests/manifests" "$work/tests/"
ln -s "$bin" "$work/build/daemonsim"

mapfile -t cmds < <(sed -n 's/^    \(\(build\/daemonsim\|sqlite3\) .*\)$/\1/p' "$src/README.md")
[[ ${#cmds[@]} -ge 5 ]] || { echo "FAIL: only ${#cmds[@]} commands found in README.md"; exit 1; }
pass=0 fail=0 skipped=0
for cmd in "${cmds[@]}"; do
    if [[ $cmd =~ \#\ (slow|your\ files)$ ]]; then skipped=$((skipped + 1)); echo "skip $cmd"; continue; fi
    if (cd "$work" && bash -c "$cmd") >"$work/out" 2>"$work/err"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL (exit $?): $cmd"; tail -5 "$work/err"
    fi
done
echo "$pass passed, $fail failed, $skipped skipped"
[[ $fail -eq 0 ]]
