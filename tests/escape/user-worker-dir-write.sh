#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: create a file and a symbolic link in the worker's 0700 directory
# modes: code-only process code-and-process
# check: check_user_home
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
# Left in place for the runner's check, which removes the directory.
made=
(: >"$ESC_W_HOME/planted") 2>/dev/null && made="a file"
ln -s /nonexistent "$ESC_W_HOME/planted-link" 2>/dev/null && made="${made:+$made and }a symbolic link"
[ -n "$made" ] && escaped "created $made in the worker's 0700 directory"
err=$( (: >"$ESC_W_HOME/planted") 2>&1)
blocked "the worker's directory: ${err##*: }"
