#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: mount a tmpfs, remount a read-only bind read-write, bind over /usr
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
m=$SCRATCH/esc-mnt.$$
mkdir -p "$m"
if mount -t tmpfs -o size=64k none "$m" 2>/dev/null; then
	umount "$m"
	rmdir "$m"
	escaped "mounted a tmpfs on $m"
fi
rmdir "$m"
# Only where /usr is a read-only bind of its own (inside a box), so that a
# broken sandbox never remounts the host's /usr.
if grep -qs ' /usr ro,' /proc/self/mountinfo && [ "$$" -lt 10 ]; then
	if mount -o remount,bind,rw /usr 2>/dev/null; then
		escaped "remounted /usr read-write"
	fi
	if mount --bind "$SCRATCH" /usr/local 2>/dev/null; then
		umount /usr/local
		escaped "bound the scratch dir over /usr/local"
	fi
fi
blocked "every mount was refused"
