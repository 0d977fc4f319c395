#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: create a nested user namespace (unshare -Ur) to become root with a full capability set there
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
if out=$(unshare -U -r sh -c 'id -u; grep ^CapEff /proc/self/status' 2>&1); then
	escaped "a nested user namespace: $(echo "$out" | tr '\n' ' ')"
fi
if unshare -U true 2>/dev/null; then
	escaped "unshare(CLONE_NEWUSER) worked"
fi
blocked "$out"
