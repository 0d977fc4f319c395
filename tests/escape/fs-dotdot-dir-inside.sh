#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: a --dir rule whose inside path climbs out of the new root with ".." (/box/../../usr=/tmp)
# modes: process code-and-process
# options: --dir /box/../../usr=/tmp:rw
# blocked: refused
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
escaped "apbox accepted \"..\" in a --dir inside path and ran the program"
