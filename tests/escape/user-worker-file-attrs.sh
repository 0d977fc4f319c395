#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: change the mode and the modification time of the worker's secret file, and the mode of its directory, by path (chmod, touch)
# modes: code-only process code-and-process
# check: check_user_home_attrs
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
# Left changed for the runner's check, which removes the directory.
done=
chmod 0644 "$ESC_W_FILE" 2>/dev/null && done="the file's mode"
touch -m -d @86400 "$ESC_W_FILE" 2>/dev/null && done="${done:+$done, }the file's mtime"
chmod 0755 "$ESC_W_HOME" 2>/dev/null && done="${done:+$done, }the directory's mode"
[ -n "$done" ] && escaped "changed $done"
err=$(chmod 0644 "$ESC_W_FILE" 2>&1)
blocked "chmod of the worker's file: ${err##*: }"
