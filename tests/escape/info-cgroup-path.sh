#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: read the host's cgroup layout in /proc/self/cgroup (the cgroup namespace must root it at the box)
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
while IFS=: read -r id ctl path; do
	[ "$path" = / ] || escaped "$id:$ctl:$path names a host cgroup"
done </proc/self/cgroup
blocked "every hierarchy is rooted at the box: $(cut -d: -f3 /proc/self/cgroup | sort -u | tr '\n' ' ')"
