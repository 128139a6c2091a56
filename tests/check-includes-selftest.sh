#!/usr/bin/env bash
# check-includes.sh must catch what it is there for: on a copy of the sources
# with one upward include, one sibling include and one stray library include
# planted, it fails and names exactly those three.
#   check-includes-selftest.sh SOURCE_DIR WORKDIR
set -euo pipefail
src=$1 work=$2
rm -rf "$work"
mkdir -p "$work"
cp -r "$src/sim" "$src/include" "$work/"
echo '#include "daemonsim/cluster.h"' >>"$work/sim/base/mem.c"
echo '#include "daemonsim/store.h"' >>"$work/sim/input/scenario.c"
echo '#include <sqlite3.h>' >>"$work/sim/output/report.c"
if "$src/tests/check-includes.sh" "$work" >"$work/out"; then
    echo "check-includes.sh accepted planted violations" >&2
    exit 1
fi
cat "$work/out"
grep -q '^sim/base/mem.c: layer base includes daemonsim/cluster.h of layer k8s$' "$work/out"
grep -q '^sim/input/scenario.c: layer input includes daemonsim/store.h of layer output$' "$work/out"
grep -q '^sim/output/report.c: includes <sqlite3.h>, reserved to its wrapper$' "$work/out"
[[ $(wc -l <"$work/out") -eq 3 ]]
