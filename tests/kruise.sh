#!/usr/bin/env bash
# Advanced DaemonSet rows that scenario expectations cannot state:
#  - InPlaceIfPossible (openkruise/kruise daemonset_update.go inPlaceUpdatePods):
#    after the image update no pod is created or deleted, the same 6 pod names
#    live on, each gets one InPlaceUpdate, goes NotReady, pulls and is Ready again;
#  - image pre-download (daemonset_predownload_image.go): with the ImagePullJob
#    done before the partition drops, no pod pulls after the update.
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
for s in kruise-in-place-keeps-pod-names kruise-predownload-removes-pull-time; do
    "$bin" run "$src/tests/scenarios/$s.yaml" -q -o "$work/$s.db" >/dev/null || { echo "FAIL run $s"; fail=1; }
done
ip=$work/kruise-in-place-keeps-pod-names.db pd=$work/kruise-predownload-removes-pull-time.db
want "in-place: pod names" 6 "select count(distinct pod) from pod_event" "$ip"
want "in-place: no create/delete after the update" 0 \
    "select count(*) from pod_event where t >= 300 and phase in ('Created','Deleted','Terminating','Scheduled')" "$ip"
want "in-place: one patch per pod" "6|6" \
    "select count(*), count(distinct pod) from pod_event where phase = 'InPlaceUpdate'" "$ip"
want "in-place: pulls the new image" 6 "select count(*) from pod_event where t >= 300 and phase = 'Pulled'" "$ip"
want "in-place: Ready again on revision 2" 6 \
    "select count(distinct pod) from pod_event where t >= 300 and phase = 'Ready' and revision = 2" "$ip"
want "pre-download: no pull after the update" 0 \
    "select count(*) from pod_event where t >= 300 and phase = 'Pulled'" "$pd"
want "pre-download: still in place" "6|6" \
    "select count(*), count(distinct pod) from pod_event where phase = 'InPlaceUpdate'" "$pd"
[[ $fail -eq 0 ]] && echo "kruise rows: all checks passed"
exit $fail
