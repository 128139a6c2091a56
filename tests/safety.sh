#!/usr/bin/env bash
# Results safety of `daemonsim run` (issue "Results safety"): a run is one
# transaction, so kill -9 at any point leaves a database
# that passes integrity_check with every earlier run intact and the
# interrupted run absent; a database the run cannot write (missing or
# read-only folder, a device such as /dev/null, another writer's lock, a full
# disk) gives one line on stderr and exit 3.
#   safety.sh DAEMONSIM SOURCE_DIR WORKDIR
set -uo pipefail
bin=$1 src=$2 work=$3
command -v sqlite3 >/dev/null || { echo "sqlite3 missing: skipped"; exit 0; }
rm -rf "$work" && mkdir -p "$work"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
small="$src/tests/scenarios/7.4-cordoned-node-runs-daemon-pod.yaml"
big="$src/scenarios/rollout-10k.yaml"
db="$work/k.db"

snapshot() {   # every stored row of every earlier run, in a fixed order
    sqlite3 "$db" "SELECT id, scenario, seed, expect_failures FROM run ORDER BY id;
                   SELECT count(*), total(t) FROM pod_event; SELECT count(*), total(t) FROM ds_status;
                   SELECT count(*) FROM node_event; SELECT count(*) FROM rollout"
}
after_kill() {   # after_kill NAME: the database is whole and holds exactly the earlier runs
    local integ
    integ=$(sqlite3 "$db" "PRAGMA integrity_check")
    [[ $integ == ok ]] && ok || bad "$1: integrity_check says '$integ'"
    [[ $(snapshot) == "$before" ]] && ok || bad "$1: earlier runs changed or the killed run was kept"
}

"$bin" run "$small" -q -o "$db" >/dev/null && "$bin" run "$small" -q --seed 7 -o "$db" >/dev/null || bad "first runs"
before=$(snapshot)

# 1. killed while simulating, once progress lines show the run under way
"$bin" run "$big" --set nodes=20000 -o "$db" >/dev/null 2>"$work/err" &
pid=$!
for _ in $(seq 1 600); do [[ $(grep -c Waiting "$work/err") -ge 3 ]] && break; sleep 0.05; done
kill -9 "$pid"; wait "$pid"; rc=$?
[[ $rc -eq 137 ]] && ok || bad "kill while simulating: the run ended first (exit $rc)"
after_kill kill-simulating

# 2. killed while committing: the rows are reaching the file (a run alone
#    writes through a rollback journal, or the write-ahead log when another
#    connection has the file open)
"$bin" run "$big" --set nodes=40000 -q -o "$db" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 6000); do [[ -s "$db-journal" || -s "$db-wal" ]] && break; sleep 0.01; done
kill -9 "$pid"; wait "$pid"; rc=$?
if [[ $rc -eq 137 ]]; then ok; else echo "note: the commit finished before the kill (exit $rc)"; fi
[[ $rc -eq 137 ]] && after_kill kill-committing

# and the database takes the next run as usual
"$bin" run "$small" -q -o "$db" >/dev/null && ok || bad "run after the kills"
integ=$(sqlite3 "$db" "PRAGMA integrity_check")
[[ $integ == ok ]] && ok || bad "integrity after the next run: $integ"

expect3() {   # expect3 NAME TEXT ARGS...: exit 3 and one line on stderr holding TEXT
    local name=$1 text=$2; shift 2
    "$bin" run "$small" -q "$@" >/dev/null 2>"$work/err3"
    local rc=$?
    [[ $rc -eq 3 ]] && ok || bad "$name: exit $rc, want 3"
    [[ $(wc -l <"$work/err3") -eq 1 ]] && grep -qF -- "$text" "$work/err3" && ok ||
        bad "$name: stderr is not one line with '$text': $(cat "$work/err3")"
}
expect3 missing-folder "No such file or directory" -o "$work/no-such-folder/x.db"
expect3 device "/dev/null: not a regular file" -o /dev/null
if [[ $EUID -ne 0 ]]; then   # root writes anywhere
    mkdir "$work/ro" && chmod 555 "$work/ro"
    expect3 read-only-folder "Permission denied" -o "$work/ro/x.db"
    [[ -z $(ls -A "$work/ro") ]] && ok || bad "read-only folder: files appeared"
fi
# another writer holds the write lock for longer than the busy timeout
mkfifo "$work/hold"
sqlite3 "$db" <"$work/hold" >/dev/null &
holder=$!
exec 9>"$work/hold"
echo "BEGIN IMMEDIATE;" >&9
sleep 0.5
before=$(sqlite3 "$db" "SELECT count(*) FROM run")
expect3 locked "database is locked" -o "$db"
exec 9>&-
wait "$holder"
[[ $(sqlite3 "$db" "SELECT count(*) FROM run") == "$before" ]] && ok || bad "locked: a run was stored"

# a full disk, without root: a file size limit (ulimit -f, in KiB) just above
# the database's size, with SIGXFSZ ignored, fails the write with EFBIG as a
# full disk fails it with ENOSPC; the run's rows never fit
before=$(snapshot)
limit=$((($(stat -c %s "$db") + 65536) / 1024))
(trap '' XFSZ; ulimit -f "$limit"; exec "$bin" run "$big" -q -o "$db" >/dev/null 2>"$work/err-full")
rc=$?
[[ $rc -eq 3 ]] && ok || bad "full disk: exit $rc, want 3"
[[ $(wc -l <"$work/err-full") -eq 1 ]] && grep -qF "disk I/O error: File too large" "$work/err-full" && ok ||
    bad "full disk: stderr is not one clear line: $(cat "$work/err-full")"
after_kill full-disk
[[ ! -e "$db-journal" ]] && ok || bad "full disk: a journal was left behind"

# a second writer while a run writes through its rollback journal waits for
# it (busy timeout), as it would in WAL, instead of failing at open
count=$(sqlite3 "$db" "SELECT count(*) FROM run")
"$bin" run "$big" -q -o "$db" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 3000); do [[ -e "$db-journal" ]] && break; sleep 0.01; done
"$bin" run "$small" -q -o "$db" >/dev/null 2>"$work/err-second" && ok ||
    bad "second writer: $(cat "$work/err-second")"
wait "$pid" && ok || bad "first writer failed beside the second"
[[ $(sqlite3 "$db" "SELECT count(*) FROM run; PRAGMA journal_mode; PRAGMA integrity_check" | tr '\n' ' ') == \
    "$((count + 2)) wal ok " ]] && ok || bad "two writers: runs, journal mode or integrity wrong"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
