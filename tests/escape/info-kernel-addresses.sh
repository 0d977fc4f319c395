#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: read kernel addresses (/proc/kallsyms, /proc/modules) to defeat KASLR
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
nz=$(awk '$1 !~ /^0+$/ { n++ } END { print n + 0 }' /proc/kallsyms 2>/dev/null)
[ "${nz:-0}" -gt 0 ] && escaped "$nz non-zero addresses in /proc/kallsyms"
nm=$(awk '$6 ~ /^0x/ && $6 !~ /^0x0+$/ { n++ } END { print n + 0 }' /proc/modules 2>/dev/null)
[ "${nm:-0}" -gt 0 ] && escaped "$nm non-zero module addresses in /proc/modules"
blocked "kernel addresses read as zero"
