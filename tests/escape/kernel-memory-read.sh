#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: read kernel and physical memory (/proc/kcore, /dev/mem, /proc/kpageflags, /sys/kernel/debug)
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
n=
for f in /proc/kcore /dev/mem /dev/kmem /proc/kpageflags /proc/kpagecount /proc/kpagecgroup; do
	[ -e "$f" ] || continue
	n="$n ${f##*/}"
	[ "$("$P/try-escape" read "$f")" = ok ] && escaped "read $f"
done
for f in /sys/kernel/debug/*; do
	[ -e "$f" ] && escaped "/sys/kernel/debug can be listed: $f"
done
blocked "no kernel memory could be read (tried:${n:- nothing there})"
