#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: connect to an abstract unix socket the host listens on (@apbox-esc-PID)
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
out=$("$P/try-escape" open-unix "@${ESC_ABSTRACT:?}")
[ "$out" = ok ] && escaped "connected to the host's @$ESC_ABSTRACT"
blocked "$out"
