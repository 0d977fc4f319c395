#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/profile.sh: where apbox's time goes in process mode (see README.md,
# "Where apbox's time goes").  Root only; writes results/profile.txt.
#
#   1. ablation: interleaved wall times of apbox with one cost removed at a
#      time (bench/harness.c), next to the floor and unshare(1) variants
#   2. syscalls per process (keeper, proxy, inside): strace -f -c
#   3. slow writes (memory.force_empty, cgroup.procs, the seccomp memfd):
#      perf trace -e write when perf works, else strace -T
#   4. user-space instructions per process and function: valgrind callgrind
#   5. kernel CPU by call chain: perf record -e cpu-clock -g
#
# Usage: bench/profile.sh [--runs N] [--out FILE]
# Environment: APBOX, CC as for bench/run.  Tools that are missing are skipped.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
runs=40
out=$here/results/profile.txt
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=${2:?}; shift ;;
	--out) out=${2:?}; shift ;;
	*) echo "usage: bench/profile.sh [--runs N] [--out FILE]" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" -eq 0 ] || { echo "bench/profile.sh: run as root" >&2; exit 2; }

APBOX=${APBOX:-$here/../build/src/apbox}
case $APBOX in /*) ;; *) APBOX=$PWD/$APBOX ;; esac
[ -x "$APBOX" ] || { echo "bench/profile.sh: no apbox at \"$APBOX\"" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/apbox-profile.XXXXXX")
chmod 755 "$work"
mkdir -m 755 "$work/boxes" "$work/locks" "$work/bin"
mkdir -m 777 "$work/cg"
cg_top=${APBOX_BENCH_CGROUP:-apbox-bench}
conf=$work/apbox.conf
printf 'box_root = %s\nlock_root = %s\n[cgroup]\nparent = %s/prof-%s\n' \
	"$work/boxes" "$work/locks" "$cg_top" "$$" >"$conf"
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local b d
	for b in 1 3; do "$APBOX" --config "$conf" cleanup -b "$b" >/dev/null 2>&1 || true; done
	"$APBOX" --config "$work/nocg.conf" cleanup -b 4 >/dev/null 2>&1 || true
	"$APBOX" --config "$conf" cleanup --templates >/dev/null 2>&1 || true
	for d in /sys/fs/cgroup/"$cg_top" /sys/fs/cgroup/*/"$cg_top"; do
		[ -d "$d" ] || continue
		rmdir "$d/prof-$$"/box-* "$d/prof-$$" "$d" 2>/dev/null || true
	done
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

CC=${CC:-cc}
$CC -O2 -std=gnu11 -o "$work/bin/floor" "$here/floor.c"
$CC -O2 -std=gnu11 -o "$work/bin/harness" "$here/harness.c"
echo 'int main(void) { return 0; }' >"$work/empty.c"
$CC -O2 -o "$work/bin/empty" "$work/empty.c"
# An empty program linked with apbox's four libraries as shared libraries:
# what every start would pay had apbox linked them so (it loads libmount and
# libseccomp only when needed, and links libcap and inih statically).
read -r -a libs <<<"$(pkg-config --libs mount libseccomp libcap inih 2>/dev/null ||
	echo -lmount -lseccomp -lcap -linih)"
$CC -O2 -o "$work/bin/empty-libs" "$work/empty.c" -Wl,--no-as-needed "${libs[@]}" -Wl,-z,now \
	2>/dev/null || cp "$work/bin/empty" "$work/bin/empty-libs"

ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin)
AB=("$APBOX" --config "$conf")
"${ENV[@]}" "${AB[@]}" init -b 1 --mode unsandboxed >/dev/null
"${ENV[@]}" "${AB[@]}" init -b 3 --mode process >/dev/null
RUN=("${AB[@]}" run -b 3 --mode process)
# The same without any cgroup (version = none): what the cgroup work costs.
sed 's/^\[cgroup\]$/[cgroup]\nversion = none/' "$conf" >"$work/nocg.conf"
"${ENV[@]}" "$APBOX" --config "$work/nocg.conf" init -b 4 --mode process >/dev/null
RUN_NOCG=("$APBOX" --config "$work/nocg.conf" run -b 4 --mode process)
MIN=(-D -d /usr -d /lib=/usr/lib -d /lib64=/usr/lib64 -d /bin=/usr/bin)

tabs() { local IFS=$'\t'; printf '%s\n' "$*"; }
exec 3>"$out.tmp"
say() { printf '%s\n' "$*" >&3; }

say "# apbox profile, $(date -u '+%Y-%m-%d %H:%M UTC'), kernel $(uname -r), $(nproc) CPUs"
say "# apbox: $APBOX; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
say

# ---- 1. ablation ----------------------------------------------------------------
{
	tabs true /bin/true
	tabs empty-dyn "$work/bin/empty"
	tabs empty+4-shared-libs "$work/bin/empty-libs"
	tabs apbox--version "$APBOX" --version
	tabs floor "$work/bin/floor" /bin/true
	tabs unshare-7ns unshare -Urpf --mount-proc -muinC /bin/true
	tabs unshare-no-net unshare -Urpf --mount-proc -muiC /bin/true
	tabs unsandboxed "${AB[@]}" run -b 1 --mode unsandboxed -- /bin/true
	tabs process "${RUN[@]}" -- /bin/true
	tabs process-mem "${RUN[@]}" --mem 64M -- /bin/true
	tabs process-seccomp-off "${RUN[@]}" --seccomp off -- /bin/true
	tabs process-share-net "${RUN[@]}" --share-net -- /bin/true
	tabs process-5-mounts "${RUN[@]}" "${MIN[@]}" -- /bin/true
	tabs process-5-mounts-no-seccomp-share-net "${RUN[@]}" "${MIN[@]}" --seccomp off --share-net -- /bin/true
	tabs process-no-cgroup "${RUN_NOCG[@]}" -- /bin/true
	tabs process-no-cgroup-5-mounts-no-seccomp-share-net "${RUN_NOCG[@]}" "${MIN[@]}" --seccomp off \
		--share-net -- /bin/true
} >"$work/abl.tsv"
say "## 1. ablation: wall ms, $runs interleaved runs (median min max)"
"${ENV[@]}" "$work/bin/harness" time -r "$runs" -w 3 "$work/abl.tsv" |
	awk -F'\t' '{ printf "%-50s %-4s %8s %8s %8s\n", $1, $2, $3, $4, $5 }' >&3
say

# ---- 2. syscalls per process ----------------------------------------------------------
if command -v strace >/dev/null; then
	say "## 2. syscalls of one 'run --mode process --mem 64M /bin/true' per process (strace -f)"
	"${ENV[@]}" strace -f -o "$work/st.txt" "${RUN[@]}" --mem 64M -- /bin/true
	awk '{ n[$1]++ } END { for (p in n) print p, n[p] }' "$work/st.txt" | sort -n |
		awk 'NR == 1 { r = "keeper" } NR == 2 { r = "proxy" } NR == 3 { r = "inside+true" }
		     { printf "%-12s pid %-8s %5d syscalls\n", r, $1, $2 }' >&3
	awk '{ print $1 }' "$work/st.txt" | sort -un | while read -r p; do
		say "  $p: $(grep "^$p " "$work/st.txt" | sed -E 's/^[0-9]+ +(<\.\.\. )?([a-z_0-9]+).*/\2/' |
			sort | uniq -c | sort -rn | head -12 | awk '{ printf "%s %s, ", $2, $1 }')"
	done
	say
fi

# ---- 3. slow writes ---------------------------------------------------------------------
# strace traces only write(2) here (seccomp-bpf filter), so the rest runs at full speed;
# -y names each fd's file.
cat >"$work/loop.sh" <<EOF
#!/bin/sh
i=0
while [ \$i -lt 20 ]; do "$APBOX" --config "$conf" run -b 3 --mode process --mem 64M -- /bin/true; sleep 0.05; i=\$((i + 1)); done
EOF
chmod +x "$work/loop.sh"
if command -v strace >/dev/null; then
	say "## 3. the keeper's cgroup and seccomp writes during 20 spaced runs (ms)"
	"${ENV[@]}" strace -f -y -T --seccomp-bpf -e trace=write -o "$work/wr.txt" "$work/loop.sh" \
		>/dev/null 2>&1 || true
	for what in memory.force_empty 'memory/[^>]*/cgroup.procs' 'pids/[^>]*/cgroup.procs' \
		memfd:apbox-seccomp memory.limit_in_bytes; do
		grep -E "write\([0-9]+<[^>]*${what}" "$work/wr.txt" |
			sed -nE 's/.*<([0-9.]+)>$/\1/p' | awk '{ print $1 * 1000 }' | sort -g |
			awk -v w="${what//\[^>\]\*/*}" '{ a[NR] = $1 } END {
				if (NR) printf "  %-28s n=%-3d median %7.3f  p90 %7.3f  max %7.3f\n", w, NR,
					a[int((NR + 1) / 2)], a[int(NR * 0.9) ? int(NR * 0.9) : 1], a[NR]
				else printf "  %-28s not written\n", w }' >&3 || true
	done
	say
fi

# ---- 4. user-space instructions ------------------------------------------------------------
if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
	say "## 4. user-space instructions (callgrind; children inherit their parent's counts up to the fork)"
	# The output dir is bound into the box at the same path, so every process can write there.
	# -n 0: valgrind refuses to change the open-files hard limit.
	"${ENV[@]}" valgrind --tool=callgrind --dump-before=execvp --callgrind-out-file="$work/cg/cg.%p" \
		"${RUN[@]}" --mem 64M -n 0 --dir="$work/cg=$work/cg:rw" -- /bin/true >/dev/null 2>&1 || true
	# cg.1 is the proxy (PID 1 of the box), cg.2.1 the inside process up to execve, the
	# other one the keeper.
	for f in "$work"/cg/cg.*; do
		[ -s "$f" ] || continue
		case ${f##*/} in cg.1) who=proxy ;; cg.2.1) who="inside, up to execve" ;; *) who=keeper ;; esac
		say "  $who: $(callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ { print $1; exit }') instructions, inclusive:"
		callgrind_annotate --inclusive=yes "$f" 2>/dev/null |
			grep -E '^ *[0-9,]+ \([ 0-9.]+%\)  [^ ]+:' |
			grep -E ':(main|cmd_run|plan_build|ap_seccomp_[a-z_]+|seccomp_[a-z_]+|_dl_start|_dl_relocate_object|mounts_[a-z_]+|lm_mount|set_attrs[.a-z0-9]*|bind_at|cg_[a-z_]+|v1_[a-z_]+|caps_[a-z_]+|spawn_run|conf_load|cli_parse|box_[a-z_]+|inside|proxy)( |$)' |
			sed -E 's#[^ ]*/##; s/ \[.*\]$//' | head -18 | sed 's/^/      /' >&3 || true
	done
	say "  (valgrind has no mount_setattr: set_attrs falls back to remounts read from"
	say "   /proc/self/mountinfo, which a native run does not do)"
	say
fi

# ---- 5. kernel CPU ---------------------------------------------------------------------------
if perf record -o /dev/null -e cpu-clock -- true >/dev/null 2>&1; then
	say "## 5. CPU of apbox's processes by call chain (perf record -e cpu-clock -g, 20 runs), top entries"
	perf record -q -o "$work/perf.data" -e cpu-clock -F 10000 -g -- "${ENV[@]}" "$work/loop.sh" >/dev/null 2>&1 || true
	perf report -i "$work/perf.data" --comm apbox --children --sort sym -g none -q --percent-limit 2 2>/dev/null |
		grep -E '__x64_sys|__do_sys|ksys_|mem_cgroup|copy_net_ns|create_new_namespaces|path_lookupat|_dl_|asm_exc_page_fault|do_exit|shrink_node|finish_task_switch' |
		head -30 >&3 || true
	say
	say "## context switches of apbox's processes by call chain (perf record -e context-switches)"
	perf record -q -o "$work/cs.data" -e context-switches -c 1 -g -- "${ENV[@]}" "$work/loop.sh" >/dev/null 2>&1 || true
	perf report -i "$work/cs.data" --comm apbox --children --sort sym -g none -q --percent-limit 5 2>/dev/null |
		head -12 >&3 || true
fi

exec 3>&-
mv "$out.tmp" "$out"
cat "$out"
