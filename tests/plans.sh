#!/usr/bin/env bash
# Staged rollout plans (docs/kruise.md), the rows scenario expectations
# cannot state. openkruise/rollouts: control/util.go CalculateBatchReplicas
# (percent rounded up), partitionstyle/daemonset/control.go UpgradeBatch
# (partition = desired - batch), rollout_canary.go doCanaryPaused (pause
# duration, manual confirmation without one, no pause after a last 100%).
#  - a plan that completes: partitions 9, 5, 0 at the update and after each
#    pause, pauses of exactly 2m and 3m after the batches are ready, the
#    plan completes when the rollout does; each transition is also a Rollout Event;
#  - a bad release: the analysis fails at its first measurement (5m30s),
#    the plan aborts and rolls back; only the first batch (2 pods) ever ran
#    revision 2; rows identical on a second run;
#  - a pause without duration: the plan waits at step 1 to the end, and
#    `run` explains the 7 old pods as held by it, `report` shows where it stopped;
#  - an analysis that passes ends a pause without duration (2 checks: 7m);
#  - a newer template restarts the plan at step 1, a rollback to the stable
#    template ends it (workload_update_handler.go handleDaemonSet);
#  - failureThreshold (context.go IsBatchReady): 50% lets a batch with a
#    crash-looping pod count as ready, 0 does not;
#  - a sweep over the canary's size: the same rows on 1 and 2 workers;
#  - the strategies example: only the 5% canary (10 of 200) ran the bad release.
#   plans.sh DAEMONSIM SOURCE_DIR WORKDIR
set -uo pipefail
bin=$1 src=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
source "$(dirname "$0")/checks.sh"
want() { equals "$1" "$(sqlite3 "$4" "$3")" "$2"; }     # want NAME EXPECTED SQL DB
run() {     # run NAME SCENARIO [ARGS]: rows in WORK/NAME.db, stdout and stderr in WORK/NAME.out, .err
    local name=$1 scenario=$2; shift 2
    "$bin" run "$scenario" "$@" -q -o "$work/$name.db" >"$work/$name.out" 2>"$work/$name.err" ||
        { echo "FAIL run $name"; cat "$work/$name.err"; fail=$((fail + 1)); }
}
run done "$src/tests/scenarios/plan-completes-three-steps.yaml"
run bad "$src/tests/scenarios/plan-bad-release-aborts-and-rolls-back.yaml"
run bad2 "$src/tests/scenarios/plan-bad-release-aborts-and-rolls-back.yaml"
run hold "$src/tests/scenarios/plan-pause-without-duration-holds.yaml"
run pass "$src/tests/scenarios/plan-analysis-passes-then-next-step.yaml"
run again "$src/tests/scenarios/plan-new-template-restarts-and-rollback-ends.yaml"
run ft50 "$src/tests/scenarios/plan-failure-threshold-tolerates-unready.yaml"
run ft0 "$src/tests/scenarios/plan-failure-threshold-tolerates-unready.yaml" --set 'spec.rolloutPlans[0].failureThreshold=0' 
run example "$src/scenarios/strategies/plan-auto-rollback.yaml"
d=$work/done.db b=$work/bad.db h=$work/hold.db e=$work/example.db p=$work/pass.db a=$work/again.db

want "completes: partitions" "1|partition 9|2|partition 5|3|partition 0" \
    "select group_concat(step || '|' || substr(detail, 1, instr(detail, ':') - 1), '|') from rollout_plan_event where what = 'StepUpgrade'" "$d"
want "completes: step 1 at the update" "300.0" "select t from rollout_plan_event where what = 'StepUpgrade' and step = 1" "$d"
want "completes: pauses 2m and 3m" "1|120.0|2|180.0" \
    "select group_concat(p.step || '|' || round(u.t - p.t, 3), '|') from rollout_plan_event p join rollout_plan_event u on u.step = p.step + 1 and u.what = 'StepUpgrade' where p.what = 'StepPaused'" "$d"
want "completes: no pause after the last 100% step" "2" "select count(*) from rollout_plan_event where what = 'StepPaused'" "$d"
want "completes: with the rollout" "1" \
    "select (select t from rollout_plan_event where what = 'Completed') = (select completed from rollout where revision = 2)" "$d"
want "completes: Rollout Events" "1" \
    "select (select count(*) from k8s_event where kind = 'Rollout') = (select count(*) from rollout_plan_event)" "$d"

want "bad release: transitions" "0|Started,1|StepUpgrade,1|AnalysisFailed,1|Aborted,1|RolledBack" \
    "select group_concat(step || '|' || what) from rollout_plan_event" "$b"
want "bad release: aborted at the first measurement" "330.0" "select t from rollout_plan_event where what = 'Aborted'" "$b"
want "bad release: exposure is the first batch" "2" \
    "select count(distinct pod) from pod_event where revision = 2 and phase = 'Created'" "$b"
want "bad release: every revision-2 pod deleted" "2" \
    "select count(distinct pod) from pod_event where revision = 2 and phase = 'Deleted'" "$b"
for q in "select t, step, what, detail from rollout_plan_event" "select t, pod, revision, phase from pod_event"; do
    equals "bad release: same rows on a second run" "$(sqlite3 "$b" "$q")" "$(sqlite3 "$work/bad2.db" "$q")"
done

want "pause without duration: waits at step 1" "0|Started,1|StepUpgrade,1|BatchReady,1|StepPaused" \
    "select group_concat(step || '|' || what) from rollout_plan_event" "$h"
grep -qF "7 available pods of an older revision, held by rollout plan step 1 of 2 (waiting for manual approval; partition 7)" "$work/hold.out" ||
    { echo "FAIL pause without duration: explanation"; cat "$work/hold.out"; fail=1; }

"$bin" report "$h" | grep -Eq '^1 +agent +1 +StepPaused +333\.735 +waiting for manual approval$' ||
    { echo "FAIL pause without duration: report's plan table"; "$bin" report "$h"; fail=1; }

want "analysis: passes at its second measurement after the batch, step 2 at once" \
    "1|AnalysisPassed|420.0,2|StepUpgrade|420.0" \
    "select group_concat(step || '|' || what || '|' || t) from rollout_plan_event where what in ('AnalysisPassed', 'StepUpgrade') and t > 300" "$p"

want "new template: restarts at step 1, rollback ends it" \
    "0|Started,1|StepUpgrade,1|BatchReady,1|StepPaused,1|Restarted,1|StepUpgrade,1|BatchReady,1|StepPaused,1|RolledBack" \
    "select group_concat(step || '|' || what) from rollout_plan_event" "$a"
want "new template: one pod per revision, all on the node updated first" "2|1,3|1,4|1|1" \
    "select group_concat(revision || '|' || n) || '|' || (select count(distinct node) from pod_event where phase = 'Created') from (select revision, count(distinct pod) as n from pod_event where phase = 'Created' group by revision)" "$a"

want "failureThreshold 50%: the batch is ready with 2 of 4 Ready" "BatchReady|4 updated, 2 ready, 4 wanted" \
    "select what || '|' || detail from rollout_plan_event where what = 'BatchReady'" "$work/ft50.db"
want "failureThreshold 0: the batch never is" "Started,StepUpgrade" \
    "select group_concat(what) from rollout_plan_event" "$work/ft0.db"

want "example: canary exposure" "10" \
    "select count(distinct pod) from pod_event where revision = 2 and phase = 'Created'" "$e"
want "example: rolled back" "RolledBack" "select what from rollout_plan_event order by rowid desc limit 1" "$e"
# A sweep over plans (the canary's size) gives the same rows with 1 and 2 workers.
vary='spec.rolloutPlans[0].steps[0].replicas=1,20%'
rows="select point, n, n_converged, converge_mean, exposure_mean from sweep_point order by point;
      select w.point, w.seed, e.t, e.step, e.what, e.detail from rollout_plan_event e
        join sweep_run w on w.run_id = e.run_id order by w.point, w.seed, e.t, e.step, e.what"
for j in 1 2; do
    "$bin" sweep "$src/scenarios/strategies/plan-auto-rollback.yaml" --vary "$vary" --seeds 2 -j $j \
        -o "$work/sweep$j.db" >/dev/null 2>"$work/sweep$j.err" || { echo "FAIL sweep -j $j"; fail=$((fail + 1)); }
done
equals "sweep over plans: same rows with -j 1 and -j 2" "$(sqlite3 "$work/sweep1.db" "$rows")" "$(sqlite3 "$work/sweep2.db" "$rows")"
want "sweep over plans: exposure is the canary" "1.0|20.0" \
    "select group_concat(exposure_mean, '|') from sweep_point" "$work/sweep1.db"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
