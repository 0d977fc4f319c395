#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: run a binary with file capabilities (setcap cap_net_raw,cap_dac_read_search,cap_sys_admin+ep)
# modes: process code-and-process code-only
# process-options: --dir /fcap=@WORLD@/fcap
# options: --dir @WORLD@/fcap
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
d=/fcap
is_process_mode || d=${ESC_WORLD:?}/fcap
[ -x "$d/capbin" ] || inconclusive "the file-capability binary is missing in $d"
if ! st=$(sh -c 'exec "$1" caps' sh "$d/capbin" 2>&1); then
	# With an empty bounding set the kernel refuses to start a binary
	# whose file capabilities it cannot grant (the "capability-dumb
	# binary" rule of execve): failing closed.
	case $st in
	*"Operation not permitted"*) blocked "execve refused the capability binary (EPERM)" ;;
	esac
	inconclusive "cannot run $d/capbin: $st"
fi
for k in CapPrm CapEff CapAmb; do
	v=$(echo "$st" | awk -v k="$k:" '$1 == k { print $2 }')
	case $v in
	*[1-9a-f]*) escaped "the file capabilities gave $k $v" ;;
	"") inconclusive "no $k line" ;;
	esac
done
out=$("$d/capbin" raw-socket | tail -1)
[ "$out" = ok ] && escaped "the file capability opened a raw socket"
blocked "file capabilities ignored (CapEff $(echo "$st" | awk '$1 == "CapEff:" { print $2 }'))"
