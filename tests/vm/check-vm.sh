#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-vm.sh DIR CMD...: run CMD inside a throw-away QEMU VM whose only
# cgroup hierarchy is cgroup2, with cwd DIR, and exit with CMD's status.
#
# The host here is hybrid (memory on v1), so this is where apbox's v2 backend
# meets a real kernel.  The guest runs Debian's own kernel (fetched with
# apt-get download, never installed) from a busybox initramfs that mounts
# the host's /usr and /etc read-only over 9p, DIR read-write at the same
# absolute path (plus VM_SRCDIR read-only when the sources live elsewhere),
# then switch_root's onto a tmpfs root so pivot_root works in the guest.
# See shared/reference/vm-cgroup2.md for the recipe and its pitfalls.
#
# QEMU's own exit code means nothing (it exits 0 when the guest panics), so
# the result is the guest's "VM-EXIT-STATUS=N" line on the serial console.
# Exit: CMD's status; 1 when the guest never printed the marker (crash or
# timeout); 77 when qemu or busybox-static is missing (VM_INSTALL=1 installs
# them with apt-get); 2 on a usage or download error.
#
# Environment:
#   VM_CACHE       kernel and initramfs cache (default $HOME/.cache/apbox-vm)
#   VM_KERNEL_PKG  kernel package (default: what linux-image-amd64 depends on)
#   VM_KERNEL_SUITE  take the kernel from this Debian suite (e.g. trixie: 6.12)
#   VM_TIMEOUT     seconds before the VM is killed (default 900)
#   VM_MEM, VM_SMP guest RAM in MiB (default 1024) and CPUs (default 2)
#   VM_CPU         QEMU CPU model (default max)
#   VM_TCG_THREAD  single (default) or multi: multi-threaded TCG is no faster
#                  on 2 busy cores, and once oopsed the 6.12 guest (int3 in
#                  sched_clock_tick while the kernel patched its own text)
#   VM_SRCDIR      another directory to share read-only at its own path
#   VM_LOG         serial log (default DIR/check-vm.log)
#   VM_INSTALL=1   apt-get install qemu-system-x86 busybox-static if missing
#   VM_DEBUG=1     keep kernel messages (boot, OOM reports) on the console
#   VM_APPEND      more kernel command-line parameters
# Every VM_* variable is also set in the guest for CMD, and no other: the
# host's APBOX_* settings (CI's APBOX_TEST_REQUIRE, say) are not the guest's.
#
# Never use KVM here: /dev/kvm is PVM on this kind of machine, which aborts
# or hangs QEMU; TCG is forced and QEMU always runs under timeout.
set -eu

log() { printf 'check-vm: %s\n' "$*" >&2; }
die() {
	log "$1"
	exit "${2:-2}"
}

[ $# -ge 2 ] || die "usage: check-vm.sh DIR CMD..."
[ -d "$1" ] || die "no directory \"$1\""
DIR=$(cd "$1" && pwd -P)
shift
CMD=$*

CACHE=${VM_CACHE:-${HOME:-/root}/.cache/apbox-vm}
TIMEOUT=${VM_TIMEOUT:-900}
MEM=${VM_MEM:-1024}
SMP=${VM_SMP:-2}
LOG=${VM_LOG:-$DIR/check-vm.log}
SRCDIR=
if [ -n "${VM_SRCDIR:-}" ]; then
	SRCDIR=$(cd "$VM_SRCDIR" && pwd -P)
fi
case $DIR$SRCDIR in
*,*) die "a shared path cannot hold a comma: \"$DIR\" \"$SRCDIR\"" ;;
*) ;;
esac
BUSYBOX=/bin/busybox
# 9p over virtio-pci, in dependency order (modinfo's depends=); the guest
# retries what failed, and a name a kernel lacks (built in there) is skipped.
MODULES="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci
	9pnet 9pnet_virtio netfs fscache 9p"

t_start=$(date +%s)

# ---- host tools ------------------------------------------------------------

is_static() {
	[ -x "$1" ] && ! ldd "$1" >/dev/null 2>&1
}

missing=
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing="$missing qemu-system-x86"
is_static "$BUSYBOX" || missing="$missing busybox-static"
if [ -n "$missing" ]; then
	if [ "${VM_INSTALL:-0}" = 1 ] && [ "$(id -u)" -eq 0 ]; then
		log "installing$missing"
		# shellcheck disable=SC2086 # word splitting wanted
		apt-get install -y -q --no-install-recommends $missing >/dev/null ||
			{ apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $missing >/dev/null; } ||
			die "cannot install$missing"
	else
		die "missing$missing: apt-get install -y --no-install-recommends qemu-system-x86 busybox-static (or VM_INSTALL=1)" 77
	fi
fi
for t in apt-get apt-cache dpkg-deb timeout flock gzip cksum xz; do
	command -v "$t" >/dev/null 2>&1 || die "missing $t" 77
done

mkdir -p "$CACHE"
# One fetch or initramfs build at a time per cache.
exec 9>"$CACHE/.lock"
flock 9

# ---- kernel ---------------------------------------------------------------

# VM_KERNEL_SUITE names another Debian suite (e.g. trixie, for a 6.12
# kernel): apt then uses its own lists in the cache, never the host's
# sources.
SUITE=${VM_KERNEL_SUITE:-}
KCACHE=$CACHE/${SUITE:-host}
mkdir -p "$KCACHE"
set --
if [ -n "$SUITE" ]; then
	A=$KCACHE/apt
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
	echo "deb http://deb.debian.org/debian $SUITE main" > "$A/sources.list"
	set -- -o "Dir::Etc::SourceList=$A/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache"
	if [ -z "$(find "$A/lists" -maxdepth 1 -name '*Packages*' -mtime -7)" ]; then
		log "apt-get update for $SUITE"
		apt-get "$@" update -q > /dev/null 2>&1 || log "apt-get update for $SUITE failed"
	fi
fi
pkg=${VM_KERNEL_PKG:-}
if [ -z "$pkg" ]; then
	pkg=$(apt-cache "$@" depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }') || pkg=
fi
if [ -z "$pkg" ]; then
	# Offline or no apt lists: use the newest kernel already cached.
	pkg=$(find "$KCACHE" -maxdepth 1 -name 'linux-image-*' -printf '%f\n' | sort -V | tail -1)
	[ -n "$pkg" ] || die "cannot name the kernel package: run apt-get update first"
	log "apt-cache names no kernel; using cached $pkg"
fi
KDIR=$KCACHE/$pkg
if [ ! -f "$KDIR/vmlinuz" ]; then
	t0=$(date +%s)
	tmp=$(mktemp -d "$KCACHE/fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	log "downloading $pkg"
	(cd "$tmp" && apt-get "$@" download -q "$pkg" 2>&1 |
		grep -v 'Download is performed unsandboxed' >&2) || true
	deb=
	for f in "$tmp"/*.deb; do
		[ -f "$f" ] && deb=$f
	done
	[ -n "$deb" ] || die "apt-get download $pkg failed"
	pats="./boot/vmlinuz-*"
	for m in $MODULES; do
		pats="$pats */$m.ko */$m.ko.xz */$m.ko.zst"
	done
	# tar fails for a pattern that matches nothing (a module built in on
	# this kernel, or not compressed); what is needed is checked below.
	# shellcheck disable=SC2086 # the patterns are words
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards $pats 2>/dev/null || true
	mkdir -p "$tmp/out/mods"
	mv "$tmp"/boot/vmlinuz-* "$tmp/out/vmlinuz" 2>/dev/null || die "no vmlinuz in $deb"
	# busybox insmod wants plain ELF: unpack compressed modules (trixie on).
	find "$tmp" -name '*.ko.xz' -exec xz -d {} + 2>/dev/null
	find "$tmp" -name '*.ko.zst' -exec zstd -q -d --rm {} + 2>/dev/null
	find "$tmp" -path "$tmp/out" -prune -o -name '*.ko' -exec mv {} "$tmp/out/mods/" \;
	for m in 9p 9pnet_virtio; do
		[ -f "$tmp/out/mods/$m.ko" ] || die "$pkg has no $m.ko (a cloud kernel has no 9p)"
	done
	rm -rf "$KDIR"
	mv "$tmp/out" "$KDIR"
	rm -rf "$tmp"
	trap - EXIT
	# Older ABIs of this suite (security updates) are no longer needed.
	for old in "$KCACHE"/linux-image-*; do
		[ "$old" = "$KDIR" ] || rm -rf "$old"
	done
	log "kernel $pkg cached in $(($(date +%s) - t0)) s"
fi

# ---- initramfs --------------------------------------------------------------

# Stage 1 (/init, busybox): modules, tmpfs root, 9p shares, switch_root.
INIT=$(cat <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
fail() {
	echo "vm-init: $*"
	echo "VM-EXIT-STATUS=255"
	poweroff -f
}
# The known dependency order first, then retry whatever is left until no
# module makes progress (another kernel may order or split them otherwise).
left=
for m in $(cat /mods/order); do
	[ ! -f "/mods/$m.ko" ] || insmod "/mods/$m.ko" 2>/dev/null || left="$left /mods/$m.ko"
done
while [ -n "$left" ]; do
	rest= progress=
	for m in $left; do
		if insmod "$m" 2>/dev/null; then progress=1; else rest="$rest $m"; fi
	done
	left=$rest
	[ -n "$progress" ] || break
done
[ -z "$left" ] || echo "vm-init: not loaded:$left"
opts=trans=virtio,version=9p2000.L,msize=262144
mount -t tmpfs -o mode=0755 root /newroot || fail "tmpfs root"
mkdir -p /newroot/usr /newroot/etc /newroot/run/vm /newroot/proc /newroot/sys /newroot/dev \
	/newroot/tmp /newroot/root /newroot/var/tmp
mount -t 9p -o $opts,ro,cache=loose usr /newroot/usr || fail "cannot mount /usr over 9p"
mount -t 9p -o $opts,ro,cache=loose etc /newroot/etc || fail "cannot mount /etc over 9p"
mount -t 9p -o $opts run /newroot/run/vm || fail "cannot mount the run directory over 9p"
# Before the shares: a build directory may live below /tmp.
mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp
for d in bin sbin lib lib32 lib64 libx32; do
	[ -d /newroot/usr/$d ] && ln -s usr/$d /newroot/$d
done
# "TAG MODE PATH" lines, outer directories first.
while read -r tag mode path; do
	mkdir -p "/newroot$path" 2>/dev/null
	o=$opts
	[ "$mode" = ro ] && o=$o,ro
	mount -t 9p -o "$o" "$tag" "/newroot$path" || fail "cannot mount $path over 9p"
done < /newroot/run/vm/shares
cp /stage2 /newroot/run/vm-init
cp /bin/busybox /newroot/run/busybox
chmod 755 /newroot/run/vm-init
echo "vm-init: switch_root at $(cut -d' ' -f1 /proc/uptime) s"
umount /proc /sys /dev
exec switch_root /newroot /run/vm-init
fail "switch_root"
EOF
)

# Stage 2 (/run/vm-init on the new root, host's /bin/sh): the system CMD
# expects, then CMD, then the marker and a power-off.
STAGE2=$(cat <<'EOF'
#!/run/busybox sh
# Static busybox from the tmpfs for the setup: host binaries over 9p cost
# a lot per exec under TCG.  CMD gets the host's PATH and tools.
bb=/run/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev
$bb mkdir -p /dev/pts /dev/shm /run/lock /var/lib /var/log
$bb mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
$bb mount -t tmpfs -o mode=1777 tmpfs /dev/shm
$bb ln -sf /proc/self/fd /dev/fd
$bb ln -sf /proc/self/fd/0 /dev/stdin
$bb ln -sf /proc/self/fd/1 /dev/stdout
$bb ln -sf /proc/self/fd/2 /dev/stderr
$bb mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
$bb hostname apbox-vm
$bb ip link set lo up
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LC_ALL=C.UTF-8
. /run/vm/env
# The OOM killer's reports would interleave with the TAP output.
[ "${VM_DEBUG:-0}" = 1 ] || echo 3 > /proc/sys/kernel/printk
read -r up _ < /proc/uptime
read -r ctrls < /sys/fs/cgroup/cgroup.controllers
echo "vm: $($bb uname -r), up $up s, cgroup2 controllers: $ctrls"
cd "$VM_DIR" && /bin/sh /run/vm/cmd < /dev/null
st=$?
echo "$st" > /run/vm/status
read -r up _ < /proc/uptime
echo "vm: command done at $up s of uptime"
echo "VM-EXIT-STATUS=$st"
$bb sync
# From the tmpfs: the 9p shares go away while powering off.
exec $bb poweroff -f
EOF
)

bb_id=$(cksum < "$BUSYBOX" | cut -d' ' -f1)
key=$(printf '%s\n%s\n%s\n%s\n' "$pkg" "$bb_id" "$INIT" "$STAGE2" | cksum | cut -d' ' -f1)
INITRD=$KDIR/initrd-$key.gz
if [ ! -f "$INITRD" ]; then
	w=$(mktemp -d "$KDIR/initrd.XXXXXX")
	mkdir -p "$w/bin" "$w/mods" "$w/proc" "$w/sys" "$w/dev" "$w/newroot"
	cp "$BUSYBOX" "$w/bin/busybox"
	cp "$KDIR"/mods/*.ko "$w/mods/"
	# shellcheck disable=SC2086 # one name a line
	printf '%s\n' $MODULES > "$w/mods/order"
	printf '%s\n' "$INIT" > "$w/init"
	printf '%s\n' "$STAGE2" > "$w/stage2"
	chmod 755 "$w/init" "$w/stage2"
	(cd "$w" && find . | "$BUSYBOX" cpio -o -H newc -R 0:0 2>/dev/null | gzip -1) > "$INITRD.tmp"
	mv "$INITRD.tmp" "$INITRD"
	rm -rf "$w"
	for old in "$KDIR"/initrd-*.gz; do
		[ "$old" = "$INITRD" ] || rm -f "$old"
	done
fi
flock -u 9

# ---- the run directory: command, environment, shares, status -------------

RUN=$(mktemp -d /tmp/apbox-vm-run.XXXXXX)
trap 'rm -rf "$RUN"' EXIT
chmod 755 "$RUN"
printf '%s\n' "$CMD" > "$RUN/cmd"

quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}
{
	printf 'export VM_DIR=%s\n' "$(quote "$DIR")"
	for name in $(env | sed -n 's/^\(VM_[A-Za-z0-9_]*\)=.*/\1/p' | sort -u); do
		[ "$name" = VM_DIR ] && continue
		eval "val=\${$name}"
		# shellcheck disable=SC2154 # set by eval
		printf 'export %s=%s\n' "$name" "$(quote "$val")"
	done
} > "$RUN/env"

# Shares at their own absolute path, an enclosing directory mounted first.
[ "$SRCDIR" != "$DIR" ] || SRCDIR=
case $DIR/ in
"$SRCDIR"/*) order="src work" ;;
*) order="work src" ;;
esac
for s in $order; do
	case $s in
	src) [ -z "$SRCDIR" ] || printf 'src ro %s\n' "$SRCDIR" ;;
	work) printf 'work rw %s\n' "$DIR" ;;
	esac
done > "$RUN/shares"
set --
if [ -n "$SRCDIR" ]; then
	set -- -virtfs "local,path=$SRCDIR,mount_tag=src,security_model=none,readonly=on"
fi

# ---- boot ------------------------------------------------------------------

quiet=quiet
[ "${VM_DEBUG:-0}" = 1 ] && quiet=
log "booting $pkg (TCG, $SMP CPUs, $MEM MiB), serial log $LOG"
: > "$LOG"
t_boot=$(date +%s)
rc=0
timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
	-accel "tcg,thread=${VM_TCG_THREAD:-single}" -cpu "${VM_CPU:-max}" -smp "$SMP" -m "$MEM" \
	-nodefaults -display none -monitor none -no-reboot \
	-chardev "stdio,id=con,logfile=$LOG" -serial chardev:con \
	-kernel "$KDIR/vmlinuz" -initrd "$INITRD" \
	-append "console=ttyS0 $quiet panic=-1 ${VM_APPEND:-}" \
	-virtfs "local,path=/usr,mount_tag=usr,security_model=none,readonly=on" \
	-virtfs "local,path=/etc,mount_tag=etc,security_model=none,readonly=on" \
	-virtfs "local,path=$RUN,mount_tag=run,security_model=none" \
	-virtfs "local,path=$DIR,mount_tag=work,security_model=none" \
	"$@" < /dev/null || rc=$?
t_end=$(date +%s)

status=$(tr -d '\r' < "$LOG" | sed -n 's/^VM-EXIT-STATUS=\([0-9][0-9]*\)$/\1/p' | tail -1)
if [ -z "$status" ]; then
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		log "FAIL: the VM did not finish within $TIMEOUT s"
	else
		log "FAIL: no VM-EXIT-STATUS line (qemu exit $rc): the guest crashed; see $LOG"
	fi
	status=1
fi
log "guest status $status; boot+run $((t_end - t_boot)) s, total $((t_end - t_start)) s"
exit "$status"
