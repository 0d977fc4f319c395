#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: open 4096 files with the default limits (--open-files defaults to 1024)
# modes: process code-and-process code-only unsandboxed
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
soft=$(ulimit -S -n)
hard=$(ulimit -H -n)
[ "$soft" = unlimited ] || [ "$soft" -gt 1024 ] && escaped "soft RLIMIT_NOFILE is $soft"
[ "$hard" = unlimited ] || [ "$hard" -gt 1024 ] && escaped "hard RLIMIT_NOFILE is $hard"
out=$("$P/try-escape" nofile 4096 | tr '\n' ' ')
case $out in
*"error: Too many open files"*) blocked "$out(limit $soft/$hard)" ;;
*" ok "*) escaped "$out" ;;
esac
inconclusive "try-escape nofile: $out"
