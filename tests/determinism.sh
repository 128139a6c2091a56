#!/usr/bin/env bash
# Same scenario + seed = identical rows (every table, every column but the
# wall-clock ones); another seed gives other rows.
#   determinism.sh DAEMONSIM SCENARIO WORKDIR
set -euo pipefail
bin=$1 scenario=$2 work=$3
mkdir -p "$work"
rm -f "$work"/det-*.db

dump() {
    sqlite3 "$1" <<'SQL'
.mode list
select id, scenario, seed, params, sim_seconds, events, expect_failures, version from run;
select * from ds_status order by rowid;
select * from pod_event order by rowid;
select * from node_event order by rowid;
select * from rollout order by rowid;
SQL
}

"$bin" run "$scenario" -q -o "$work/det-a.db" --seed 11 >/dev/null
"$bin" run "$scenario" -q -o "$work/det-b.db" --seed 11 >/dev/null
"$bin" run "$scenario" -q -o "$work/det-c.db" --seed 12 >/dev/null
dump "$work/det-a.db" >"$work/det-a.txt"
dump "$work/det-b.db" >"$work/det-b.txt"
dump "$work/det-c.db" >"$work/det-c.txt"
rows=$(wc -l <"$work/det-a.txt")
if ! cmp -s "$work/det-a.txt" "$work/det-b.txt"; then
    diff "$work/det-a.txt" "$work/det-b.txt" | head -20
    echo "determinism: same seed gave different rows"
    echo "0 passed, 1 failed"
    exit 1
fi
if cmp -s "$work/det-a.txt" "$work/det-c.txt"; then
    echo "determinism: seeds 11 and 12 gave identical rows"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "determinism: $rows identical rows for seed 11; seed 12 differs"
