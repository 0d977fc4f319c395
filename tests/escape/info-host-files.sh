#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: find host files outside the binds (/etc/shadow, /etc/machine-id, /root, /home, /var, /run, /sys, /boot)
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
for p in /etc/shadow /etc/machine-id /etc/ssh /etc/sudoers /etc/apbox /root/.profile /root/.bashrc /home \
	/var/log /var/lib /run /sys /boot /srv /opt /work "${ESC_WORLD:?}"; do
	[ -e "$p" ] && escaped "$p exists in the box"
done
blocked "no host file outside the binds is there"
