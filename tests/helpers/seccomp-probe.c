/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * seccomp-probe: calls syscalls that apbox's default seccomp filter must
 * refuse, and a few that it must allow, and says what happened.
 *
 *   seccomp-probe NAME...     (or "all"; "--list" prints the names)
 *
 * prints "NAME: RESULT" per name, where RESULT is "EPERM", "ok", another
 * errno name, or "killed (SIGSYS)", and exits 0 when every result is the
 * expected one (EPERM for a denied call, ENOSYS for clone3, anything but
 * success for the foreign-ABI calls x32 and i386, "ok" for fork-ok,
 * thread-ok and personality-query), 1 otherwise, 2 on a usage error.
 *
 * Every probe must be harmless when the filter is NOT there and the probe
 * runs as root on the host, because that is exactly what a broken sandbox
 * does.  So each call's arguments are chosen to fail in the kernel even when
 * the syscall is allowed (a bad fd, a missing path, an invalid flag, a wrong
 * magic number), and the distinct errno tells "refused by the filter" from
 * "allowed but failed".  Each probe runs in its own forked child, so one
 * probe's effect (a new namespace, a personality) cannot change the next
 * one's result and a SIGSYS kills only that child.  Plain C, no apbox code,
 * linked statically so it runs in a box without /lib.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also set by config.h when built by automake */
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/reboot.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef UMOUNT_UNUSED
#define UMOUNT_UNUSED 0x80000000 /* "guaranteed unused" flag of umount2 */
#endif

/* What a probe must observe to pass. */
enum expect {
	EXPECT_EPERM,   /* refused by the filter with EPERM */
	EXPECT_ENOSYS,  /* refused with ENOSYS (clone3) */
	EXPECT_BLOCKED, /* anything but success (foreign ABIs: killed, ENOSYS...) */
	EXPECT_OK,      /* must work under the filter */
};

/*
 * A probe returns the syscall's result: >= 0 on success, -errno on failure.
 * It runs in a forked child.
 */
struct probe {
	const char *name;
	long (*fn)(void);
	enum expect expect;
};

static long
ret(long r)
{
	return r < 0 ? -errno : r;
}

/* ---- namespaces ---------------------------------------------------------- */

static long
p_unshare_user(void)
{
	return ret(syscall(SYS_unshare, CLONE_NEWUSER));
}

static long
p_unshare_ns(void)
{
	return ret(syscall(SYS_unshare, CLONE_NEWNS));
}

static long
p_unshare_net(void)
{
	return ret(syscall(SYS_unshare, CLONE_NEWNET));
}

static long
p_setns(void)
{
	/* Allowed: EBADF. */
	return ret(syscall(SYS_setns, -1, 0));
}

/* fork-like raw clone with one namespace flag; the child leaves at once. */
static long
clone_flag(unsigned long flag)
{
	long pid = syscall(SYS_clone, flag | SIGCHLD, 0UL, NULL, NULL, 0UL);

	if (pid == 0)
		syscall(SYS_exit_group, 0);
	if (pid < 0)
		return -errno;
	(void) waitpid((pid_t) pid, NULL, 0);
	return 0;
}

static long
p_clone_newns(void)
{
	return clone_flag(CLONE_NEWNS);
}

static long
p_clone_newuser(void)
{
	return clone_flag(CLONE_NEWUSER);
}

static long
p_clone_newpid(void)
{
	return clone_flag(CLONE_NEWPID);
}

static long
p_clone_newnet(void)
{
	return clone_flag(CLONE_NEWNET);
}

static long
p_clone_newuts(void)
{
	return clone_flag(CLONE_NEWUTS);
}

static long
p_clone_newipc(void)
{
	return clone_flag(CLONE_NEWIPC);
}

static long
p_clone_newcgroup(void)
{
	return clone_flag(CLONE_NEWCGROUP);
}

static long
p_clone3(void)
{
	/* struct clone_args, version 0 (64 bytes): a plain fork. */
	uint64_t args[8];
	long pid;

	memset(args, 0, sizeof(args));
	args[4] = SIGCHLD; /* exit_signal */
	pid = syscall(SYS_clone3, args, sizeof(args));
	if (pid == 0)
		syscall(SYS_exit_group, 0);
	if (pid < 0)
		return -errno;
	(void) waitpid((pid_t) pid, NULL, 0);
	return 0;
}

/* ---- mounts ---------------------------------------------------------------- */

static long
p_mount(void)
{
	char dir[] = "seccomp-probe.XXXXXX";
	char target[sizeof(dir) + 16];
	bool made;
	long r;

	/*
	 * The target is a name inside a directory we just created empty, so
	 * it cannot exist: an allowed mount fails with ENOENT (the kernel
	 * looks the path up before checking privileges) and nothing is ever
	 * mounted.  Should it succeed anyway, undo it at once.
	 */
	made = mkdtemp(dir) != NULL;
	(void) snprintf(target, sizeof(target), "%s/absent",
			made ? dir : "/nonexistent-apbox-probe");
	r = ret(syscall(SYS_mount, "none", target, "tmpfs", 0UL, NULL));
	if (r == 0)
		(void) umount2(target, MNT_DETACH);
	if (made)
		(void) rmdir(dir);
	return r;
}

static long
p_umount(void)
{
	/* UMOUNT_UNUSED is checked first: allowed gives EINVAL. */
	return ret(syscall(SYS_umount2, "/nonexistent-apbox-probe", UMOUNT_UNUSED));
}

static long
p_pivot_root(void)
{
	/* Allowed: ENOENT as root (EPERM without CAP_SYS_ADMIN). */
	return ret(syscall(SYS_pivot_root, "/nonexistent-apbox-a", "/nonexistent-apbox-b"));
}

static long
p_fsopen(void)
{
	/* Invalid flag: allowed gives EINVAL. */
	return ret(syscall(SYS_fsopen, NULL, 0x80000000U));
}

static long
p_open_tree(void)
{
	return ret(syscall(SYS_open_tree, -1, "", 0x80000000U));
}

static long
p_move_mount(void)
{
	return ret(syscall(SYS_move_mount, -1, "", -1, "", 0x80000000U));
}

/* ---- other processes ----------------------------------------------------- */

static long
p_ptrace(void)
{
	long word;

	/* Not our tracee: allowed gives ESRCH. */
	return ret(syscall(SYS_ptrace, PTRACE_PEEKDATA, 1, NULL, &word));
}

static long
p_process_vm_readv(void)
{
	/* Zero iovecs: allowed returns 0 before looking at the pid. */
	return ret(syscall(SYS_process_vm_readv, 1, NULL, 0UL, NULL, 0UL, 0UL));
}

static long
p_process_vm_writev(void)
{
	return ret(syscall(SYS_process_vm_writev, 1, NULL, 0UL, NULL, 0UL, 0UL));
}

static long
p_pidfd_getfd(void)
{
	return ret(syscall(SYS_pidfd_getfd, -1, 0, 0U));
}

/* ---- kernel attack surface ----------------------------------------------- */

static long
p_bpf(void)
{
	/* BPF_PROG_LOAD (5) with a NULL attr: allowed gives EFAULT. */
	return ret(syscall(SYS_bpf, 5, NULL, 8U));
}

static long
p_perf_event_open(void)
{
	return ret(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0UL));
}

static long
p_userfaultfd(void)
{
	long fd = ret(syscall(SYS_userfaultfd, 0));

	if (fd >= 0)
		(void) close((int) fd);
	return fd;
}

static long
p_io_uring_setup(void)
{
	/* NULL params: allowed gives EFAULT. */
	return ret(syscall(SYS_io_uring_setup, 1U, NULL));
}

static long
p_keyctl(void)
{
	/* KEYCTL_GET_KEYRING_ID (0) of a key that does not exist, no create. */
	return ret(syscall(SYS_keyctl, 0, 0x7ffffff0L, 0L));
}

static long
p_add_key(void)
{
	return ret(syscall(SYS_add_key, NULL, NULL, NULL, 0UL, 0));
}

static long
p_request_key(void)
{
	return ret(syscall(SYS_request_key, NULL, NULL, NULL, 0));
}

/* ---- machine administration ---------------------------------------------- */

static long
p_kexec_load(void)
{
	/*
	 * Three independent reasons for EINVAL when allowed: an unknown flag
	 * bit, a foreign architecture in the flags, more segments than
	 * KEXEC_SEGMENT_MAX.  (nr_segments == 0 would unload a loaded kernel.)
	 */
	return ret(syscall(SYS_kexec_load, 0UL, 0xffffUL, NULL, 0xfffe8000UL));
}

static long
p_kexec_file_load(void)
{
	return ret(syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, 0x80000000UL));
}

static long
p_init_module(void)
{
	/* Zero-length image: allowed gives ENOEXEC. */
	return ret(syscall(SYS_init_module, NULL, 0UL, ""));
}

static long
p_finit_module(void)
{
	return ret(syscall(SYS_finit_module, -1, "", 0));
}

static long
p_delete_module(void)
{
	/* Loaded module names never contain '-' (it becomes '_'): ENOENT. */
	return ret(syscall(SYS_delete_module, "apbox-probe-no-such-module", O_NONBLOCK));
}

static long
p_reboot(void)
{
	/*
	 * magic1 must be LINUX_REBOOT_MAGIC1 for the kernel to do anything;
	 * 0 is always rejected (EINVAL), and the command is bogus too.
	 */
	return ret(syscall(SYS_reboot, 0, 0, 0xdeadbeefU, NULL));
}

static long
p_swapon(void)
{
	/* Invalid flags are checked first: allowed gives EINVAL. */
	return ret(syscall(SYS_swapon, NULL, 0x80000000));
}

static long
p_swapoff(void)
{
	return ret(syscall(SYS_swapoff, NULL));
}

static long
p_acct(void)
{
	/* Not NULL (which turns accounting off): "" gives ENOENT. */
	return ret(syscall(SYS_acct, ""));
}

static long
p_syslog(void)
{
	/* SYSLOG_ACTION_SIZE_BUFFER: reads nothing. */
	return ret(syscall(SYS_syslog, 10, NULL, 0));
}

static long
p_quotactl(void)
{
	/* Command 0 without a device: allowed gives ENODEV. */
	return ret(syscall(SYS_quotactl, 0, NULL, 0, NULL));
}

#if defined(__x86_64__) || defined(__i386__)
static long
p_iopl(void)
{
	return ret(syscall(SYS_iopl, 4)); /* level > 3: EINVAL */
}

static long
p_ioperm(void)
{
	return ret(syscall(SYS_ioperm, 0x10000UL, 1UL, 1)); /* past the bitmap: EINVAL */
}
#endif

static long
p_open_by_handle_at(void)
{
	return ret(syscall(SYS_open_by_handle_at, -1, NULL, 0));
}

static long
p_name_to_handle_at(void)
{
	return ret(syscall(SYS_name_to_handle_at, -1, "", NULL, NULL, 0));
}

static long
p_settimeofday(void)
{
	/* An invalid time: allowed gives EINVAL, the clock is never set. */
	struct timeval tv = {.tv_sec = 0, .tv_usec = -1};

	return ret(syscall(SYS_settimeofday, &tv, NULL));
}

static long
p_clock_settime(void)
{
	/* No such clock: allowed gives EINVAL. */
	struct timespec ts = {.tv_sec = 0, .tv_nsec = -1};

	return ret(syscall(SYS_clock_settime, 0x7fffffff, &ts));
}

static long
p_adjtimex(void)
{
	/* modes 0 only reads the clock state. */
	struct timex tx;

	memset(&tx, 0, sizeof(tx));
	return ret(syscall(SYS_adjtimex, &tx));
}

/* ---- personality and terminals ------------------------------------------- */

static long
p_personality(void)
{
	return ret(syscall(SYS_personality, 0x0008UL)); /* PER_LINUX32 */
}

static long
p_personality_high(void)
{
	/* The same with junk in the high half, which the kernel ignores. */
	return ret(syscall(SYS_personality, 0x100000008UL));
}

static long
p_personality_query(void)
{
	return ret(syscall(SYS_personality, 0xffffffffUL));
}

static long
p_tiocsti(void)
{
	char c = 'x';

	/* fd -1: allowed gives EBADF, nothing is ever typed. */
	return ret(syscall(SYS_ioctl, -1, (unsigned long) TIOCSTI, &c));
}

static long
p_tiocsti_high(void)
{
	char c = 'x';

	/* The kernel reads 32 bits of the command; the filter must too. */
	return ret(syscall(SYS_ioctl, -1, (unsigned long) TIOCSTI | (1UL << 32), &c));
}

static long
p_tioclinux(void)
{
	char c = 0;

	return ret(syscall(SYS_ioctl, -1, (unsigned long) TIOCLINUX, &c));
}

/* ---- foreign ABIs ---------------------------------------------------------- */

#if defined(__x86_64__)
static long
p_x32(void)
{
	/* getpid through the x32 ABI: ENOSYS on a kernel built without x32. */
	return ret(syscall(__X32_SYSCALL_BIT | SYS_getpid));
}

static long
p_i386(void)
{
	long r;

	/*
	 * getpid (20 in the i386 table) through int $0x80.  The kernel
	 * clobbers r8-r11 on this path.  Without IA32 emulation the
	 * instruction faults (SIGSEGV), which also counts as blocked.
	 */
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory", "r8", "r9", "r10", "r11");
	return r;
}
#endif

/* ---- must keep working ----------------------------------------------------- */

static long
p_fork_ok(void)
{
	int st;
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return -errno;
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -ECHILD;
}

static void *
thread_main(void *arg)
{
	return arg;
}

static long
p_thread_ok(void)
{
	pthread_t t;
	void *res = NULL;
	int r;

	/* glibc tries clone3 first and must fall back to clone on ENOSYS. */
	r = pthread_create(&t, NULL, thread_main, &r);
	if (r != 0)
		return -r;
	r = pthread_join(t, &res);
	if (r != 0)
		return -r;
	return res != NULL ? 0 : -EIO;
}

static const struct probe probes[] = {
	{"fork-ok", p_fork_ok, EXPECT_OK},
	{"thread-ok", p_thread_ok, EXPECT_OK},
	{"personality-query", p_personality_query, EXPECT_OK},
	{"unshare-user", p_unshare_user, EXPECT_EPERM},
	{"unshare-ns", p_unshare_ns, EXPECT_EPERM},
	{"unshare-net", p_unshare_net, EXPECT_EPERM},
	{"setns", p_setns, EXPECT_EPERM},
	{"clone-newns", p_clone_newns, EXPECT_EPERM},
	{"clone-newuser", p_clone_newuser, EXPECT_EPERM},
	{"clone-newpid", p_clone_newpid, EXPECT_EPERM},
	{"clone-newnet", p_clone_newnet, EXPECT_EPERM},
	{"clone-newuts", p_clone_newuts, EXPECT_EPERM},
	{"clone-newipc", p_clone_newipc, EXPECT_EPERM},
	{"clone-newcgroup", p_clone_newcgroup, EXPECT_EPERM},
	{"clone3", p_clone3, EXPECT_ENOSYS},
	{"mount", p_mount, EXPECT_EPERM},
	{"umount", p_umount, EXPECT_EPERM},
	{"pivot_root", p_pivot_root, EXPECT_EPERM},
	{"fsopen", p_fsopen, EXPECT_EPERM},
	{"open_tree", p_open_tree, EXPECT_EPERM},
	{"move_mount", p_move_mount, EXPECT_EPERM},
	{"ptrace", p_ptrace, EXPECT_EPERM},
	{"process_vm_readv", p_process_vm_readv, EXPECT_EPERM},
	{"process_vm_writev", p_process_vm_writev, EXPECT_EPERM},
	{"pidfd_getfd", p_pidfd_getfd, EXPECT_EPERM},
	{"bpf", p_bpf, EXPECT_EPERM},
	{"perf_event_open", p_perf_event_open, EXPECT_EPERM},
	{"userfaultfd", p_userfaultfd, EXPECT_EPERM},
	{"io_uring_setup", p_io_uring_setup, EXPECT_EPERM},
	{"keyctl", p_keyctl, EXPECT_EPERM},
	{"add_key", p_add_key, EXPECT_EPERM},
	{"request_key", p_request_key, EXPECT_EPERM},
	{"kexec_load", p_kexec_load, EXPECT_EPERM},
	{"kexec_file_load", p_kexec_file_load, EXPECT_EPERM},
	{"init_module", p_init_module, EXPECT_EPERM},
	{"finit_module", p_finit_module, EXPECT_EPERM},
	{"delete_module", p_delete_module, EXPECT_EPERM},
	{"reboot", p_reboot, EXPECT_EPERM},
	{"swapon", p_swapon, EXPECT_EPERM},
	{"swapoff", p_swapoff, EXPECT_EPERM},
	{"acct", p_acct, EXPECT_EPERM},
	{"syslog", p_syslog, EXPECT_EPERM},
	{"quotactl", p_quotactl, EXPECT_EPERM},
#if defined(__x86_64__) || defined(__i386__)
	{"iopl", p_iopl, EXPECT_EPERM},
	{"ioperm", p_ioperm, EXPECT_EPERM},
#endif
	{"open_by_handle_at", p_open_by_handle_at, EXPECT_EPERM},
	{"name_to_handle_at", p_name_to_handle_at, EXPECT_EPERM},
	{"settimeofday", p_settimeofday, EXPECT_EPERM},
	{"clock_settime", p_clock_settime, EXPECT_EPERM},
	{"adjtimex", p_adjtimex, EXPECT_EPERM},
	{"personality", p_personality, EXPECT_EPERM},
	{"personality-high", p_personality_high, EXPECT_EPERM},
	{"tiocsti", p_tiocsti, EXPECT_EPERM},
	{"tiocsti-high", p_tiocsti_high, EXPECT_EPERM},
	{"tioclinux", p_tioclinux, EXPECT_EPERM},
#if defined(__x86_64__)
	{"x32", p_x32, EXPECT_BLOCKED},
	{"i386", p_i386, EXPECT_BLOCKED},
#endif
};

#define NPROBES (sizeof(probes) / sizeof(probes[0]))

static const struct probe *
find_probe(const char *name)
{
	size_t i;

	for (i = 0; i < NPROBES; i++)
		if (strcmp(probes[i].name, name) == 0)
			return &probes[i];
	return NULL;
}

static bool
is_foreign_abi(const struct probe *p)
{
	return strcmp(p->name, "x32") == 0 || strcmp(p->name, "i386") == 0;
}

/*
 * Run one probe in a child; print its line; return true when it passed.
 * The child sends the result over a pipe because a pid (i386/x32 getpid)
 * does not fit an exit status.
 */
static bool
run_probe(const struct probe *p)
{
	int fds[2], st;
	long r = 0;
	ssize_t n;
	pid_t pid;
	bool pass;

	(void) fflush(stdout);
	if (pipe2(fds, O_CLOEXEC) < 0) {
		printf("%s: cannot create a pipe: %s\n", p->name, strerror(errno));
		return false;
	}
	pid = fork();
	if (pid < 0) {
		printf("%s: cannot fork: %s\n", p->name, strerror(errno));
		(void) close(fds[0]);
		(void) close(fds[1]);
		return false;
	}
	if (pid == 0) {
		(void) close(fds[0]);
		r = p->fn();
		(void) !write(fds[1], &r, sizeof(r));
		_exit(0);
	}
	(void) close(fds[1]);
	do
		n = read(fds[0], &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	(void) close(fds[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;

	if (n != (ssize_t) sizeof(r)) {
		if (WIFSIGNALED(st)) {
			const char *sig = sigabbrev_np(WTERMSIG(st));

			if (sig)
				printf("%s: killed (SIG%s)\n", p->name, sig);
			else
				printf("%s: killed (signal %d)\n", p->name, WTERMSIG(st));
		} else {
			printf("%s: no result (exit status %d)\n", p->name,
			       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
			return false;
		}
		/* Only a foreign-ABI call may die: that is how it is blocked. */
		return p->expect == EXPECT_BLOCKED;
	}

	if (r >= 0) {
		if (is_foreign_abi(p))
			printf("%s: ok pid=%ld\n", p->name, r);
		else
			printf("%s: ok\n", p->name);
		return p->expect == EXPECT_OK;
	}

	const char *en = strerrorname_np((int) -r);

	if (is_foreign_abi(p) && r == -ENOSYS)
		printf("%s: ENOSYS (the kernel lacks this ABI: counted as blocked)\n", p->name);
	else if (en)
		printf("%s: %s\n", p->name, en);
	else
		printf("%s: errno %ld\n", p->name, -r);

	switch (p->expect) {
	case EXPECT_EPERM:
		pass = r == -EPERM;
		break;
	case EXPECT_ENOSYS:
		pass = r == -ENOSYS;
		break;
	case EXPECT_BLOCKED:
		pass = true;
		break;
	case EXPECT_OK:
		pass = false;
		break;
	default:
		pass = false;
		break;
	}
	return pass;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: seccomp-probe NAME...|all|--list\n");
}

int
main(int argc, char **argv)
{
	bool all_pass = true;
	size_t i;
	int a;

	/* Unbuffered-looking output even when the children share the pipe. */
	(void) setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--list") == 0) {
		for (i = 0; i < NPROBES; i++)
			printf("%s\n", probes[i].name);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	/* Check every name before running anything. */
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "all") != 0 && !find_probe(argv[a])) {
			fprintf(stderr, "seccomp-probe: unknown probe \"%s\"\n", argv[a]);
			usage(stderr);
			return 2;
		}
	}
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "all") == 0) {
			for (i = 0; i < NPROBES; i++)
				all_pass &= run_probe(&probes[i]);
		} else {
			all_pass &= run_probe(find_probe(argv[a]));
		}
	}
	return all_pass ? 0 : 1;
}
