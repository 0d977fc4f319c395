#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: read apbox's caller's environment (APBOX_ESC_LEAK and anything beyond PATH, HOME, TMPDIR, AP_EXECUTION_MODE)
# modes: process code-and-process code-only unsandboxed
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
names=$(tr '\0' '\n' </proc/self/environ | sed 's/=.*//')
for n in $names $(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p'); do
	case $n in
	PATH | HOME | TMPDIR | AP_EXECUTION_MODE | PWD | ESC_*) ;;
	*) escaped "the caller's variable $n reached the program" ;;
	esac
done
blocked "only PATH, HOME, TMPDIR, AP_EXECUTION_MODE and the runner's ESC_* variables"
