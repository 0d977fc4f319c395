/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-landlock: landlock.c against the running kernel.  The pure parts
 * (features, their names, argument checks) always run.  Each enforcement
 * check prepares a ruleset here (as the keeper does) and runs one probe in
 * a process that drops every capability, sets no_new_privs and enforces it
 * (as the inside process does); the probe tries one thing and its exit
 * status is the errno it got (0: allowed).  The capabilities go first
 * because on Linux 6.18 a landlocked process that keeps CAP_SYS_ADMIN or
 * CAP_PERFMON still opens /proc/PID/environ, auxv and maps of a process
 * outside its domain.  A denial is paired with a run that adds the missing
 * grant, drops the flag or has no Landlock at all, which must succeed: so a
 * denial for another reason (a file mode, a missing file, no listener)
 * cannot pass for Landlock's.  Everything written lives in a fresh
 * temporary directory; the only signal sent is signal 0, to a process this
 * test made; the only sockets reached are this test's own listeners.
 */
#include "config.h"

#include "landlock.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

#include "tap.h"

/* Exit statuses of a child that are not an errno. */
enum {
	R_PROBE_ODD = 249, /* the probe failed in a way that is no errno */
	R_ENFORCE = 250,   /* prctl or landlock_enforce failed */
	R_PREPARE = 251,   /* landlock_prepare failed (in the parent) */
	R_CRASH = 252,	   /* the child died of a signal */
};

enum {
	F_DENY_TCP = 1 << 0,
	F_SCOPE = 1 << 1,
};

static char root[] = "/tmp/apbox-test-ll.XXXXXX";
/* Sizes that each hold the one before plus a short name (root is 26 bytes). */
#define DIR_LEN	 64
#define FILE_LEN 128
#define SUB_LEN	 256
static char d_ro[DIR_LEN], d_rw[DIR_LEN], d_out[DIR_LEN];
static char f_ro[FILE_LEN], f_secret[FILE_LEN], f_other[FILE_LEN], f_new[FILE_LEN];
static const char *true_path;
static int tcp_port;
static struct sockaddr_un abstract_addr;
static socklen_t abstract_len;

static void
tap_skip(const char *what, const char *why)
{
	printf("ok %d - %s # SKIP %s\n", ++tap_n, what, why);
	fflush(stdout);
}

static void
bail(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
put(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(content, f) < 0 || fclose(f) != 0)
		bail(path);
}

/* Empty every capability set of this process (raw capset: libcap is caps.c's). */
static int
drop_caps(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	return (int) syscall(SYS_capset, &h, d);
}

/* Wait for pid; its exit status, or R_CRASH when a signal ended it. */
static int
wait_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return R_CRASH;
	return WIFEXITED(st) ? WEXITSTATUS(st) : R_CRASH;
}

/*
 * Prepare lp in this process and run probe under it, two processes down:
 * a middle process drops every capability and forks the probe's process,
 * which drops them too, sets no_new_privs and enforces (the inside process's
 * order).  So "the parent" a probe reaches is a process outside the domain
 * with the probe's own uid and no capability more: only Landlock can keep
 * them apart (the kernel's capability rule would refuse a cap-less process
 * the /proc files of a parent holding capabilities, Landlock or not).  abi 0
 * runs the probe without Landlock.  Returns the probe's errno (0: allowed)
 * or R_*.
 */
static int
in_domain(const struct landlock_rule *rules, size_t n, unsigned flags, int abi, int (*probe)(void))
{
	struct landlock_plan lp = {
		.rules = rules,
		.n = n,
		.deny_tcp = flags & F_DENY_TCP,
		.scope = flags & F_SCOPE,
	};
	struct ap_err e = {0};
	int fd = -1, r;
	pid_t mid, pid;

	if (abi > 0) {
		fd = landlock_prepare(&lp, abi, &e);
		if (fd < 0) {
			char line[512];

			ap_err_format(&e, line, sizeof(line));
			printf("# prepare: %s\n", line);
			return R_PREPARE;
		}
	}
	fflush(stdout);
	mid = fork();
	if (mid < 0)
		bail("fork");
	if (mid == 0) {
		if (drop_caps() < 0)
			_exit(R_ENFORCE);
		pid = fork();
		if (pid < 0)
			_exit(R_ENFORCE);
		if (pid == 0) {
			if (drop_caps() < 0)
				_exit(R_ENFORCE);
			if (fd >= 0 && (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
					landlock_enforce(fd, &e) < 0))
				_exit(R_ENFORCE);
			r = probe();
			_exit(r >= 0 && r < R_PROBE_ODD ? r : R_PROBE_ODD);
		}
		if (fd >= 0)
			(void) close(fd);
		_exit(wait_status(pid));
	}
	if (fd >= 0)
		(void) close(fd);
	return wait_status(mid);
}

/* errno of a failed step, after naming it on stderr (only unexpected failures print). */
static int
step_failed(const char *what)
{
	int en = errno;

	fprintf(stderr, "# step failed: %s: %s\n", what, strerror(en));
	return en;
}

/* ---- Probes: each returns 0 when allowed, else the errno ------------------- */

static int
open_errno(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0600);

	if (fd < 0)
		return errno;
	(void) close(fd);
	return 0;
}

static int
p_read_secret(void)
{
	return open_errno(f_secret, O_RDONLY);
}

static int
p_read_other(void)
{
	return open_errno(f_other, O_RDONLY);
}

static int
p_read_ro(void)
{
	char c;
	int fd = open(f_ro, O_RDONLY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;
	bool seen = false;

	if (fd < 0)
		return step_failed("open");
	if (read(fd, &c, 1) != 1)
		return step_failed("read");
	(void) close(fd);
	d = opendir(d_ro);
	if (!d)
		return step_failed("opendir");
	while ((de = readdir(d)))
		seen |= strcmp(de->d_name, "f") == 0;
	(void) closedir(d);
	return seen ? 0 : ENOENT;
}

static int
p_create_ro(void)
{
	return open_errno(f_new, O_WRONLY | O_CREAT | O_EXCL);
}

static int
p_write_ro_file(void)
{
	return open_errno(f_ro, O_WRONLY);
}

static int
p_write_secret(void)
{
	return open_errno(f_secret, O_RDWR);
}

static int abi_now; /* the ABI the current probe's ruleset was made for */

/* Everything LL_WRITE stands for, below d_rw. */
static int
p_rw_ops(void)
{
	char a[FILE_LEN], b[FILE_LEN], c[FILE_LEN], s[FILE_LEN];
	char sb[FILE_LEN], fifo[FILE_LEN], sym[FILE_LEN];
	int fd;

	(void) snprintf(a, sizeof(a), "%s/a", d_rw);
	(void) snprintf(b, sizeof(b), "%s/b", d_rw);
	(void) snprintf(c, sizeof(c), "%s/c", d_rw);
	(void) snprintf(s, sizeof(s), "%s/s", d_rw);
	(void) snprintf(sb, sizeof(sb), "%s/s/b", d_rw);
	(void) snprintf(fifo, sizeof(fifo), "%s/p", d_rw);
	(void) snprintf(sym, sizeof(sym), "%s/y", d_rw);
	fd = open(a, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return step_failed("create");
	if (write(fd, "hello", 5) != 5)
		return step_failed("write");
	(void) close(fd);
	if (rename(a, b) < 0)
		return step_failed("rename");
	if (link(b, c) < 0)
		return step_failed("link");
	/* TRUNCATE is a right of its own from ABI 3; before, writing covers it. */
	if (truncate(c, 0) < 0)
		return step_failed("truncate");
	if (mkdir(s, 0700) < 0)
		return step_failed("mkdir");
	if (mkfifo(fifo, 0600) < 0)
		return step_failed("mkfifo");
	if (symlink("b", sym) < 0)
		return step_failed("symlink");
	/* Across directories needs REFER (ABI 2); an ABI 1 domain always says EXDEV. */
	if (abi_now >= 2 && (rename(b, sb) < 0 || rename(sb, b) < 0))
		return step_failed("rename across directories");
	if (unlink(fifo) < 0 || unlink(sym) < 0 || unlink(c) < 0 || unlink(b) < 0)
		return step_failed("unlink");
	if (rmdir(s) < 0)
		return step_failed("rmdir");
	return 0;
}

static int
p_create_rw(void)
{
	char a[FILE_LEN];
	int r;

	(void) snprintf(a, sizeof(a), "%s/c", d_rw);
	r = open_errno(a, O_WRONLY | O_CREAT | O_EXCL);
	if (r == 0)
		(void) unlink(a);
	return r;
}

static int
p_rename_cross(void)
{
	char a[FILE_LEN], s[FILE_LEN], b[SUB_LEN];
	int fd, r = 0;

	(void) snprintf(a, sizeof(a), "%s/x", d_rw);
	(void) snprintf(s, sizeof(s), "%s/s", d_rw);
	(void) snprintf(b, sizeof(b), "%s/s/x", d_rw);
	fd = open(a, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return step_failed("create");
	(void) close(fd);
	if (mkdir(s, 0700) < 0)
		return step_failed("mkdir");
	if (rename(a, b) < 0)
		r = errno;
	(void) unlink(a);
	(void) unlink(b);
	(void) rmdir(s);
	return r;
}

/* A character device, never: LL_WRITE leaves MAKE_CHAR out. */
static int
p_mknod_char(void)
{
	char c[FILE_LEN];

	(void) snprintf(c, sizeof(c), "%s/null", d_rw);
	if (mknod(c, S_IFCHR | 0600, makedev(1, 3)) < 0)
		return errno;
	(void) unlink(c);
	return 0;
}

static int
p_exec_true(void)
{
	char *const argv[] = {(char *) "true", NULL};
	char *const envp[] = {NULL};

	(void) execve(true_path, argv, envp);
	return errno;
}

static int
p_dev_write(void)
{
	return open_errno("/dev/null", O_WRONLY);
}

/* TCGETS on /dev/null: ENOTTY from the driver when the ioctl gets there. */
static int
p_dev_ioctl(void)
{
	struct termios t;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return step_failed("open /dev/null");
	if (ioctl(fd, TCGETS, &t) < 0)
		return errno;
	return 0;
}

static int
p_tcp_connect(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return step_failed("socket");
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t) tcp_port);
	if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
		return errno;
	return 0;
}

static int
p_tcp_bind(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return step_failed("socket");
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
		return errno;
	return 0;
}

/* Signal 0 to the middle process: nothing is delivered, only permission is checked. */
static int
p_kill_parent(void)
{
	return kill(getppid(), 0) < 0 ? errno : 0;
}

static int
p_abstract_connect(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return step_failed("socket");
	if (connect(fd, (struct sockaddr *) &abstract_addr, abstract_len) < 0)
		return errno;
	return 0;
}

static int
p_environ_parent(void)
{
	char path[64], c;
	int fd;

	(void) snprintf(path, sizeof(path), "/proc/%d/environ", (int) getppid());
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (read(fd, &c, 1) < 0)
		return errno;
	return 0;
}

static int
p_environ_self(void)
{
	return open_errno("/proc/self/environ", O_RDONLY);
}

/* ---- Set-up ------------------------------------------------------------------ */

static void
make_tree(void)
{
	if (!mkdtemp(root))
		bail("mkdtemp");
	(void) snprintf(d_ro, sizeof(d_ro), "%s/ro", root);
	(void) snprintf(d_rw, sizeof(d_rw), "%s/rw", root);
	(void) snprintf(d_out, sizeof(d_out), "%s/out", root);
	if (mkdir(d_ro, 0755) < 0 || mkdir(d_rw, 0755) < 0 || mkdir(d_out, 0755) < 0)
		bail("mkdir");
	(void) snprintf(f_ro, sizeof(f_ro), "%s/f", d_ro);
	(void) snprintf(f_new, sizeof(f_new), "%s/new", d_ro);
	(void) snprintf(f_secret, sizeof(f_secret), "%s/secret", d_out);
	(void) snprintf(f_other, sizeof(f_other), "%s/other", d_out);
	put(f_ro, "read me\n");
	put(f_secret, "secret\n");
	put(f_other, "other\n");
}

/* A TCP listener on 127.0.0.1 and an abstract unix listener, both this test's own. */
static void
make_listeners(int *tcp_fd, int *unix_fd)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);

	*tcp_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*tcp_fd < 0)
		bail("socket");
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(*tcp_fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(*tcp_fd, 8) < 0 ||
	    getsockname(*tcp_fd, (struct sockaddr *) &sa, &len) < 0)
		bail("tcp listener");
	tcp_port = ntohs(sa.sin_port);

	*unix_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*unix_fd < 0)
		bail("socket");
	abstract_addr.sun_family = AF_UNIX;
	/* sun_path[0] stays NUL: an abstract name, nothing on the filesystem. */
	(void) snprintf(abstract_addr.sun_path + 1, sizeof(abstract_addr.sun_path) - 1,
			"apbox-test-ll-%d", (int) getpid());
	abstract_len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 +
				    strlen(abstract_addr.sun_path + 1));
	if (bind(*unix_fd, (struct sockaddr *) &abstract_addr, abstract_len) < 0 ||
	    listen(*unix_fd, 8) < 0)
		bail("unix listener");
}

/* ---- Tests ------------------------------------------------------------------- */

static void
test_features(void)
{
	char buf[64];

	TAP_IS_INT(landlock_features(0), 0, "features: nothing without Landlock");
	TAP_IS_INT(landlock_features(1), LL_HAS_FS, "features: ABI 1 is the filesystem");
	TAP_IS_INT(landlock_features(3), LL_HAS_FS | LL_HAS_REFER | LL_HAS_TRUNCATE,
		   "features: ABI 3 adds refer and truncate");
	TAP_IS_INT(landlock_features(5), landlock_features(4) | LL_HAS_IOCTL_DEV,
		   "features: ABI 5 adds ioctl-dev");
	TAP_IS_INT(landlock_features(9), landlock_features(6), "features: ABI 9 as ABI 6");
	landlock_features_format(landlock_features(7), buf, sizeof(buf));
	TAP_IS_STR(buf, "fs,refer,truncate,tcp,ioctl-dev,scope", "format: every feature");
	landlock_features_format(landlock_features(2), buf, sizeof(buf));
	TAP_IS_STR(buf, "fs,refer", "format: ABI 2");
	landlock_features_format(LL_HAS_FS | LL_HAS_TCP, buf, sizeof(buf));
	TAP_IS_STR(buf, "fs,tcp", "format: a gap");
	landlock_features_format(0, buf, sizeof(buf));
	TAP_IS_STR(buf, "none", "format: none");
	landlock_features_format(landlock_features(7), buf, 6);
	TAP_IS_STR(buf, "fs,re", "format: cut to the buffer");
}

static void
test_prepare_args(int abi)
{
	char missing[FILE_LEN], notdir[SUB_LEN];
	struct landlock_rule r[1];
	struct landlock_plan lp = {.rules = r, .n = 1};
	struct ap_err e = {0};
	int fd;

	TAP_IS_INT(landlock_prepare(&lp, 0, &e), -EOPNOTSUPP, "prepare: ABI 0 is refused");
	if (abi < 1)
		return;
	(void) snprintf(missing, sizeof(missing), "%s/missing", root);
	(void) snprintf(notdir, sizeof(notdir), "%s/x", f_secret);
	r[0] = (struct landlock_rule){missing, LL_READ, false};
	TAP_IS_INT(landlock_prepare(&lp, abi, &e), -ENOENT, "prepare: a missing path fails");
	tap_ok(strstr(e.msg, "cannot open \"") && strstr(e.msg, missing),
	       "prepare: the message names the path");
	printf("# %s\n", e.msg);
	r[0].maybe = true;
	fd = landlock_prepare(&lp, abi, &e);
	tap_ok(fd >= 0, "prepare: a missing maybe path is skipped");
	if (fd >= 0)
		(void) close(fd);
	r[0] = (struct landlock_rule){notdir, LL_READ, true};
	fd = landlock_prepare(&lp, abi, &e);
	tap_ok(fd >= 0, "prepare: a maybe path below a file (ENOTDIR) is skipped");
	if (fd >= 0)
		(void) close(fd);
	r[0] = (struct landlock_rule){"tmp", LL_READ, true};
	TAP_IS_INT(landlock_prepare(&lp, abi, &e), -EINVAL, "prepare: a relative path fails");
	r[0] = (struct landlock_rule){d_ro, 1U << 9, false};
	TAP_IS_INT(landlock_prepare(&lp, abi, &e), -EINVAL, "prepare: unknown access fails");
	/* Directory rights on a file are EINVAL in the kernel: only file rights may go. */
	r[0] = (struct landlock_rule){f_secret, LL_READ | LL_WRITE | LL_EXEC | LL_DEV, false};
	fd = landlock_prepare(&lp, abi, &e);
	tap_ok(fd >= 0, "prepare: a file rule with LL_WRITE is accepted");
	if (fd >= 0)
		(void) close(fd);
	/* Without no_new_privs or CAP_SYS_ADMIN the kernel says EPERM before it reads the fd. */
	e.errnum = 0;
	fd = landlock_enforce(-1, &e);
	tap_ok(fd == -EBADF || fd == -EPERM, "enforce: a bad fd fails");
	TAP_IS_STR(e.msg, "cannot enforce landlock ruleset", "enforce: the message");
}

/* Every ABI this kernel can take gets a ruleset with every field it knows. */
static void
test_every_abi(int abi)
{
	const struct landlock_rule r[] = {
		{d_ro, LL_READ | LL_EXEC, false},
		{d_rw, LL_READ | LL_WRITE, false},
		{"/dev/null", LL_READ | LL_DEV, false},
	};
	struct landlock_plan lp = {.rules = r, .n = 3, .deny_tcp = true, .scope = true};
	struct ap_err e = {0};

	for (int a = 1; a <= abi; a++) {
		int fd = landlock_prepare(&lp, a, &e);

		tap_ok(fd >= 0, "prepare: ABI %d with net and scope asked: %s", a,
		       fd >= 0 ? "ok" : e.msg);
		if (fd >= 0)
			(void) close(fd);
	}
}

static void
test_fs(int abi)
{
	const struct landlock_rule basic[] = {
		{d_ro, LL_READ, false},
		{d_rw, LL_READ | LL_WRITE, false},
	};
	const struct landlock_rule with_out[] = {
		{d_ro, LL_READ, false},
		{d_rw, LL_READ | LL_WRITE, false},
		{d_out, LL_READ, false},
	};
	const struct landlock_rule ro_writable[] = {
		{d_ro, LL_READ | LL_WRITE, false},
	};
	const struct landlock_rule rw_readonly[] = {
		{d_rw, LL_READ, false},
	};
	const struct landlock_rule file_only[] = {
		{f_secret, LL_READ | LL_WRITE, false},
	};

	abi_now = abi;
	TAP_IS_INT(in_domain(basic, 2, 0, abi, p_read_secret), EACCES,
		   "fs: a file outside the rules cannot be read");
	TAP_IS_INT(in_domain(with_out, 3, 0, abi, p_read_secret), 0,
		   "fs: ... and can once its directory is granted");
	TAP_IS_INT(in_domain(basic, 2, 0, abi, p_read_ro), 0,
		   "fs: a LL_READ directory is readable and listable");
	TAP_IS_INT(in_domain(basic, 2, 0, abi, p_create_ro), EACCES,
		   "fs: no file can be created in a LL_READ directory");
	TAP_IS_INT(in_domain(basic, 2, 0, abi, p_write_ro_file), EACCES,
		   "fs: a file in a LL_READ directory cannot be opened for writing");
	TAP_IS_INT(in_domain(ro_writable, 1, 0, abi, p_create_ro), 0,
		   "fs: ... both can once LL_WRITE is granted");
	(void) unlink(f_new);
	TAP_IS_INT(in_domain(ro_writable, 1, 0, abi, p_write_ro_file), 0, "fs: ... (the write)");
	TAP_IS_INT(in_domain(basic, 2, 0, abi, p_rw_ops), 0,
		   "fs: LL_WRITE allows create, write, rename, link, truncate, mkdir, mkfifo, "
		   "symlink, unlink, rmdir");
	TAP_IS_INT(in_domain(rw_readonly, 1, 0, abi, p_create_rw), EACCES,
		   "fs: ... which LL_READ alone refuses");
	TAP_IS_INT(in_domain(basic, 2, 0, abi, p_mknod_char), EACCES,
		   "fs: LL_WRITE makes no character device");
	if (abi >= 2) {
		TAP_IS_INT(in_domain(basic, 2, 0, abi, p_rename_cross), 0,
			   "fs: rename across directories below LL_WRITE (REFER)");
		abi_now = 1;
		TAP_IS_INT(in_domain(basic, 2, 0, 1, p_rename_cross), EXDEV,
			   "fs: ... which an ABI 1 ruleset refuses (EXDEV)");
		abi_now = abi;
	} else {
		tap_skip("fs: rename across directories (REFER)", "needs ABI 2");
		tap_skip("fs: ABI 1 refuses rename across directories", "needs ABI 2");
	}
	TAP_IS_INT(in_domain(file_only, 1, 0, abi, p_write_secret), 0,
		   "fs: a file rule grants its file rights");
	TAP_IS_INT(in_domain(file_only, 1, 0, abi, p_read_other), EACCES,
		   "fs: ... and nothing to its siblings");
}

static void
test_exec(int abi)
{
	/* The loader and libraries are below /usr here; /lib* are symlinks or more of the same. */
	const struct landlock_rule no_exec[] = {
		{"/usr", LL_READ, false},
		{"/lib", LL_READ, true},
		{"/lib64", LL_READ, true},
		{"/bin", LL_READ, true},
	};
	const struct landlock_rule with_exec[] = {
		{"/usr", LL_READ | LL_EXEC, false},
		{"/lib", LL_READ | LL_EXEC, true},
		{"/lib64", LL_READ | LL_EXEC, true},
		{"/bin", LL_READ | LL_EXEC, true},
	};

	if (!true_path) {
		tap_skip("exec: a non-EXEC directory", "no /usr/bin/true");
		return;
	}
	TAP_IS_INT(in_domain(no_exec, 4, 0, abi, p_exec_true), EACCES,
		   "exec: nothing runs from a LL_READ directory");
	TAP_IS_INT(in_domain(with_exec, 4, 0, abi, p_exec_true), 0,
		   "exec: ... and it runs with LL_EXEC");
}

static void
test_dev(int abi)
{
	const struct landlock_rule dev[] = {{"/dev/null", LL_READ | LL_DEV, false}};
	const struct landlock_rule rd[] = {{"/dev/null", LL_READ, false}};

	TAP_IS_INT(in_domain(dev, 1, 0, abi, p_dev_write), 0, "dev: LL_DEV allows writing");
	TAP_IS_INT(in_domain(rd, 1, 0, abi, p_dev_write), EACCES, "dev: LL_READ alone does not");
	if (abi < 5) {
		tap_skip("dev: ioctl", "needs ABI 5");
		return;
	}
	TAP_IS_INT(in_domain(dev, 1, 0, abi, p_dev_ioctl), ENOTTY,
		   "dev: LL_DEV lets an ioctl reach the driver");
	TAP_IS_INT(in_domain(rd, 1, 0, abi, p_dev_ioctl), EACCES,
		   "dev: LL_READ alone refuses the ioctl");
}

static void
test_tcp(int abi)
{
	if (abi < 4) {
		tap_skip("tcp: deny_tcp", "needs ABI 4");
		return;
	}
	TAP_IS_INT(in_domain(NULL, 0, F_DENY_TCP, abi, p_tcp_connect), EACCES,
		   "tcp: deny_tcp refuses connect to 127.0.0.1");
	TAP_IS_INT(in_domain(NULL, 0, F_DENY_TCP, abi, p_tcp_bind), EACCES,
		   "tcp: deny_tcp refuses bind");
	TAP_IS_INT(in_domain(NULL, 0, 0, abi, p_tcp_connect), 0, "tcp: ... connect without it");
	TAP_IS_INT(in_domain(NULL, 0, F_DENY_TCP, 3, p_tcp_connect), 0,
		   "tcp: an ABI 3 ruleset handles no TCP");
}

static void
test_scope(int abi)
{
	if (abi < 6) {
		tap_skip("scope: signals and abstract sockets", "needs ABI 6");
		return;
	}
	TAP_IS_INT(in_domain(NULL, 0, F_SCOPE, abi, p_kill_parent), EPERM,
		   "scope: no signal to the parent");
	TAP_IS_INT(in_domain(NULL, 0, F_SCOPE, abi, p_abstract_connect), EPERM,
		   "scope: no connect to the parent's abstract socket");
	TAP_IS_INT(in_domain(NULL, 0, 0, abi, p_kill_parent), 0, "scope: ... signal without it");
	TAP_IS_INT(in_domain(NULL, 0, 0, abi, p_abstract_connect), 0,
		   "scope: ... connect without it");
	TAP_IS_INT(in_domain(NULL, 0, F_SCOPE, 5, p_kill_parent), 0,
		   "scope: an ABI 5 ruleset has no scope");
}

/* The ptrace restriction comes with every domain (ABI 1); /proc is granted so only it can deny. */
static void
test_ptrace(int abi)
{
	const struct landlock_rule proc[] = {{"/proc", LL_READ, false}};

	TAP_IS_INT(in_domain(proc, 1, 0, abi, p_environ_parent), EACCES,
		   "ptrace: the parent's /proc/PID/environ is unreadable");
	TAP_IS_INT(in_domain(proc, 1, 0, abi, p_environ_self), 0,
		   "ptrace: ... while the child's own is readable");
	TAP_IS_INT(in_domain(NULL, 0, 0, 0, p_environ_parent), 0,
		   "ptrace: ... and the parent's without Landlock");
}

int
main(void)
{
	struct landlock_info info;
	int tcp_fd, unix_fd, tmp;

	test_features();
	landlock_probe(&info);
	printf("# landlock: abi %d, err %d (%s), errata 0x%x\n", info.abi, info.err,
	       info.err ? strerror(info.err) : "-", (unsigned) info.errata);
	tap_ok(info.abi > 0 ? info.err == 0 : info.err != 0, "probe: an ABI or a reason");

	make_tree();
	test_prepare_args(info.abi);
	if (info.abi < 1) {
		tap_skip("enforcement checks", strerror(info.err));
	} else {
		true_path = access("/usr/bin/true", X_OK) == 0 ? "/usr/bin/true" : NULL;
		make_listeners(&tcp_fd, &unix_fd);
		test_every_abi(info.abi);
		test_fs(info.abi);
		test_exec(info.abi);
		test_dev(info.abi);
		test_tcp(info.abi);
		test_scope(info.abi);
		test_ptrace(info.abi);
		(void) close(tcp_fd);
		(void) close(unix_fd);
	}
	/* remove_tree_at() wants a real directory fd (it compares st_dev). */
	tmp = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tmp < 0 || remove_tree_at(tmp, root + strlen("/tmp/")) < 0)
		printf("# cannot remove %s\n", root);
	if (tmp >= 0)
		(void) close(tmp);
	return tap_done();
}
