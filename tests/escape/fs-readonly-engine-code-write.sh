#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: modify the engine (--engine, /root/common) and the code artifact (--code, /root/codes), world-writable on the host
# modes: process code-and-process
# options: --engine @WORLD@/engine --code @WORLD@/code
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
[ -f /root/common/main.js ] && [ -f /root/codes/step.js ] || inconclusive "engine or code not bound"
for f in /root/common/main.js /root/codes/step.js; do
	if try_open_write "$f"; then
		escaped "opened $f for writing"
	fi
done
for d in /root/common /root/codes; do
	if try_create "$d/injected.js"; then
		escaped "created $d/injected.js"
	fi
	if mv "$d/$(ls "$d" | head -1)" "$d/renamed" 2>/dev/null; then
		escaped "renamed a file in $d"
	fi
done
if chmod 0777 /root/common/main.js 2>/dev/null; then
	escaped "changed the mode of /root/common/main.js"
fi
blocked "engine and code are read-only"
