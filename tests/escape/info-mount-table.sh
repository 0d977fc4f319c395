#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: read the host's mount table (/proc/self/mountinfo, /proc/mounts: host mount points, /sys, /run, /work)
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
n=0
for mp in $(awk '{ print $5 }' /proc/self/mountinfo) $(awk '{ print $2 }' /proc/mounts); do
	n=$((n + 1))
	case $mp in
	/ | /box | /bin | /lib | /lib64 | /usr | /tmp | /etc | /etc/* | /proc | /proc/* | /dev | /dev/* | /probes) ;;
	/root/common | /root/codes) ;;
	*) escaped "a mount point the box does not make is listed: $mp" ;;
	esac
done
blocked "$n entries, all the box's own"
