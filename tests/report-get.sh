#!/usr/bin/env bash
# Kubernetes Events, the end-of-run explanation and `report --get`:
#  - a daemon pod that does not fit records kube-scheduler's FailedScheduling
#    message (schedule_one.go FitError.Error: the reason histogram sorted as
#    strings, the other nodes filtered out by the NodeAffinity PreFilter, and
#    the preemption post-filter's own histogram);
#  - the event correlator's spam filter lets 25 Events per object through,
#    then one per 5 minutes (client-go tools/record/events_cache.go);
#  - `report --get ds|pods|nodes|events --at` rebuilds the cluster from rows.
#   report-get.sh DAEMONSIM SOURCE_DIR WORKDIR
set -uo pipefail
bin=$1 src=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
source "$(dirname "$0")/checks.sh"

msg="0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling."
db=$work/pending.db
check run-pending 0 "$bin" run "$src/tests/scenarios/7.7-pending-for-resources-and-preemption.yaml" -q -o "$db"
contains explain-header "$work/out" "daemonset/logger: 2 of 4 desired pods available, 4 updated"
contains explain-pending "$work/out" "2 pods: $msg"
if grep -qF "daemonset/critical:" "$work/out"; then
    fail=$((fail + 1)); echo "FAIL explain-quiet: a fully available DaemonSet is explained"
else pass=$((pass + 1)); fi

check events 0 "$bin" report "$db" --get events
contains events-header "$work/out" "LAST SEEN"
contains events-failed-scheduling "$work/out" "FailedScheduling   pod/logger-"
contains events-message "$work/out" "$msg"
contains events-preempted "$work/out" "Preempted          node/full-"
contains events-created "$work/out" "SuccessfulCreate   daemonset/logger     Created pod: logger-"

check pods-at 0 "$bin" report "$db" --get pods --at 10m -o wide
equals pods-pending "$(grep -c ' 0/1 .*Pending .* full-[01] .*logger' "$work/out")" 2
equals pods-running "$(grep -c ' 1/1 .*Running ' "$work/out")" 6
check nodes 0 "$bin" report "$db" --get nodes
equals nodes-ready "$(grep -c ' Ready ' "$work/out")" 4
check ds-at 0 "$bin" report "$db" --get ds --at 10m
contains ds-logger "$work/out" "logger"
equals ds-columns "$(head -1 "$work/out" | tr -s ' ')" "NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE AGE"

# 103 creates in the first minute: the DaemonSet's bucket passes its burst
# of 25; the next token comes at 5m, when nothing is left to report.
db2=$work/spam.db
check run-quickstart 0 "$bin" run "$src/scenarios/quickstart.yaml" -q -o "$db2" --until 9m
check events-quickstart 0 "$bin" report "$db2" --get events
equals spam-filter "$(grep -c 'SuccessfulCreate   daemonset/fluentd-elasticsearch' "$work/out")" 25

check at-without-get 2 "$bin" report "$db" --at 10m
check bad-kind 2 "$bin" report "$db" --get deployments
check bad-at 2 "$bin" report "$db" --get pods --at soon
check bad-output 2 "$bin" report "$db" --get pods -o yaml
check no-such-run 2 "$bin" report "$db" --get pods --run 99

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
