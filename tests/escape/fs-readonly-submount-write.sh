#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: write into a read-only --dir bind and into a tmpfs mounted below its host source
# modes: process code-and-process
# options: --dir /data=@WORLD@/rosrc
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
[ -d /data/sub ] || inconclusive "/data/sub is missing: the bind did not happen"
grep -qs "^apbox-esc-submount" /data/sub/file || inconclusive "/data/sub is not the runner's tmpfs"
for f in /data/new /data/sub/new; do
	if try_create "$f"; then
		escaped "created $f"
	fi
done
for f in /data/file /data/sub/file; do
	if try_open_write "$f"; then
		escaped "opened $f (mode 0666 on the host) for writing"
	fi
done
if mkdir /data/sub/dir 2>/dev/null; then
	rmdir /data/sub/dir
	escaped "made a directory in the submount /data/sub"
fi
blocked "the bind and its submount are read-only"
