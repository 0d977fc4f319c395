#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: raise the hard limits apbox set (open files, file size, processes) above their values
# modes: process code-and-process code-only
# options: --fsize 1M --open-files 256
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
if (ulimit -H -n 4096) 2>/dev/null; then
	escaped "raised the hard open-files limit from $(ulimit -H -n) to 4096"
fi
if (ulimit -H -f unlimited) 2>/dev/null; then
	escaped "raised the hard file-size limit from $(ulimit -H -f) blocks to unlimited"
fi
blocked "hard limits stay at $(ulimit -H -n) files and $(ulimit -H -f) blocks"
