#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Soak test: many runs of apbox, then a leak check.  Before and after each
# phase it counts what a run could leave behind, prints the numbers as TAP
# comments ("# ...") and exits 1 on any difference or failed run.
#
#   tests/soak/soak.sh [PHASE...]
#
# PHASE (default: all of them, in this order):
#   sequential  APBOX_SOAK_N runs of one box (process mode, with limits)
#   parallel    two boxes, APBOX_SOAK_N/2 runs each, at the same time
#   unsandboxed APBOX_SOAK_N/5 runs of one box in unsandboxed mode
#   concurrent  APBOX_SOAK_BOXES boxes (default 32) each sleeping 1-2 s, all at once
#
# Environment: APBOX (the binary, required), APBOX_SOAK_N (default 1000),
# APBOX_SOAK_BOXES (32), APBOX_SOAK_MODE (process: the heaviest mode).
# The script makes its own world (box_root, lock_root, config and a cgroup
# parent "apbox-soak-<pid>") and removes it.  Needs root for the process modes.
#
# Counted: lines of /proc/self/mountinfo (all, and those under the world),
# cgroup directories below the soak's parent, the script's own open fds, the
# fds the program finds open inside the box, files under box_root, processes
# owned by the box uids, and zombies (the script's own children, and all).
set -u

: "${APBOX:?APBOX must point at the apbox binary}"
N=${APBOX_SOAK_N:-1000}
NBOXES=${APBOX_SOAK_BOXES:-32}
MODE=${APBOX_SOAK_MODE:-process}
FIRST_UID=60000
# Box ids far above the ones the bats suites use (10 + test number).
B0=950
PROBE_EVERY=100
[ $# -gt 0 ] || set -- sequential parallel unsandboxed concurrent

say() { printf '# %s\n' "$*"; }
status=0
bad() { say "FAIL: $*"; status=1; }

WORLD=$(mktemp -d /tmp/apbox-soak.XXXXXX) || exit 2
chmod 755 "$WORLD"
CG_PARENT=apbox-soak-$$
BOX_ROOT=$WORLD/boxes
LOCK_ROOT=$WORLD/locks
cat >"$WORLD/apbox.conf" <<CONF
box_root = $BOX_ROOT
lock_root = $LOCK_ROOT
first_uid = $FIRST_UID
first_gid = $FIRST_UID
num_boxes = 1000
[cgroup]
parent = $CG_PARENT
CONF
export APBOX_CONFIG=$WORLD/apbox.conf
unset AP_EXECUTION_MODE

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup_world() {
	local b c
	for b in "$BOX_ROOT"/*; do
		[ -e "$b" ] && "$APBOX" cleanup -b "${b##*/}" >/dev/null 2>&1
	done
	"$APBOX" cleanup --templates >/dev/null 2>&1
	for c in /sys/fs/cgroup/*/"$CG_PARENT" /sys/fs/cgroup/"$CG_PARENT"; do
		[ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	rm -rf "$WORLD"
}
trap cleanup_world EXIT

# ---- the counts -----------------------------------------------------------

count_mounts() { wc -l </proc/self/mountinfo; }
# box_root's mount template is box_root's, one for all runs: counted apart.
count_world_mounts() { grep -F "$WORLD" /proc/self/mountinfo | grep -cvF "$BOX_ROOT/.tpl-"; }
count_templates() { grep -cF "$BOX_ROOT/.tpl-" /proc/self/mountinfo; }
count_cgroups() {
	local c n=0
	for c in /sys/fs/cgroup/*/"$CG_PARENT" /sys/fs/cgroup/"$CG_PARENT"; do
		[ -d "$c" ] && n=$((n + $(find "$c" -mindepth 1 -type d | wc -l)))
	done
	echo "$n"
}
count_fds() { find /proc/$$/fd -mindepth 1 -maxdepth 1 | wc -l; }
count_files() { find "$BOX_ROOT" "$LOCK_ROOT" 2>/dev/null | wc -l; }
count_box_procs() {
	ps -e -o uid= | awk -v lo=$((FIRST_UID + B0)) -v hi=$((FIRST_UID + 999)) \
		'$1 >= lo && $1 <= hi { n++ } END { print n + 0 }'
}
# shellcheck disable=SC2009 # pgrep cannot select by state
count_my_zombies() { ps --ppid $$ -o stat= | grep -c '^Z'; }
# shellcheck disable=SC2009
count_zombies() { ps -e -o stat= | grep -c '^Z'; }

NAMES=(mounts world-mounts cgroups fds files box-procs my-zombies zombies)
snapshot() {
	echo "$(count_mounts) $(count_world_mounts) $(count_cgroups) $(count_fds) $(count_files)" \
		"$(count_box_procs) $(count_my_zombies) $(count_zombies)"
}

# Compare two snapshots; mounts and zombies of the whole host may move with
# other test suites running in parallel, so they are reported but only the
# world's mounts and the script's own zombies fail the check.
compare() {
	local phase=$1 before after i line="" diff=0
	read -ra before <<<"$2"
	read -ra after <<<"$3"
	for i in "${!NAMES[@]}"; do
		line+="${NAMES[$i]} ${before[$i]}->${after[$i]}  "
		if [ "${before[$i]}" != "${after[$i]}" ]; then
			case ${NAMES[$i]} in
			mounts | zombies) line+="(host-wide, not fatal)  " ;;
			*) diff=1 ;;
			esac
		fi
	done
	say "$phase leak check: $line"
	[ "$diff" -eq 0 ] || bad "$phase: a count changed"
}

# The fields that fail the check (not the host-wide mounts and zombies).
fatal_fields() {
	local v
	read -ra v <<<"$1"
	echo "${v[1]} ${v[2]} ${v[3]} ${v[4]} ${v[5]} ${v[6]}"
}

# Let the kernel finish reaping (a box's pid namespace, cgroup rmdir): take
# snapshots for up to 2 s until the fatal fields match $1's.
settle() {
	local want s
	want=$(fatal_fields "$1")
	for _ in $(seq 40); do
		s=$(snapshot)
		[ "$(fatal_fields "$s")" = "$want" ] && break
		sleep 0.05
	done
	echo "$s"
}

# ---- runs -----------------------------------------------------------------

LIMITS=(--mem 64M --processes 64 --time 10 --wall-time 20)

# One run of box $1; every PROBE_EVERY-th run (index $2) the program reports
# how many fds it has open.  Appends failures to $WORLD/fail.$1.
one_run() {
	local b=$1 i=$2 out st=0
	if [ $((i % PROBE_EVERY)) -eq 0 ]; then
		out=$("$APBOX" run -b "$b" --meta "$WORLD/meta.$b" "${LIMITS[@]}" -- \
			/bin/sh -c 'set -- /proc/self/fd/*; echo $#' 2>"$WORLD/err.$b") || st=$?
		echo "$out" >>"$WORLD/fds.$b"
	else
		"$APBOX" run -b "$b" --meta "$WORLD/meta.$b" "${LIMITS[@]}" -- /bin/true \
			2>"$WORLD/err.$b" || st=$?
	fi
	if [ "$st" -ne 0 ] || grep -q '^status:' "$WORLD/meta.$b"; then
		echo "run $i of box $b: exit $st: $(tr '\n' ' ' <"$WORLD/err.$b") $(tr '\n' ' ' <"$WORLD/meta.$b")" \
			>>"$WORLD/fail.$b"
	fi
}

loop() {
	local b=$1 n=$2 i
	for ((i = 1; i <= n; i++)); do one_run "$b" "$i"; done
}

init_boxes() {
	local mode=$1 b
	shift
	for b in "$@"; do
		"$APBOX" init -b "$b" --mode "$mode" >/dev/null || { bad "init of box $b failed"; return 1; }
		rm -f "$WORLD/fail.$b" "$WORLD/fds.$b"
		one_run "$b" 0 # warm up: whatever a first run creates lazily
	done
}

report_runs() {
	local phase=$1 mode=$2 n=$3 t0=$4 b nfail=0 f t
	shift 4
	t=$(($(date +%s%N) / 1000000 - t0))
	for b in "$@"; do
		[ -s "$WORLD/fail.$b" ] && nfail=$((nfail + $(wc -l <"$WORLD/fail.$b")))
	done
	say "$phase: $n runs ($mode) on box(es) $*" \
		"in $((t / 1000)).$((t % 1000 / 100)) s ($((t / (n > 0 ? n : 1))) ms per run, wall), $nfail failed"
	for b in "$@"; do
		if [ -s "$WORLD/fail.$b" ]; then
			bad "$(head -3 "$WORLD/fail.$b")"
		fi
		if [ -s "$WORLD/fds.$b" ]; then
			f=$(sort -u "$WORLD/fds.$b" | tr '\n' ' ')
			say "$phase: fds open in the program of box $b: $f"
			[ "$(sort -u "$WORLD/fds.$b" | wc -l)" -eq 1 ] || bad "$phase: the fds in the box changed: $f"
		fi
	done
}

cleanup_boxes() {
	local phase=$1 b cg wm dirs procs tpl
	shift
	for b in "$@"; do
		"$APBOX" cleanup -b "$b" >/dev/null || bad "cleanup of box $b failed"
	done
	for _ in $(seq 40); do
		cg=$(count_cgroups) wm=$(count_world_mounts) procs=$(count_box_procs)
		# Box dirs only: .dev2 and .etc-* are box_root's, shared by all boxes.
		dirs=$(find "$BOX_ROOT" -mindepth 1 -maxdepth 1 -name '[0-9]*' 2>/dev/null | wc -l)
		[ "$cg$wm$procs$dirs" = 0000 ] && break
		sleep 0.05
	done
	tpl=$(count_templates)
	say "$phase after cleanup: cgroups $cg, world mounts $wm, box dirs $dirs, box-uid processes $procs, mount templates $tpl"
	[ "$tpl" -le 1 ] || bad "$phase: $tpl mount templates (one per box_root at most)"
	[ "$cg" -eq 0 ] || bad "$phase: cgroups left after cleanup"
	[ "$wm" -eq 0 ] || bad "$phase: mounts left after cleanup"
	[ "$dirs" -eq 0 ] || bad "$phase: box dirs left"
	[ "$procs" -eq 0 ] || bad "$phase: box processes left"
}

phase_sequential() {
	local b=$B0 before after t0
	init_boxes "$MODE" "$b" || return
	before=$(snapshot)
	t0=$(($(date +%s%N) / 1000000))
	loop "$b" "$N"
	report_runs sequential "$MODE" "$N" "$t0" "$b"
	after=$(settle "$before")
	compare sequential "$before" "$after"
	cleanup_boxes sequential "$b"
}

phase_parallel() {
	local b1=$((B0 + 1)) b2=$((B0 + 2)) half=$((N / 2)) before after t0 p1 p2
	init_boxes "$MODE" "$b1" "$b2" || return
	before=$(snapshot)
	t0=$(($(date +%s%N) / 1000000))
	loop "$b1" "$half" &
	p1=$!
	loop "$b2" "$half" &
	p2=$!
	wait "$p1" "$p2"
	report_runs parallel "$MODE" $((2 * half)) "$t0" "$b1" "$b2"
	after=$(settle "$before")
	compare parallel "$before" "$after"
	cleanup_boxes parallel "$b1" "$b2"
}

phase_unsandboxed() {
	local b=$((B0 + 3)) n=$((N / 5)) before after t0
	init_boxes unsandboxed "$b" || return
	before=$(snapshot)
	t0=$(($(date +%s%N) / 1000000))
	loop "$b" "$n"
	report_runs unsandboxed unsandboxed "$n" "$t0" "$b"
	after=$(settle "$before")
	compare unsandboxed "$before" "$after"
	cleanup_boxes unsandboxed "$b"
}

phase_concurrent() {
	local boxes=() b i before after t0 pids=() peak=0 now st nfail=0 t
	for ((i = 0; i < NBOXES; i++)); do boxes+=($((B0 + 10 + i))); done
	init_boxes "$MODE" "${boxes[@]}" || return
	before=$(snapshot)
	t0=$(($(date +%s%N) / 1000000))
	i=0
	for b in "${boxes[@]}"; do
		# 1.0 .. 1.9 s; the box's own uid runs the sleep.
		"$APBOX" run -b "$b" --meta "$WORLD/meta.$b" "${LIMITS[@]}" -- \
			/bin/sleep "1.$((i % 10))" 2>"$WORLD/err.$b" &
		pids+=($!)
		i=$((i + 1))
	done
	# Peak: distinct box uids with a live process, sampled until all are done.
	while :; do
		now=$(ps -e -o uid= | awk -v lo=$((FIRST_UID + B0 + 10)) -v hi=$((FIRST_UID + B0 + 9 + NBOXES)) \
			'$1 >= lo && $1 <= hi { u[$1] = 1 } END { print length(u) }')
		[ "$now" -gt "$peak" ] && peak=$now
		[ -n "$(jobs -rp)" ] || break
		sleep 0.1
	done
	i=0
	for b in "${boxes[@]}"; do
		st=0
		wait "${pids[$i]}" || st=$?
		if [ "$st" -ne 0 ] || grep -q '^status:' "$WORLD/meta.$b"; then
			nfail=$((nfail + 1))
			bad "concurrent: box $b: exit $st: $(tr '\n' ' ' <"$WORLD/err.$b") $(tr '\n' ' ' <"$WORLD/meta.$b")"
		fi
		i=$((i + 1))
	done
	t=$(($(date +%s%N) / 1000000 - t0))
	say "concurrent: $NBOXES boxes ($MODE) sleeping 1.0-1.9 s in $((t / 1000)).$((t % 1000 / 100)) s," \
		"at most $peak running at once, $nfail failed"
	[ "$peak" -eq "$NBOXES" ] || bad "concurrent: only $peak of $NBOXES boxes ran at the same time"
	after=$(settle "$before")
	compare concurrent "$before" "$after"
	cleanup_boxes concurrent "${boxes[@]}"
}

say "soak: apbox $("$APBOX" --version | awk '{print $2}'), N=$N, mode $MODE, world $WORLD"
for phase in "$@"; do
	case $phase in
	sequential) phase_sequential ;;
	parallel) phase_parallel ;;
	unsandboxed) phase_unsandboxed ;;
	concurrent) phase_concurrent ;;
	*) echo "soak.sh: unknown phase $phase" >&2; exit 2 ;;
	esac
done
exit "$status"
