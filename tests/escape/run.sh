#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2317 # setups, checks and the trap are called by name
# The escape catalogue: run every attack of tests/escape/ inside a box, in
# every mode whose header says the mode stops it, and write the results as
# doc/security.md does.
#
#   tests/escape/run.sh APBOX OUTPUT.md
#
# An attack is tests/escape/<area>-<property>.sh, run by /bin/sh inside the
# box.  Its header says what it needs:
#   # attack: one line            what it tries (%s: the item, with "each")
#   # modes: process ...          the modes that claim to stop it
#   # options: ...                extra "apbox run" options (@WORLD@, @BOXDIR@)
#   # process-options: ...        the same, in the process modes only
#   # setup: FUNCTION             host-side preparation between init and run
#   # check: FUNCTION             host-side verdict after the run, before cleanup
#   # check-cleanup: FUNCTION     host-side verdict after cleanup
#   # blocked: OUTCOME...         what counts as BLOCKED (default exit0): exit0 (the
#                                 script's verdict), refused (apbox exit 125),
#                                 oom, cpu-timeout, wall-timeout, killed (any kill)
#   # each: seccomp               one row per syscall of the seccomp deny list
#   # batch: yes                  with each: one run for all items, which prints
#                                 "ROW ITEM RESULT DETAIL" per item
#   # caller: root                the mode stops it when root starts apbox only: no
#                                 "(rootless)" rows
#   # cgroup: delegated           (user worker world) a config whose cgroup parent
#                                 is delegated to the worker's uid
# The script exits 0 when it verified that the attack failed (BLOCKED), 1
# when it worked (ESCAPED), anything else is an ERROR, as is a run that ends
# in a way the header does not expect.  See lib.sh.
#
# Each row gets a fresh box (init, setup, run, checks, cleanup).  The runner
# builds a private world like tests/helpers/common.bash: box and lock roots
# and a configuration under a temp dir, cgroups under apbox-esc-PID, the
# static probes in a 0755 dir (bound at /probes in the process modes), host
# files and listeners for the attacks to aim at; it removes all of it on exit.
#
# The user worker world (APBOX_ESCAPE_USER) is the threat of a worker that
# runs as an ordinary user and spawns apbox: the boxes share the worker's
# uid.  Its attacks are the user-*.sh scripts, and only they run there, in
# the rows "MODE (user)".  Each mode gets a uid of its own with no passwd
# entry and no process (APBOX_ESCAPE_USER_UID + 0, 1, 2, 3 in the order
# process, code-and-process, code-only, unsandboxed), its own box and lock
# roots and configs (no cgroup, as in an unprivileged pod; a delegated one
# for "# cgroup: delegated"), and, for every row, a fresh worker
# (tests/helpers/user-worker, see its header): it holds secrets in its
# environment, heap and a 0600 file in a 0700 dir, listens on TCP, UDP,
# an abstract and a path unix socket, keeps sentinel processes, runs
# another box (the peer) at the same time, spawns apbox with socket pairs
# for stdio in a process group of its own, and reports what the box did to
# all of it.  The rows' checks judge from that report and from the box and
# lock roots (later runs of other boxes must not load a forged filter or
# see a forged /etc file), never from the attack's word alone: a check can
# make a row ESCAPED, never BLOCKED.  The process rows run only when that
# uid can make user namespaces.  Everything the runner does in a uid's
# directories it does as that uid; at the end of each row it kills what is
# left of that uid's processes.
#
# Needs root.  Environment:
#   APBOX_HELPERS          the static probes (default: the build tree's tests/helpers)
#   APBOX_ESCAPE_ONLY      extended regex: only the attacks whose name matches
#   APBOX_ESCAPE_MODES     the modes to run (default: all four)
#   APBOX_ESCAPE_ROOTLESS  1: also run the process modes as nobody (rows "MODE (rootless)")
#   APBOX_ESCAPE_USER      1: also run the user worker world (rows "MODE (user)");
#                          only: run nothing else (needs tests/helpers/user-worker)
#   APBOX_ESCAPE_USER_UID  the first of the four uids of that world (default 64000)
#   APBOX_ESCAPE_TSV       also write the rows there (area, attack, mode, result, detail, ms)
#   APBOX_ESCAPE_KEEP      1: keep the world dir, for debugging
#   APBOX_ESCAPE_CG_PARENT the prefix of the cgroup parents (default apbox-esc; the
#                          runner's pid and a suffix per world follow)
#   APBOX_ESCAPE_SANDBOX   extra "[sandbox]" keys for every config, one per line
#                          ("landlock = off": see which rows Landlock alone blocks)
#   APBOX_ESCAPE_ANY_MODE  1: run every attack in every mode, claimed or not: a
#                          check of the attacks themselves (unsandboxed must
#                          let most of them through; in the user worker
#                          world, all of them)
# Exit status: 0 every row BLOCKED, 1 some row ESCAPED or ERROR, 2 usage or setup failure.
set -uo pipefail
# The same order and messages everywhere.
export LC_ALL=C

die() {
	echo "escape: $*" >&2
	exit 2
}

[ $# -eq 2 ] || die "usage: $0 APBOX OUTPUT.md"
APBOX=$(realpath -e "$1") || die "no apbox at \"$1\""
OUTPUT=$2
[ -x "$APBOX" ] || die "\"$APBOX\" is not executable"
[ "$(id -u)" -eq 0 ] || die "the catalogue needs root (it plants setuid files, devices and file capabilities)"
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HELPERS=${APBOX_HELPERS:-$(dirname "$(dirname "$APBOX")")/tests/helpers}
USER_WORLD=${APBOX_ESCAPE_USER:-}
case $USER_WORLD in
"" | 0) USER_WORLD= ;;
1 | only) ;;
*) die "APBOX_ESCAPE_USER is 1 or only, not \"$USER_WORLD\"" ;;
esac
for h in try-escape seccomp-probe memhog forkbomb ${USER_WORLD:+user-worker}; do
	[ -x "$HELPERS/$h" ] || die "no probe $HELPERS/$h (make tests/helpers/$h, or set APBOX_HELPERS)"
done

ALL_MODES=(process code-and-process code-only unsandboxed)
read -r -a MODES <<<"${APBOX_ESCAPE_MODES:-${ALL_MODES[*]}}"
AREAS=(fs:filesystem proc:processes priv:privileges kernel:kernel res:resources info:information net:network
	user:worker)

# ---- the world -------------------------------------------------------------

WORLD=
LISTENER=
ABSTRACT_LISTENER=
VICTIM=
SHM_ID=
HOST_SHM=/dev/shm/apbox-esc-$$
CG_PARENT=${APBOX_ESCAPE_CG_PARENT:-apbox-esc}-$$
OTHER_BOX=990
BOXES=()

teardown() {
	local c p
	[ -n "$WORLD" ] || return 0
	[ -z "$LISTENER" ] || kill "$LISTENER" 2>/dev/null
	[ -z "$ABSTRACT_LISTENER" ] || kill "$ABSTRACT_LISTENER" 2>/dev/null
	[ -z "$VICTIM" ] || kill "$VICTIM" 2>/dev/null
	# Survivors of the runs have a marker of this runner's pid.
	for p in $(pgrep -f "^sleep 29\\.$$" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	for c in "${BOXES[@]}"; do
		APBOX_CONFIG=$WORLD/apbox.conf "$APBOX" cleanup -b "$c" >/dev/null 2>&1
	done
	APBOX_CONFIG=$WORLD/apbox.conf "$APBOX" cleanup --templates >/dev/null 2>&1
	if [ -n "${ROOTLESS_APBOX:-}" ]; then
		for c in 5 6; do APBOX_CONFIG=$WORLD/rootless.conf "$ROOTLESS_APBOX" cleanup -b "$c" >/dev/null 2>&1; done
	fi
	[ -z "$USER_WORLD" ] || ! declare -F user_teardown >/dev/null || user_teardown
	for c in /sys/fs/cgroup/*/"$CG_PARENT"* /sys/fs/cgroup/"$CG_PARENT"*; do
		[ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	mountpoint -q "$WORLD/rosrc/sub" 2>/dev/null && umount "$WORLD/rosrc/sub"
	[ -z "$SHM_ID" ] || ipcrm -m "$SHM_ID" 2>/dev/null
	rm -f "$HOST_SHM"
	if [ "${APBOX_ESCAPE_KEEP:-}" = 1 ]; then
		echo "escape: kept $WORLD" >&2
	else
		rm -rf "$WORLD"
	fi
}
trap teardown EXIT
trap 'exit 2' INT TERM

WORLD=$(mktemp -d /tmp/apbox-esc.XXXXXX) || die "cannot make a temp dir"
chmod 755 "$WORLD"
cat >"$WORLD/apbox.conf" <<CONF
box_root = $WORLD/boxes
lock_root = $WORLD/locks
num_boxes = 1000
[cgroup]
parent = $CG_PARENT
[sandbox]
tmp_size = 16M
${APBOX_ESCAPE_SANDBOX:-}
CONF
chmod 644 "$WORLD/apbox.conf"
export APBOX_CONFIG=$WORLD/apbox.conf
unset AP_EXECUTION_MODE
TMP_MB=16
# A variable of apbox's caller that must not reach the program.
export APBOX_ESC_LEAK=caller-environment-$$

PROBES=$WORLD/probes
mkdir -p "$PROBES"
cp "$HELPERS"/try-escape "$HELPERS"/seccomp-probe "$HELPERS"/memhog "$HELPERS"/forkbomb "$PROBES"/
cp "$SRC"/lib.sh "$SRC"/[a-z]*-*.sh "$PROBES"/
chmod 755 "$PROBES" "$PROBES"/try-escape "$PROBES"/seccomp-probe "$PROBES"/memhog "$PROBES"/forkbomb
if [ -n "$USER_WORLD" ]; then
	cp "$HELPERS"/user-worker "$PROBES"/ && chmod 755 "$PROBES"/user-worker
fi
chmod 644 "$PROBES"/*.sh

# Targets on the host.
HOST_FILE=$WORLD/host-file
HOST_SECRET=$WORLD/host-secret
echo apbox-esc-host-file >"$HOST_FILE"
chmod 644 "$HOST_FILE"
echo apbox-esc-host-secret >"$HOST_SECRET"
chmod 600 "$HOST_SECRET"

# A read-only --dir source with a submount (fs-readonly-submount-write).
mkdir -p "$WORLD/rosrc/sub"
echo apbox-esc-rosrc >"$WORLD/rosrc/file"
chmod 666 "$WORLD/rosrc/file"
mount -t tmpfs -o size=64k,mode=0777 apbox-esc "$WORLD/rosrc/sub" || die "cannot mount the submount"
echo apbox-esc-submount >"$WORLD/rosrc/sub/file"
chmod 666 "$WORLD/rosrc/sub/file"

# Engine and code, world-writable on the host: only the read-only bind protects them.
mkdir -p "$WORLD/engine" "$WORLD/code"
cp -r "$SRC/../../examples/engine/." "$WORLD/engine/" 2>/dev/null || echo '// engine' >"$WORLD/engine/main.js"
cp -r "$SRC/../../examples/code/." "$WORLD/code/" 2>/dev/null || echo '// code' >"$WORLD/code/step.js"
[ -f "$WORLD/engine/main.js" ] || echo '// engine' >"$WORLD/engine/main.js"
[ -f "$WORLD/code/step.js" ] || echo '// code' >"$WORLD/code/step.js"
chmod -R a+rwX "$WORLD/engine" "$WORLD/code"

# setuid and setgid root copies of id(1).
mkdir -p "$WORLD/suid"
cp /usr/bin/id "$WORLD/suid/suid-id"
cp /usr/bin/id "$WORLD/suid/sgid-id"
chown root:root "$WORLD/suid"/*
chmod 4755 "$WORLD/suid/suid-id"
chmod 2755 "$WORLD/suid/sgid-id"
chmod 755 "$WORLD/suid"

# A binary with file capabilities; missing (so the attack is an ERROR) without setcap.
mkdir -p "$WORLD/fcap"
chmod 755 "$WORLD/fcap"
if command -v setcap >/dev/null; then
	cp "$PROBES/try-escape" "$WORLD/fcap/capbin"
	chmod 755 "$WORLD/fcap/capbin"
	setcap cap_net_raw,cap_dac_read_search,cap_sys_admin+ep "$WORLD/fcap/capbin" ||
		rm -f "$WORLD/fcap/capbin"
fi

# Another box, with a file its program left behind (0644, as umask 022 makes
# it).  The user worker world alone has boxes of its own instead.
OTHER_FILE= OTHER_LOCK=
if [ "$USER_WORLD" != only ]; then
	OTHER_DIR=$("$APBOX" init -b "$OTHER_BOX" --mode process) || die "cannot init box $OTHER_BOX"
	BOXES+=("$OTHER_BOX")
	OTHER_FILE=$OTHER_DIR/box/secret
	OTHER_LOCK=$WORLD/locks/$OTHER_BOX
	echo apbox-esc-other-box >"$OTHER_FILE"
	chown "$((60000 + OTHER_BOX)):$((60000 + OTHER_BOX))" "$OTHER_FILE"
	chmod 644 "$OTHER_FILE"
fi

# System V and POSIX shared memory of the host, open to everyone.
SHM_ID=$(ipcmk -M 4096 -p 0666 2>/dev/null | sed -n 's/.*id: *//p')
echo apbox-esc-host-shm >"$HOST_SHM"
chmod 644 "$HOST_SHM"

HOST_NAME=$(hostname)

# A root process to aim at: its cwd is the world, its environment has the leak.
VICTIM_MARK=599.$$
(cd "$WORLD" && exec sleep "$VICTIM_MARK") &
VICTIM=$!

# Listeners: loopback, the host's own addresses, abstract and path unix sockets.
ADDR4=$(ip -o -4 addr show scope global 2>/dev/null | awk '{ sub("/.*", "", $4); print $4; exit }')
ADDR6=$(ip -o -6 addr show scope global 2>/dev/null | awk '{ sub("/.*", "", $4); print $4; exit }')
ABSTRACT=apbox-esc-$$
HOST_SOCK=$WORLD/host.sock
PORTS=$WORLD/ports
if command -v node >/dev/null; then
	# node reads NODE_EXTRA_CA_CERTS and more from the environment: keep it empty.
	env -i PATH="$PATH" node "$SRC/listen.js" "$PORTS" "$HOST_SOCK" \
		127.0.0.1 ::1 ${ADDR4:+"$ADDR4"} ${ADDR6:+"$ADDR6"} >/dev/null 2>&1 &
	LISTENER=$!
	for _ in $(seq 100); do
		[ -s "$PORTS" ] && break
		sleep 0.05
	done
fi
# The abstract socket: try-escape listens, accepts and closes (600 s at most).
"$PROBES/try-escape" listen-unix "@$ABSTRACT" 600 >"$WORLD/abstract" 2>&1 &
ABSTRACT_LISTENER=$!
for _ in $(seq 100); do
	[ -s "$WORLD/abstract" ] && break
	sleep 0.05
done
port_of() { sed -n "s/^$1=//p" "$PORTS" 2>/dev/null | head -1; }
PORT4=$(port_of 127.0.0.1)
PORT6=$(port_of ::1)
APORT4=$([ -n "$ADDR4" ] && port_of "$ADDR4")
APORT6=$([ -n "$ADDR6" ] && port_of "$ADDR6")
[ -n "$APORT6" ] || ADDR6=
[ -n "$APORT4" ] || ADDR4=

# Rootless: apbox as nobody with no capability (as *-rootless.bats), in its
# own box and lock roots, with a cgroup parent delegated to nobody.
ROOTLESS_APBOX=
if [ "${APBOX_ESCAPE_ROOTLESS:-}" = 1 ]; then
	if setpriv --reuid=nobody --regid=nogroup --clear-groups unshare -Ur true 2>/dev/null; then
		mkdir -p "$WORLD/rootless"
		chown nobody:nogroup "$WORLD/rootless"
		cat >"$WORLD/rootless.conf" <<-CONF
		box_root = $WORLD/rootless/boxes
		lock_root = $WORLD/rootless/locks
		num_boxes = 1000
		[cgroup]
		parent = $CG_PARENT-rootless
		[sandbox]
		tmp_size = 16M
		CONF
		chmod 644 "$WORLD/rootless.conf"
		chown nobody "$WORLD/rootless.conf"
		# Every hierarchy apbox may use (v1: memory, pids, cpuacct, freezer).
		for c in memory pids cpuacct freezer unified ""; do
			c=/sys/fs/cgroup${c:+/$c}
			[ -n "${c#/sys/fs/cgroup}" ] || [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || continue
			[ -d "$c" ] || continue
			mkdir -p "$c/$CG_PARENT-rootless" && chown -R nobody:nogroup "$c/$CG_PARENT-rootless"
		done
		cat >"$WORLD/apbox-nobody" <<-SH
		#!/bin/sh
		exec setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all "$APBOX" "\$@"
		SH
		chmod 755 "$WORLD/apbox-nobody"
		ROOTLESS_APBOX=$WORLD/apbox-nobody
	else
		echo "escape: no user namespaces for nobody: no rootless rows" >&2
	fi
fi

# The user worker world (see the header): per uid, a directory of the uid's
# ($UW/UID: box and lock roots, the workers' homes), and root's: configs,
# wrappers and a 0700 directory for the run's output and the worker's report.
UW=$WORLD/user
USER_UID0=${APBOX_ESCAPE_USER_UID:-64000}
USER_UIDS=()
declare -A USER_NS
# The boxes of a row in a uid's world: the attack's, the other box running at
# the same time, the box whose lock the attacks aim at, later runs.
U_BOX=701 U_PEER=702 U_TARGET=703 U_LATER=704

# as_uid UID COMMAND...: COMMAND as UID, no capability, 10 s at most.
as_uid() {
	local u=$1
	shift
	timeout -k 1 10 setpriv --reuid="$u" --regid="$u" --clear-groups --inh-caps=-all \
		--bounding-set=-all "$@"
}

# user_uid_of MODE: the uid of MODE's world.
user_uid_of() {
	local i
	for i in "${!ALL_MODES[@]}"; do
		[ "${ALL_MODES[$i]}" != "$1" ] || echo $((USER_UID0 + i))
	done
}

token() {
	od -An -N8 -tx1 /dev/urandom | tr -d ' \n'
}

if [ -n "$USER_WORLD" ]; then
	[[ $USER_UID0 =~ ^[1-9][0-9]{3,8}$ ]] || die "APBOX_ESCAPE_USER_UID is a uid of 1000 or more"
	mkdir -p "$UW/conf" "$UW/bin"
	chmod 755 "$UW" "$UW/conf" "$UW/bin"
	for i in "${!ALL_MODES[@]}"; do
		u=$((USER_UID0 + i))
		# Only a uid nobody uses: every process of it is then the catalogue's.
		! getent passwd "$u" >/dev/null ||
			die "uid $u has a passwd entry: set APBOX_ESCAPE_USER_UID to the first of four free uids"
		! pgrep -U "$u" >/dev/null ||
			die "uid $u has processes: set APBOX_ESCAPE_USER_UID to the first of four free uids"
		USER_UIDS+=("$u")
		mkdir -p "$UW/$u" "$UW/out.$u"
		chown "$u:$u" "$UW/$u"
		chmod 755 "$UW/$u"
		chmod 700 "$UW/out.$u"
		# No cgroup: the uid cannot make this parent, as in a pod whose
		# cgroups are read-only.
		cat >"$UW/conf/$u.conf" <<-CONF
		box_root = $UW/$u/boxes
		lock_root = $UW/$u/locks
		num_boxes = 800
		[cgroup]
		parent = $CG_PARENT-nocg-$u
		[sandbox]
		tmp_size = 16M
		${APBOX_ESCAPE_SANDBOX:-}
		CONF
		# A cgroup parent delegated to the uid, in every hierarchy apbox may use.
		sed "s/^parent = .*/parent = $CG_PARENT-user-$u/" "$UW/conf/$u.conf" >"$UW/conf/$u-cg.conf"
		chmod 644 "$UW/conf/$u.conf" "$UW/conf/$u-cg.conf"
		for c in memory pids cpuacct freezer unified ""; do
			c=/sys/fs/cgroup${c:+/$c}
			[ -n "${c#/sys/fs/cgroup}" ] || [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || continue
			[ -d "$c" ] || continue
			mkdir -p "$c/$CG_PARENT-user-$u" && chown -R "$u:$u" "$c/$CG_PARENT-user-$u"
		done
		# apbox as the uid (init, cleanup, later runs), and the worker (the
		# attack's run): an ordinary user's process with a worker's environment
		# only, its report on fd 3, opened here by root in a directory of root's.
		cat >"$UW/bin/apbox-$u" <<-SH
		#!/bin/sh
		exec setpriv --reuid=$u --regid=$u --clear-groups --inh-caps=-all --bounding-set=-all "$APBOX" "\$@"
		SH
		cat >"$UW/bin/worker-$u" <<-SH
		#!/bin/sh
		exec 3>"\$ESC_REPORT" || exit 3
		exec setpriv --reuid=$u --regid=$u --clear-groups --inh-caps=-all --bounding-set=-all \\
			env -i PATH=/usr/local/bin:/usr/bin:/bin LC_ALL=C HOME=/nonexistent \\
			APBOX_CONFIG="\$APBOX_CONFIG" APBOX_ESC_WORKER_SECRET="\$APBOX_ESC_WORKER_SECRET" \\
			"$PROBES/user-worker" --report-fd 3 "\$@"
		SH
		chmod 755 "$UW/bin/apbox-$u" "$UW/bin/worker-$u"
		if as_uid "$u" unshare -Ur true 2>/dev/null; then
			USER_NS[$u]=1
		fi
	done
fi

# ---- attacks ---------------------------------------------------------------

# The headers of every attack, read once: HDR["NAME KEY"] is the value of
# "# KEY: value" in NAME.sh.  (Every fork costs ~10 ms here: no sed per row.)
declare -A HDR
read_headers() {
	local f=$1 n line key
	n=${f##*/}
	n=${n%.sh}
	while IFS= read -r line; do
		case $line in
		"# "[a-z]*": "*)
			key=${line#"# "}
			key=${key%%": "*}
			[ -n "${HDR["$n $key"]+set}" ] || HDR["$n $key"]=${line#*": "}
			;;
		"#"*) ;;
		*) break ;;
		esac
	done <"$f"
}

# header NAME KEY: the value of "# KEY: value" in NAME.sh's header.
header() {
	printf '%s' "${HDR["$1 $2"]:-}"
}

# area_of NAME: set AREA from the name's prefix.
area_of() {
	local a
	AREA=other
	for a in "${AREAS[@]}"; do
		[ "${1%%-*}" = "${a%%:*}" ] && AREA=${a#*:}
	done
}

# The items of an "each" attack, one per line.
items_of() {
	case $1 in
	seccomp)
		"$PROBES/seccomp-probe" --list | grep -vx -e fork-ok -e thread-ok -e personality-query
		"$PROBES/try-escape" syscall --list
		;;
	*) die "unknown \"each: $1\"" ;;
	esac
}

ATTACKS=()
for f in "$SRC"/[a-z]*-*.sh; do
	n=${f##*/}
	n=${n%.sh}
	read_headers "$f"
	[ -n "$(header "$n" attack)" ] || die "$f has no \"# attack:\" line"
	[ -n "$(header "$n" modes)" ] || die "$f has no \"# modes:\" line"
	ATTACKS+=("$n")
done

is_process_mode() {
	case $1 in process | code-and-process) return 0 ;; *) return 1 ;; esac
}

# ---- host-side setups and checks ---------------------------------------------
# Called with the row's variables set: MODE, BOX, BOXDIR, BOX_UID, RUN_APBOX,
# RUN_CONF.  A check prints a detail and returns 0 (keep the verdict), 1
# (ESCAPED) or 2 (ERROR).

run_again() {
	APBOX_CONFIG=$RUN_CONF "$RUN_APBOX" run -b "$BOX" --wall-time 10 "$@"
}

setup_planted_symlinks() {
	ln -s /etc "$BOXDIR/evil" && ln -s "$WORLD" "$BOXDIR/world" &&
		chown -h "$BOX_UID:$BOX_UID" "$BOXDIR/evil" "$BOXDIR/world"
}

setup_planted_devices() {
	local dev
	dev=$(mountpoint -d / 2>/dev/null) || dev=$(stat -c '%Hd:%Ld' /)
	mknod -m 666 "$BOXDIR/null2" c 1 3 && mknod -m 644 "$BOXDIR/disk" b "${dev%:*}" "${dev#*:}" &&
		chown "$BOX_UID:$BOX_UID" "$BOXDIR/null2" "$BOXDIR/disk"
}

check_dir_source_symlink() {
	local out rc
	[ -L "$BOXDIR/data" ] || { echo "the program did not leave /box/data"; return 2; }
	out=$(run_again --dir "/data=$BOXDIR/data" --dir "/w=$BOXDIR/world" -- \
		/bin/sh -c "cat /data$HOST_FILE /w/host-file 2>/dev/null; ls /data | head -4 | tr '\n' ' '" 2>&1)
	rc=$?
	if echo "$out" | grep -q apbox-esc-host-file; then
		echo "a later run with --dir /data=BOXDIR/data followed the program's symlink: /data is the host's / ($(echo "$out" | tail -1))"
		return 1
	fi
	if [ "$rc" -eq 125 ]; then
		echo "apbox refused the symlinked --dir source: $(echo "$out" | grep '^apbox:' | head -1)"
		return 0
	fi
	echo "the symlinked --dir source does not show the host (exit $rc)"
}

victim_intact() {
	[ "$(cat "$VICTIM_FILE")" = apbox-esc-victim-intact ] && [ ! -L "$VICTIM_FILE" ]
}

restore_victim() {
	rm -f "$VICTIM_FILE"
	echo apbox-esc-victim-intact >"$VICTIM_FILE"
	chmod 600 "$VICTIM_FILE"
}

check_stdout_symlink() {
	local out
	[ -L "$BOXDIR/out" ] || { echo "the program did not leave /box/out"; return 2; }
	out=$(run_again --stdout "$BOXDIR/out" -- /bin/echo apbox-esc-overwritten 2>&1)
	if ! victim_intact; then
		echo "a later run with --stdout BOXDIR/out followed the program's symlink and wrote the root-only host file: $(head -c 40 "$VICTIM_FILE")"
		restore_victim
		return 1
	fi
	echo "--stdout on the planted symlink left the host file alone: ${out:-no message}"
}

check_output_dir_symlink() {
	local out
	[ -L "$BOXDIR/logs" ] || { echo "the program did not leave /box/logs"; return 2; }
	out=$(run_again --stdout "$BOXDIR/logs/out.txt" --meta "$BOXDIR/logs/meta.txt" -- \
		/bin/echo apbox-esc-overwritten 2>&1)
	if [ -e "$VICTIM_DIR/out.txt" ] || [ -e "$VICTIM_DIR/meta.txt" ]; then
		echo "a later run with --stdout/--meta BOXDIR/logs/... followed the program's symlinked directory and created $(cd "$VICTIM_DIR" && echo *) in a root-only host directory"
		rm -f "$VICTIM_DIR/out.txt" "$VICTIM_DIR/meta.txt"
		return 1
	fi
	echo "--stdout and --meta below the planted directory symlink left the host directory alone: ${out:-no message}"
}

check_meta_symlink() {
	local out
	[ -L "$BOXDIR/meta" ] || { echo "the program did not leave /box/meta"; return 2; }
	out=$(run_again --meta "$BOXDIR/meta" -- /bin/true 2>&1)
	if ! victim_intact; then
		echo "a later run with --meta BOXDIR/meta followed the program's symlink and wrote the root-only host file: $(head -1 "$VICTIM_FILE")"
		restore_victim
		return 1
	fi
	echo "--meta on the planted symlink left the host file alone: ${out:-no message}"
}

check_stdin_symlink() {
	local out
	[ -L "$BOXDIR/in" ] || { echo "the program did not leave /box/in"; return 2; }
	out=$(run_again --stdin "$BOXDIR/in" -- /bin/cat 2>&1)
	if echo "$out" | grep -q apbox-esc-host-secret; then
		echo "a later run with --stdin BOXDIR/in followed the program's symlink and fed it the root-only host file"
		return 1
	fi
	echo "--stdin on the planted symlink gave the program nothing: $(echo "$out" | head -1)"
}

check_stdin_fifo() {
	local out rc
	[ -p "$BOXDIR/in" ] || { echo "the program did not leave the FIFO /box/in"; return 2; }
	out=$(timeout 15 env APBOX_CONFIG="$RUN_CONF" "$RUN_APBOX" run -b "$BOX" --stdin "$BOXDIR/in" -- /bin/true 2>&1)
	rc=$?
	if [ "$rc" -eq 124 ]; then
		echo "a later run with --stdin BOXDIR/in blocked in apbox for 15 s, on the program's FIFO"
		return 1
	fi
	echo "--stdin on the planted FIFO did not wait (exit $rc): $(echo "$out" | head -1)"
}

check_ipc_residue() {
	local f left
	left=$(awk -v u="$BOX_UID" 'FNR == 1 { for (i = 1; i <= NF; i++) if ($i == "uid") c = i; next }
		$c == u { print FILENAME }' /proc/sysvipc/shm /proc/sysvipc/sem /proc/sysvipc/msg | sort | uniq -c | tr '\n' ' ')
	f=/dev/shm/apbox-esc-residue-$MARKER
	if [ -e "$f" ] || [ -n "$left" ]; then
		echo "survived cleanup, for the box's next job: ${left:+IPC objects of uid $BOX_UID: $left}$([ -e "$f" ] && echo "$f")"
		rm -f "$f"
		return 1
	fi
	echo "nothing of the box's uid is left in the host's IPC or /dev/shm after cleanup"
}

check_canary() {
	if [ -f "$CANARY/keep" ] && [ "$(cat "$CANARY/keep")" = apbox-esc-canary ] && [ -f "$HOST_FILE" ]; then
		echo "cleanup removed the symlinks, not their targets"
		return 0
	fi
	echo "cleanup followed a planted symlink: the canary is gone"
	mkdir -p "$CANARY"
	echo apbox-esc-canary >"$CANARY/keep"
	return 1
}

check_box_removed() {
	if [ -e "$BOXDIR" ]; then
		echo "the box dir survived cleanup ($(find "${BOXDIR%/box}" -maxdepth 3 2>/dev/null | wc -l) entries left); the box cannot be initialised again"
		return 1
	fi
	echo "cleanup removed the box dir"
}

check_survivors() {
	local pids i
	for i in $(seq 20); do
		pids=$(pgrep -f "^(nohup )?sleep $MARKER\$" | tr '\n' ' ')
		[ -z "$pids" ] && break
		sleep 0.05
	done
	if [ -n "$pids" ]; then
		echo "survived the run: pid $pids($(ps -o user=,cmd= -p "${pids%% *}" 2>/dev/null))"
		# shellcheck disable=SC2086 # one word per pid
		kill -9 $pids 2>/dev/null
		return 1
	fi
	return 0
}

# ---- the user worker world: a row's worker, and its checks --------------------
# A row there has RUN_UID, OUT_DIR (root's), the U_* variables of
# user_prepare and, after the run, W[KEY]: the worker's report.

declare -A W

# u_apbox ARGS...: apbox as the row's uid, with the row's config.
u_apbox() {
	APBOX_CONFIG=$RUN_CONF "$RUN_APBOX" "$@"
}

# user_prepare PROBES-INSIDE: before the run: the other box and the target
# box, fresh; what the checks compare with; the worker's options.
user_prepare() {
	local pin=$1 b w msg
	local -a pextra=()
	U_HOME=$UW/$RUN_UID/w.$ROW
	U_ROOT=$UW/$RUN_UID/boxes
	U_LOCKS=$UW/$RUN_UID/locks
	U_PEER_DIR=$U_ROOT/$U_PEER/box
	U_TARGET_LOCK=$U_LOCKS/$U_TARGET
	rm -f "$OUT_DIR"/snap.* "$OUT_DIR/report"
	for b in "$U_PEER" "$U_TARGET" "$U_LATER"; do u_apbox cleanup -b "$b" >/dev/null 2>&1; done
	for b in "$U_PEER" "$U_TARGET"; do
		msg=$(u_apbox init -b "$b" --mode "$MODE" 2>&1 >/dev/null) || {
			echo "init of box $b: $msg"
			return 2
		}
	done
	# The caches later runs trust (box_root/.etc-*, lock_root/seccomp.bpf)
	# are there, whatever the row's mode: a code-only init makes them.
	u_apbox init -b "$U_LATER" --mode code-only >/dev/null 2>&1
	u_apbox cleanup -b "$U_LATER" >/dev/null 2>&1
	U_ETC_DIRS=$(find "$U_ROOT" -mindepth 1 -maxdepth 1 -name '.etc-*' -type d | tr '\n' ' ')
	U_ETC_DIRS=${U_ETC_DIRS% }
	U_PEER_TOKEN=apbox-esc-peer-file-$(token)
	# shellcheck disable=SC2016 # expanded by the inner shell
	printf '%s\n' "$U_PEER_TOKEN" | as_uid "$RUN_UID" sh -c 'umask 077 && cat >"$1"' sh "$U_PEER_DIR/peer-secret" ||
		{ echo "cannot write the other box's file"; return 2; }
	U_ENV_TOKEN=apbox-esc-worker-env-$(token)
	# What the checks compare with, read as the uid whose files these are.
	as_uid "$RUN_UID" cat "$U_LOCKS/seccomp.bpf" >"$OUT_DIR/snap.seccomp" 2>/dev/null
	as_uid "$RUN_UID" cat "$U_TARGET_LOCK" >"$OUT_DIR/snap.lock" ||
		{ echo "cannot read the lock file of box $U_TARGET"; return 2; }
	# The probes, as the row's box gets them (see run_row).
	pextra=(--dir "/probes=$PROBES")
	U_WORKER_ARGS=(--home "$U_HOME" --abstract "apbox-esc-$$-$RUN_UID" --probe-lock "$U_TARGET_LOCK" --timeout 60)
	# The other box: its program holds a secret in its heap and, passed by
	# the worker, one in its environment, until the worker shuts its stdin.
	for w in "$APBOX" run -b "$U_PEER" --wall-time 40 --env ESC_PEER_SECRET "${pextra[@]}" \
		-- "$pin/user-worker" hold "$MARKER"; do
		U_WORKER_ARGS+=(--peer "$w")
	done
}

# user_finish: after a row: every process of the uid (the uid is the
# catalogue's alone, see the header) is killed, its boxes and the worker's
# directory removed.
user_finish() {
	local b i
	pkill -KILL -U "$RUN_UID" 2>/dev/null
	for i in $(seq 40); do
		pgrep -U "$RUN_UID" >/dev/null || break
		sleep 0.05
	done
	for b in "$U_PEER" "$U_TARGET" "$U_LATER"; do u_apbox cleanup -b "$b" >/dev/null 2>&1; done
	[ -z "${U_HOME:-}" ] || as_uid "$RUN_UID" rm -rf "$U_HOME"
}

# user_teardown: at exit, whatever rows were left doing.
user_teardown() {
	local u b c
	for u in "${USER_UIDS[@]}"; do
		pkill -KILL -U "$u" 2>/dev/null
	done
	sleep 0.2
	for u in "${USER_UIDS[@]}"; do
		for c in "$UW/conf/$u.conf" "$UW/conf/$u-cg.conf"; do
			for b in "$U_BOX" "$U_PEER" "$U_TARGET" "$U_LATER"; do
				APBOX_CONFIG=$c "$UW/bin/apbox-$u" cleanup -b "$b" >/dev/null 2>&1
			done
		done
	done
}

# entries DIR: the names in DIR, sorted, each followed by a space.
entries() {
	find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>&1 | LC_ALL=C sort | tr '\n' ' '
}

# user_ok FACT: a check found nothing: the attack's own detail, and FACT.
user_ok() {
	echo "${DETAIL:+$DETAIL; }$1"
}

# user_report: the worker reported (else the row is an ERROR).
user_report() {
	[ -n "${W[apbox]:-}" ] && return 0
	echo "the worker wrote no report: $(grep -m1 -v '^$' "$err" 2>/dev/null)"
	return 2
}

# user_leaked TOKEN: the run's output holds TOKEN.
user_leaked() {
	[ -n "$1" ] && grep -qF -- "$1" "$out" "$err" 2>/dev/null
}

check_user_env_secret() {
	if user_leaked "$U_ENV_TOKEN"; then
		echo "the box printed the worker's environment secret"
		return 1
	fi
	user_ok "the worker's environment secret is not in the box's output"
}

check_user_worker_heap() {
	user_report || return 2
	if [ "${W[heap_after]}" != intact ]; then
		echo "the worker's heap secret was overwritten"
		return 1
	fi
	if user_leaked "${W[heap_secret]}"; then
		echo "the box printed the worker's heap secret"
		return 1
	fi
	user_ok "the worker's heap secret is intact and not in the box's output"
}

check_user_file_secret() {
	user_report || return 2
	if user_leaked "${W[file_secret]}"; then
		echo "the box printed the worker's 0600 file"
		return 1
	fi
	user_ok "the worker's file is not in the box's output"
}

check_user_home() {
	local e
	user_report || return 2
	e=$(entries "$U_HOME")
	if [ "$e" != "secret worker.sock " ]; then
		echo "the worker's 0700 directory now holds: ${e% }"
		return 1
	fi
	user_ok "the worker's directory holds only its own files"
}

check_user_home_attrs() {
	local f d
	user_report || return 2
	f=$(stat -c '%F %a %Y' "$U_HOME/secret" 2>&1)
	d=$(stat -c '%a' "$U_HOME" 2>&1)
	if [ "$f" != "regular file 600 1000000000" ] || [ "$d" != 700 ]; then
		echo "the worker's file is now $f, its directory $d (were regular file 600 1000000000, 700)"
		return 1
	fi
	user_ok "the worker's file and directory keep their mode and mtime"
}

check_user_home_xattrs() {
	user_report || return 2
	if [ "${W[file_xattrs]:-}" != none ] || [ "${W[home_xattrs]:-}" != none ]; then
		echo "the worker's file now has the extended attributes ${W[file_xattrs]:-unknown}, its directory ${W[home_xattrs]:-unknown} (had none)"
		return 1
	fi
	user_ok "the worker's file and directory have no extended attribute"
}

check_user_sentinel() {
	user_report || return 2
	if [ "${W[sentinel_after]}" != alive ]; then
		echo "the worker's sentinel was killed (${W[sentinel_after]})"
		return 1
	fi
	user_ok "the worker's sentinel is alive"
}

check_user_group() {
	user_report || return 2
	if [ "${W[group_after]}" != alive ] || [ "${W[group2_after]}" != alive ]; then
		echo "the sentinels of the worker's process group were killed (${W[group_after]}, ${W[group2_after]}); apbox: ${W[apbox]}, the other box's apbox: ${W[peer_apbox]:-none}"
		return 1
	fi
	user_ok "the sentinels of the worker's process group are alive"
}

# user_peer: the other box was there for the attack (else the row is an ERROR).
user_peer() {
	user_report || return 2
	[ "${W[peer_ready]:-}" = yes ] && [ "${W[peer_pid]:-0}" != 0 ] && return 0
	echo "the other box did not start: $(grep -m1 -v '^$' "$err" 2>/dev/null)"
	return 2
}

check_user_peer_dir() {
	local e
	user_peer || return 2
	if user_leaked "$U_PEER_TOKEN"; then
		echo "the box printed the other box's 0600 file"
		return 1
	fi
	e=$(entries "$U_PEER_DIR")
	if [ "$e" != "peer-secret " ]; then
		echo "the other box's directory now holds: ${e% }"
		return 1
	fi
	user_ok "the other box's file is not in the box's output, its directory unchanged"
}

check_user_peer_env() {
	user_peer || return 2
	if user_leaked "${W[peer_secret]}"; then
		echo "the box printed the other box's environment secret"
		return 1
	fi
	user_ok "the other box's secret is not in the box's output"
}

check_user_peer_alive() {
	user_peer || return 2
	if [ "${W[peer_heap_after]}" = unknown ]; then
		echo "the other box's program did not live to the end of the run (its apbox: ${W[peer_apbox]})"
		return 1
	fi
	user_ok "the other box's program lived to the end of the run"
}

check_user_peer_heap() {
	user_peer || return 2
	case ${W[peer_heap_after]} in
	intact) user_ok "the other box's heap secret is intact" ;;
	changed)
		echo "the other box's heap secret was overwritten"
		return 1
		;;
	*)
		echo "the other box's program ended before it could check its heap (its apbox: ${W[peer_apbox]})"
		return 2
		;;
	esac
}

# user_count KEY WHAT: the worker's listener counted nothing.
user_count() {
	user_report || return 2
	if [ "${W[$1]:-0}" != 0 ]; then
		echo "the worker's $2 got ${W[$1]}"
		return 1
	fi
	user_ok "the worker's $2 got nothing"
}

check_user_tcp() { user_count tcp_count "TCP listener on 127.0.0.1 (connections)"; }
check_user_udp() { user_count udp_count "UDP socket on 127.0.0.1 (datagrams)"; }
check_user_abstract() { user_count abstract_count "abstract unix socket (connections)"; }
check_user_unix_path() { user_count path_count "unix socket file (connections)"; }

check_user_inotify() {
	user_report || return 2
	if [ "${W[inotify_fail]:-0}" != 0 ]; then
		echo "the worker could not make an inotify instance while the box ran (${W[inotify_errno]})"
		return 1
	fi
	user_ok "the worker could make an inotify instance all along"
}

check_user_lock_held() {
	user_report || return 2
	if [ "${W[lock_held]:-0}" != 0 ]; then
		echo "the worker found the lock of box $U_TARGET taken while the box ran: its runs of that box are refused as in use"
		return 1
	fi
	user_ok "the worker could take the lock of box $U_TARGET all along"
}

# The lock file of the target box: unchanged.  Else what a later run and a
# cleanup of that box make of it, and the file goes (as its uid), so that
# the next row can make that box again.
check_user_lock_file() {
	local later rc clean crc
	if timeout 5 cmp -s "$OUT_DIR/snap.lock" "$U_TARGET_LOCK"; then
		user_ok "the lock file of box $U_TARGET is unchanged"
		return 0
	fi
	later=$(u_apbox run -b "$U_TARGET" --wall-time 10 -- /bin/true 2>&1)
	rc=$?
	clean=$(u_apbox cleanup -b "$U_TARGET" 2>&1)
	crc=$?
	as_uid "$RUN_UID" rm -f "$U_TARGET_LOCK"
	later=${later//$'\n'/ } clean=${clean//$'\n'/ }
	echo "the box rewrote the lock file of box $U_TARGET; a later run of that box: exit $rc${later:+ ($later)}; its cleanup: exit $crc${clean:+ ($clean)}"
	return 1
}

# The seccomp filter cache: unchanged, and a later run of another box (in
# code-only, whose only wall against unshare is the filter) still refuses
# unshare.  Then the cache goes: apbox makes it again for the next row.
check_user_seccomp_cache() {
	local f=$U_LOCKS/seccomp.bpf changed='' later
	[ -s "$OUT_DIR/snap.seccomp" ] || { echo "lock_root had no seccomp.bpf before the run"; return 2; }
	timeout 5 cmp -s "$OUT_DIR/snap.seccomp" "$f" || changed=1
	u_apbox cleanup -b "$U_LATER" >/dev/null 2>&1
	later=$(u_apbox init -b "$U_LATER" --mode code-only 2>&1 >/dev/null &&
		u_apbox run -b "$U_LATER" --wall-time 10 --dir "/probes=$PROBES" -- "$PROBES/seccomp-probe" unshare-user 2>&1)
	as_uid "$RUN_UID" rm -f "$f"
	u_apbox cleanup -b "$U_LATER" >/dev/null 2>&1
	case $later in
	*"unshare-user: ok"*)
		echo "a later run of another box loaded the box's filter: unshare worked${changed:+ (lock_root/seccomp.bpf was replaced)}"
		return 1
		;;
	esac
	if [ -n "$changed" ]; then
		echo "the box replaced lock_root/seccomp.bpf (a later run of another box: ${later//$'\n'/ })"
		return 1
	fi
	case $later in
	*"unshare-user: EPERM"*) user_ok "lock_root/seccomp.bpf unchanged; a later run of another box refused unshare" ;;
	*)
		echo "a later run of another box failed: ${later//$'\n'/ }"
		return 2
		;;
	esac
}

# The shared /etc copy: no file in it that apbox takes for current (the
# size and mtime of the host's) differs from the host's, and a later
# process-mode run of another box sees the host's files.  Then the files
# that differ go: apbox copies them again.
check_user_etc_cache() {
	local f n forged='' bad='' failed='' later hostsum e msg
	local -a names=()
	for f in "$U_ROOT"/.etc-*/*; do
		if [ ! -f "$f" ] || [ -L "$f" ] || [ ! -f "/etc/${f##*/}" ]; then
			continue
		fi
		n=${f##*/}
		names+=("$n")
		[ "$(stat -c '%s %y' "$f")" = "$(stat -L -c '%s %y' "/etc/$n")" ] || continue
		timeout 5 cmp -s "$f" "/etc/$n" || forged="$forged ${f#"$U_ROOT"/}"
	done
	[ ${#names[@]} -gt 0 ] || { echo "box_root has no copy of /etc"; return 2; }
	if [ -n "${USER_NS[$RUN_UID]:-}" ]; then
		u_apbox cleanup -b "$U_LATER" >/dev/null 2>&1
		# shellcheck disable=SC2016 # expanded in the box
		if later=$(u_apbox init -b "$U_LATER" --mode process 2>&1 >/dev/null &&
			u_apbox run -b "$U_LATER" --wall-time 10 -- /bin/sh -c 'cd /etc && md5sum -- "$@"' sh "${names[@]}" 2>&1); then
			hostsum=$(cd /etc && md5sum -- "${names[@]}")
			bad=$(diff <(echo "$hostsum") <(echo "$later") | sed -n 's/^> [0-9a-f]*  //p' | tr '\n' ' ')
		else
			failed=${later//$'\n'/ }
		fi
		u_apbox cleanup -b "$U_LATER" >/dev/null 2>&1
	fi
	for e in $forged; do as_uid "$RUN_UID" rm -f "$U_ROOT/$e"; done
	if [ -n "$forged" ] || [ -n "$bad" ]; then
		# (no quote inside the ${:+}, where bash would keep looking for its end)
		msg="the shared /etc copy:"
		[ -z "$forged" ] || msg="$msg rewritten with the host's size and mtime:$forged;"
		[ -z "$bad" ] || msg="$msg a later process-mode run of another box saw it in: ${bad% }"
		echo "$msg"
		return 1
	fi
	if [ -n "$failed" ]; then
		echo "a later process-mode run of another box failed: $failed"
		return 2
	fi
	if [ -n "${USER_NS[$RUN_UID]:-}" ]; then
		user_ok "the shared /etc copy matches the host's; a later process-mode run saw the host's files"
	else
		user_ok "the shared /etc copy matches the host's (no process-mode run here to look further)"
	fi
}

# A process of the box still running after the run, outside the box's
# cgroup (the delegated one, see "# cgroup: delegated"), got out of it.
check_user_cgroup_moved() {
	local p
	for p in $(pgrep -f "^sleep $MARKER\$"); do
		if grep "/$CG_PARENT-user-$RUN_UID" "/proc/$p/cgroup" 2>/dev/null | grep -qv "/box-$BOX\$"; then
			echo "a process of the box left the box's cgroup and outlived the run ($(grep -v ':/$' "/proc/$p/cgroup" | tr '\n' ' '))"
			return 1
		fi
	done
	user_ok "no process of the box outside its cgroup"
}

# ---- one row ---------------------------------------------------------------

# record NAME RESULT DETAIL: one row of the current mode.
record() {
	local d=${3//$'\t'/ }
	d=${d//$'\n'/ }
	# The same words in every run: no temp dir name, no pid.
	d=${d//$WORLD/WORLD}
	d=${d//$CG_PARENT/apbox-esc-PID}
	d=${d//|//}
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$AREA" "$1" "$LABEL" "$2" "${d:0:300}" \
		"$(((${EPOCHREALTIME/./} - ROW_START) / 1000))" >>"$ROWS"
}

# hook FUNCTION: run a setup or check; sets RESULT and DETAIL from its verdict.
hook() {
	local msg rc
	msg=$("$1" 2>&1)
	rc=$?
	case $rc in
	0) [ -z "$msg" ] || [ "$RESULT" != BLOCKED ] || DETAIL=$msg ;;
	1) RESULT=ESCAPED DETAIL=$msg ;;
	*) RESULT=ERROR DETAIL="$1: $msg" ;;
	esac
}

# run_row ATTACK [ITEM...]: init a box, set it up, run the attack in it,
# check, clean up, and append the row (one per ITEM for a batch) to $ROWS.
run_row() {
	local attack=$1 name=$1 blocked opts popts setup check checkc batch
	local dir=$RUN_DIR out err meta rc last msg pin v c line
	local -a args envs extra items lines runner
	local -A got meta_of
	# A row of the user worker world may ask for the config with a cgroup.
	local RUN_CONF=$RUN_CONF
	shift
	items=("$@")
	batch=${HDR["$attack batch"]:-}
	[ -n "$batch" ] || [ ${#items[@]} -eq 0 ] || name=$attack-${items[0]}
	area_of "$attack"
	blocked=" ${HDR["$attack blocked"]:-exit0} "
	opts=${HDR["$attack options"]:-}
	popts=${HDR["$attack process-options"]:-}
	setup=${HDR["$attack setup"]:-}
	check=${HDR["$attack check"]:-}
	checkc=${HDR["$attack check-cleanup"]:-}
	# The program's output goes where the program cannot reach it (the user
	# worker world's box shares the uid of RUN_DIR, where apbox writes the meta).
	out=${OUT_DIR:-$dir}/out err=${OUT_DIR:-$dir}/err meta=$dir/meta
	rm -f "$meta"
	ROW=$((ROW + 1))
	ROW_START=${EPOCHREALTIME/./}
	printf -v MARKER '29.%s%s%04d' "$$" "${RUN_UID:-$BOX}" "$ROW"
	if [ -n "${RUN_UID:-}" ] && [ "${HDR["$attack cgroup"]:-}" = delegated ]; then
		RUN_CONF=$UW/conf/$RUN_UID-cg.conf
	fi

	APBOX_CONFIG=$RUN_CONF "$RUN_APBOX" cleanup -b "$BOX" >/dev/null 2>&1
	if ! BOXDIR=$(APBOX_CONFIG=$RUN_CONF "$RUN_APBOX" init -b "$BOX" --mode "$MODE" 2>"$err"); then
		read -r msg <"$err"
		record "$name" ERROR "init failed: $msg"
		return
	fi
	# init prints the box's directory; the program's work dir is its box/.
	BOXDIR=$BOXDIR/box
	RESULT=BLOCKED DETAIL=
	if [ -n "$setup" ]; then
		hook "$setup"
		if [ "$RESULT" != BLOCKED ]; then
			record "$name" ERROR "setup $DETAIL"
			APBOX_CONFIG=$RUN_CONF "$RUN_APBOX" cleanup -b "$BOX" >/dev/null 2>&1
			return
		fi
	fi

	if is_process_mode "$MODE"; then
		pin=/probes
		extra=(--dir "/probes=$PROBES")
		opts="$opts $popts"
	elif [ "$MODE" = code-only ]; then
		# no root to bind into: the box's Landlock domain grants the probes where they are
		pin=$PROBES
		extra=(--dir "$PROBES")
	else
		pin=$PROBES
		extra=()
		# A worker hands its box the code to run as a directory rule; in
		# code-only that grants the source, at its own path, to the box's
		# Landlock domain, which holds nothing else of the host's but the
		# system directories.
		[ -z "${RUN_UID:-}" ] || extra=(--dir "/probes=$PROBES")
	fi
	opts=${opts//@WORLD@/$WORLD}
	opts=${opts//@BOXDIR@/$BOXDIR}
	read -r -a args <<<"$opts"
	# A stuck attack must not stall the catalogue.
	[[ " $opts " == *" --wall-time "* ]] || extra+=(--wall-time 20)
	envs=()
	if [ -n "${RUN_UID:-}" ]; then
		# The worker: the other box, its targets, its command line.
		if ! user_prepare "$pin" >"$err" 2>&1; then
			read -r msg <"$err"
			record "$name" ERROR "the worker's world: $msg"
			user_finish
			APBOX_CONFIG=$RUN_CONF "$RUN_APBOX" cleanup -b "$BOX" >/dev/null 2>&1
			return
		fi
		for v in "ESC_PROBES=$pin" "ESC_MARKER=$MARKER" "ESC_W_HOME=$U_HOME" "ESC_W_FILE=$U_HOME/secret" \
			"ESC_W_SOCK=$U_HOME/worker.sock" "ESC_W_ABSTRACT=apbox-esc-$$-$RUN_UID" \
			"ESC_W_BOX_ROOT=$U_ROOT" "ESC_W_ETC_DIRS=$U_ETC_DIRS" "ESC_W_LOCK_ROOT=$U_LOCKS" "ESC_W_PEER_DIR=$U_PEER_DIR" \
			"ESC_W_TARGET_LOCK=$U_TARGET_LOCK" "ESC_W_CGROUP=$CG_PARENT-user-$RUN_UID"; do
			envs+=(--env "$v")
		done
		runner=(env "APBOX_CONFIG=$RUN_CONF" "APBOX_ESC_WORKER_SECRET=$U_ENV_TOKEN"
			"ESC_REPORT=$OUT_DIR/report" "$UW/bin/worker-$RUN_UID" "${U_WORKER_ARGS[@]}" -- "$APBOX")
	else
		for v in "ESC_PROBES=$pin" "ESC_WORLD=$WORLD" "ESC_HOST_FILE=$HOST_FILE" "ESC_HOST_SECRET=$HOST_SECRET" \
			"ESC_VICTIM=$VICTIM_FILE" "ESC_VICTIM_DIR=$VICTIM_DIR" "ESC_CANARY=$CANARY" "ESC_HOST_PID=$VICTIM" "ESC_HOST_MARK=$VICTIM_MARK" \
			"ESC_HOSTNAME=$HOST_NAME" "ESC_PORT4=$PORT4" "ESC_PORT6=$PORT6" "ESC_ADDR4=$ADDR4" \
			"ESC_APORT4=$APORT4" "ESC_ADDR6=$ADDR6" "ESC_APORT6=$APORT6" "ESC_ABSTRACT=$ABSTRACT" \
			"ESC_HOST_SOCK=$HOST_SOCK" "ESC_SHM_ID=$SHM_ID" "ESC_HOST_SHM=$HOST_SHM" \
			"ESC_OTHER_BOX_FILE=$OTHER_FILE" "ESC_OTHER_BOX_LOCK=$OTHER_LOCK" "ESC_MARKER=$MARKER" "ESC_TMP_MB=$TMP_MB"; do
			envs+=(--env "$v")
		done
		runner=(env "APBOX_CONFIG=$RUN_CONF" "$RUN_APBOX")
	fi

	# fd 7 (a root-only file) and fd 8 (a host dir) are there for apbox to close.
	"${runner[@]}" run -b "$BOX" --meta "$meta" "${extra[@]}" "${args[@]}" "${envs[@]}" \
		-- /bin/sh "$pin/$attack.sh" "${items[@]}" >"$out" 2>"$err" 7<"$HOST_SECRET" 8<"$WORLD"
	rc=$?
	if [ -n "${RUN_UID:-}" ]; then
		# What the worker saw (see tests/helpers/user-worker.c), for the checks.
		W=()
		while IFS='=' read -r v c; do
			[ -z "$v" ] || W[$v]=$c
		done <"$OUT_DIR/report"
	fi
	mapfile -t lines <"$out"
	last=
	for line in "${lines[@]}"; do
		[[ $line == *[![:space:]]* ]] && last=$line
		[[ $line == "ROW "* ]] && { read -r _ v c <<<"$line"; got[$v]=$c; }
	done
	msg=
	while IFS= read -r line; do
		[[ $line == "apbox: "* ]] && { msg=${line#apbox: }; break; }
	done <"$err"
	meta_of=()
	if [ -f "$meta" ] && [ -r "$meta" ]; then
		while IFS=: read -r v c; do meta_of[$v]=$c; done <"$meta"
	fi
	if [ "$rc" -eq 125 ] && [ -n "$msg" ]; then
		if [[ $blocked == *" refused "* ]]; then
			RESULT=BLOCKED DETAIL="apbox refused: $msg"
		else
			RESULT=ERROR DETAIL="apbox failed: $msg"
		fi
	elif [ "$rc" -eq 0 ] && [[ $blocked == *" exit0 "* ]]; then
		RESULT=BLOCKED DETAIL=${last#blocked: }
	elif [ "$rc" -eq 1 ]; then
		RESULT=ESCAPED DETAIL=${last#ESCAPED: }
	elif [ "$rc" -eq 137 ] || [ "${meta_of[status]:-}" = TO ]; then
		# How the run was killed, from the meta file.
		v=${meta_of[message]:-exit $rc}
		if [ "${meta_of[cg-oom-killed]:-}" = 1 ]; then
			c=oom
		elif [ "$v" = "Time limit exceeded" ]; then
			c=cpu-timeout
		elif [ "$v" = "Time limit exceeded (wall clock)" ]; then
			c=wall-timeout
		else
			c=killed
		fi
		if [[ $blocked == *" $c "* ]] || [[ $blocked == *" killed "* ]]; then
			RESULT=BLOCKED DETAIL="killed ($c): $v"
		else
			RESULT=ERROR DETAIL="killed unexpectedly ($c): $v; $last"
		fi
	else
		[ -n "$last" ] || read -r last <"$err"
		RESULT=ERROR DETAIL="exit $rc: $last"
	fi

	[ -z "$check" ] || hook "$check"
	if ! msg=$(APBOX_CONFIG=$RUN_CONF "$RUN_APBOX" cleanup -b "$BOX" 2>&1); then
		[ "$RESULT" = ESCAPED ] || RESULT=ERROR DETAIL="cleanup failed: $msg"
	fi
	[ -z "$checkc" ] || hook "$checkc"
	# A box cleanup could not remove would fail every later row: force it
	# (as the box's owner, in the user worker world, whose box dirs are the
	# uid's: root follows no link of theirs).
	if [ -e "$BOXDIR" ] && [ -n "${RUN_UID:-}" ]; then
		as_uid "$RUN_UID" chmod -R u+rwX "${BOXDIR%/box}" 2>/dev/null
		APBOX_CONFIG=$RUN_CONF "$RUN_APBOX" cleanup -b "$BOX" >/dev/null 2>&1
	elif [ -e "$BOXDIR" ]; then
		chmod -R u+rwX "${BOXDIR%/box}" 2>/dev/null
		APBOX_CONFIG=$RUN_CONF "$APBOX" cleanup -b "$BOX" >/dev/null 2>&1
	fi
	# Whatever the verdict, nothing of this row may keep running.
	for v in $(pgrep -f "^(nohup )?sleep $MARKER\$"); do kill -9 "$v" 2>/dev/null; done
	[ -z "${RUN_UID:-}" ] || user_finish

	if [ -z "$batch" ]; then
		record "$name" "$RESULT" "$DETAIL"
		return
	fi
	# A batch prints "ROW ITEM RESULT DETAIL" per item; a missing item
	# takes the verdict of the whole run, which is then an error.
	for v in "${items[@]}"; do
		if [ -n "${got[$v]+set}" ]; then
			record "$attack-$v" "${got[$v]%% *}" "${got[$v]#* }"
		else
			record "$attack-$v" ERROR "no result: $RESULT: $DETAIL"
		fi
	done
}

# run_mode LABEL MODE BOX APBOX CONF UID: every attack that claims MODE, into
# $WORLD/rows.ID (ID: BOX, or in the user worker world RUN_UID, which is set
# there with OUT_DIR).
run_mode() {
	local attack each item id=${RUN_UID:-$3}
	local -a items
	LABEL=$1 MODE=$2 BOX=$3 RUN_APBOX=$4 RUN_CONF=$5 BOX_UID=$6 ROWS=$WORLD/rows.$id ROW=0
	: >"$ROWS"
	# apbox opens the meta file as its caller.
	RUN_DIR=$WORLD/run.$id
	mkdir -p "$RUN_DIR"
	chown "${RUN_UID:-$(stat -c %u "$RUN_CONF")}" "$RUN_DIR"
	# Targets that attacks may damage are per mode: the modes run in parallel.
	VICTIM_FILE=$WORLD/victim.$id CANARY=$WORLD/canary.$id VICTIM_DIR=$WORLD/victim-dir.$id
	restore_victim
	mkdir -p "$VICTIM_DIR" && chmod 700 "$VICTIM_DIR"
	mkdir -p "$CANARY"
	echo apbox-esc-canary >"$CANARY/keep"
	for attack in "${ATTACKS[@]}"; do
		[[ " ${HDR["$attack modes"]:-} " == *" $MODE "* ]] || [ "${APBOX_ESCAPE_ANY_MODE:-}" = 1 ] ||
			continue
		[[ ${HDR["$attack caller"]:-} != root || $LABEL != *"(rootless)" ]] || continue
		# The attacks of the user worker world (user-*) run there only.
		if [ -n "${RUN_UID:-}" ]; then
			[[ $attack == user-* ]] || continue
		else
			[[ $attack != user-* ]] || continue
		fi
		each=${HDR["$attack each"]:-}
		if [ -z "$each" ]; then
			[[ $attack =~ ${APBOX_ESCAPE_ONLY:-.} ]] && run_row "$attack"
			continue
		fi
		items=()
		for item in $(items_of "$each"); do
			[[ $attack-$item =~ ${APBOX_ESCAPE_ONLY:-.} ]] && items+=("$item")
		done
		[ ${#items[@]} -gt 0 ] || continue
		if [ -n "${HDR["$attack batch"]:-}" ]; then
			run_row "$attack" "${items[@]}"
		else
			for item in "${items[@]}"; do run_row "$attack" "$item"; done
		fi
	done
}

START=$(date +%s)
PIDS=()
BOX_OF_MODE=([0]=1 [1]=2 [2]=3 [3]=4)
for i in "${!ALL_MODES[@]}"; do
	m=${ALL_MODES[$i]}
	[[ " ${MODES[*]} " == *" $m "* ]] || continue
	[ "$USER_WORLD" != only ] || continue
	BOXES+=("${BOX_OF_MODE[$i]}")
	run_mode "$m" "$m" "${BOX_OF_MODE[$i]}" "$APBOX" "$WORLD/apbox.conf" "$((60000 + BOX_OF_MODE[i]))" &
	PIDS+=($!)
done
# The user worker world: one uid per mode, its rows in parallel with the others.
USER_SKIPPED=()
if [ -n "$USER_WORLD" ]; then
	for m in "${ALL_MODES[@]}"; do
		[[ " ${MODES[*]} " == *" $m "* ]] || continue
		# No user attack claims unsandboxed: there it only checks the attacks.
		[ "$m" != unsandboxed ] || [ "${APBOX_ESCAPE_ANY_MODE:-}" = 1 ] || continue
		u=$(user_uid_of "$m")
		if is_process_mode "$m" && [ -z "${USER_NS[$u]:-}" ]; then
			USER_SKIPPED+=("$m (user): uid $u cannot make user namespaces here")
			echo "escape: uid $u cannot make user namespaces: no \"$m (user)\" rows" >&2
			continue
		fi
		(
			RUN_UID=$u OUT_DIR=$UW/out.$u
			run_mode "$m (user)" "$m" "$U_BOX" "$UW/bin/apbox-$u" "$UW/conf/$u.conf" "$u"
		) &
		PIDS+=($!)
	done
fi
if [ -n "$ROOTLESS_APBOX" ] && [ "$USER_WORLD" != only ]; then
	nobody=$(id -u nobody)
	[[ " ${MODES[*]} " == *" process "* ]] &&
		{ run_mode "process (rootless)" process 5 "$ROOTLESS_APBOX" "$WORLD/rootless.conf" "$nobody" & PIDS+=($!); }
	[[ " ${MODES[*]} " == *" code-and-process "* ]] &&
		{ run_mode "code-and-process (rootless)" code-and-process 6 "$ROOTLESS_APBOX" "$WORLD/rootless.conf" "$nobody" & PIDS+=($!); }
fi
for p in "${PIDS[@]}"; do wait "$p"; done
ELAPSED=$(($(date +%s) - START))

# ---- the report ---------------------------------------------------------------

ALL=$WORLD/rows.all
mode_rank() {
	case $1 in
	process) echo 1 ;; code-and-process) echo 2 ;; code-only) echo 3 ;; unsandboxed) echo 4 ;;
	"process (rootless)") echo 5 ;; "code-and-process (rootless)") echo 6 ;;
	"process (user)") echo 7 ;; "code-and-process (user)") echo 8 ;; "code-only (user)") echo 9 ;;
	"unsandboxed (user)") echo 10 ;; *) echo 11 ;;
	esac
}
area_rank() {
	local i
	for i in "${!AREAS[@]}"; do [ "${AREAS[$i]#*:}" = "$1" ] && { echo "$i"; return; }; done
	echo 9
}
cat "$WORLD"/rows.[0-9]* | while IFS= read -r row; do
	IFS=$'\t' read -r area _ label _ <<<"$row"
	printf '%s\t%s\t%s\n' "$(area_rank "$area")" "$(mode_rank "$label")" "$row"
done | sort -t$'\t' -k1,1n -k4,4 -k2,2n | cut -f3- >"$ALL"
[ -s "$ALL" ] || die "no attack ran"
[ -z "${APBOX_ESCAPE_TSV:-}" ] || cp "$ALL" "$APBOX_ESCAPE_TSV"

describe() {
	local d
	if [ -f "$SRC/$1.sh" ]; then
		header "$1" attack
	else
		d=$(header kernel-seccomp attack)
		printf '%s' "${d//%s/${1#kernel-seccomp-}}"
	fi
}

cgroup_layout() {
	local d v1=
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
		echo "v2 (unified), controllers: $(cat /sys/fs/cgroup/cgroup.controllers 2>/dev/null)"
		return
	fi
	for d in /sys/fs/cgroup/*; do
		[ -L "$d" ] || [ "${d##*/}" = unified ] || [ "$(stat -fc %T "$d")" != cgroupfs ] || v1="$v1 ${d##*/}"
	done
	if [ -d /sys/fs/cgroup/unified ]; then
		echo "hybrid: v1${v1}; v2 at /sys/fs/cgroup/unified (controllers: $(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null | sed 's/^$/none/'))"
	else
		echo "v1:${v1}"
	fi
}

{
	cat <<EOF
# apbox escape catalogue

<!-- Generated by tests/escape/run.sh: do not edit; regenerate instead. -->

Every attack below runs **inside** a box, as the program would, in each
execution mode that claims to stop it, and checks the outcome itself.
The attacks are the scripts and probes in \`tests/escape/\`
(\`<area>-<property>.sh\`, run by \`/bin/sh\`, using the static probes of
\`tests/helpers/\`); the header of each names the modes that must stop it.
A result is **BLOCKED** when the attack failed and the script or the
runner verified how, **ESCAPED** when it worked, **ERROR** when it could
not be judged.  \`tests/82-escape-catalogue.bats\` fails on any row that is
not BLOCKED and when this file no longer matches a fresh run.

The areas: filesystem (read-only binds and submounts, \`..\` and symlink
tricks in \`--dir\` rules and in the box dir between runs, hard links,
\`/proc/*/root\` and \`cwd\`, inherited descriptors, device nodes, setuid
and file-capability binaries), processes (seeing, signalling and tracing
anything outside, surviving the run, leaving the cgroup), privileges
(capabilities, \`no_new_privs\`, user namespaces), kernel (dangerous
\`/proc\` and \`/sys\` files, and one row per syscall the seccomp filter
denies), resources (memory, processes, descriptors, file size, \`/tmp\`
and \`/box\`, CPU and wall time), information (host name, environment,
processes, mounts, cgroups, IPC, other boxes' files) and network (without
\`--share-net\`: no route, no host loopback, no host unix socket).

Regenerate (as root, from the source tree, after \`make\` and
\`make tests/helpers/try-escape tests/helpers/seccomp-probe tests/helpers/memhog tests/helpers/forkbomb\`):

    APBOX_ESCAPE_ROOTLESS=1 tests/escape/run.sh build/src/apbox doc/security.md

EOF
	if grep -q $'\t[a-z-]* (user)\t' "$ALL"; then
		cat <<EOF
The rows "MODE (user)" are the user worker world (\`APBOX_ESCAPE_USER=1\`;
\`tests/83-escape-user.bats\` runs it alone, in code-only and process, and
fails on each of its rows that is not BLOCKED):
apbox spawned by a worker running as an ordinary user, as a Node.js
worker's \`child_process.spawn()\` does (\`tests/helpers/user-worker\`), so
that its boxes share the worker's uid.  The area worker holds what such a
box must not reach: the worker's environment, heap, 0600 file (its contents,
mode, mtime and xattrs) and 0700 directory, its signals and process group,
its TCP, UDP and unix listeners (also from a box run with --share-net), the
other box the worker runs at the same time, the shared caches in box_root
and lock_root that later runs trust, the cgroup above the box, the uid's
inotify instances, and the runs after this one.  The runner's checks judge
these rows from what the worker and the host saw.

EOF
		for v in "${USER_SKIPPED[@]}"; do printf 'Not run: %s.\n\n' "$v"; done
	fi
	cat <<EOF
## Results

| area | attack | mode | result |
|---|---|---|---|
EOF
	while IFS=$'\t' read -r area name label result _; do
		echo "| $area | \`$name\` | $label | $result |"
	done <"$ALL"

	cat <<EOF

## Totals per mode

| mode | attacks | blocked | escaped | error |
|---|---|---|---|---|
EOF
	cut -f3 "$ALL" | awk '!seen[$0]++' | while read -r label; do
		awk -F'\t' -v m="$label" '$3 == m { n++; c[$4]++ }
			END { printf "| %s | %d | %d | %d | %d |\n", m, n, c["BLOCKED"], c["ESCAPED"], c["ERROR"] }' "$ALL"
	done
	awk -F'\t' '{ n++; c[$4]++; a[$2] = 1 } END { for (k in a) na++;
		printf "| all | %d rows, %d attacks | %d | %d | %d |\n", n, na, c["BLOCKED"], c["ESCAPED"], c["ERROR"] }' "$ALL"

	if grep -qv $'\tBLOCKED\t' "$ALL"; then
		cat <<EOF

## Rows that are not BLOCKED

| attack | mode | result | detail |
|---|---|---|---|
EOF
		awk -F'\t' '$4 != "BLOCKED" { printf "| `%s` | %s | %s | %s |\n", $2, $3, $4, $5 }' "$ALL"
	fi

	cat <<EOF

## The attacks

| attack | what it tries | modes that must stop it |
|---|---|---|
EOF
	cut -f2 "$ALL" | awk '!seen[$0]++' | while read -r name; do
		echo "| \`$name\` | $(describe "$name" | tr '|' '/') | $(awk -F'\t' -v n="$name" '$2 == n { printf "%s%s", s, $3; s = ", " }' "$ALL") |"
	done

	cat <<EOF

## Where it ran

- date: $(date -u '+%Y-%m-%d %H:%M UTC')
- kernel: $(uname -srm)
- cgroups: $(cgroup_layout)
- apbox: $("$APBOX" --version 2>/dev/null | head -1)
- run time: ${ELAPSED} s
EOF
} >"$OUTPUT.tmp" && mv "$OUTPUT.tmp" "$OUTPUT"

awk -F'\t' '{ c[$4]++ } END { printf "escape: %d rows: %d blocked, %d escaped, %d error\n", NR, c["BLOCKED"], c["ESCAPED"], c["ERROR"] }' "$ALL" >&2
awk -F'\t' '$4 != "BLOCKED" { printf "escape: %s %s (%s): %s\n", $4, $2, $3, $5 }' "$ALL" >&2
if grep -qv $'\tBLOCKED\t' "$ALL"; then exit 1; fi
exit 0
