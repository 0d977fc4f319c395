#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: look into the host's /tmp (the runner's world lives there)
# modes: process code-and-process
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
for f in /tmp/apbox-*; do
	[ -e "$f" ] && escaped "the host's /tmp is visible: $f"
done
has_token "${ESC_HOST_FILE:?}" apbox-esc-host-file && escaped "read $ESC_HOST_FILE"
blocked "/tmp is private: $(ls -a /tmp | wc -l) entries"
