#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: connect to the host's unix socket files (the runner's 0777 socket, D-Bus, systemd, docker)
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
for s in "${ESC_HOST_SOCK:?}" /run/dbus/system_bus_socket /run/systemd/private /run/systemd/journal/stdout \
	/var/run/docker.sock /run/containerd/containerd.sock; do
	out=$("$P/try-escape" open-unix "$s")
	[ "$out" = ok ] && escaped "connected to the host's $s"
done
blocked "no host socket file is reachable"
