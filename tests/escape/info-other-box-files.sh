#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: read a file another box's program left in its box dir (mode 0644, as a default umask makes it)
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
f=${ESC_OTHER_BOX_FILE:?}
has_token "$f" apbox-esc-other-box && escaped "read $f"
ls "${f%/*}/" >/dev/null 2>&1 && escaped "listed the other box's dir ${f%/*}"
blocked "$(cat "$f" 2>&1 | head -1)"
