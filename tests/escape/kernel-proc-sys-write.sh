#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: open host-wide sysctls for writing (hostname, drop_caches, panic, ip_forward, suid_dumpable, ...)
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
n=0
for f in kernel/hostname kernel/domainname kernel/panic kernel/panic_on_oops kernel/randomize_va_space \
	kernel/kptr_restrict kernel/dmesg_restrict kernel/perf_event_paranoid kernel/yama/ptrace_scope \
	kernel/unprivileged_bpf_disabled vm/drop_caches vm/overcommit_memory vm/panic_on_oom \
	fs/suid_dumpable fs/protected_hardlinks fs/protected_symlinks fs/file-max net/ipv4/ip_forward \
	net/core/bpf_jit_enable user/max_user_namespaces; do
	[ -e "/proc/sys/$f" ] || continue
	n=$((n + 1))
	try_open_write "/proc/sys/$f" && escaped "opened /proc/sys/$f for writing"
done
[ "$n" -gt 0 ] || inconclusive "none of the sysctls exists"
blocked "$n sysctls refused to open for writing"
