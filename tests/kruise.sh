#!/usr/bin/env bash
# Advanced DaemonSet rows that scenario expectations cannot state:
#  - InPlaceIfPossible (openkruise/kruise daemonset_update.go inPlaceUpdatePods):
#    after the image update no pod is created or deleted, the same 6 pod names
#    live on, each gets one InPlaceUpdate, goes NotReady, pulls and is Ready again;
#  - in-place updates refused by apiErrors.update (inPlaceUpdatePods): each
#    refusal is a FailedUpdatePodInPlace Event, each accepted update a
#    SuccessfulUpdatePodInPlace one and one InPlaceUpdate row, and the pods
#    still all end on revision 2 under their own names, none created or deleted;
#  - partition order with joined nodes (filterDaemonPodsNodeToUpdate): the
#    nodes kept on revision 1 are the first names, joined nodes among them;
#  - image pre-download (daemonset_predownload_image.go): with the ImagePullJob
#    done before the partition drops, no pod pulls after the update;
#  - a sweep over strategies (Standard against InPlaceIfPossible, varied as the
#    rollingUpdate mapping) gives the same rows twice, and the in-place point
#    converges sooner on the same seeds.
#   kruise.sh DAEMONSIM SOURCE_DIR WORKDIR
set -uo pipefail
bin=$1 src=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
fail=0
want() {    # want NAME EXPECTED SQL DB
    local got
    got=$(sqlite3 "$4" "$3")
    if [[ "$got" != "$2" ]]; then echo "FAIL $1: got '$got', want '$2'"; fail=1; fi
}
for s in kruise-in-place-keeps-pod-names kruise-predownload-removes-pull-time \
         kruise-inPlaceUpdatePods-apiErrors-update-retried kruise-partition-order-with-joined-nodes; do
    "$bin" run "$src/tests/scenarios/$s.yaml" -q -o "$work/$s.db" >/dev/null || { echo "FAIL run $s"; fail=1; }
done
ip=$work/kruise-in-place-keeps-pod-names.db pd=$work/kruise-predownload-removes-pull-time.db
ue=$work/kruise-inPlaceUpdatePods-apiErrors-update-retried.db
jn=$work/kruise-partition-order-with-joined-nodes.db
want "partition order: kept nodes by name, joined ones included" "workers-0 workers-1 workers-10 workers-11 workers-12" \
    "select group_concat(node, ' ') from (select distinct node from pod_event p where revision = 1
     and not exists (select 1 from pod_event q where q.node = p.node and q.revision = 2) order by node)" "$jn"
want "in-place: pod names" 6 "select count(distinct pod) from pod_event" "$ip"
want "in-place: no create/delete after the update" 0 \
    "select count(*) from pod_event where t >= 300 and phase in ('Created','Deleted','Terminating','Scheduled')" "$ip"
want "in-place: one patch per pod" "6|6" \
    "select count(*), count(distinct pod) from pod_event where phase = 'InPlaceUpdate'" "$ip"
want "in-place: pulls the new image" 6 "select count(*) from pod_event where t >= 300 and phase = 'Pulled'" "$ip"
want "in-place: Ready again on revision 2" 6 \
    "select count(distinct pod) from pod_event where t >= 300 and phase = 'Ready' and revision = 2" "$ip"
want "refused updates: some refused, every pod updated once" "1|6" \
    "select (select count(*) from k8s_event where reason = 'FailedUpdatePodInPlace') > 0,
            (select count(*) from k8s_event where reason = 'SuccessfulUpdatePodInPlace')" "$ue"
want "refused updates: one InPlaceUpdate per pod, same names" "6|6|6" \
    "select count(*), count(distinct pod), (select count(distinct pod) from pod_event)
     from pod_event where phase = 'InPlaceUpdate'" "$ue"
want "refused updates: no create/delete after the update" 0 \
    "select count(*) from pod_event where t >= 300 and phase in ('Created','Deleted','Terminating','Scheduled')" "$ue"
want "pre-download: no pull after the update" 0 \
    "select count(*) from pod_event where t >= 300 and phase = 'Pulled'" "$pd"
want "pre-download: still in place" "6|6" \
    "select count(*), count(distinct pod) from pod_event where phase = 'InPlaceUpdate'" "$pd"
vary='spec.daemonSets[0].manifest.spec.updateStrategy.rollingUpdate={maxUnavailable: 2},{rollingUpdateType: InPlaceIfPossible, maxUnavailable: 2}'
rows="select point, n, n_converged, converge_mean, peak_unavailable_mean, unavailable_pod_seconds_mean from sweep_point order by point"
for k in 1 2; do
    "$bin" sweep "$src/tests/scenarios/kruise-in-place-keeps-pod-names.yaml" --vary "$vary" --seeds 3 -j 2 \
        -o "$work/sweep$k.db" >/dev/null 2>&1 || { echo "FAIL sweep $k"; fail=1; }
    sqlite3 "$work/sweep$k.db" "$rows; select t, pod, phase from pod_event order by t, pod, phase" >"$work/sweep$k.txt"
done
cmp -s "$work/sweep1.txt" "$work/sweep2.txt" || { echo "FAIL sweep over strategies: rows differ between two runs"; fail=1; }
want "sweep: in-place converges sooner" 1 \
    "select (select converge_mean from sweep_point where point = 1) < (select converge_mean from sweep_point where point = 0)" \
    "$work/sweep1.db"
[[ $fail -eq 0 ]] && echo "kruise rows: all checks passed"
exit $fail
