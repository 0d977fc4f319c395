#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every long option that "apbox --help" prints is documented in apbox(1), and
# every option apbox(1) documents is in --help.
#
# Usage: tests/check-usage.sh [APBOX [MANPAGE.adoc [COMPLETION]]]
#   APBOX defaults to $APBOX, MANPAGE to $APBOX_SRCDIR/doc/apbox.1.adoc (the
#   variables "make check" exports), else to the paths relative to this file.
#   COMPLETION (default etc/bash-completion/apbox beside MANPAGE's doc/, when
#   it exists) must offer every long option of --help too; "" skips that.
#
# Output is TAP: one test per option found on either side, then the plan.
# Exit status: 0 all documented, 1 a mismatch (each named on a "not ok" line
# and on stderr), 77 skipped (no runnable apbox), 99 a hard error (no man
# page, nothing parsed).
#
# An option is "documented" when it appears in a definition-list term of the
# man page (a line ending in "::"), outside the section ISOLATE-COMPATIBLE
# INVOCATION (isolate's options are not apbox's).  An option is "in --help"
# when a line of the usage text starts with it ("  -b, --box-id N" or
# "      --config FILE").  Where both give a short option for a long one, the
# short options must agree.
set -u

here=$(cd "$(dirname "$0")" && pwd)
apbox=${1:-${APBOX:-$here/../build/src/apbox}}
adoc=${2:-${APBOX_SRCDIR:+$APBOX_SRCDIR/doc/apbox.1.adoc}}
adoc=${adoc:-$here/../doc/apbox.1.adoc}
if [ $# -ge 3 ]; then
	compl=$3
else
	compl=$(dirname "$adoc")/../etc/bash-completion/apbox
	[ -r "$compl" ] || compl=
fi

if [ ! -x "$apbox" ]; then
	echo "1..0 # SKIP no apbox binary at $apbox"
	exit 77
fi
if [ ! -r "$adoc" ]; then
	echo "Bail out! cannot read the man page $adoc"
	echo "check-usage: cannot read the man page $adoc" >&2
	exit 99
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-usage.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

if ! "$apbox" --help > "$tmp/help" 2> "$tmp/help.err"; then
	echo "1..0 # SKIP $apbox --help failed: $(head -n 1 "$tmp/help.err")"
	exit 77
fi

# "long short" pairs from --help; short is "-" when there is none.
sed -n 's/^ \{2,\}\(-[A-Za-z0-9], \)\{0,1\}\(--[A-Za-z0-9][A-Za-z0-9-]*\).*/\2 \1/p' "$tmp/help" |
	sed 's/, $//; s/ $/ -/' | sort -u -k1,1 > "$tmp/help.opts"

# The same from the man page's definition-list terms.
awk '
	/^==+ / { skip = ($0 ~ /^== ISOLATE-COMPATIBLE INVOCATION[ \t]*$/); next }
	skip { next }
	/^\/\// { next }
	/::+[ \t]*$/ {
		t = $0
		short = "-"
		if (match(t, /(^|[^-A-Za-z0-9])-[A-Za-z0-9]([^-A-Za-z0-9]|$)/)) {
			s = substr(t, RSTART, RLENGTH)
			gsub(/[^-A-Za-z0-9]/, "", s)
			short = s
		}
		while (match(t, /--[A-Za-z0-9][A-Za-z0-9-]*/)) {
			print substr(t, RSTART, RLENGTH), short
			t = substr(t, RSTART + RLENGTH)
		}
	}
' "$adoc" | sort -u -k1,1 > "$tmp/man.opts"

if [ ! -s "$tmp/help.opts" ] || [ ! -s "$tmp/man.opts" ]; then
	echo "Bail out! no options found in --help or in $adoc"
	echo "check-usage: no options found in --help or in $adoc" >&2
	exit 99
fi

n=0
failed=0
cut -d' ' -f1 "$tmp/help.opts" "$tmp/man.opts" | sort -u > "$tmp/all"
while read -r opt; do
	n=$((n + 1))
	h=$(awk -v o="$opt" '$1 == o { print $2 }' "$tmp/help.opts")
	m=$(awk -v o="$opt" '$1 == o { print $2 }' "$tmp/man.opts")
	if [ -z "$m" ]; then
		echo "not ok $n - $opt is in apbox --help but not documented in $(basename "$adoc")"
		echo "check-usage: $opt is in apbox --help but not documented in $adoc" >&2
		failed=1
	elif [ -z "$h" ]; then
		echo "not ok $n - $opt is documented in $(basename "$adoc") but not in apbox --help"
		echo "check-usage: $opt is documented in $adoc but not in apbox --help" >&2
		failed=1
	elif [ "$h" != "$m" ]; then
		echo "not ok $n - $opt has short option $h in --help but $m in $(basename "$adoc")"
		echo "check-usage: $opt has short option $h in --help but $m in $adoc" >&2
		failed=1
	else
		echo "ok $n - $opt"
	fi
done < "$tmp/all"
if [ -n "$compl" ]; then
	while read -r opt _; do
		n=$((n + 1))
		# a whole word of the file: between blanks, quotes, "|", "(" or ")"
		if grep -q -E -e "(^|[[:space:]'\"|(])${opt}([[:space:]'\"|)]|\$)" "$compl"; then
			echo "ok $n - completion offers $opt"
		else
			echo "not ok $n - $opt is in apbox --help but not in $(basename "$compl") (bash completion)"
			echo "check-usage: $opt is in apbox --help but not in $compl" >&2
			failed=1
		fi
	done < "$tmp/help.opts"
fi
echo "1..$n"
exit $failed
