#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: create a file in /, /usr, /bin, /lib, /etc, /var, /root and the other system directories
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
n=.apbox-esc-$$
for d in / /usr /usr/bin /usr/lib /usr/local /bin /sbin /lib /lib64 /etc /var /var/lib /root /opt /srv /boot; do
	[ -d "$d" ] || continue
	if try_create "$d/$n"; then
		escaped "created $d/$n"
	fi
done
blocked "no system directory accepted a new file"
