#!/usr/bin/env bash
# The repository stands alone: no file refers to a path outside it or to a
# document it does not hold, every `§N` names a heading of docs/behaviour.md,
# every conformance case id (C01, D01, ...) is listed in docs/conformance.md,
# and every relative Markdown link points at a file that exists.
#   repo_refs.sh SOURCE_DIR
set -uo pipefail
src=$1
cd "$src" || exit 2
self=tests/repo_refs.sh

# The files to check: git's list when this is a checkout, else the tree
# without build folders. Binary files (the charts) are skipped by grep -I.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files | grep -vxF "$self")
else
    mapfile -t files < <(find . -type f ! -path './.git/*' ! -path './build*' ! -path './results/*.db*' \
                         -printf '%P\n' | grep -vxF "$self" | sort)
fi
fail=0
complain() { echo "FAIL $*"; fail=$((fail + 1)); }

# 1. Paths and documents outside the repository. The names are spelled in
#    pieces so that this file does not match itself.
outside=('\.\./shared' '/work/' '/home/' 'shared/reference' 'reference/'
         "daemonset-""behaviour\.md" "upstream-""cases" "performance-""notes"
         "c-style-""study" "EXCLUDED""\.md" '\bSP''EC\b')
for pat in "${outside[@]}"; do
    while IFS= read -r hit; do complain "outside reference: $hit"; done \
        < <(grep -InE -- "$pat" "${files[@]}" 2>/dev/null)
done

# 2. Section signs: every §N or §N.M must be a heading "## N." / "### N.M"
#    of docs/behaviour.md.
mapfile -t sections < <(sed -nE 's/^#{2,3} ([0-9]+(\.[0-9]+)?)\.? .*/\1/p' docs/behaviour.md)
[[ ${#sections[@]} -ge 30 ]] || complain "docs/behaviour.md: only ${#sections[@]} numbered headings"
declare -A have_section=()
for s in "${sections[@]}"; do have_section[$s]=1; done
while IFS=: read -r file line ref; do
    num=${ref#§}; num=${num# }
    [[ -n ${have_section[$num]:-} ]] || complain "$file:$line: $ref is not a section of docs/behaviour.md"
done < <(grep -InoE '§ ?[0-9]+(\.[0-9]+)?' "${files[@]}" 2>/dev/null)

# 3. Case ids: every C<nn> or D<nn> must be a row of docs/conformance.md.
declare -A have_case=()
while read -r id; do have_case[$id]=1; done < <(sed -nE 's/^\| ([CD][0-9]{2}) \|.*/\1/p' docs/conformance.md)
[[ ${#have_case[@]} -ge 90 ]] || complain "docs/conformance.md: only ${#have_case[@]} case rows"
while IFS=: read -r file line id; do
    [[ -n ${have_case[$id]:-} ]] || complain "$file:$line: case $id is not in docs/conformance.md"
done < <(grep -InoE '\b[CD][0-9]{2,}\b' "${files[@]}" 2>/dev/null)

# 4. Relative Markdown links resolve to files of the repository.
for md in "${files[@]}"; do
    [[ $md == *.md ]] || continue
    dir=$(dirname "$md")
    while IFS=: read -r line target; do
        target=${target%%#*}
        [[ -z $target || $target == *://* || $target == mailto:* ]] && continue
        [[ -e "$dir/$target" ]] || complain "$md:$line: link to $target, which does not exist"
    done < <(grep -noE '\]\([^)[:space:]]+\)' "$md" | sed -E 's/^([0-9]+):\]\((.*)\)$/\1:\2/')
done

echo "${#files[@]} files checked, $fail problems"
[[ $fail -eq 0 ]]
