/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * user-worker: the worker of the escape catalogue's "user worker" world
 * (tests/escape/run.sh with APBOX_ESCAPE_USER), run as an ordinary user.
 *
 *   user-worker [OPTIONS] -- APBOX run [ARG...]   one run of apbox, as a worker spawns it
 *   user-worker hold MARK                        the program of the other box
 *
 * The worker stands for a Node.js worker running as an ordinary user that
 * spawns apbox as child_process.spawn() does: apbox is its child, with the
 * worker's whole environment, three socket pairs as stdin, stdout and
 * stderr and no other descriptor (everything else is close-on-exec).
 * Before it spawns apbox it holds what a program in a box must not reach:
 *   - a secret in its environment (APBOX_ESC_WORKER_SECRET, set by the runner);
 *   - a secret in its heap (a malloc'd buffer; its address is given to the box);
 *   - with --home DIR: DIR (0700, made here) with DIR/secret (0600, a secret,
 *     mtime 1000000000) and a listening unix socket DIR/worker.sock;
 *   - listeners on TCP and UDP 127.0.0.1 (ports chosen by the kernel) and,
 *     with --abstract NAME, on the abstract unix socket @NAME; it counts
 *     every connection and datagram of each;
 *   - sentinels: one process in the worker's own process group, standing for
 *     the worker, and two in a process group G that apbox and the other box's
 *     apbox are spawned in, standing for the rest of the worker's group.  The
 *     worker keeps itself out of G, so that a box that kills its whole
 *     process group is survived, and reported;
 *   - with --peer WORD...: another box running at the same time, started
 *     first (the words are its apbox command line, ending in
 *     "user-worker hold MARK"; its program's environment gets ESC_PEER_SECRET
 *     when the words pass it with --env), with a secret in its heap.
 * It tells the box where these are with "--env ESC_W_*=VALUE" options added
 * to apbox's command line right after "run": ESC_W_PID (the worker),
 * ESC_W_SENTINEL, ESC_W_GROUP (G), ESC_W_HEAP, ESC_W_TCP, ESC_W_UDP,
 * ESC_W_PEER_PID (the host pid of the other box's program) and ESC_W_PEER_HEAP.
 *
 * While apbox runs the worker relays the box's output to its own stdout and
 * stderr and serves its listeners; every 50 ms, and whenever the box prints
 * the line "apbox-esc-hold", it checks that it can still create an inotify
 * instance and take the flock of each --probe-lock FILE; after a hold line it
 * answers "apbox-esc-go" on the box's stdin.  When apbox has exited it checks
 * its heap, its sentinels, the other box (it shuts the other box's stdin:
 * the holder then says whether its heap was changed and exits) and the
 * extended attributes of its file and directory, kills its sentinels, writes
 * KEY=VALUE lines to the report descriptor (--report-fd, default 3) and
 * exits with apbox's status (128+N for signal N).
 *
 * hold MARK: put a secret into the heap, print "ready PID ADDRESS", wait for
 * the end of stdin (120 s at most), print "heap intact" or "heap changed" and
 * exit 0.
 *
 * Every wait is bounded: apbox --timeout seconds (default 60, then SIGKILL),
 * the other box 15 s to be ready and 10 s to end.  The sentinels die with the
 * worker (PR_SET_PDEATHSIG) and by themselves after timeout + 30 s.  The
 * worker signals only its own children.  Plain C, no apbox code, linked
 * statically so that a box can run "hold".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also set by config.h when built by automake */
#endif
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define HOLD_LINE  "apbox-esc-hold"
#define GO_LINE	   "apbox-esc-go\n"
#define FILE_MTIME 1000000000
#define PROBE_MS   50
#define MAX_WORDS  64
#define MAX_LOCKS  4
#define MAX_ENV	   8

enum { EXIT_USAGE = 2, EXIT_SETUP = 3 };

static int
usage(void)
{
	fprintf(stderr, "usage: user-worker [--home DIR] [--abstract NAME] [--peer WORD]...\n"
			"                   [--probe-lock FILE]... [--report-fd N] [--timeout S]\n"
			"                   -- APBOX run [ARG...]\n"
			"       user-worker hold MARK\n");
	return EXIT_USAGE;
}

static int
setup_fail(const char *what)
{
	fprintf(stderr, "user-worker: %s: %s\n", what, strerror(errno));
	return EXIT_SETUP;
}

static long long
now_ms(void)
{
	struct timespec ts;

	(void) clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 16 random hex digits into out (17 bytes). */
static int
token(char *out)
{
	unsigned char b[8];

	if (getrandom(b, sizeof(b), 0) != (ssize_t) sizeof(b))
		return -1;
	for (size_t i = 0; i < sizeof(b); i++)
		(void) snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

/* "exit N" or "signal N" for a wait status. */
static void
status_text(int st, char *buf, size_t len)
{
	if (WIFSIGNALED(st))
		(void) snprintf(buf, len, "signal %d", WTERMSIG(st));
	else
		(void) snprintf(buf, len, "exit %d", WEXITSTATUS(st));
}

/* ---- the program of the other box -------------------------------------- */

static int
hold(const char *mark)
{
	char want[128], buf[256];
	struct pollfd pfd = {.fd = 0, .events = POLLIN};
	char *heap;

	(void) snprintf(want, sizeof(want), "apbox-esc-peer-heap-%s", mark);
	heap = malloc(sizeof(want));
	if (!heap)
		return 1;
	memcpy(heap, want, sizeof(want));
	printf("ready %d %p\n", (int) getpid(), (void *) heap);
	(void) fflush(stdout);
	/* Until the worker shuts our stdin: 1200 polls of 100 ms at most. */
	for (int i = 0; i < 1200; i++) {
		ssize_t n;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(0, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			break;
	}
	printf("heap %s\n", memcmp(heap, want, sizeof(want)) == 0 ? "intact" : "changed");
	return 0;
}

/* ---- listeners ------------------------------------------------------------ */

static int
listen_inet(int type, int *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *) &a, sizeof(a)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 16) < 0) ||
	    getsockname(fd, (struct sockaddr *) &a, &len) < 0) {
		int en = errno;

		(void) close(fd);
		errno = en;
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

/* A stream listener on a path, or on an abstract name (abstract: true). */
static int
listen_unix(const char *name, bool abstract)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	size_t n = strlen(name), off = abstract ? 1 : 0;
	socklen_t len;
	int fd;

	if (n + off + 1 > sizeof(a.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(a.sun_path + off, name, n);
	len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + off + n + (abstract ? 0 : 1));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *) &a, len) < 0 || listen(fd, 16) < 0) {
		int en = errno;

		(void) close(fd);
		errno = en;
		return -1;
	}
	return fd;
}

/* Accept (answer, close) or receive whatever is waiting on fd; count each. */
static void
serve(int fd, bool datagram, long *count)
{
	char buf[512];

	/* 64 at most per wakeup: the loop comes back for more. */
	for (int i = 0; i < 64; i++) {
		if (datagram) {
			if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0)
				return;
		} else {
			int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

			if (c < 0)
				return;
			(void) !write(c, "apbox-esc\n", 10);
			(void) close(c);
		}
		(*count)++;
	}
}

/* ---- processes ------------------------------------------------------------ */

/*
 * A sentinel: a child that sleeps until it is killed, the worker dies or
 * secs pass.  pgid -1: in the worker's group; 0: a group of its own; else
 * that group.
 */
static pid_t
sentinel(pid_t pgid, unsigned secs)
{
	pid_t parent = getpid(), pid = fork();
	int nul;

	if (pid != 0) {
		if (pid > 0 && pgid >= 0)
			(void) setpgid(pid, pgid ? pgid : pid);
		return pid;
	}
	if (pgid >= 0)
		(void) setpgid(0, pgid);
	(void) prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (nul >= 0) {
		(void) dup2(nul, 0);
		(void) dup2(nul, 1);
		(void) dup2(nul, 2);
	}
	(void) close_range(3, ~0U, 0);
	(void) prctl(PR_SET_NAME, "esc-sentinel");
	(void) alarm(secs);
	for (;;)
		(void) pause();
}

/* "alive", or how the sentinel ended: then it is reaped, and *pid is 0. */
static void
sentinel_state(pid_t *pid, char *buf, size_t len)
{
	int st;

	if (*pid <= 0) {
		(void) snprintf(buf, len, "none");
	} else if (waitpid(*pid, &st, WNOHANG) == 0) {
		(void) snprintf(buf, len, "alive");
	} else {
		status_text(st, buf, len);
		*pid = 0;
	}
}

struct child {
	pid_t pid;
	int in, out, err; /* the worker's ends; err is -1 when merged into out */
	bool done;
	int status;
};

/*
 * Spawn argv in process group pgid with socket pairs as stdio (stderr into
 * stdout when merge), the worker's environment plus env (may be NULL).
 */
static int
spawn(struct child *c, char *const *argv, pid_t pgid, bool merge, char *env)
{
	int in[2], out[2], err[2] = {-1, -1};

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, out) < 0 ||
	    (!merge && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, err) < 0))
		return -1;
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (c->pid == 0) {
		sigset_t none;

		(void) setpgid(0, pgid);
		/* What libuv does for a child: default dispositions, nothing blocked. */
		(void) sigemptyset(&none);
		(void) sigprocmask(SIG_SETMASK, &none, NULL);
		(void) signal(SIGPIPE, SIG_DFL);
		if (env)
			(void) putenv(env);
		/* dup2 clears close-on-exec on the copies only. */
		if (dup2(in[1], 0) < 0 || dup2(out[1], 1) < 0 ||
		    dup2(merge ? out[1] : err[1], 2) < 0)
			_exit(126);
		execve(argv[0], argv, environ);
		_exit(127);
	}
	/* Both sides set the group: whichever runs first. */
	(void) setpgid(c->pid, pgid);
	(void) close(in[1]);
	(void) close(out[1]);
	if (!merge)
		(void) close(err[1]);
	c->in = in[0];
	c->out = out[0];
	c->err = err[0];
	(void) fcntl(c->out, F_SETFL, O_NONBLOCK);
	if (c->err >= 0)
		(void) fcntl(c->err, F_SETFL, O_NONBLOCK);
	c->done = false;
	return 0;
}

static void
reap(struct child *c)
{
	if (c->pid > 0 && !c->done && waitpid(c->pid, &c->status, WNOHANG) == c->pid)
		c->done = true;
}

/*
 * The host pid of the process whose command line is "PROGRAM hold MARK":
 * three words, so not the other box's apbox, whose command line ends so too.
 */
static pid_t
find_holder(const char *mark)
{
	char want[160], path[64], buf[4096];
	struct dirent *de;
	pid_t found = 0;
	size_t wl;
	DIR *d;
	int n = 0;

	wl = (size_t) snprintf(want, sizeof(want), "hold%c%s", '\0', mark) + 1;
	if (wl >= sizeof(want))
		return 0;
	d = opendir("/proc");
	if (!d)
		return 0;
	while (!found && (de = readdir(d)) && n++ < 1000000) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		ssize_t len;
		int fd;

		if (*end || pid <= 0)
			continue;
		(void) snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof(buf));
		(void) close(fd);
		if (len > (ssize_t) wl && memcmp(buf + len - (ssize_t) wl, want, wl) == 0 &&
		    buf[len - (ssize_t) wl - 1] == '\0' &&
		    !memchr(buf, '\0', (size_t) (len - (ssize_t) wl - 1)))
			found = (pid_t) pid;
	}
	(void) closedir(d);
	return found;
}

/* The names of path's extended attributes, comma-separated, or "none". */
static void
xattr_names(const char *path, char *out, size_t len)
{
	char names[1024];
	ssize_t n = llistxattr(path, names, sizeof(names));
	size_t used = 0;

	if (n < 0) {
		(void) snprintf(out, len, "error %s", strerror(errno));
		return;
	}
	out[0] = '\0';
	for (ssize_t i = 0; i < n; i += (ssize_t) strlen(names + i) + 1) {
		int w = snprintf(out + used, len - used, "%s%s", used ? "," : "", names + i);

		if (w < 0 || (size_t) w >= len - used)
			break;
		used += (size_t) w;
	}
	if (!used)
		(void) snprintf(out, len, "none");
}

/* ---- the run ----------------------------------------------------------------- */

/* The output of the box (hold lines) and of the other box (ready, heap). */
struct stream {
	char line[256];
	size_t len;
	long holds;	  /* lines HOLD_LINE */
	char ready[256];  /* the first "ready ..." line */
	char verdict[32]; /* the last "heap ..." line */
};

/* Split data into lines; true when one of them is HOLD_LINE. */
static bool
feed(struct stream *s, const char *data, ssize_t n)
{
	bool hold_seen = false;

	for (ssize_t i = 0; i < n; i++) {
		if (data[i] != '\n') {
			if (s->len < sizeof(s->line) - 1)
				s->line[s->len++] = data[i];
			continue;
		}
		s->line[s->len] = '\0';
		s->len = 0;
		if (strcmp(s->line, HOLD_LINE) == 0) {
			s->holds++;
			hold_seen = true;
		} else if (strncmp(s->line, "ready ", 6) == 0 && !s->ready[0]) {
			(void) snprintf(s->ready, sizeof(s->ready), "%s", s->line);
		} else if (strncmp(s->line, "heap ", 5) == 0) {
			(void) snprintf(s->verdict, sizeof(s->verdict), "%s", s->line + 5);
		}
	}
	return hold_seen;
}

/* Read what waits on *fd (closing it at its end), copy it to out (if >= 0). */
static ssize_t
relay(int *fd, int out, char *buf, size_t len)
{
	ssize_t n = read(*fd, buf, len);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		(void) close(*fd);
		*fd = -1;
		return 0;
	}
	if (n > 0 && out >= 0)
		(void) !write(out, buf, (size_t) n);
	return n < 0 ? 0 : n;
}

struct probes {
	long n, inotify_fail, lock_held, lock_error;
	int inotify_errno;
};

static void
probe(struct probes *p, char *const *locks, int nlocks)
{
	int fd = inotify_init1(IN_CLOEXEC);

	p->n++;
	if (fd < 0) {
		p->inotify_fail++;
		p->inotify_errno = errno;
	} else {
		(void) close(fd);
	}
	for (int i = 0; i < nlocks; i++) {
		/* O_NONBLOCK: a fifo put in its place does not hang the worker. */
		fd = open(locks[i], O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			p->lock_error++;
			continue;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			(void) flock(fd, LOCK_UN);
		else if (errno == EWOULDBLOCK)
			p->lock_held++;
		else
			p->lock_error++;
		(void) close(fd);
	}
}

struct opts {
	const char *home, *abstract;
	char *peer[MAX_WORDS + 1];
	int npeer;
	char *locks[MAX_LOCKS];
	int nlocks;
	int report;
	unsigned timeout;
	char **run; /* APBOX run ARG... */
	int nrun;
};

static int
parse(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->report = 3;
	o->timeout = 60;
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *a = argv[i];
		char *end;
		long v;

		if (i + 1 >= argc)
			return -1;
		if (strcmp(a, "--home") == 0) {
			o->home = argv[++i];
		} else if (strcmp(a, "--abstract") == 0) {
			o->abstract = argv[++i];
		} else if (strcmp(a, "--peer") == 0) {
			if (o->npeer >= MAX_WORDS)
				return -1;
			o->peer[o->npeer++] = argv[++i];
		} else if (strcmp(a, "--probe-lock") == 0) {
			if (o->nlocks >= MAX_LOCKS)
				return -1;
			o->locks[o->nlocks++] = argv[++i];
		} else if (strcmp(a, "--report-fd") == 0 || strcmp(a, "--timeout") == 0) {
			errno = 0;
			v = strtol(argv[++i], &end, 10);
			if (errno || *end || v < 1 || v > 3600)
				return -1;
			if (strcmp(a, "--timeout") == 0)
				o->timeout = (unsigned) v;
			else
				o->report = (int) v;
		} else {
			return -1;
		}
	}
	/* After "--": APBOX run ARG... */
	if (i + 2 >= argc || strcmp(argv[i + 2], "run") != 0)
		return -1;
	o->run = argv + i + 1;
	o->nrun = argc - i - 1;
	/* The other box's command line ends in "hold MARK". */
	if (o->npeer && (o->npeer < 3 || strcmp(o->peer[o->npeer - 2], "hold") != 0))
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	static char heap_want[64], env_words[MAX_ENV][96], peer_env[64];
	static char hexh[17], hexf[17], hexp[17];
	char *run_argv[2 * MAX_ENV + 256], secret_path[PATH_MAX], sock_path[PATH_MAX];
	char buf[4096], st_worker[32], st_group[32], st_group2[32];
	char xa_file[256] = "none", xa_home[256] = "none";
	struct stream box_out = {.len = 0}, peer_out = {.len = 0};
	struct child box = {.pid = -1, .in = -1, .out = -1, .err = -1};
	struct child peer = {.pid = -1, .in = -1, .out = -1, .err = -1};
	struct probes pr = {0};
	long n_tcp = 0, n_udp = 0, n_abs = 0, n_path = 0;
	int tcp, udp, abs_fd = -1, path_fd = -1, tcp_port = 0, udp_port = 0, nenv = 0, k;
	pid_t sentinels[3], alive[3], peer_pid = 0;
	void *peer_heap = NULL;
	long long start, next_probe, drain_until = 0;
	bool killed_for_time = false;
	struct opts o;
	char *heap;
	FILE *rep;

	(void) setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && strcmp(argv[1], "hold") == 0)
		return hold(argv[2]);
	if (parse(argc, argv, &o) < 0)
		return usage();
	if (o.nrun + 2 * MAX_ENV + 1 > (int) (sizeof(run_argv) / sizeof(run_argv[0])))
		return usage();

	/* Everything the worker holds is its own: nothing else reaches apbox. */
	for (k = 0; k < 3; k++)
		if (fcntl(k, F_GETFD) < 0 && open("/dev/null", O_RDWR) != k)
			return setup_fail("stdio");
	(void) close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	if (fcntl(o.report, F_GETFD) < 0)
		return setup_fail("the report descriptor");
	/* As a Node.js process: a write to a closed socket is an error, not a death. */
	(void) signal(SIGPIPE, SIG_IGN);
	/* A session of its own, as a service's worker has. */
	(void) setsid();

	/* The secret in the heap. */
	heap = malloc(sizeof(heap_want));
	if (!heap || token(hexh) < 0 || token(hexf) < 0 || token(hexp) < 0)
		return setup_fail("secrets");
	(void) snprintf(heap_want, sizeof(heap_want), "apbox-esc-worker-heap-%s", hexh);
	memcpy(heap, heap_want, sizeof(heap_want));

	/* The 0600 file in the 0700 directory, and the unix socket beside it. */
	if (o.home) {
		struct timespec t[2] = {{.tv_sec = FILE_MTIME}, {.tv_sec = FILE_MTIME}};
		int fd;

		(void) snprintf(secret_path, sizeof(secret_path), "%s/secret", o.home);
		(void) snprintf(sock_path, sizeof(sock_path), "%s/worker.sock", o.home);
		if (mkdir(o.home, 0700) < 0 || chmod(o.home, 0700) < 0)
			return setup_fail(o.home);
		fd = open(secret_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 || fchmod(fd, 0600) < 0 ||
		    dprintf(fd, "apbox-esc-worker-file-%s\n", hexf) < 0 || futimens(fd, t) < 0 ||
		    close(fd) < 0)
			return setup_fail(secret_path);
		path_fd = listen_unix(sock_path, false);
		if (path_fd < 0)
			return setup_fail(sock_path);
	}
	tcp = listen_inet(SOCK_STREAM, &tcp_port);
	udp = listen_inet(SOCK_DGRAM, &udp_port);
	if (tcp < 0 || udp < 0)
		return setup_fail("127.0.0.1");
	if (o.abstract) {
		abs_fd = listen_unix(o.abstract, true);
		if (abs_fd < 0)
			return setup_fail(o.abstract);
	}

	/* The sentinels: the worker's stand-in, and the group G apbox is spawned in. */
	(void) fflush(NULL);
	sentinels[0] = sentinel(-1, o.timeout + 30);
	sentinels[1] = sentinel(0, o.timeout + 30);
	sentinels[2] = sentinels[1] > 0 ? sentinel(sentinels[1], o.timeout + 30) : -1;
	if (sentinels[0] < 0 || sentinels[1] < 0 || sentinels[2] < 0)
		return setup_fail("fork");
	start = now_ms();

	/* The other box first: it runs while the attack does. */
	if (o.npeer) {
		long long until = start + 15000;

		(void) snprintf(peer_env, sizeof(peer_env), "ESC_PEER_SECRET=apbox-esc-peer-env-%s",
				hexp);
		o.peer[o.npeer] = NULL;
		if (spawn(&peer, o.peer, sentinels[1], true, peer_env) < 0)
			return setup_fail("spawn the other box");
		while (!peer_out.ready[0] && !peer.done && peer.out >= 0 && now_ms() < until) {
			struct pollfd p = {.fd = peer.out, .events = POLLIN};

			if (poll(&p, 1, 50) > 0)
				(void) feed(&peer_out, buf, relay(&peer.out, -1, buf, sizeof(buf)));
			reap(&peer);
		}
		if (peer_out.ready[0]) {
			int ns_pid;

			if (sscanf(peer_out.ready, "ready %d %p", &ns_pid, &peer_heap) != 2)
				peer_heap = NULL;
			peer_pid = find_holder(o.peer[o.npeer - 1]);
		}
	}

	/* apbox's command line: the ESC_W_* options go right after "run". */
#define ENV_WORD(...) (void) snprintf(env_words[nenv++], sizeof(env_words[0]), __VA_ARGS__)
	ENV_WORD("ESC_W_PID=%d", (int) getpid());
	ENV_WORD("ESC_W_SENTINEL=%d", (int) sentinels[0]);
	ENV_WORD("ESC_W_GROUP=%d", (int) sentinels[1]);
	ENV_WORD("ESC_W_HEAP=%p", (void *) heap);
	ENV_WORD("ESC_W_TCP=%d", tcp_port);
	ENV_WORD("ESC_W_UDP=%d", udp_port);
	if (peer_pid > 0 && peer_heap) {
		ENV_WORD("ESC_W_PEER_PID=%d", (int) peer_pid);
		ENV_WORD("ESC_W_PEER_HEAP=%p", peer_heap);
	}
#undef ENV_WORD
	k = 0;
	run_argv[k++] = o.run[0];
	run_argv[k++] = o.run[1];
	for (int i = 0; i < nenv; i++) {
		run_argv[k++] = (char *) "--env";
		run_argv[k++] = env_words[i];
	}
	for (int i = 2; i < o.nrun; i++)
		run_argv[k++] = o.run[i];
	run_argv[k] = NULL;
	if (spawn(&box, run_argv, sentinels[1], false, NULL) < 0)
		return setup_fail("spawn apbox");

	/* While apbox runs: relay, serve, probe.  After it: drain, 300 ms at most. */
	next_probe = now_ms();
	for (long iter = 0; iter < 10000000; iter++) {
		struct pollfd p[7] = {
			{.fd = tcp, .events = POLLIN},	    {.fd = udp, .events = POLLIN},
			{.fd = abs_fd, .events = POLLIN},   {.fd = path_fd, .events = POLLIN},
			{.fd = box.out, .events = POLLIN},  {.fd = box.err, .events = POLLIN},
			{.fd = peer.out, .events = POLLIN},
		};
		long long now = now_ms(), wait_ms;

		if (!box.done && now >= next_probe) {
			probe(&pr, o.locks, o.nlocks);
			next_probe = now + PROBE_MS;
		}
		if (!box.done && !killed_for_time && now - start > (long long) o.timeout * 1000) {
			(void) kill(box.pid, SIGKILL);
			killed_for_time = true;
		}
		if (box.done && (now >= drain_until || (box.out < 0 && box.err < 0)))
			break;
		wait_ms = (box.done ? drain_until : next_probe) - now;
		if (wait_ms < 0)
			wait_ms = 0;
		if (poll(p, 7, (int) (wait_ms < PROBE_MS ? wait_ms : PROBE_MS)) > 0) {
			if (p[0].revents)
				serve(tcp, false, &n_tcp);
			if (p[1].revents)
				serve(udp, true, &n_udp);
			if (p[2].revents)
				serve(abs_fd, false, &n_abs);
			if (p[3].revents)
				serve(path_fd, false, &n_path);
			if (p[4].revents &&
			    feed(&box_out, buf, relay(&box.out, 1, buf, sizeof(buf)))) {
				/* The box holds what it took: look now, then let it go. */
				probe(&pr, o.locks, o.nlocks);
				(void) !write(box.in, GO_LINE, strlen(GO_LINE));
			}
			if (p[5].revents)
				(void) relay(&box.err, 2, buf, sizeof(buf));
			if (p[6].revents)
				(void) feed(&peer_out, buf, relay(&peer.out, -1, buf, sizeof(buf)));
		}
		if (!box.done) {
			reap(&box);
			if (box.done)
				drain_until = now_ms() + 300;
		}
		reap(&peer);
	}

	/*
	 * What the box left of the worker's processes (ids kept for the
	 * report).  A SIGKILL sent is not yet a death: 200 ms for those to end.
	 */
	memcpy(alive, sentinels, sizeof(alive));
	for (int i = 0; i < 20; i++) {
		if (i == 0 || alive[0] > 0)
			sentinel_state(&alive[0], st_worker, sizeof(st_worker));
		if (i == 0 || alive[1] > 0)
			sentinel_state(&alive[1], st_group, sizeof(st_group));
		if (i == 0 || alive[2] > 0)
			sentinel_state(&alive[2], st_group2, sizeof(st_group2));
		if (alive[0] <= 0 && alive[1] <= 0 && alive[2] <= 0)
			break;
		(void) poll(NULL, 0, 10);
	}

	/*
	 * The other box: shut its stdin, read its verdict and reap it, 10 s at
	 * most, and 300 ms after its apbox ended (a survivor may hold the socket).
	 */
	if (peer.pid > 0) {
		long long until = now_ms() + 10000, drain = peer.done ? now_ms() + 300 : until;

		(void) shutdown(peer.in, SHUT_WR);
		while (now_ms() < until && now_ms() < drain && (!peer.done || peer.out >= 0)) {
			struct pollfd p = {.fd = peer.out, .events = POLLIN};

			if (poll(&p, 1, 50) > 0)
				(void) feed(&peer_out, buf, relay(&peer.out, -1, buf, sizeof(buf)));
			if (!peer.done) {
				reap(&peer);
				if (peer.done)
					drain = now_ms() + 300;
			}
		}
		if (!peer.done) {
			(void) kill(peer.pid, SIGKILL);
			while (waitpid(peer.pid, &peer.status, 0) < 0 && errno == EINTR)
				;
			peer.done = true;
		}
	}

	/* What the box left on the worker's file and directory. */
	if (o.home) {
		xattr_names(secret_path, xa_file, sizeof(xa_file));
		xattr_names(o.home, xa_home, sizeof(xa_home));
	}

	/* The sentinels are the worker's to end: those not reaped yet. */
	for (k = 0; k < 3; k++) {
		if (alive[k] <= 0)
			continue;
		(void) kill(alive[k], SIGKILL);
		(void) waitpid(alive[k], NULL, 0);
	}

	rep = fdopen(o.report, "w");
	if (!rep)
		return setup_fail("the report descriptor");
	fprintf(rep, "pid=%d\nsentinel=%d\ngroup=%d\n", (int) getpid(), (int) sentinels[0],
		(int) sentinels[1]);
	fprintf(rep, "heap=%p\nheap_secret=%s\nfile_secret=apbox-esc-worker-file-%s\n",
		(void *) heap, heap_want, hexf);
	fprintf(rep, "tcp=%d\nudp=%d\n", tcp_port, udp_port);
	if (killed_for_time)
		(void) snprintf(buf, sizeof(buf), "timeout");
	else
		status_text(box.status, buf, sizeof(buf));
	fprintf(rep, "apbox=%s\n", buf);
	fprintf(rep, "heap_after=%s\n",
		memcmp(heap, heap_want, sizeof(heap_want)) == 0 ? "intact" : "changed");
	fprintf(rep, "sentinel_after=%s\ngroup_after=%s\ngroup2_after=%s\n", st_worker, st_group,
		st_group2);
	fprintf(rep, "tcp_count=%ld\nudp_count=%ld\nabstract_count=%ld\npath_count=%ld\n", n_tcp,
		n_udp, n_abs, n_path);
	fprintf(rep, "holds=%ld\nprobes=%ld\ninotify_fail=%ld\ninotify_errno=%s\n", box_out.holds,
		pr.n, pr.inotify_fail, pr.inotify_fail ? strerror(pr.inotify_errno) : "none");
	fprintf(rep, "lock_held=%ld\nlock_error=%ld\n", pr.lock_held, pr.lock_error);
	fprintf(rep, "file_xattrs=%s\nhome_xattrs=%s\n", xa_file, xa_home);
	if (peer.pid > 0) {
		status_text(peer.status, buf, sizeof(buf));
		fprintf(rep, "peer_ready=%s\npeer_pid=%d\npeer_heap=%p\n",
			peer_out.ready[0] ? "yes" : "no", (int) peer_pid, peer_heap);
		fprintf(rep, "peer_secret=%s\npeer_apbox=%s\npeer_heap_after=%s\n",
			peer_env + strlen("ESC_PEER_SECRET="), buf,
			peer_out.verdict[0] ? peer_out.verdict : "unknown");
	}
	(void) fclose(rep);
	(void) close(box.in);
	if (killed_for_time)
		return 128 + SIGKILL;
	if (WIFSIGNALED(box.status))
		return 128 + WTERMSIG(box.status);
	return WEXITSTATUS(box.status);
}
