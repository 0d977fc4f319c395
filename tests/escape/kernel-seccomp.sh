#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: call %s, which the default seccomp filter must refuse
# modes: process code-and-process code-only
# each: seccomp
# batch: yes
#
# One row per name: the runner passes every name of seccomp-probe's list
# (but the calls that must work) and of "try-escape syscall --list", and
# reads one "ROW NAME RESULT DETAIL" line per name.
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
[ $# -gt 0 ] || inconclusive "no syscall names"
known=" $("$P/seccomp-probe" --list | tr '\n' ' ') "
bad=0
for name in "$@"; do
	case $known in
	*" $name "*)
		out=$("$P/seccomp-probe" "$name")
		case $? in
		0) r=BLOCKED ;;
		1) r=ESCAPED ;;
		*) r=ERROR ;;
		esac
		;;
	*)
		out=$("$P/try-escape" syscall "$name")
		case $out in
		"error: Operation not permitted") r=BLOCKED out="$name: EPERM" ;;
		"error: Function not implemented") r=BLOCKED out="$name: ENOSYS" ;;
		ok) r=ESCAPED out="$name: ok" ;;
		error:*) r=ESCAPED out="$name reached the kernel: ${out#error: }" ;;
		*) r=ERROR ;;
		esac
		;;
	esac
	echo "ROW $name $r $out"
	[ "$r" = BLOCKED ] || bad=$((bad + 1))
done
[ "$bad" -eq 0 ] || escaped "$bad of $# calls were not refused"
blocked "all $# calls refused"
