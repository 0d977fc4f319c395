#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/timeline.sh: where one apbox command spends its wall time, phase by
# phase.  Builds apbox with its timeline probes (configure
# CPPFLAGS=-DAPBOX_TIMELINE: each probe writes "apbox-timeline <ns> <pid>
# <phase>" to stderr; without the flag they compile to nothing), runs each
# command many times and prints, per phase, the median time since the
# previous probe of the same run (the processes of a run interleave: keeper,
# proxy "P-", program "I-").  Root only.
#
# Usage: bench/timeline.sh [--runs N] [--keep]
# Environment: CC as for bench/run; APBOX_BENCH_CGROUP (default apbox-bench).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
runs=40
keep=
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=${2:?}; shift ;;
	--keep) keep=1 ;;
	*) echo "usage: bench/timeline.sh [--runs N] [--keep]" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" -eq 0 ] || { echo "bench/timeline.sh: run as root" >&2; exit 2; }
[ -x "$src/configure" ] || { echo "bench/timeline.sh: no $src/configure (run ./autogen.sh)" >&2; exit 2; }
command -v gawk >/dev/null || { echo "bench/timeline.sh: needs gawk" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/apbox-timeline.XXXXXX")
chmod 755 "$work"
mkdir -m 755 "$work/boxes"
# lock_root on /run (a tmpfs) as apbox's default /run/apbox, when possible (see bench/run).
locks=$work/locks
if [ -w /run ] && [ "$(stat -f -c %T /run 2>/dev/null)" = tmpfs ]; then
	locks=$(mktemp -d /run/apbox-timeline-locks.XXXXXX)
	chmod 755 "$locks"
else
	mkdir -m 755 "$locks"
fi
cg_top=${APBOX_BENCH_CGROUP:-apbox-bench}
conf=$work/apbox.conf
printf 'box_root = %s\nlock_root = %s\n[cgroup]\nparent = %s/timeline-%s\n' \
	"$work/boxes" "$locks" "$cg_top" "$$" >"$conf"
AB=("$work/build/src/apbox" --config "$conf")
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local d
	[ -x "${AB[0]}" ] && for b in 1 2; do "${AB[@]}" cleanup -b "$b" >/dev/null 2>&1 || true; done
	[ -x "${AB[0]}" ] && { "${AB[@]}" cleanup --templates >/dev/null 2>&1 || true; }
	for d in /sys/fs/cgroup/"$cg_top" /sys/fs/cgroup/*/"$cg_top"; do
		[ -d "$d" ] || continue
		rmdir "$d/timeline-$$"/box-* "$d/timeline-$$" "$d" 2>/dev/null || true
	done
	if [ -n "$keep" ]; then
		echo "kept $work (locks: $locks)" >&2
	else
		[ "$locks" = "$work/locks" ] || rm -rf --one-file-system "$locks"
		rm -rf --one-file-system "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "bench/timeline.sh: building apbox with its timeline probes in $work/build" >&2
mkdir "$work/build"
(cd "$work/build" && "$src/configure" -q CC="${CC:-cc}" CPPFLAGS=-DAPBOX_TIMELINE >/dev/null &&
	make -s -j"$(nproc)" src/apbox >/dev/null 2>&1) ||
	{ echo "bench/timeline.sh: the build failed" >&2; exit 2; }

ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin)
"${ENV[@]}" "${AB[@]}" init -b 1 --mode process >/dev/null 2>&1

# timeline LABEL COMMAND...: run it $runs times (after 3 unmeasured), print the phases.
timeline() {
	local label=$1 _
	shift
	for _ in 1 2 3; do "${ENV[@]}" "$@" >/dev/null 2>&1 || true; done
	for _ in $(seq "$runs"); do
		"${ENV[@]}" "$@" 2>&1 >/dev/null | grep '^apbox-timeline ' | sort -k2,2n || true
		echo END
	done | gawk -v label="$label" -v runs="$runs" '
		$1 == "END" { prev = ""; first = ""; next }
		{
			t = $2 / 1e6; w = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", w)
			if (first == "") first = t
			if (prev != "") { d[w] = d[w] " " (t - prev) } else { d[w] = d[w] " 0" }
			c[w] = c[w] " " (t - first)
			if (!(w in order)) order[w] = ++n
			prev = t
		}
		END {
			printf "\n%s (%d runs; ms, medians; from main(), so without execve and ld.so)\n", label, runs
			printf "  %-18s %9s %9s\n", "phase", "since prev", "since start"
			for (w in order) idx[order[w]] = w
			for (k = 1; k <= n; k++) {
				w = idx[k]
				m = split(d[w], a, " "); asort(a)
				split(c[w], b, " "); asort(b)
				printf "  %-18s %9.3f %9.3f\n", w, a[int((m + 1) / 2)], b[int((m + 1) / 2)]
			}
		}'
}

echo "# apbox timeline, $(date -u '+%Y-%m-%d %H:%M UTC'), kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
timeline "run --mode process --mem 64M -- /bin/true" \
	"${AB[@]}" run -b 1 --mode process --mem 64M -- /bin/true
timeline "cleanup (of an initialised box, after a run)" \
	sh -c '"$@" init -b 2 --mode process >/dev/null 2>&1; "$@" run -b 2 -- /bin/true 2>/dev/null; exec "$@" cleanup -b 2' \
	sh "${AB[@]}"
timeline "init --mode process (of a cleaned box)" \
	sh -c '"$@" cleanup -b 2 >/dev/null 2>&1; exec "$@" init -b 2 --mode process' sh "${AB[@]}"
