/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spawn: the processes of a run.
 *
 * Theory of operation
 * -------------------
 * Three processes take part in a run:
 *
 *  keeper  apbox itself.  It has already built the plan (plan.c), locked
 *          the box, opened the caller's files and made the run's side
 *          effects (prepare.c: the pinned network namespace, the mount
 *          template, the seccomp filter).  start_box(): it begins the
 *          cgroup entry (cg_enter_begin(): on v2 the limits are written and
 *          the proxy is cloned into the box cgroup with CLONE_INTO_CGROUP;
 *          on v1 the proxy is handed the cgroups' "tasks" files and joins
 *          by itself), steps into the box's network namespace and the
 *          template and clones the proxy there with the plan's namespace
 *          flags, steps back, writes the user namespace maps, releases the
 *          proxy (sync byte 1), writes the limits left for now
 *          (cg_enter_finish()), and lets it fork the program (byte 2).
 *          wait_box(): sigtimedwait() on SIGCHLD and the termination
 *          signals, waking up for the wall-clock deadline and to poll CPU
 *          time; it kills the box on a time limit or when it is itself
 *          interrupted, and reaps the proxy with wait4() (whose rusage
 *          covers every process the proxy reaped).  collect_result(): the
 *          reports, the cgroup's statistics, the program's fate.
 *
 *  proxy   PID 1 of the box's pid namespace (process modes) or a plain
 *          child subreaper (other modes).  It joins the box cgroup where
 *          it was handed files to do so, waits for sync byte 1 (EOF means
 *          the keeper died), takes the box ids inside its user namespace
 *          while keeping its capabilities there, builds the new root
 *          (mounts.c; in a copy of the template only the run's own rules),
 *          sets the host name and brings up lo, waits for byte 2, then forks
 *          the inside process.  It drops every capability of its own, and
 *          reaps children until the inside process exits; then it reports
 *          that wait status to the keeper and exits, which makes the kernel
 *          kill whatever is left in the pid namespace.  Without a pid
 *          namespace it kills the remaining tree itself (it is a subreaper,
 *          so orphans come back to it) before it exits.
 *
 *  inside  The program.  Redirects stdio, chdir()s, sets rlimits, drops the
 *          bounding set, switches to the box ids, clears every capability,
 *          sets no_new_privs, marks every fd above 2 close-on-exec, loads the
 *          seccomp filter last, and execve()s.
 *
 * Pipes: "sync" keeper -> proxy (byte 1: maps written, build the box; byte
 * 2: the box cgroup's limits hold, fork the program);
 * "report" proxy and inside -> keeper: one fixed-size record format
 * (struct ap_report, err.h): an error, from the proxy's setup or the
 * inside's failed execve, or the inside's final wait status.  Both ends are close-on-exec, so a
 * successful execve closes the inside's copy.  Between clone() and execve() nothing is printed and
 * exit() is never called: records and _exit() only.
 *
 * Privileges: a root keeper maps the box uid/gid inside to the same ids
 * outside (never to host root); a rootless keeper maps them to itself and
 * denies setgroups first.  The proxy's capabilities are those of its user
 * namespace only.
 */
#include "config.h"

#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box.h"
#include "caps.h"
#include "cgroup.h"
#include "err.h"
#include "landlock.h"
#include "limit.h"
#include "mode.h"
#include "ns.h"
#include "prepare.h"
#include "seccomp.h"
#include "util.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

extern char **environ;

/* CPU polling period while a CPU limit is set (isolate polls every 100 ms). */
#define CPU_POLL_MS 50
/* inotify instances of a box with a user namespace (an engine watches few files). */
#define BOX_INOTIFY_INSTANCES "32"
/* How long the proxy may take to die after it is told to kill the box. */
#define KILL_GRACE_MS 1000

/* ---- inside ------------------------------------------------------------- */

static int
open_inside(const char *path, int flags, int target, struct ap_err *e)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		return ap_err_set(e, errno, "cannot open \"%s\"", path);
	if (dup2(fd, target) < 0)
		return ap_err_set(e, errno, "cannot redirect fd %d", target);
	(void) close(fd);
	return 0;
}

static int
setup_stdio(const struct run_plan *p, struct ap_err *e)
{
	if (p->stdin_fd >= 0 && dup2(p->stdin_fd, 0) < 0)
		return ap_err_set(e, errno, "cannot redirect standard input");
	if (p->stdout_fd >= 0 && dup2(p->stdout_fd, 1) < 0)
		return ap_err_set(e, errno, "cannot redirect standard output");
	if (p->stderr_fd >= 0 && dup2(p->stderr_fd, 2) < 0)
		return ap_err_set(e, errno, "cannot redirect standard error");
	return 0;
}

/*
 * isolate's --stdin, inside the box: whatever is there is the box's, and a
 * FIFO a program left would block this open (and the run, before its time
 * limits start) for good.  Opened O_NONBLOCK; only a regular file or a
 * character device (/dev/null) is read.
 */
static int
open_stdin_inside(const char *path, struct ap_err *e)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return ap_err_set(e, errno, "cannot open \"%s\"", path);
	if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISCHR(st.st_mode)))
		return ap_err_set(e, 0, "cannot read \"%s\": not a regular file nor a device",
				  path);
	if (fcntl(fd, F_SETFL, 0) < 0 || dup2(fd, 0) < 0)
		return ap_err_set(e, errno, "cannot redirect standard input");
	(void) close(fd);
	return 0;
}

/* isolate-compatible stdio: paths inside the box, opened as the box user. */
static int
setup_stdio_inside(const struct run_plan *p, struct ap_err *e)
{
	int r;

	if (p->stdin_inside && (r = open_stdin_inside(p->stdin_inside, e)) < 0)
		return r;
	if (p->stdout_inside &&
	    (r = open_inside(p->stdout_inside, O_WRONLY | O_CREAT | O_TRUNC, 1, e)) < 0)
		return r;
	if (p->stderr_to_stdout) {
		/* One open file for both (isolate's dup2(1, 2)): a shared offset, no overwrites. */
		if (p->stdout_inside && dup2(1, 2) < 0)
			return ap_err_set(e, errno, "cannot redirect standard error");
		return 0;
	}
	if (p->stderr_inside &&
	    (r = open_inside(p->stderr_inside, O_WRONLY | O_CREAT | O_TRUNC, 2, e)) < 0)
		return r;
	return 0;
}

/*
 * Does the proxy do the program's signal reset and bounding-set drop itself,
 * while it waits for its id maps (see proxy())?  Then the inside process
 * inherits both.  Only as PID 1 of a pid namespace in a user namespace of
 * its own, where it holds every capability from the start.
 */
static bool
proxy_prepares_inside(const struct run_plan *p)
{
	return (p->ns_flags & CLONE_NEWPID) && (p->plan_flags & PLAN_USERNS) &&
	       (p->plan_flags & PLAN_DROP_CAPS);
}

/*
 * Dispositions survive execve: an ignored SIGINT or SIGPIPE must not leak
 * in.  The raw system call, because glibc refuses to touch the two
 * real-time signals it keeps for itself (32 and 33), which a caller may
 * have ignored as well.  SIGKILL and SIGSTOP fail (EINVAL), harmlessly.
 * An all-zero kernel sigaction is SIG_DFL, no flags and an empty mask in
 * every architecture's layout.
 */
static void
reset_signals(void)
{
	static const unsigned long dfl[16];

	for (int sig = 1; sig < NSIG; sig++)
		(void) syscall(SYS_rt_sigaction, sig, dfl, NULL, (size_t) (NSIG - 1) / 8);
}

static void
inside(const struct run_plan *p, const struct prepared *pr, int ll_fd, int report_fd)
{
	struct ap_err e = {0};
	sigset_t none;
	bool userns = p->plan_flags & PLAN_USERNS;
	int r;

	/*
	 * Dies with the proxy from the start: the proxy waits for our execve
	 * (start_inside()), so while we block before it (opening a FIFO for
	 * stdin, say) only the keeper's SIGKILL of the proxy can end the box.
	 */
	TIMELINE("I: started");
	(void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	(void) sigemptyset(&none);
	if (!proxy_prepares_inside(p))
		reset_signals();
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0) {
		(void) ap_err_set(&e, errno, "cannot reset the signal mask");
		ap_child_fail(report_fd, &e);
	}
	if ((r = setup_stdio(p, &e)) < 0)
		ap_child_fail(report_fd, &e);
	if (p->cwd && chdir(p->cwd) < 0) {
		(void) ap_err_set(&e, errno, "cannot change directory to \"%s\"", p->cwd);
		ap_child_fail(report_fd, &e);
	}
	if ((r = limits_apply(&p->limits, p->nproc, &e)) < 0)
		ap_child_fail(report_fd, &e);

	/*
	 * Why this order: the bounding set needs CAP_SETPCAP, gone after the id
	 * switch.  A rootless caller without a user namespace has nothing to drop.
	 */
	if ((p->plan_flags & PLAN_DROP_CAPS) && (userns || !p->rootless) &&
	    !proxy_prepares_inside(p)) {
		if ((r = caps_drop_bounding(&e)) < 0)
			ap_child_fail(report_fd, &e);
	}
	if ((p->plan_flags & PLAN_BOX_UID) && (getuid() != p->uid || getgid() != p->gid)) {
		/* Rootless without a user namespace cannot change ids: stay the caller. */
		if (!p->rootless || userns) {
			if ((r = caps_switch_ids(p->uid, p->gid, !p->rootless, false, &e)) < 0)
				ap_child_fail(report_fd, &e);
		}
	}
	if (p->plan_flags & PLAN_DROP_CAPS) {
		/* The id switch may leave permitted bits (always in a user ns): none may stay. */
		if ((r = caps_clear(&e)) < 0)
			ap_child_fail(report_fd, &e);
	}
	if ((r = setup_stdio_inside(p, &e)) < 0)
		ap_child_fail(report_fd, &e);
	if ((p->plan_flags & PLAN_NO_NEW_PRIVS) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		(void) ap_err_set(&e, errno, "cannot set no_new_privs");
		ap_child_fail(report_fd, &e);
	}
	/* The program dies with its parent; set after the id switch, which clears it. */
	(void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* Landlock after no_new_privs (which it needs) and with no capability left. */
	if (ll_fd >= 0 && landlock_enforce(ll_fd, &e) < 0)
		ap_child_fail(report_fd, &e);
	/*
	 * Every fd above 2 is closed by execve (CLOEXEC rather than closing now,
	 * so the report pipe still carries an execve failure).
	 */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		for (int fd = 3; fd < 65536; fd++)
			(void) fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	/* seccomp last: everything above needs syscalls the filter refuses. */
	TIMELINE("I: ids, caps, rlimits");
	if (pr->filter && (r = ap_seccomp_load(pr->filter, &e)) < 0)
		ap_child_fail(report_fd, &e);
	if (pr->run_filter && (r = ap_seccomp_load(pr->run_filter, &e)) < 0)
		ap_child_fail(report_fd, &e);

	TIMELINE("I: seccomp loaded, execve");
	environ = p->envp;
	(void) execvp(p->argv[0], p->argv);
	r = errno;
	(void) ap_err_set(&e, r, "cannot execute \"%s\"", p->argv[0]);
	e.exitcode = (r == ENOENT || r == ENOTDIR) ? AP_EXIT_NOTFOUND : AP_EXIT_NOEXEC;
	ap_child_fail(report_fd, &e);
}

/* ---- proxy -------------------------------------------------------------- */

/* Kill every descendant: we are a subreaper, so orphans come back to us. */
static void
kill_tree(pid_t self)
{
	for (int round = 0; round < 1000; round++) {
		pid_t kids[512];
		size_t n = proc_children(self, kids, 512);
		bool any = false;

		for (size_t i = 0; i < n; i++) {
			if (kids[i] > 1) {
				(void) kill(kids[i], SIGKILL);
				any = true;
			}
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (!any)
			break;
		(void) waitpid(-1, NULL, 0);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

struct inside_args {
	const struct run_plan *p;
	const struct prepared *pr;
	int ll_fd;
	int report_fd;
};

static int
inside_entry(void *arg)
{
	const struct inside_args *a = arg;

	inside(a->p, a->pr, a->ll_fd, a->report_fd);
	return AP_EXIT_FAIL; /* not reached: inside() execs or exits */
}

/* The inside process's stack while it shares the proxy's memory. */
#define INSIDE_STACK (256 * 1024)

/*
 * Start the inside process; returns its pid or -1 with errno.  Like
 * posix_spawn(), with CLONE_VM | CLONE_VFORK: the child runs on a stack of
 * its own in the proxy's memory until it execs, and the proxy waits for
 * that, so no page table is copied and no page is copied on write (a
 * fork() of apbox costs ~0.2 ms more).  This is safe because the proxy is
 * single-threaded and stopped meanwhile, and because inside() changes
 * nothing the proxy uses afterwards: environ and errno are the only shared
 * globals it writes; signal dispositions and the signal mask, ids,
 * capabilities and the seccomp filter are the child task's own.
 * AddressSanitizer does not follow a stack switch it did not see: fork().
 */
static pid_t
start_inside(const struct run_plan *p, const struct prepared *pr, int ll_fd, int report_fd)
{
#if defined(__SANITIZE_ADDRESS__)
	pid_t child = fork();

	if (child == 0)
		inside(p, pr, ll_fd, report_fd);
	return child;
#else
	struct inside_args a = {.p = p, .pr = pr, .ll_fd = ll_fd, .report_fd = report_fd};
	char *stack = mmap(NULL, INSIDE_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	pid_t child;
	int en;

	if (stack == MAP_FAILED)
		return -1;
	/* The stack grows down on every architecture apbox builds for. */
	child = clone(inside_entry, stack + INSIDE_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
	en = errno;
	(void) munmap(stack, INSIDE_STACK);
	errno = en;
	return child;
#endif
}

/*
 * The proxy's setup, up to the moment it may fork the program: join the box
 * cgroup, take the box ids, build the root, name the host, bring up lo.
 * Any failure is reported and ends the proxy.
 */
static void
proxy_setup(const struct run_plan *p, const struct prepared *pr, int sync_fd, int report_fd,
	    struct cg_entry *en)
{
	struct ap_err e = {0};
	char go;

	/* The box dies with apbox.  Checked again by the sync read (EOF: keeper gone). */
	(void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/*
	 * A session and process group of the box's own: nothing inside can
	 * signal the caller's group (kill(0), kill(-pgid)) or its terminal's.
	 */
	if (setsid() < 0) {
		(void) ap_err_set(&e, errno, "cannot start a session");
		ap_child_fail(report_fd, &e);
	}
	/*
	 * The box lock is apbox's: when apbox is killed, cleanup must get it at
	 * once (and kill the box through its cgroup), not only once we have
	 * died too, which the kernel does a little later.
	 */
	if (p->box && p->box->lock_fd >= 0)
		(void) close(p->box->lock_fd);
	/* Nor are the keeper's fds of the box cgroups and shared caches the box's. */
	cg_close_fds(p->cg);
	prepared_close_in_child(pr);
	/*
	 * Into the box cgroup (where the backend has us join by ourselves, while
	 * we are one thread), long before the program is forked (stage 2), so
	 * that it is born inside.
	 */
	if (cg_enter_self(en) < 0) {
		(void) ap_err_set(&e, errno, "cannot join the box cgroup");
		ap_child_fail(report_fd, &e);
	}
	TIMELINE("P: cgroup joined");
	/*
	 * While the keeper writes our id maps, what the program's process
	 * would do later on the run's critical path and needs no ids: in a
	 * new user namespace we hold every capability already.  Default
	 * dispositions change nothing for us: we wait for SIGCHLD and SIGTERM
	 * blocked (sigwaitinfo() below), and as PID 1 of the box's pid
	 * namespace the kernel drops the box's default-action signals to us.
	 */
	if (proxy_prepares_inside(p)) {
		reset_signals();
		if (caps_drop_bounding(&e) < 0)
			ap_child_fail(report_fd, &e);
	}
	/* Stage 1: our id maps are written. */
	if (read(sync_fd, &go, 1) != 1)
		_exit(AP_EXIT_FAIL);
	if ((p->plan_flags & PLAN_USERNS) && (getuid() != p->uid || getgid() != p->gid)) {
		/* Take the box ids now, keeping our user-namespace capabilities to mount. */
		struct pollfd pfd = {.fd = report_fd, .events = POLLOUT};

		if (caps_switch_ids(p->uid, p->gid, !p->rootless, true, &e) < 0)
			ap_child_fail(report_fd, &e);
		/*
		 * A credential change clears the parent-death signal: arm it
		 * again, then make sure the keeper did not die in between (its
		 * end of the report pipe closes with it).
		 */
		(void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLERR | POLLHUP)))
			_exit(AP_EXIT_FAIL);
	}
	TIMELINE("P: box ids taken");
	/*
	 * inotify instances are counted per user, up the user namespaces: the
	 * box's own limit keeps one box from using up those of its caller and
	 * of the other boxes.  Written through the host's /proc while it is
	 * still there; the kernel picks the set of the writer's namespace.
	 */
	if (p->plan_flags & PLAN_USERNS)
		(void) write_file("/proc/sys/user/max_inotify_instances", BOX_INOTIFY_INSTANCES);
	if ((p->plan_flags & PLAN_NEW_ROOT) && mounts_build_root(&pr->mounts, &e) < 0)
		ap_child_fail(report_fd, &e);
	TIMELINE("P: root entered");
	if ((p->ns_flags & CLONE_NEWUTS) && p->hostname && ns_set_hostname(p->hostname, &e) < 0)
		ap_child_fail(report_fd, &e);
	/* A pinned network namespace was made with lo up. */
	if ((prepared_clone_flags(pr, p) & CLONE_NEWNET) && ns_loopback_up(&e) < 0)
		ap_child_fail(report_fd, &e);
	if (!(p->ns_flags & CLONE_NEWPID))
		(void) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	/*
	 * Stage 2: the box cgroup's limits are written (cg_enter_finish(),
	 * maybe while we built the root above); the program is forked only
	 * now, so it is born inside the cgroup, under them.
	 */
	if (read(sync_fd, &go, 1) != 1)
		_exit(AP_EXIT_FAIL);
	(void) close(sync_fd);
	/*
	 * A cgroup namespace is rooted where its creator stands: made now, it
	 * is rooted at the box cgroup, and /proc/self/cgroup shows no host path.
	 */
	if ((p->ns_flags & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0) {
		(void) ap_err_set(&e, errno, "cannot create the cgroup namespace");
		ap_child_fail(report_fd, &e);
	}
	TIMELINE("P: ready");
}

/* After the fork: the proxy needs no privilege, and nobody may ptrace it. */
static void
proxy_drop(const struct run_plan *p)
{
	struct ap_err e;

	(void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* It never executes anything, so its bounding set does not matter. */
	if ((p->plan_flags & PLAN_DROP_CAPS) && !(p->ns_flags & CLONE_NEWPID) && !p->rootless)
		/*
		 * Without a pid namespace the proxy kills what the program leaves
		 * behind, which runs as the box uid: it keeps CAP_KILL alone (and
		 * stays root, which the box's processes cannot signal).
		 */
		(void) caps_keep_only(CAP_KILL, &e);
	else if (p->plan_flags & PLAN_DROP_CAPS)
		(void) caps_clear(&e);
	(void) prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/*
 * Reap children until the program exits; report its wait status and exit,
 * which makes the kernel kill whatever is left in the pid namespace (without
 * one, kill the rest ourselves: orphans come back to us, a subreaper).
 */
static AP_NORETURN void
proxy_supervise(const struct run_plan *p, pid_t child, int report_fd)
{
	bool pidns = p->ns_flags & CLONE_NEWPID;
	pid_t self = getpid();
	sigset_t set;

	(void) sigemptyset(&set);
	(void) sigaddset(&set, SIGCHLD);
	(void) sigaddset(&set, SIGTERM);
	for (;;) {
		siginfo_t si;
		int st;
		pid_t w;
		int sig = sigwaitinfo(&set, &si);

		/*
		 * Only the keeper may end the box this way (time limit, interrupt);
		 * the box's own processes run as the same uid and could send it too.
		 * With a pid namespace the keeper uses SIGKILL instead.
		 */
		if (sig == SIGTERM && !pidns && si.si_pid == getppid()) {
			(void) kill(child, SIGKILL);
			kill_tree(self);
		}
		while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
			if (w != child)
				continue;
			TIMELINE("P: program exited");
			if (!pidns)
				kill_tree(self);
			ap_report_send(report_fd, AP_REPORT_STATUS, st, NULL);
			_exit(0);
		}
	}
}

static AP_NORETURN void
proxy(const struct run_plan *p, const struct prepared *pr, int sync_fd, int report_fd,
      struct cg_entry *en)
{
	struct ap_err e = {0};
	int ll_fd = -1;
	pid_t child;

	proxy_setup(p, pr, sync_fd, report_fd, en);
	/* The box's paths as the program will see them exist only now. */
	if (p->landlock.n && (ll_fd = landlock_prepare(&p->landlock, p->landlock_abi, &e)) < 0)
		ap_child_fail(report_fd, &e);
	TIMELINE("P: landlock ruleset");
	child = start_inside(p, pr, ll_fd, report_fd);
	if (child < 0) {
		(void) ap_err_set(&e, errno, "cannot fork the program");
		ap_child_fail(report_fd, &e);
	}
	if (ll_fd >= 0)
		(void) close(ll_fd);
	proxy_drop(p);
	proxy_supervise(p, child, report_fd);
}

/* ---- keeper ------------------------------------------------------------- */

static pid_t
clone_proxy(int ns_flags, int cgfd)
{
	struct clone_args ca;
	long r;

	memset(&ca, 0, sizeof(ca));
	/* The cgroup namespace comes later, once the proxy is in the box cgroup (see proxy()). */
	ca.flags = (uint64_t) (unsigned) (ns_flags & ~CLONE_NEWCGROUP);
	ca.exit_signal = SIGCHLD;
	if (cgfd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t) cgfd;
	}
	r = syscall(SYS_clone3, &ca, sizeof(ca));
	if (r < 0 && errno == ENOSYS && cgfd < 0)
		r = syscall(SYS_clone, (unsigned long) (ns_flags & ~CLONE_NEWCGROUP) | SIGCHLD, 0,
			    NULL, NULL, 0);
	return (pid_t) r;
}

/* CPU time of the box so far: the cgroup's, else the inside process's. */
static uint64_t
cpu_used_ms(const struct run_plan *p, pid_t proxy_pid)
{
	struct cg_stats st;
	struct ap_err e;
	char path[96], buf[1024];
	unsigned long long ut, stt;
	long cut, cst;
	uint64_t total = 0;
	long tick = sysconf(_SC_CLK_TCK);
	pid_t inside;

	if ((p->cg->have & CG_CPU) && cg_stats(p->cg, &st, &e) == 0 && st.has_cpu)
		return st.cpu_usec / 1000;
	/* No CPU accounting: the proxy's first child (the inside process), via /proc. */
	if (proc_children(proxy_pid, &inside, 1) == 1) {
		char *q;
		(void) snprintf(path, sizeof(path), "/proc/%d/stat", (int) inside);
		if (read_file(path, buf, sizeof(buf)) > 0 && (q = strrchr(buf, ')')) &&
		    sscanf(q + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %ld %ld",
			   &ut, &stt, &cut, &cst) == 4)
			total = (ut + stt + (unsigned long long) cut + (unsigned long long) cst) *
				1000 / (unsigned long long) tick;
	}
	return total;
}

static void
kill_box(const struct run_plan *p, pid_t proxy_pid)
{
	struct ap_err e;

	if (p->ns_flags & CLONE_NEWPID) {
		/* PID 1 dies, and with it every process of the namespace. */
		(void) kill(proxy_pid, SIGKILL);
		return;
	}
	if (p->cg->have & CG_KILL) {
		(void) cg_kill(p->cg, &e);
		(void) kill(proxy_pid, SIGKILL);
		return;
	}
	(void) kill(proxy_pid, SIGTERM);
}

/*
 * Where the keeper stands while it steps into the box's pinned network
 * namespace and box_root's mount template for the clone (the proxy is born
 * in them), and the way back.
 */
struct home {
	int net, mnt, root, cwd; /* -1: not opened */
	bool in_net, in_mnt;
};

/* Open the way back, then step in: the template last, for in it /proc is not ours. */
static int
leave_home(const struct prepared *pr, struct home *h, struct ap_err *e)
{
	if (pr->netns_fd >= 0) {
		h->net = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (h->net < 0 || setns(pr->netns_fd, CLONE_NEWNET) < 0)
			return ap_err_set(e, errno, "cannot enter the box's network namespace");
		h->in_net = true;
	}
	if (pr->tpl.fd >= 0) {
		h->mnt = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
		h->root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		h->cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		/* setns() sets our root and working directory to the template's root. */
		if (h->mnt < 0 || h->root < 0 || h->cwd < 0 || setns(pr->tpl.fd, CLONE_NEWNS) < 0)
			return ap_err_set(e, errno, "cannot enter the mount template");
		h->in_mnt = true;
	}
	return 0;
}

/* Back to our mount namespace, root, working directory and network. */
static int
go_home(struct home *h, struct ap_err *e)
{
	if (h->in_mnt) {
		if (setns(h->mnt, CLONE_NEWNS) < 0 || fchdir(h->root) < 0 || chroot(".") < 0 ||
		    fchdir(h->cwd) < 0)
			return ap_err_set(e, errno, "cannot return to apbox's mount namespace");
		h->in_mnt = false;
	}
	if (h->in_net) {
		if (setns(h->net, CLONE_NEWNET) < 0)
			return ap_err_set(e, errno, "cannot return to apbox's network namespace");
		h->in_net = false;
	}
	return 0;
}

static void
close_home(struct home *h)
{
	int *fds[] = {&h->net, &h->mnt, &h->root, &h->cwd};

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (*fds[i] >= 0) {
			(void) close(*fds[i]);
			*fds[i] = -1;
		}
}

/* The keeper's state of one run. */
struct run {
	const struct run_plan *p;
	const struct prepared *pr;
	pid_t pid;			 /* the proxy */
	int syncp[2], repp[2];		 /* sync: keeper -> proxy; report: box -> keeper */
	struct cg_entry entry;		 /* how the proxy enters the box cgroup */
	struct cg_limits cl;		 /* the box cgroup's limits for this run */
	struct home home;		 /* the keeper's way back from the box's namespaces */
	sigset_t waited, old_mask;	 /* the signals the keeper waits for; the caller's mask */
	uint64_t start;			 /* ms, when the box was started */
	struct rusage ru;		 /* the proxy's, covering every process it reaped */
	int st;				 /* the proxy's wait status */
	bool reaped, timed_out, wall_to; /* what the wait saw */
	int interrupted;		 /* the signal that interrupted apbox, or 0 */
};

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		(void) close(*fd);
	*fd = -1;
}

/*
 * Block the signals the keeper waits for.  An ignored signal is discarded,
 * even while blocked: a shell starts background jobs with SIGINT ignored,
 * and we still want to see it.
 */
static int
take_signals(struct run *r, struct ap_err *e)
{
	static const int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT};

	(void) sigemptyset(&r->waited);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		(void) sigaddset(&r->waited, sigs[i]);
	if (sigprocmask(SIG_BLOCK, &r->waited, &r->old_mask) < 0)
		return ap_err_set(e, errno, "cannot block signals");
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		(void) signal(sigs[i], SIG_DFL);
	/* A proxy that died early must not kill us through the sync pipe. */
	(void) signal(SIGPIPE, SIG_IGN);
	return 0;
}

/*
 * Clone the proxy in the box's namespaces: step into the pinned network
 * namespace and the mount template (the proxy is born in them), clone, step
 * back.  Returns the proxy's pid (in the keeper) or -errno; never returns in
 * the proxy.
 */
static int
clone_box(struct run *r, struct ap_err *e)
{
	int ret = leave_home(r->pr, &r->home, e), en;
	pid_t pid;

	if (ret < 0)
		return ret;
	TIMELINE("run: cgroup ready");
	pid = clone_proxy(prepared_clone_flags(r->pr, r->p), r->entry.clone_fd);
	en = errno;
	if (pid == 0) {
		close_fd(&r->syncp[1]);
		close_fd(&r->repp[0]);
		/* The way back to the host's mounts and network is the keeper's, never the box's.
		 */
		close_home(&r->home);
		proxy(r->p, r->pr, r->syncp[0], r->repp[1], &r->entry);
	}
	TIMELINE("run: cloned");
	ret = go_home(&r->home, e);
	if (ret < 0) {
		/* Never go on in the box's namespaces: kill what we made and fail. */
		if (pid > 0) {
			(void) kill(pid, SIGKILL);
			(void) waitpid(pid, NULL, 0);
		}
		return ret;
	}
	if (pid < 0) {
		if (en == EPERM || en == EINVAL || en == ENOSPC || en == EUSERS)
			return ap_err_set(e, en,
					  "cannot create the box's namespaces (run 'apbox check')");
		return ap_err_set(e, en, "cannot start the box");
	}
	r->pid = pid;
	return 0;
}

/* Release the proxy's stage (1: build the box; 2: fork the program). */
static int
release(struct run *r, char stage, struct ap_err *e)
{
	if (write(r->syncp[1], &stage, 1) != 1)
		return ap_err_set(e, errno, "cannot release the box");
	return 0;
}

/*
 * Start the box: the proxy is cloned into its cgroup and namespaces, gets
 * its id maps, and is released to build the box and then fork the
 * program.  On failure r->pid is the proxy to kill, or 0.
 */
static int
start_box(struct run *r, struct ap_err *e)
{
	const struct run_plan *p = r->p;
	int ret;

	if (pipe2(r->syncp, O_CLOEXEC) < 0 || pipe2(r->repp, O_CLOEXEC) < 0)
		return ap_err_set(e, errno, "cannot create pipes");
	ret = cg_enter_begin(p->cg, &r->cl, &r->entry, e);
	if (ret < 0)
		return ret;
	r->start = now_ms();
	ret = clone_box(r, e);
	/* Only the proxy may move into the box cgroup through these. */
	cg_enter_close(&r->entry);
	if (ret < 0)
		return ret;
	close_fd(&r->syncp[0]);
	close_fd(&r->repp[1]);
	if (p->plan_flags & PLAN_USERNS) {
		ret = ns_write_maps(r->pid, p->uid, p->map_uid, p->gid, p->map_gid, p->rootless, e);
		if (ret < 0)
			return ret;
	}
	/* The maps of a child are written as its owner: only now, no ptrace of us (main.c). */
	(void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	TIMELINE("run: id maps written");
	ret = release(r, '1', e);
	/*
	 * The limits the backend left for now, while the proxy builds the root:
	 * they must hold before the program starts (stage 2), not before the
	 * proxy (apbox's own code, which only mounts) does.
	 */
	if (ret == 0)
		ret = cg_enter_finish(p->cg, &r->cl, &r->entry, e);
	TIMELINE("run: cgroup ready for the program");
	if (ret == 0)
		ret = release(r, '2', e);
	close_fd(&r->syncp[1]);
	return ret;
}

/* How long to sleep in sigtimedwait() before something is due. */
static uint64_t
wait_ms(const struct run *r, uint64_t cpu_kill, uint64_t wall_kill, uint64_t kill_deadline)
{
	uint64_t now = now_ms(), ms = 3600 * 1000;

	if (kill_deadline)
		return now >= kill_deadline ? 0 : kill_deadline - now;
	if (wall_kill && !r->timed_out && !r->interrupted)
		ms = now - r->start >= wall_kill ? 0 : wall_kill - (now - r->start);
	if (cpu_kill && !r->timed_out && !r->interrupted && ms > CPU_POLL_MS)
		ms = CPU_POLL_MS;
	return ms;
}

/*
 * Wait for the proxy: sigtimedwait() on SIGCHLD and the termination
 * signals, waking up for the wall-clock deadline and to poll CPU time.  A
 * time limit or an interrupt kills the box; a box that does not die within
 * KILL_GRACE_MS gets SIGKILL.  Returns once the proxy is reaped.
 */
static void
wait_box(struct run *r)
{
	const struct run_plan *p = r->p;
	uint64_t cpu_kill = limits_cpu_kill_ms(&p->limits, p->extra_is_absolute);
	uint64_t wall_kill = limits_wall_kill_ms(&p->limits, p->extra_is_absolute);
	uint64_t kill_deadline = 0, now;

	while (!r->reaped) {
		uint64_t ms = wait_ms(r, cpu_kill, wall_kill, kill_deadline);
		struct timespec ts = {.tv_sec = (time_t) (ms / 1000),
				      .tv_nsec = (long) (ms % 1000) * 1000000L};
		siginfo_t si;
		int sig = sigtimedwait(&r->waited, &si, &ts);

		if ((sig == SIGCHLD || sig < 0) &&
		    wait4(r->pid, &r->st, WNOHANG, &r->ru) == r->pid) {
			TIMELINE("run: box reaped");
			r->reaped = true;
			break;
		}
		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT) {
			if (!r->interrupted) {
				r->interrupted = sig;
				kill_box(p, r->pid);
				kill_deadline = now_ms() + KILL_GRACE_MS;
			}
			continue;
		}
		now = now_ms();
		if (kill_deadline && now >= kill_deadline) {
			(void) kill(r->pid, SIGKILL);
			kill_deadline = 0;
			continue;
		}
		if (r->timed_out || r->interrupted)
			continue;
		if (wall_kill && now - r->start >= wall_kill)
			r->timed_out = r->wall_to = true;
		else if (cpu_kill && cpu_used_ms(p, r->pid) > cpu_kill)
			r->timed_out = true;
		if (r->timed_out) {
			kill_box(p, r->pid);
			kill_deadline = now_ms() + KILL_GRACE_MS;
		}
	}
}

/* The usage of the run: the proxy's rusage, corrected by the cgroup's counters. */
static void
collect_usage(const struct run *r, struct meta *m)
{
	const struct rusage *ru = &r->ru;
	struct cg_stats cs = {0};
	struct ap_err ce;

	m->has_usage = true;
	m->wall_ms = now_ms() - r->start;
	m->time_ms = (uint64_t) ru->ru_utime.tv_sec * 1000 +
		     (uint64_t) ru->ru_utime.tv_usec / 1000 +
		     (uint64_t) ru->ru_stime.tv_sec * 1000 + (uint64_t) ru->ru_stime.tv_usec / 1000;
	m->max_rss_kb = (uint64_t) ru->ru_maxrss;
	m->csw_voluntary = (uint64_t) ru->ru_nvcsw;
	m->csw_forced = (uint64_t) ru->ru_nivcsw;
	if (cg_stats(r->p->cg, &cs, &ce) < 0)
		return;
	if (cs.has_mem_peak) {
		m->has_cg_mem = true;
		m->cg_mem_kb = cs.mem_peak / 1024;
	}
	m->cg_oom_killed = cs.oom_killed;
	if (cs.has_cpu && cs.cpu_usec / 1000 > m->time_ms)
		m->time_ms = cs.cpu_usec / 1000;
}

/* An error the box reported: the program could not be executed (RE), or setup failed (XX). */
static int
classify_error(const struct ap_report *err_rep, struct meta *m, struct ap_err *e)
{
	*e = err_rep->err;
	if (e->exitcode == AP_EXIT_NOTFOUND || e->exitcode == AP_EXIT_NOEXEC) {
		/* isolate: a program that cannot be executed is RE, not XX */
		m->has_exitcode = true;
		m->exitcode = e->exitcode;
		meta_classify(m, false, false, false);
		if (!m->isolate_text) /* isolate says only "Exited with error status 127" */
			ap_err_format(e, m->message, sizeof(m->message));
		return 0;
	}
	m->status = META_XX;
	ap_err_format(e, m->message, sizeof(m->message));
	return ap_err_ret(e);
}

/*
 * The program's fate, from the reports of the box and the proxy's wait
 * status.  Returns 0 when the program ran (whatever its fate), or -errno
 * when apbox failed (m says XX).
 */
static int
collect_result(struct run *r, struct meta *m, struct ap_err *e)
{
	struct ap_report err_rep = {0}, status_rep = {0};
	int st = r->st;

	(void) ap_report_read(r->repp[0], &err_rep, &status_rep);
	collect_usage(r, m);
	if (!r->timed_out && !r->interrupted && limits_cpu_exceeded(&r->p->limits, m->time_ms))
		r->timed_out = true; /* finished, but over the limit: isolate says TO too */
	if (err_rep.kind == AP_REPORT_ERROR)
		return classify_error(&err_rep, m, e);
	if (status_rep.kind == AP_REPORT_STATUS) {
		st = status_rep.status;
	} else if (WIFEXITED(st) && !r->timed_out && !r->interrupted) {
		/* The proxy ended without a report: it failed in a way it could not tell. */
		m->status = META_XX;
		(void) ap_err_set(e, 0,
				  "the box ended without reporting the program's fate (status %d)",
				  WEXITSTATUS(st));
		ap_err_format(e, m->message, sizeof(m->message));
		return ap_err_ret(e);
	}
	if (WIFEXITED(st) && status_rep.kind) {
		m->has_exitcode = true;
		m->exitcode = WEXITSTATUS(st);
	} else {
		m->exitsig = WIFSIGNALED(st) ? WTERMSIG(st) : SIGKILL;
	}
	if (r->interrupted) {
		m->killed = true;
		m->exitsig = r->interrupted;
		m->has_exitcode = false;
	}
	if (r->timed_out) {
		m->killed = true;
		if (!m->exitsig && !m->has_exitcode)
			m->exitsig = SIGKILL;
	}
	meta_classify(m, r->timed_out, r->wall_to, r->interrupted != 0);
	return 0;
}

/* A box that failed to start: kill it; its own report, if any, says best what went wrong. */
static int
abort_box(struct run *r, struct meta *m, int ret, struct ap_err *e)
{
	struct ap_report err_rep = {0}, status_rep = {0};

	if (r->pid > 0) {
		(void) kill(r->pid, SIGKILL);
		(void) waitpid(r->pid, NULL, 0);
		close_fd(&r->repp[1]);
		if (r->repp[0] >= 0 && ap_report_read(r->repp[0], &err_rep, &status_rep) == 0 &&
		    err_rep.kind == AP_REPORT_ERROR) {
			*e = err_rep.err;
			ret = ap_err_ret(e);
		}
	}
	m->status = META_XX;
	ap_err_format(e, m->message, sizeof(m->message));
	return ret;
}

static void
end_run(struct run *r)
{
	struct ap_err ignore;

	cg_enter_close(&r->entry);
	close_fd(&r->syncp[0]);
	close_fd(&r->syncp[1]);
	close_fd(&r->repp[0]);
	close_fd(&r->repp[1]);
	/* Nothing of ours may go on in the box's namespaces: there is no way back. */
	if (go_home(&r->home, &ignore) < 0)
		abort();
	close_home(&r->home);
	(void) sigprocmask(SIG_SETMASK, &r->old_mask, NULL);
}

/*
 * The box cgroup's limits and counters for this run.  CPU accounting of
 * the cgroup is needed only to enforce a CPU time limit while the program
 * runs (afterwards, wait4() counts every process the proxy reaped); the
 * cgroup kill only without a pid namespace (PID 1's death kills the rest).
 */
static struct cg_limits
cgroup_limits(const struct run_plan *p)
{
	struct cg_limits cl = {.mem = p->limits.mem,
			       .pids = p->pids,
			       .cpu = p->limits.time_ms != 0,
			       .kill = !(p->ns_flags & CLONE_NEWPID)};

	return cl;
}

int
spawn_run(const struct run_plan *p, const struct prepared *pr, struct meta *m, struct ap_err *e)
{
	struct run r = {.p = p,
			.pr = pr,
			.syncp = {-1, -1},
			.repp = {-1, -1},
			.entry = {.clone_fd = -1, .join = {-1, -1, -1, -1}},
			.cl = cgroup_limits(p),
			.home = {-1, -1, -1, -1, false, false}};
	int ret = take_signals(&r, e);

	if (ret < 0)
		return ret;
	ret = start_box(&r, e);
	if (ret < 0) {
		ret = abort_box(&r, m, ret, e);
	} else {
		wait_box(&r);
		ret = collect_result(&r, m, e);
	}
	end_run(&r);
	return ret;
}

int
spawn_exit_status(const struct meta *m, bool compat)
{
	if (compat) {
		if (m->status == META_XX)
			return AP_ISO_EXIT_INTERNAL;
		return m->status == META_OK ? AP_ISO_EXIT_OK : AP_ISO_EXIT_RUNFAIL;
	}
	switch (m->status) {
	case META_XX:
		return AP_EXIT_FAIL;
	case META_TO:
	case META_SG:
		return AP_EXIT_SIGBASE + (m->exitsig ? m->exitsig : SIGKILL);
	case META_OK:
	case META_RE:
		return m->exitcode;
	default:
		return AP_EXIT_FAIL;
	}
}
