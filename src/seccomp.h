/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * seccomp: the default filter (libseccomp only here).  The filter is built in
 * the keeper before clone() (so the child does not allocate or parse) and
 * loaded by the inside process as the very last step before execve().
 */
#pragma once

/*
 * libseccomp exports seccomp_load(scmp_filter_ctx) and friends, so this
 * module's public names carry an ap_ prefix: the two APIs never collide, not
 * even with a static libseccomp.
 */

struct ap_err;
struct seccomp_filter; /* opaque: a compiled BPF program */

/*
 * Build the default filter (keeper, before clone()).  Every syscall not named
 * here is allowed.  The named ones fail with an errno rather than kill, so a
 * program that probes for a feature gets an error it can handle; only a
 * foreign ABI kills:
 *   EPERM  mount, umount, umount2, pivot_root, move_mount, fsopen, fsmount,
 *          fsconfig, fspick, open_tree, mount_setattr;
 *          unshare, setns, and clone when its flags hold CLONE_NEWNS,
 *          CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID,
 *          CLONE_NEWNET or CLONE_NEWCGROUP;
 *          ptrace, process_vm_readv, process_vm_writev, pidfd_getfd;
 *          bpf, perf_event_open, userfaultfd, io_uring_setup,
 *          io_uring_enter, io_uring_register;
 *          keyctl, add_key, request_key;
 *          kexec_load, kexec_file_load, init_module, finit_module,
 *          delete_module, reboot, swapon, swapoff, acct, syslog, quotactl,
 *          quotactl_fd, lookup_dcookie, vhangup, iopl, ioperm;
 *          open_by_handle_at, name_to_handle_at;
 *          settimeofday, clock_settime, adjtimex, clock_adjtime;
 *          personality unless the low 32 bits of its argument (all the
 *          kernel reads) are 0 (PER_LINUX) or 0xffffffff (the query);
 *          ioctl TIOCSTI and TIOCLINUX (compared on the low 32 bits).
 *   ENOSYS clone3 (its flags are in memory, out of the filter's reach; libc
 *          then falls back to clone, whose flags the filter checks).
 *   KILL   any syscall of a foreign ABI: i386 (int $0x80) and x32 on x86_64,
 *          the 31-bit/32-bit compat ABIs elsewhere (SIGSYS, whole process).
 * A syscall this libseccomp does not know for the native architecture is
 * skipped.  *out is freed with ap_seccomp_free().  Returns 0 or -errno.
 */
int ap_seccomp_build(struct seccomp_filter **out, struct ap_err *e);
/* What a run's second filter (ap_seccomp_build_run()) refuses. */
enum {
	AP_SECCOMP_NO_SOCKETS = 1 << 0,	   /* socket(), any family (EACCES): no network of the
					      box's own; socketpair() and pipes still work */
	AP_SECCOMP_NO_UNIX = 1 << 1,	   /* socket(AF_UNIX) (EACCES): the host's pathname and
					      abstract sockets, with the host's network */
	AP_SECCOMP_NO_INOTIFY = 1 << 2,	   /* inotify_init*() (EMFILE): the instances are the
					      caller's, per user */
	AP_SECCOMP_NO_PATH_ATTRS = 1 << 3, /* chmod, chown, utime(s), set/removexattr of a path
					      (EPERM); the forms on an open fd stay */
};

/*
 * The run's second filter, for what the box shares with its caller when it
 * has neither a namespace nor a uid of its own.  A foreign ABI kills, as in
 * the default filter.  0 or -errno.
 */
int ap_seccomp_build_run(struct seccomp_filter **out, unsigned what, struct ap_err *e);
/*
 * Load the filter into the calling thread (inside process, last step before
 * execve()).  The caller sets PR_SET_NO_NEW_PRIVS first (without it and
 * without CAP_SYS_ADMIN the kernel refuses: -EACCES).  One prctl(), no
 * allocation, no libseccomp call: safe between clone() and execve().  Returns
 * 0 or -errno.
 */
int ap_seccomp_load(const struct seccomp_filter *f, struct ap_err *e);
/*
 * Store f as dirfd/name (init), or read such a file back (run): -EINVAL
 * when it was written by another apbox version or is damaged, and the
 * caller builds the filter instead.  Both return 0 or -errno.
 */
int ap_seccomp_save(const struct seccomp_filter *f, int dirfd, const char *name, struct ap_err *e);
int ap_seccomp_read(struct seccomp_filter **out, int dirfd, const char *name);
/* Free a filter from ap_seccomp_build(); NULL is accepted. */
void ap_seccomp_free(struct seccomp_filter *f);
/*
 * Does this kernel support seccomp filter mode (any process, no side
 * effect)?  Returns 0, or -errno with a message saying what is missing.
 */
int ap_seccomp_available(struct ap_err *e);
