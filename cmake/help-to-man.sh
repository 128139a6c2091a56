#!/bin/sh
# daemonsim(1) from the help texts themselves: the page is built from what
# `daemonsim --help` and `daemonsim COMMAND --help` print, so the manual and
# the help cannot say different things.
#   help-to-man.sh DAEMONSIM VERSION OUTPUT
#
# The help texts follow one layout, which is what this reads: a "Usage:" line
# (continued by indented lines), paragraphs at column 0, and items that start
# at column 2 ("  -o, --output DB   what it does" or "  run   what it does")
# whose description may continue on deeper-indented lines.
set -eu
bin=$1 version=$2 out=$3

main=$("$bin" --help)
commands=$(printf '%s\n' "$main" | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }')

# One help text (stdin) as roff. With "usage" as $1 only the Usage block is
# written (for SYNOPSIS); otherwise everything after it.
to_roff='
function esc(s,    i, n, w, r) {
    gsub(/\\/, "\\e", s)
    n = split(s, w, " ")
    r = ""
    for (i = 1; i <= n; i++) {
        if (w[i] ~ /^[[-]*-/) gsub(/-/, "\\-", w[i])
        r = r (i > 1 ? " " : "") w[i]
    }
    if (r ~ /^[.\047]/) r = "\\&" r
    return r
}
function indent(s) { match(s, /^ */); return RLENGTH }
function trim(s) { sub(/^ +/, "", s); sub(/ +$/, "", s); return s }
NR == 1 && /^Usage: / {
    usage = 1
    line = $0; sub(/^Usage: /, "", line)
    if (mode == "usage") print esc(line)
    next
}
usage && /^ / {
    if (mode == "usage") print "    " esc(trim($0))
    next
}
{ usage = 0 }
mode == "usage" { next }
/^$/ { if (!para) print ".PP"; para = 1; item = 0; next }
{ para = 0 }
/^  [^ ]/ || /^  +-/ && indent($0) < 8 {
    line = $0
    if (match(line, /[^ ]  +[^ ]/)) {
        term = substr(line, 1, RSTART); desc = substr(line, RSTART + 1)
        descol = RSTART + RLENGTH - 1
    } else if (descol && length(line) > descol && substr(line, descol - 1, 1) == " ") {
        term = substr(line, 1, descol - 1); desc = substr(line, descol)
    } else {
        term = line; desc = ""
    }
    print ".TP"
    print "\\fB" esc(trim(term)) "\\fR"
    if (trim(desc) != "") print esc(trim(desc))
    item = 1; last = desc
    next
}
item && indent($0) >= 4 {
    if (last ~ /[;:] *$/) print ".br"
    print esc(trim($0)); last = $0
    next
}
/^    / { print ".nf"; print esc(trim($0)); print ".fi"; next }
/^[A-Z][A-Za-z ]*:$/ { if (!para) print ".PP"; print ".B " esc($0); next }
{ print esc($0); item = 0 }
'

{
    printf '.TH DAEMONSIM 1 "" "daemonsim %s" "User Commands"\n' "$version"
    printf '.SH NAME\n'
    printf '%s\n' "$main" | awk 'NR == 2 { sub(/\.$/, ""); print "daemonsim \\- " tolower(substr($0, 1, 1)) substr($0, 2) }'
    printf '.SH SYNOPSIS\n.nf\n'
    printf '%s\n' "$main" | awk -v mode=usage "$to_roff"
    for c in $commands; do
        "$bin" "$c" --help | awk -v mode=usage "$to_roff"
    done
    printf '.fi\n.SH DESCRIPTION\n'
    printf '%s\n' "$main" | awk -v mode=body "$to_roff"
    printf '.SH COMMANDS\n'
    for c in $commands; do
        printf '.SS "daemonsim %s"\n' "$c"
        "$bin" "$c" --help | awk -v mode=body "$to_roff"
    done
    printf '.SH SEE ALSO\nThe README.md and docs/ of the daemonsim source tree.\n'
} >"$out.tmp"
mv "$out.tmp" "$out"
