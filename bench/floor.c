/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * floor: the least a namespace sandbox must do to run one program, the
 * baseline that bench/run divides apbox's times by.
 *
 * One clone() with the namespaces of apbox's process mode (user, pid,
 * mount, uts, ipc, cgroup, net); the child makes "/" private, binds one
 * directory read-only, mounts a fresh /proc and execve()s the program; the
 * parent waits.  Nothing else: no cgroup, no uid switch, no capability
 * drop, no seccomp, no new root.  With -m the parent also writes the user
 * namespace maps (uid and gid 0 inside = the caller outside, like
 * unshare -r) and releases the child through a pipe, which every real
 * sandbox has to do; bench/run measures both.
 *
 * Usage: floor [-m] [-b DIR] PROGRAM [ARG...]   (DIR defaults to /usr)
 * Exit status: the program's, 128+N when it died of signal N, 125 when the
 * floor itself failed.  Like apbox's child, the child reports nothing
 * between clone() and execve() but its exit status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define FLOOR_FAIL 125
#define NS_FLAGS                                                                    \
	(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | \
	 CLONE_NEWCGROUP | CLONE_NEWNET)

struct child_args {
	const char *bind;
	char **argv;
	int sync_fd; /* -1 without -m */
};

static int
child(const struct child_args *a)
{
	char go;

	if (a->sync_fd >= 0 && read(a->sync_fd, &go, 1) != 1)
		_exit(FLOOR_FAIL);
	/* Why private: our mounts must not propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		_exit(FLOOR_FAIL);
	/* A read-only bind takes two calls: bind, then remount the bind read-only. */
	if (mount(a->bind, a->bind, NULL, MS_BIND, NULL) < 0 ||
	    mount(NULL, a->bind, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV,
		  NULL) < 0)
		_exit(FLOOR_FAIL);
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		_exit(FLOOR_FAIL);
	(void) execv(a->argv[0], a->argv);
	_exit(errno == ENOENT ? 127 : 126);
}

static int
write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	(void) close(fd);
	return n == (ssize_t) strlen(s) ? 0 : -1;
}

static int
write_maps(pid_t pid)
{
	char path[64], map[64];

	/* Root may keep setgroups; anyone else must deny it before writing gid_map. */
	if (getuid() != 0) {
		(void) snprintf(path, sizeof(path), "/proc/%d/setgroups", (int) pid);
		if (write_file(path, "deny") < 0)
			return -1;
	}
	(void) snprintf(path, sizeof(path), "/proc/%d/uid_map", (int) pid);
	(void) snprintf(map, sizeof(map), "0 %u 1", (unsigned) getuid());
	if (write_file(path, map) < 0)
		return -1;
	(void) snprintf(path, sizeof(path), "/proc/%d/gid_map", (int) pid);
	(void) snprintf(map, sizeof(map), "0 %u 1", (unsigned) getgid());
	return write_file(path, map);
}

int
main(int argc, char **argv)
{
	struct child_args a = {.bind = "/usr", .sync_fd = -1};
	int syncp[2] = {-1, -1}, opt, st;
	int want_maps = 0;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+mb:")) != -1) {
		switch (opt) {
		case 'm':
			want_maps = 1;
			break;
		case 'b':
			a.bind = optarg;
			break;
		default:
			(void) fprintf(stderr, "usage: floor [-m] [-b DIR] PROGRAM [ARG...]\n");
			return 2;
		}
	}
	if (optind >= argc) {
		(void) fprintf(stderr, "usage: floor [-m] [-b DIR] PROGRAM [ARG...]\n");
		return 2;
	}
	a.argv = argv + optind;
	if (want_maps) {
		if (pipe2(syncp, O_CLOEXEC) < 0) {
			perror("floor: pipe");
			return FLOOR_FAIL;
		}
		a.sync_fd = syncp[0];
	}
	/*
	 * fork-like clone (no new stack): the raw syscall returns 0 in the
	 * child, as apbox's clone3() does; glibc's clone() wrapper would need a
	 * stack of its own.
	 */
	pid = (pid_t) syscall(SYS_clone, (unsigned long) NS_FLAGS | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0) {
		perror("floor: clone");
		return FLOOR_FAIL;
	}
	if (pid == 0)
		child(&a);
	if (want_maps) {
		(void) close(syncp[0]);
		if (write_maps(pid) < 0 || write(syncp[1], "g", 1) != 1) {
			perror("floor: user namespace maps");
			(void) kill(pid, SIGKILL);
		}
		(void) close(syncp[1]);
	}
	if (waitpid(pid, &st, 0) < 0) {
		perror("floor: waitpid");
		return FLOOR_FAIL;
	}
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
