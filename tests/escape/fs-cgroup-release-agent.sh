#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: mount a cgroup v1 hierarchy or open a release_agent / notify_on_release file (the release_agent escape)
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
m=$SCRATCH/esc-cg.$$
mkdir -p "$m"
for c in rdma memory pids; do
	if mount -t cgroup -o "$c" cgroup "$m" 2>/dev/null; then
		umount "$m"
		rmdir "$m"
		escaped "mounted the $c cgroup hierarchy"
	fi
done
rmdir "$m"
for f in /sys/fs/cgroup/*/release_agent /sys/fs/cgroup/*/notify_on_release /sys/fs/cgroup/release_agent; do
	if try_open_write "$f"; then
		escaped "opened $f for writing"
	fi
done
blocked "no cgroup hierarchy could be mounted and no release_agent opened"
