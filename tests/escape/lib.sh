# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Sourced by every attack script of the escape catalogue (see run.sh).
#
# An attack runs inside the box, as the program, under /bin/sh.  It ends
# with exactly one of:
#   blocked MESSAGE       exit 0: the attack failed, and the script checked how
#   escaped MESSAGE       exit 1: the attack worked
#   inconclusive MESSAGE  exit 2: the attack could not be tried
# The last line it prints is the detail the runner records.
#
# Attacks must stay harmless if the sandbox is broken and they run on the
# host as root: they write data only under $HOME (the box dir, /box), /tmp
# and /dev/shm, in files of their own that they remove; elsewhere they
# create at most an empty file or a link of a unique name and remove it at
# once, and open host files for writing without writing a byte; they signal
# other processes with signal 0 only (pid 1 only from pid 2 of a pid
# namespace of their own); they undo at once whatever worked, and loop a
# bounded number of times.  Their targets come from the runner's ESC_*
# variables, never from guessing.
#
# The attacks of the user worker world (user-*.sh, run by apbox started by
# an ordinary user, see run.sh) aim at what the runner made for them alone,
# all named by ESC_W_* variables: they send SIGKILL to the worker's sentinel
# processes and groups (and to their own process group), overwrite the
# canaries in the worker's and the other box's heap, and change or leave
# files in the worker's directory, the other box's directory and the box
# and lock roots of that world, all under the runner's temp dir; the
# runner's host-side checks look at what changed and put it back.

blocked() {
	echo "blocked: $*"
	exit 0
}

escaped() {
	echo "ESCAPED: $*"
	exit 1
}

inconclusive() {
	echo "inconclusive: $*"
	exit 2
}

# is_process_mode: true in the modes with namespaces and a new root.
is_process_mode() {
	case ${AP_EXECUTION_MODE:-} in
	SANDBOX_PROCESS | SANDBOX_CODE_AND_PROCESS) return 0 ;;
	*) return 1 ;;
	esac
}

# try_create FILE: create FILE if it does not exist, without writing a
# byte, and remove it again.  True when the creation worked.
try_create() {
	[ ! -e "$1" ] && [ ! -L "$1" ] || return 1
	if (: >>"$1") 2>/dev/null; then
		rm -f "$1"
		return 0
	fi
	return 1
}

# try_open_write FILE: open an existing FILE for appending and close it at
# once, writing nothing (harmless on a sysctl, a cgroup file or a device).
try_open_write() {
	[ -e "$1" ] || return 1
	(: >>"$1") 2>/dev/null
}

# try_open_read FILE: open FILE for reading and read nothing.
try_open_read() {
	[ -e "$1" ] || return 1
	(: <"$1") 2>/dev/null
}

# has_token FILE TOKEN: FILE can be read and holds TOKEN.
has_token() {
	grep -qs -- "$2" "$1" 2>/dev/null
}

# user_world: stop unless the runner's user worker world set this run up
# (its worker adds ESC_W_PID; the runner ESC_W_HOME).
user_world() {
	if [ -z "${ESC_W_PID:-}" ] || [ -z "${ESC_W_HOME:-}" ]; then
		inconclusive "not run by the user worker world of run.sh"
	fi
	[ "$(id -u)" -ne 0 ] || inconclusive "the user worker world runs as an ordinary user, not root"
}

# hold_for_worker: tell the worker that spawned apbox that the attack holds
# what it took (the line "apbox-esc-hold" on stdout) and wait for its
# "apbox-esc-go" on stdin, after it looked; returns at once without a worker.
hold_for_worker() {
	echo apbox-esc-hold
	read -r _ || :
}

: "${ESC_PROBES:?the runner sets ESC_PROBES}"
# The probes' directory, for the attacks that source this file.
# shellcheck disable=SC2034
P=$ESC_PROBES
# Scratch space the box may write: /box in the process modes, the box dir
# (the working directory and $HOME) in the others.
# shellcheck disable=SC2034
SCRATCH=${HOME:?}
