#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: send datagrams to the worker's UDP socket on 127.0.0.1
# modes: code-only process code-and-process
# check: check_user_udp
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
user_world
# A datagram sent may still be lost: three of them, and only the worker can
# say whether one arrived.
out=
for _ in 1 2 3; do
	out=$("$P/try-escape" udp-send 127.0.0.1 "${ESC_W_UDP:?the worker sets ESC_W_UDP}")
done
blocked "sendto: $out; the worker counts what arrived"
