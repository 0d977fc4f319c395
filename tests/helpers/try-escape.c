/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * try-escape: one small action per command, for the negative tests of
 * 80-escape.bats, which run it inside a box and expect most actions to fail.
 *
 *   try-escape write FILE          open FILE (O_WRONLY|O_CREAT|O_APPEND), write one byte
 *   try-escape read FILE           open FILE and read one byte
 *   try-escape stat PATH           stat PATH (is it visible?)
 *   try-escape mknod PATH          create the character device 1:3 at PATH
 *   try-escape kill PID            kill(PID, 0): can we see and signal it?
 *   try-escape ptrace PID          PTRACE_SEIZE PID (detached again at exit)
 *   try-escape write0 FD           write "0" to the open fd FD (to a cgroup's
 *                                  tasks or cgroup.procs: moves the writer)
 *   try-escape getfds PID          take a copy of each fd 0..1023 of PID with
 *                                  pidfd_getfd(2), print "FD TARGET" for each
 *                                  one taken, and close it; "ok" if any was
 *   try-escape setns-pid PID       join the mount namespace of PID
 *   try-escape sethostname NAME    set the host name (restored at once)
 *   try-escape connect HOST PORT   TCP connect to a numeric address, 2 s timeout
 *   try-escape open-unix PATH      connect a unix stream socket (@NAME: abstract)
 *   try-escape setuid              setuid(0)
 *   try-escape chroot-escape PATH  classic chroot break-out, then stat PATH
 *   try-escape caps                print the Cap*, NoNewPrivs, Seccomp lines of
 *                                  /proc/self/status
 *   try-escape fds                 print the open fds above 2, one per line
 *   try-escape capset              raise each capability, one at a time, into
 *                                  the permitted and effective sets
 *   try-escape nofile N            open /dev/null until N descriptors are open
 *                                  (N <= 1048576), print how many, close them
 *   try-escape raw-socket          open a raw IPv4 (ICMP) or packet socket
 *   try-escape syscall NAME        call a syscall of apbox's seccomp deny list
 *                                  that seccomp-probe has no probe for, with
 *                                  arguments that fail in the kernel; prints
 *                                  "error: <strerror>", "ok" if it worked
 *   try-escape syscall --list      the names "syscall" knows
 *   try-escape listen-unix @NAME SECONDS
 *                                  (host side) listen on an abstract unix
 *                                  socket, accept and close connections, stop
 *                                  after SECONDS; prints "listening" when ready
 *   try-escape mem-read PID ADDR   read 64 bytes at ADDR of PID through
 *                                  /proc/PID/mem, print them ("read: TEXT",
 *                                  other bytes as '.')
 *   try-escape mem-write PID ADDR TEXT
 *                                  write TEXT at ADDR of PID through /proc/PID/mem
 *   try-escape udp-send HOST PORT  send one UDP datagram to a numeric address
 *   try-escape inotify-hold N      create up to N (<= 65536) inotify instances,
 *                                  print "opened K", then the line
 *                                  "apbox-esc-hold", wait for a line on stdin
 *                                  (15 s at most) and close them
 *   try-escape setxattr PATH NAME VALUE
 *   try-escape setxattrat PATH NAME VALUE   (the same through setxattrat(2), Linux 6.13)
 *                                  set the extended attribute NAME of PATH
 *                                  (not following a last symbolic link)
 *
 * Prints "ok" and exits 0 when the action worked; prints "error: <strerror>"
 * ("error: <step>: <strerror>" for actions of several steps) and exits 1 when
 * it did not; exits 2 on a usage error.  Everything goes to stdout, so a bats
 * "run" sees it.
 *
 * Harmless on the host by construction, because a broken box runs it there:
 * it writes only the path it is given (appending, never truncating), signals
 * with signal 0 only, traces without stopping the target, only closes the
 * copies of another process's fds it took, puts the old host
 * name back, and removes the directory the chroot escape creates; capset
 * only raises what a process of the caller may already hold, nofile and
 * raw-socket close what they opened, every "syscall" call carries an
 * argument the kernel refuses (a bad fd, an unknown clock) before acting,
 * and listen-unix only accepts and closes, for a bounded time.  mem-write
 * writes only the address it is given, of the process it is given: the
 * user worker world (tests/escape/run.sh) names the canaries of its own
 * worker and sentinel box; inotify-hold closes what it opened, within 15 s;
 * setxattr sets only the attribute it is given, on the path it is given.
 * Plain C, no apbox code, linked statically so it runs in a box without /lib.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also set by config.h when built by automake */
#endif
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_DENIED = 1, EXIT_USAGE = 2 };

static int
ok(void)
{
	printf("ok\n");
	return EXIT_OK;
}

/* Report errno (of a single-step action). */
static int
fail(int en)
{
	printf("error: %s\n", strerror(en));
	return EXIT_DENIED;
}

/* Report errno of one step of a multi-step action. */
static int
fail_at(const char *step, int en)
{
	printf("error: %s: %s\n", step, strerror(en));
	return EXIT_DENIED;
}

static int
usage(void)
{
	fprintf(stderr,
		"usage: try-escape write FILE | read FILE | stat PATH | mknod PATH | kill PID |\n"
		"       write0 FD | ptrace PID | getfds PID | setns-pid PID | sethostname NAME | "
		"connect HOST PORT |\n"
		"       open-unix PATH|@NAME | setuid | chroot-escape PATH | caps | fds |\n"
		"       capset | nofile N | raw-socket | syscall NAME|--list |\n"
		"       listen-unix @NAME SECONDS | umount PATH |\n"
		"       mem-read PID ADDR | mem-write PID ADDR TEXT | udp-send HOST PORT |\n"
		"       inotify-hold N | setxattr PATH NAME VALUE | setxattrat PATH NAME VALUE\n");
	return EXIT_USAGE;
}

/* A pid from the command line: a whole positive decimal number. */
static int
parse_pid(const char *s, pid_t *pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > INT_MAX)
		return -1;
	*pid = (pid_t) v;
	return 0;
}

static int
do_write(const char *path)
{
	/* O_APPEND: add a byte, never overwrite what is there. */
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	if (fd < 0)
		return fail(errno);
	if (write(fd, "x", 1) != 1) {
		int en = errno;

		(void) close(fd);
		return fail(en);
	}
	if (close(fd) < 0)
		return fail(errno);
	return ok();
}

static int
do_read(const char *path)
{
	char c;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail(errno);
	if (read(fd, &c, 1) < 0) {
		int en = errno;

		(void) close(fd);
		return fail(en);
	}
	(void) close(fd);
	return ok();
}

static int
do_stat(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return fail(errno);
	return ok();
}

static int
do_mknod(const char *path)
{
	/* 1:3 is /dev/null: harmless even where it works. */
	if (mknod(path, S_IFCHR | 0600, makedev(1, 3)) < 0)
		return fail(errno);
	return ok();
}

static int
do_kill(const char *arg)
{
	pid_t pid;

	if (parse_pid(arg, &pid) < 0)
		return usage();
	/* Signal 0: checks existence and permission, delivers nothing. */
	if (kill(pid, 0) < 0)
		return fail(errno);
	return ok();
}

static int
do_ptrace(const char *arg)
{
	pid_t pid;

	if (parse_pid(arg, &pid) < 0)
		return usage();
	/*
	 * PTRACE_SEIZE makes the same permission checks as PTRACE_ATTACH but
	 * does not stop the target (ATTACH sends it SIGSTOP); the kernel
	 * detaches when this process exits, a moment later.
	 */
	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) < 0)
		return fail(errno);
	return ok();
}

static int
do_write0(const char *arg)
{
	pid_t fd; /* a whole positive number, read as a pid is */

	if (parse_pid(arg, &fd) < 0)
		return usage();
	if (write((int) fd, "0", 1) != 1)
		return fail(errno);
	return ok();
}

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static int
do_getfds(const char *arg)
{
	int pidfd, taken = 0, en = 0;
	pid_t pid;

	if (parse_pid(arg, &pid) < 0)
		return usage();
	pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return fail_at("pidfd_open", errno);
	/* The kernel checks PTRACE_MODE_ATTACH_REALCREDS against PID for each fd. */
	for (int n = 0; n < 1024; n++) {
		char link[64], target[PATH_MAX];
		ssize_t len;
		int fd = (int) syscall(SYS_pidfd_getfd, pidfd, n, 0);

		if (fd < 0) {
			if (errno != EBADF)
				en = errno;
			continue;
		}
		(void) snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		len = readlink(link, target, sizeof(target) - 1);
		target[len < 0 ? 0 : len] = '\0';
		printf("%d %s\n", n, target);
		(void) close(fd);
		taken++;
	}
	(void) close(pidfd);
	if (!taken)
		return fail_at("pidfd_getfd", en ? en : EBADF);
	return ok();
}

/*
 * umount2() of PATH, then its lazy form: "ok" when either took PATH off.
 * Only ever called by an attack that checked it runs in a box.
 */
static int
do_umount(const char *path)
{
	if (umount2(path, UMOUNT_NOFOLLOW) == 0)
		return ok();
	if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
		return ok();
	return fail_at("umount2", errno);
}

static int
do_setns_pid(const char *arg)
{
	char path[64];
	pid_t pid;
	int fd;

	if (parse_pid(arg, &pid) < 0)
		return usage();
	(void) snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int) pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_at("open", errno);
	/* Only this short-lived process moves. */
	if (setns(fd, CLONE_NEWNS) < 0) {
		int en = errno;

		(void) close(fd);
		return fail_at("setns", en);
	}
	(void) close(fd);
	return ok();
}

static int
do_sethostname(const char *name)
{
	char old[HOST_NAME_MAX + 1];

	if (gethostname(old, sizeof(old)) < 0)
		return fail_at("gethostname", errno);
	old[sizeof(old) - 1] = '\0';
	if (sethostname(name, strlen(name)) < 0)
		return fail(errno);
	/* It worked: put the old name back, in case this is the host's. */
	if (sethostname(old, strlen(old)) < 0)
		return fail_at("restoring the host name", errno);
	return ok();
}

/* A numeric address and port into ss; 0, or the exit status of a usage error. */
static int
inet_address(const char *host, const char *port_s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *) ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) ss;
	char *end;
	long port;

	errno = 0;
	port = strtol(port_s, &end, 10);
	if (errno || end == port_s || *end || port < 1 || port > 65535)
		return usage();
	/* Numeric addresses only: a static binary has no NSS, a box no DNS. */
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t) port);
		*len = sizeof(*in4);
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t) port);
		*len = sizeof(*in6);
	} else {
		fprintf(stderr, "try-escape: \"%s\" is not a numeric IPv4 or IPv6 address\n", host);
		return EXIT_USAGE;
	}
	return 0;
}

static int
do_connect(const char *host, const char *port_s)
{
	struct sockaddr_storage ss;
	struct pollfd pfd;
	socklen_t len, elen;
	int fd, r, en;

	r = inet_address(host, port_s, &ss, &len);
	if (r)
		return r;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail_at("socket", errno);
	r = connect(fd, (struct sockaddr *) &ss, len);
	if (r < 0 && errno != EINPROGRESS) {
		en = errno;
		(void) close(fd);
		return fail_at("connect", en);
	}
	if (r < 0) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		do
			r = poll(&pfd, 1, 2000);
		while (r < 0 && errno == EINTR);
		if (r <= 0) {
			en = r == 0 ? ETIMEDOUT : errno;
			(void) close(fd);
			return fail_at("connect", en);
		}
		en = 0;
		elen = sizeof(en);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &en, &elen) < 0)
			en = errno;
		if (en) {
			(void) close(fd);
			return fail_at("connect", en);
		}
	}
	(void) close(fd);
	return ok();
}

/* Fill sun with PATH or @NAME (abstract); returns the address length or 0. */
static socklen_t
unix_addr(const char *path, struct sockaddr_un *sun)
{
	size_t n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (path[0] == '@') {
		/* Abstract: a leading NUL, the name, no terminator. */
		n = strlen(path + 1);
		if (n + 1 > sizeof(sun->sun_path))
			return 0;
		memcpy(sun->sun_path + 1, path + 1, n);
		return (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 + n);
	}
	n = strlen(path);
	if (n + 1 > sizeof(sun->sun_path))
		return 0;
	memcpy(sun->sun_path, path, n);
	return (socklen_t) (offsetof(struct sockaddr_un, sun_path) + n + 1);
}

static int
do_open_unix(const char *path)
{
	struct sockaddr_un sun;
	socklen_t len = unix_addr(path, &sun);
	int fd, en;

	if (!len)
		return usage();
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail_at("socket", errno);
	if (connect(fd, (struct sockaddr *) &sun, len) < 0) {
		en = errno;
		(void) close(fd);
		return fail_at("connect", en);
	}
	(void) close(fd);
	return ok();
}

static int
do_listen_unix(const char *name, const char *secs_s)
{
	struct sockaddr_un sun;
	socklen_t len;
	struct pollfd pfd;
	char *end;
	long secs, waited;
	int fd, c;

	errno = 0;
	secs = strtol(secs_s, &end, 10);
	/* Abstract names only: nothing is left behind in the filesystem. */
	if (errno || end == secs_s || *end || secs < 1 || secs > 3600 || name[0] != '@')
		return usage();
	len = unix_addr(name, &sun);
	if (!len)
		return usage();
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail_at("socket", errno);
	if (bind(fd, (struct sockaddr *) &sun, len) < 0 || listen(fd, 16) < 0) {
		c = errno;
		(void) close(fd);
		return fail_at("bind", c);
	}
	printf("listening\n");
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (waited = 0; waited < secs * 10; waited++) {
		if (poll(&pfd, 1, 100) > 0) {
			c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
			if (c >= 0)
				(void) close(c);
		}
	}
	(void) close(fd);
	return EXIT_OK;
}

static int
do_udp_send(const char *host, const char *port_s)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, r, en;

	r = inet_address(host, port_s, &ss, &len);
	if (r)
		return r;
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail_at("socket", errno);
	/* Sent is not received: only the listener can tell that it arrived. */
	if (sendto(fd, "apbox-esc\n", 10, 0, (struct sockaddr *) &ss, len) != 10) {
		en = errno;
		(void) close(fd);
		return fail_at("sendto", en);
	}
	(void) close(fd);
	return ok();
}

/* PID and ADDR of mem-read and mem-write; the open /proc/PID/mem, or -1. */
static int
open_mem(const char *pid_s, const char *addr_s, int flags, off_t *addr)
{
	char path[64], *end;
	unsigned long long a;
	pid_t pid;
	int fd;

	errno = 0;
	a = strtoull(addr_s, &end, 0);
	if (parse_pid(pid_s, &pid) < 0 || errno || end == addr_s || *end || a == 0 ||
	    a > (unsigned long long) INT64_MAX) {
		errno = EINVAL;
		return -1;
	}
	*addr = (off_t) a;
	(void) snprintf(path, sizeof(path), "/proc/%d/mem", (int) pid);
	fd = open(path, flags | O_CLOEXEC);
	return fd;
}

static int
do_mem_read(const char *pid_s, const char *addr_s)
{
	char buf[64];
	ssize_t n;
	off_t addr;
	int fd = open_mem(pid_s, addr_s, O_RDONLY, &addr);

	if (fd < 0)
		return errno == EINVAL ? usage() : fail_at("open", errno);
	n = pread(fd, buf, sizeof(buf), addr);
	if (n <= 0) {
		int en = n < 0 ? errno : EIO;

		(void) close(fd);
		return fail_at("read", en);
	}
	(void) close(fd);
	printf("read: ");
	for (ssize_t i = 0; i < n && buf[i]; i++)
		putchar(buf[i] >= 0x20 && buf[i] < 0x7f ? buf[i] : '.');
	putchar('\n');
	return ok();
}

static int
do_mem_write(const char *pid_s, const char *addr_s, const char *text)
{
	size_t len = strlen(text);
	off_t addr;
	int fd = open_mem(pid_s, addr_s, O_WRONLY, &addr);

	if (fd < 0)
		return errno == EINVAL ? usage() : fail_at("open", errno);
	if (pwrite(fd, text, len, addr) != (ssize_t) len) {
		int en = errno ? errno : EIO;

		(void) close(fd);
		return fail_at("write", en);
	}
	(void) close(fd);
	return ok();
}

static int
do_inotify_hold(const char *arg)
{
	struct pollfd pfd = {.fd = 0, .events = POLLIN};
	char *end, c;
	long n, opened = 0;
	int *fds, en = 0;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < 1 || n > 65536)
		return usage();
	fds = calloc((size_t) n, sizeof(*fds));
	if (!fds)
		return fail_at("calloc", errno);
	while (opened < n) {
		int fd = inotify_init1(IN_CLOEXEC);

		if (fd < 0) {
			en = errno;
			break;
		}
		fds[opened++] = fd;
	}
	printf("opened %ld%s%s\n", opened, en ? ", then " : "", en ? strerror(en) : "");
	/* Held while whoever runs us looks (lib.sh: hold_for_worker), 15 s at most. */
	printf("apbox-esc-hold\n");
	(void) fflush(stdout);
	for (int i = 0; i < 150; i++) {
		ssize_t r;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		r = read(0, &c, 1);
		if (r <= 0 || c == '\n')
			break;
	}
	for (long i = 0; i < opened; i++)
		(void) close(fds[i]);
	free(fds);
	if (!opened)
		return fail(en);
	return ok();
}

static int
do_setxattr(const char *path, const char *name, const char *value)
{
	if (lsetxattr(path, name, value, strlen(value), 0) < 0)
		return fail(errno);
	return ok();
}

/* setxattrat(2) by number: 463 in the table every architecture shares (not alpha). */
static int
do_setxattrat(const char *path, const char *name, const char *value)
{
	struct {
		uint64_t value;
		uint32_t size, flags;
	} args = {(uint64_t) (uintptr_t) value, (uint32_t) strlen(value), 0};

	if (syscall(463, AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, name, &args, sizeof(args)) < 0)
		return fail(errno);
	return ok();
}

static int
do_setuid(void)
{
	if (setuid(0) < 0)
		return fail(errno);
	return ok();
}

static int
do_chroot_escape(const char *host_path)
{
	char dir[] = "try-escape.chroot.XXXXXX";
	struct stat st;
	int cwd, i, en = 0;
	const char *step = NULL;

	/*
	 * chroot into a subdirectory without entering it: the cwd is then
	 * outside the new root, and ".." from there walks up past it to the
	 * real root.  It needs CAP_SYS_CHROOT, which the box must not have;
	 * and after pivot_root with the old root detached, the real root is
	 * the box's own, so there is nothing above it to reach anyway.
	 */
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0)
		return fail_at("open .", errno);
	if (!mkdtemp(dir)) {
		en = errno;
		(void) close(cwd);
		return fail_at("mkdir", en);
	}
	if (chroot(dir) < 0) {
		step = "chroot";
		en = errno;
		goto out;
	}
	for (i = 0; i < 256; i++)
		if (chdir("..") < 0)
			break;
	if (chroot(".") < 0) {
		step = "chroot .";
		en = errno;
		goto out;
	}
	if (stat(host_path, &st) < 0) {
		step = "stat";
		en = errno;
	}
out:
	/* The fd still names the original directory, wherever root is now. */
	(void) unlinkat(cwd, dir, AT_REMOVEDIR);
	(void) close(cwd);
	if (step)
		return fail_at(step, en);
	return ok();
}

static int
do_caps(void)
{
	static const char *const keys[] = {"CapInh", "CapPrm",	   "CapEff", "CapBnd",
					   "CapAmb", "NoNewPrivs", "Seccomp"};
	char line[512];
	FILE *f = fopen("/proc/self/status", "re");
	size_t i;

	if (!f)
		return fail(errno);
	while (fgets(line, sizeof(line), f)) {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t k = strlen(keys[i]);

			if (strncmp(line, keys[i], k) == 0 && line[k] == ':') {
				fputs(line, stdout);
				break;
			}
		}
	}
	(void) fclose(f);
	return EXIT_OK;
}

static int
do_fds(void)
{
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");
	struct rlimit rl;
	int self, fd, max;

	if (d) {
		self = dirfd(d);
		while ((de = readdir(d))) {
			char *end;
			long v = strtol(de->d_name, &end, 10);

			if (*end || end == de->d_name || v <= 2 || v == self)
				continue;
			printf("%ld\n", v);
		}
		(void) closedir(d);
		return EXIT_OK;
	}
	/* No /proc: ask every possible descriptor. */
	max = 65536;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < (rlim_t) max)
		max = (int) rl.rlim_cur;
	for (fd = 3; fd < max; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			printf("%d\n", fd);
	return EXIT_OK;
}

static int
do_capset(void)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	int cap, en = EPERM;

	/*
	 * One capability at a time, so that one the kernel refuses (outside
	 * the bounding set) does not hide one it grants: any capability that
	 * capget then shows is an escape for a process that holds none.
	 */
	for (cap = 0; cap < 32 * _LINUX_CAPABILITY_U32S_3; cap++) {
		memset(data, 0, sizeof(data));
		data[cap / 32].permitted = 1U << (cap % 32);
		data[cap / 32].effective = 1U << (cap % 32);
		if (syscall(SYS_capset, &hdr, data) < 0) {
			if (errno != EPERM)
				en = errno;
			continue;
		}
		/* The kernel drops bits past CAP_LAST_CAP: did this one stick? */
		memset(data, 0, sizeof(data));
		if (syscall(SYS_capget, &hdr, data) == 0 &&
		    (data[cap / 32].effective & (1U << (cap % 32)))) {
			printf("raised capability %d\n", cap);
			return ok();
		}
	}
	return fail(en);
}

static int
do_nofile(const char *arg)
{
	char *end;
	long n, i, opened = 0;
	int fd, en = 0, *fds;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < 1 || n > 1048576)
		return usage();
	fds = calloc((size_t) n, sizeof(*fds));
	if (!fds)
		return fail_at("calloc", errno);
	for (i = 0; i < n; i++) {
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			en = errno;
			break;
		}
		fds[opened++] = fd;
	}
	for (i = 0; i < opened; i++)
		(void) close(fds[i]);
	free(fds);
	printf("opened %ld\n", opened + 3);
	if (en)
		return fail(en);
	return ok();
}

static int
do_raw_socket(void)
{
	/* AF_PACKET with protocol 0 receives nothing until bound: close at once. */
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	int en;

	if (fd >= 0) {
		(void) close(fd);
		printf("raw IPv4 socket opened\n");
		return ok();
	}
	en = errno;
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd >= 0) {
		(void) close(fd);
		printf("packet socket opened\n");
		return ok();
	}
	return fail_at(strerror(en), errno);
}

/*
 * The calls of apbox's deny list that seccomp-probe does not make.  Each
 * one gets an argument the kernel rejects before doing anything: fd -1
 * (EBADF), an invalid flag or clock (EINVAL).  vhangup takes none: it runs
 * in a new session, which has no controlling terminal to hang up.
 */
static long
call_syscall(const char *name)
{
	if (strcmp(name, "fsmount") == 0)
		return syscall(SYS_fsmount, -1, 0U, 0U);
	if (strcmp(name, "fsconfig") == 0)
		return syscall(SYS_fsconfig, -1, 0U, NULL, NULL, 0);
	if (strcmp(name, "fspick") == 0)
		return syscall(SYS_fspick, -1, "", 0x80000000U);
	if (strcmp(name, "mount_setattr") == 0)
		return syscall(SYS_mount_setattr, -1, "", 0x80000000U, NULL, 0UL);
	if (strcmp(name, "io_uring_enter") == 0)
		return syscall(SYS_io_uring_enter, -1, 0U, 0U, 0U, NULL, 0UL);
	if (strcmp(name, "io_uring_register") == 0)
		return syscall(SYS_io_uring_register, -1, 0U, NULL, 0U);
	if (strcmp(name, "quotactl_fd") == 0)
		return syscall(SYS_quotactl_fd, -1, 0U, 0, NULL);
	if (strcmp(name, "clock_adjtime") == 0)
		return syscall(SYS_clock_adjtime, 0x7fffffff, NULL);
#ifdef SYS_lookup_dcookie
	if (strcmp(name, "lookup_dcookie") == 0)
		return syscall(SYS_lookup_dcookie, 0ULL, NULL, 0UL);
#endif
	if (strcmp(name, "vhangup") == 0) {
		if (setsid() < 0 && errno != EPERM)
			return -1;
		return syscall(SYS_vhangup);
	}
	errno = ENOENT;
	return -2;
}

static const char *const syscall_names[] = {
	"fsmount",	  "fsconfig",	       "fspick",      "mount_setattr",
	"io_uring_enter", "io_uring_register", "quotactl_fd", "clock_adjtime",
#ifdef SYS_lookup_dcookie
	"lookup_dcookie",
#endif
	"vhangup",
};

#define NSYSCALLS (sizeof(syscall_names) / sizeof(syscall_names[0]))

static int
do_syscall(const char *name)
{
	int res[2] = {1, EIO}; /* failed?, errno */
	int fds[2], st;
	ssize_t n;
	size_t i;
	pid_t pid;

	if (strcmp(name, "--list") == 0) {
		for (i = 0; i < NSYSCALLS; i++)
			printf("%s\n", syscall_names[i]);
		return EXIT_OK;
	}
	for (i = 0; i < NSYSCALLS && strcmp(name, syscall_names[i]) != 0; i++)
		;
	if (i == NSYSCALLS)
		return usage();
	/* In a child, so that setsid (vhangup) leaves this process as it was. */
	if (pipe2(fds, O_CLOEXEC) < 0)
		return fail_at("pipe", errno);
	pid = fork();
	if (pid < 0)
		return fail_at("fork", errno);
	if (pid == 0) {
		(void) close(fds[0]);
		res[0] = call_syscall(name) < 0;
		res[1] = res[0] ? errno : 0;
		(void) !write(fds[1], res, sizeof(res));
		_exit(0);
	}
	(void) close(fds[1]);
	do
		n = read(fds[0], res, sizeof(res));
	while (n < 0 && errno == EINTR);
	(void) close(fds[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t) sizeof(res)) {
		printf("error: killed by signal %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
		return EXIT_DENIED;
	}
	if (res[0])
		return fail(res[1]);
	return ok();
}

int
main(int argc, char **argv)
{
	const char *cmd;

	(void) setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return usage();
	cmd = argv[1];

	if (argc == 2) {
		if (strcmp(cmd, "setuid") == 0)
			return do_setuid();
		if (strcmp(cmd, "caps") == 0)
			return do_caps();
		if (strcmp(cmd, "fds") == 0)
			return do_fds();
		if (strcmp(cmd, "capset") == 0)
			return do_capset();
		if (strcmp(cmd, "raw-socket") == 0)
			return do_raw_socket();
	} else if (argc == 3) {
		const char *a = argv[2];

		if (strcmp(cmd, "write") == 0)
			return do_write(a);
		if (strcmp(cmd, "read") == 0)
			return do_read(a);
		if (strcmp(cmd, "stat") == 0)
			return do_stat(a);
		if (strcmp(cmd, "mknod") == 0)
			return do_mknod(a);
		if (strcmp(cmd, "kill") == 0)
			return do_kill(a);
		if (strcmp(cmd, "ptrace") == 0)
			return do_ptrace(a);
		if (strcmp(cmd, "getfds") == 0)
			return do_getfds(a);
		if (strcmp(cmd, "write0") == 0)
			return do_write0(a);
		if (strcmp(cmd, "setns-pid") == 0)
			return do_setns_pid(a);
		if (strcmp(cmd, "sethostname") == 0)
			return do_sethostname(a);
		if (strcmp(cmd, "open-unix") == 0)
			return do_open_unix(a);
		if (strcmp(cmd, "chroot-escape") == 0)
			return do_chroot_escape(a);
		if (strcmp(cmd, "nofile") == 0)
			return do_nofile(a);
		if (strcmp(cmd, "syscall") == 0)
			return do_syscall(a);
		if (strcmp(cmd, "umount") == 0)
			return do_umount(a);
		if (strcmp(cmd, "inotify-hold") == 0)
			return do_inotify_hold(a);
	} else if (argc == 4) {
		if (strcmp(cmd, "connect") == 0)
			return do_connect(argv[2], argv[3]);
		if (strcmp(cmd, "listen-unix") == 0)
			return do_listen_unix(argv[2], argv[3]);
		if (strcmp(cmd, "udp-send") == 0)
			return do_udp_send(argv[2], argv[3]);
		if (strcmp(cmd, "mem-read") == 0)
			return do_mem_read(argv[2], argv[3]);
	} else if (argc == 5) {
		if (strcmp(cmd, "mem-write") == 0)
			return do_mem_write(argv[2], argv[3], argv[4]);
		if (strcmp(cmd, "setxattr") == 0)
			return do_setxattr(argv[2], argv[3], argv[4]);
		if (strcmp(cmd, "setxattrat") == 0)
			return do_setxattrat(argv[2], argv[3], argv[4]);
	}
	return usage();
}
