#!/usr/bin/env bash
# Includes follow the layers: a file in sim/<layer>/, or
# a public header of that layer, includes only headers of its own layer and of
# the layers below it:
#
#     cli -> sweep -> run -> {input, output} -> k8s -> engine -> base
#
# (run drives a scenario from the input layer into the output layer's store;
# input and output never include each other.) A directory of sim/ that is not
# a layer below fails the check until it is given its place. Only the wrappers named below
# include <yaml.h>, <sqlite3.h> and GSL, so the libraries stay swappable.
#
# A public header include/daemonsim/X.h belongs to the layer with sim/<layer>/X.c
# or sim/<layer>/X_*.c; headers without one are listed in header_layer().
#   check-includes.sh SOURCE_DIR      exit 0 clean, 1 with one line per violation
set -uo pipefail
src=${1:?usage: check-includes.sh SOURCE_DIR}
cd "$src" || exit 2

layers="base engine k8s input output run sweep cli"

allowed() {     # allowed LAYER: the layers its files may include
    case $1 in
        base) echo "base" ;;
        engine) echo "engine base" ;;
        k8s) echo "k8s engine base" ;;
        input) echo "input k8s engine base" ;;
        output) echo "output k8s engine base" ;;
        run) echo "run input output k8s engine base" ;;
        sweep) echo "sweep run input output k8s engine base" ;;
        cli) echo "$layers" ;;
    esac
}

header_layer() {    # header_layer NAME.h
    local stem=${1%.h} l
    for l in $layers; do
        if compgen -G "sim/$l/$stem.c" >/dev/null || compgen -G "sim/$l/${stem}_*.c" >/dev/null; then
            echo "$l"
            return
        fi
    done
    case $1 in
        base.h) echo base ;;
        dsspec.h | dsstatus.h | clusterspec.h | model.h) echo k8s ;;
        cli.h) echo cli ;;
        *) echo unknown ;;
    esac
}

# Who may include a third-party library header.
lib_allowed() {     # lib_allowed FILE HEADER
    case $2 in
        yaml.h) [[ $1 == sim/input/ydoc.[ch] ]] ;;
        sqlite3.h) [[ $1 == sim/output/store*.[ch] ]] ;;
        gsl/*) [[ $1 == sim/engine/dist.c || $1 == sim/engine/rng.c || $1 == sim/engine/stats.c ||
                  $1 == sim/engine/fit.c ]] ;;
        *) return 0 ;;
    esac
}

declare -A layer_of
for f in include/daemonsim/*.h; do
    layer_of[${f##*/}]=$(header_layer "${f##*/}")
done

bad=0
report() { echo "$1: $2"; bad=1; }

check_file() {      # check_file FILE LAYER
    local file=$1 layer=$2 line inc hl
    while IFS= read -r line; do
        if [[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"daemonsim/([^\"]+)\" ]]; then
            inc=${BASH_REMATCH[1]}
            if [[ ! -f include/daemonsim/$inc ]]; then
                report "$file" "includes daemonsim/$inc, which does not exist"
                continue
            fi
            hl=${layer_of[$inc]:-unknown}
            if [[ $hl == unknown ]]; then
                report "$file" "daemonsim/$inc has no layer (add it to header_layer in tests/check-includes.sh)"
            elif [[ " $(allowed "$layer") " != *" $hl "* ]]; then
                report "$file" "layer $layer includes daemonsim/$inc of layer $hl"
            fi
        elif [[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]]; then
            inc=${BASH_REMATCH[1]}
            # A private header: only from its own directory.
            if [[ $file == include/* || ! -f $(dirname "$file")/$inc ]]; then
                report "$file" "includes \"$inc\", which is not a header of its own directory"
            fi
        elif [[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\<([^\>]+)\> ]]; then
            inc=${BASH_REMATCH[1]}
            lib_allowed "$file" "$inc" || report "$file" "includes <$inc>, reserved to its wrapper"
        fi
    done < <(grep -E '^[[:space:]]*#[[:space:]]*include' "$file")
}

for d in sim/*/; do
    d=${d%/}
    [[ " $layers " == *" ${d#sim/} "* ]] || report "$d" "is not a layer (add it to layers and allowed in tests/check-includes.sh)"
done
for layer in $layers; do
    for f in sim/"$layer"/*.[ch]; do
        [[ -e $f ]] && check_file "$f" "$layer"
    done
done
check_file sim/main.c cli
for f in include/daemonsim/*.h; do
    hl=${layer_of[${f##*/}]}
    if [[ $hl == unknown ]]; then
        report "$f" "has no layer (add it to header_layer in tests/check-includes.sh)"
    else
        check_file "$f" "$hl"
    fi
done

exit $bad
