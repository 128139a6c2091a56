#!/usr/bin/env bash
# Every way of running one sweep gives the same database, row for row
# (wall-clock columns aside), and no interruption loses a stored run.
#   engines.sh local DAEMONSIM SCENARIO WORKDIR
#       -j 1, -j 2, 1 shard and 7 shards merged; kill -9 of the parent while
#       it stores runs, then --resume; merge and resume refusals; a reader
#       while the sweep runs
#   engines.sh mpi DAEMONSIM SCENARIO WORKDIR MPIRUN
#       mpirun -n 2 and -n 4 against -j 1; a worker rank killed, then --resume
set -euo pipefail
mode=$1 bin=$2 scenario=$3 work=$4 mpirun=${5:-}
mkdir -p "$work"
rm -rf "${work:?}"/*
cd "$work"
args=("$scenario" --vary maxUnavailable=1,3 --seeds 3 --record full -q)
passed=0 failed=0

pass() { passed=$((passed + 1)); }
fail() {
    echo "FAIL: $*"
    failed=$((failed + 1))
}

# Every table, every row, in item order; the wall-clock columns left out.
dump() {
    sqlite3 "$1" <<'SQL'
.mode list
select id, scenario, seed, params, sim_seconds, events, expect_failures, version from run order by id;
select * from ds_status order by run_id, rowid;
select * from pod_event order by run_id, rowid;
select * from node_event order by run_id, rowid;
select * from rollout order by run_id, rowid;
select * from k8s_event order by run_id, rowid;
select * from warning order by run_id, rowid;
select id, scenario, seeds, params, daemonset, status from sweep order by id;
select * from sweep_point order by sweep_id, point;
select * from sweep_run order by sweep_id, point, seed;
SQL
}

same_as_ref() {
    local what=$1 db=$2
    dump "$db" >"$db.txt"
    if cmp -s ref.txt "$db.txt"; then
        pass
    else
        fail "$what: rows differ from the -j 1 sweep"
        diff ref.txt "$db.txt" | head -10
    fi
}

no_item_files() {
    local left
    left=$(find . -name "$1.sweep-*" | wc -l)
    [[ $left -eq 0 ]] && pass || fail "$2: $left item files left behind"
}

"$bin" sweep "${args[@]}" -j 1 -o ref.db 2>/dev/null >/dev/null
dump ref.db >ref.txt
[[ $(grep -c . ref.txt) -gt 100 ]] && pass || fail "the reference sweep wrote too few rows"
grep -q '|complete$' ref.txt && pass || fail "the reference sweep is not complete"

if [[ $mode == local ]]; then
    "$bin" sweep "${args[@]}" -j 2 -o j2.db 2>/dev/null >/dev/null
    same_as_ref "-j 2" j2.db

    # shards, as a batch array would run them, then merged
    "$bin" sweep "${args[@]}" --shard 1/1 -o one-1.db >/dev/null 2>&1
    "$bin" merge one.db one-1.db >/dev/null
    same_as_ref "1 shard merged" one.db
    for k in 1 2 3 4 5 6 7; do
        "$bin" sweep "${args[@]}" --shard $k/7 -o part-$k.db >/dev/null 2>&1
    done
    "$bin" merge seven.db part-{1..7}.db >/dev/null
    same_as_ref "7 shards merged" seven.db

    # a merge that stopped half way (runs 1 and 2 missing) is finished by
    # running it again
    cp seven.db half.db
    sqlite3 half.db "pragma foreign_keys = on; delete from run where id in (1, 2);
                     update sweep set status = 'incomplete'"
    "$bin" merge half.db part-{1..7}.db >/dev/null
    same_as_ref "a merge run again" half.db

    # a shard missing, or given twice: refused, nothing written
    rc=0
    "$bin" merge missing.db part-{1..6}.db >/dev/null 2>err.txt || rc=$?
    [[ $rc -eq 2 && ! -e missing.db ]] && grep -q "but 6 parts were given" err.txt && pass ||
        fail "merge of 6 of 7 shards: exit $rc, $(cat err.txt)"
    rc=0
    "$bin" merge twice.db part-{1..6}.db part-6.db >/dev/null 2>err.txt || rc=$?
    [[ $rc -eq 2 && ! -e twice.db ]] && grep -q "are both shard 6/7" err.txt && pass ||
        fail "merge with shard 6 twice: exit $rc, $(cat err.txt)"

    # kill -9 of the parent while it stores runs (after the second), then
    # --resume: the finished item files left behind are taken, the rest run
    rc=0
    DAEMONSIM_TEST_KILL_AFTER_IMPORTS=2 "$bin" sweep "${args[@]}" -j 2 -o killed.db \
        >/dev/null 2>&1 || rc=$?
    [[ $rc -eq 137 ]] && pass || fail "the parent was not killed (exit $rc)"
    [[ $(sqlite3 killed.db "select count(*) from run; select status from sweep") == $'2\nincomplete' ]] &&
        pass || fail "after kill -9: $(sqlite3 killed.db 'select count(*) from run')"
    [[ $(sqlite3 killed.db "pragma integrity_check") == ok ]] && pass || fail "integrity after kill -9"
    "$bin" sweep "${args[@]}" -j 2 --resume -o killed.db >/dev/null 2>&1
    same_as_ref "killed, then --resume" killed.db
    no_item_files killed.db "after --resume"

    # --resume with other arguments finds nothing to resume
    rc=0
    "$bin" sweep "$scenario" --vary maxUnavailable=1,2 --seeds 3 -q --resume -o killed.db \
        >/dev/null 2>err.txt || rc=$?
    [[ $rc -eq 2 ]] && grep -q "with these arguments" err.txt && pass ||
        fail "--resume with other arguments: exit $rc"

    # misuse: a shard beyond the count, a merge without parts
    rc=0
    "$bin" sweep "${args[@]}" --shard 3/2 -o never.db >/dev/null 2>err.txt || rc=$?
    [[ $rc -eq 2 && ! -e never.db ]] && grep -q "^daemonsim sweep: --shard takes K/N" err.txt &&
        grep -q "^Try 'daemonsim sweep --help'.$" err.txt && pass || fail "--shard 3/2: exit $rc"
    rc=0
    "$bin" merge never.db >/dev/null 2>err.txt || rc=$?
    [[ $rc -eq 2 && ! -e never.db ]] && grep -q "^daemonsim merge: missing PART.db" err.txt && pass ||
        fail "merge without parts: exit $rc"

    # a reader queries the database while the sweep writes it
    "$bin" sweep "$scenario" --vary maxUnavailable=1,2,3 --seeds 30 -j 1 -q -o busy.db \
        >/dev/null 2>&1 &
    sweep_pid=$!
    reads=0 bad=0
    # from the moment the sweep's row is committed (before that the file
    # may exist without its tables)
    while kill -0 $sweep_pid 2>/dev/null; do
        if [[ $reads -gt 0 ]] || sqlite3 busy.db "select 1 from sweep" >/dev/null 2>&1; then
            "$bin" report busy.db --sweeps >/dev/null 2>err.txt || bad=$((bad + 1))
            reads=$((reads + 1))
        fi
        sleep 0.05
    done
    wait $sweep_pid
    [[ $bad -eq 0 && $reads -gt 0 ]] && pass || fail "$bad of $reads reads during the sweep failed: $(cat err.txt)"
fi

if [[ $mode == mpi ]]; then
    mkdir -p tmp
    export TMPDIR=$PWD/tmp
    "$mpirun" --oversubscribe -n 2 "$bin" sweep "${args[@]}" --mpi -o mpi2.db >/dev/null 2>&1
    same_as_ref "MPI, 2 ranks" mpi2.db
    "$mpirun" --oversubscribe -n 4 "$bin" sweep "${args[@]}" --mpi -o mpi4.db >/dev/null 2>&1
    same_as_ref "MPI, 4 ranks" mpi4.db

    # rank 1 dies on its second item; mpirun ends the job; --resume completes it
    rc=0
    DAEMONSIM_TEST_KILL_RANK=1 "$mpirun" --oversubscribe -n 2 "$bin" sweep "${args[@]}" --mpi \
        -o rank.db >/dev/null 2>&1 || rc=$?
    [[ $rc -ne 0 ]] && pass || fail "the job with a killed rank exited 0"
    runs=$(sqlite3 rank.db "select count(*) from run")
    [[ $runs -ge 1 && $runs -lt 6 ]] && pass || fail "after the killed rank: $runs runs"
    "$mpirun" --oversubscribe -n 2 "$bin" sweep "${args[@]}" --mpi --resume -o rank.db \
        >/dev/null 2>&1
    same_as_ref "MPI rank killed, then --resume" rank.db
    no_item_files rank.db "after the MPI --resume"
    left=$(find tmp -type f | wc -l)
    [[ $left -eq 0 ]] && pass || fail "$left files left in TMPDIR"
fi

echo "sweep engines ($mode): $passed passed, $failed failed"
[[ $failed -eq 0 ]]
