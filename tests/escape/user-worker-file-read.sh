#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: read the worker's secret file (mode 0600, in the worker's 0700 directory)
# modes: code-only process code-and-process
# check: check_user_file_secret
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
cat "$ESC_W_FILE" 2>/dev/null && escaped "read the worker's 0600 file"
err=$(cat "$ESC_W_FILE" 2>&1 >/dev/null)
blocked "the worker's file: ${err##*: }"
