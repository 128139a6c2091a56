#!/usr/bin/env bash
# daemonsim(1) and `cmake --install`: the page built with the binary is what
# the generator makes from the --help texts, groff renders it without a
# warning and it covers every command; installing into a prefix puts the
# binary in bin/ and the page in share/man/man1/.
#   install.sh SOURCE_DIR BUILD_DIR WORKDIR
set -uo pipefail
src=$1 build=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

page=$build/daemonsim.1
[[ -s $page ]] && ok || bad "$page was not built"
sh "$src/cmake/help-to-man.sh" "$build/daemonsim" "$(sed -n 's/.*"daemonsim \([^"]*\)".*/\1/p;q' "$page")" "$work/again.1"
cmp -s "$page" "$work/again.1" && ok || bad "$page differs from what the --help texts give now"

groff -man -Tutf8 -ww -P-cbou "$page" >"$work/page.txt" 2>"$work/groff.err"
[[ $? -eq 0 && ! -s $work/groff.err ]] && ok || { bad "groff warns about $page"; head "$work/groff.err"; }
# one section per command that `daemonsim --help` lists, with its usage
for c in $("$build/daemonsim" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }'); do
    grep -q "^   daemonsim $c\$" "$work/page.txt" && ok || bad "no section for '$c' in the page"
    usage=$("$build/daemonsim" "$c" --help | sed -n '1s/^Usage: //p')
    grep -qF -- "$usage" "$work/page.txt" && ok || bad "the page lacks '$usage'"
done
grep -qF -- "--junit FILE" "$work/page.txt" && ok || bad "the page lacks test --junit"

cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" 2>&1 && ok || { bad "cmake --install failed"; cat "$work/install.log"; }
[[ -x $work/prefix/bin/daemonsim ]] && ok || bad "no bin/daemonsim in the prefix"
cmp -s "$work/prefix/share/man/man1/daemonsim.1" "$page" && ok || bad "no share/man/man1/daemonsim.1 in the prefix"
"$work/prefix/bin/daemonsim" --version | grep -q '^daemonsim ' && ok || bad "the installed binary does not run"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
