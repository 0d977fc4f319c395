#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: a --dir rule whose host path climbs with ".." (/x=/tmp/../etc)
# modes: process code-and-process
# options: --dir /x=/tmp/../etc
# blocked: refused
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
escaped "apbox accepted \"..\" in a --dir source and ran the program"
