#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: set an extended attribute (user.apbox-esc) on the worker's secret file and on its 0700 directory, by path (setxattr, and setxattrat, which an older libseccomp does not know by name)
# modes: code-only process code-and-process
# check: check_user_home_xattrs
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
# Left in place for the worker, which lists them after the run.
done=
out=$("$P/try-escape" setxattr "$ESC_W_FILE" user.apbox-esc "$ESC_MARKER")
[ "$out" = ok ] && done="the file"
[ -n "$done" ] || { aout=$("$P/try-escape" setxattrat "$ESC_W_FILE" user.apbox-esc "$ESC_MARKER")
	[ "$aout" = ok ] && done="the file (setxattrat)"; }
dout=$("$P/try-escape" setxattr "$ESC_W_HOME" user.apbox-esc "$ESC_MARKER")
[ "$dout" = ok ] && done="${done:+$done and }the directory"
[ -n "$done" ] && escaped "set user.apbox-esc on $done"
blocked "setxattr on the worker's file: ${out#error: }"
