/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * template: what a run saves when the static part of the box's tree lives
 * in a mount namespace made once (a "template", pinned like a box's network
 * namespace) instead of being built by every run: the measurement that
 * decided apbox's own template (src/template.c), kept to repeat it on
 * other kernels.  Run by hand, as root, not by bench/run.
 *
 * Two ways to run /usr/bin/true in user, pid, mount, UTS and IPC namespaces
 * with a tree like a box's (/usr, /etc and a /dev directory bound
 * read-only, a writable /box, a fresh /tmp and /proc):
 *
 *   copy      apbox's way: clone() copies the host's mounts; the child
 *             mounts a tmpfs root, makes the mount points, binds four
 *             trees, mounts /tmp and /proc, pivots into the root, detaches
 *             the old one and makes "/" read-only;
 *   template  the parent clones a detached copy of DIR/box (open_tree), enters
 *             the template for the clone() and goes back; the child copy
 *             holds the root with /usr, /etc, /dev and a proc already, and
 *             the child only attaches /box and mounts /tmp and /proc.
 *
 * Usage: template DIR setup|copy|template|teardown   (DIR: empty, searchable by uid 60000)
 *   setup     makes DIR/root, DIR/dev, DIR/box and pins the template on DIR/pin
 *   teardown  unpins it and removes what setup made
 * Timed with the harness, e.g. rows "copy  ./template DIR copy" and
 * "tpl  ./template DIR template" in one spec file.
 * Exit status: the program's; 125 when this program failed, 2 for usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define FAIL	 125
#define NS_FLAGS (CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC)
#define RO	 (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)
#define RW	 (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)

static const char *dir;

static void __attribute__((noreturn)) die(const char *what)
{
	(void) fprintf(stderr, "template: %s: %s\n", what, strerror(errno));
	_exit(FAIL);
}

static const char *
at(const char *rel)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	(void) snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, rel);
	return buf[i];
}

/* A detached recursive copy of src with attr set on it. */
static int
tree(const char *src, unsigned long long attr)
{
	struct mount_attr a = {.attr_set = attr};
	int fd = (int) syscall(SYS_open_tree, AT_FDCWD, src,
			       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);

	if (fd < 0)
		die(src);
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
		die("mount_setattr");
	return fd;
}

static void
attach(int fd, const char *to)
{
	if (syscall(SYS_move_mount, fd, "", AT_FDCWD, to, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		die(to);
	(void) close(fd);
}

static void
fresh(const char *type, const char *to, unsigned long flags, const char *data)
{
	if (mount(type, to, type, flags, data) < 0)
		die(to);
}

/* The root tmpfs on DIR/root with its mount points and merged-/usr links. */
static void
make_root(void)
{
	static const char *const points[] = {"usr", "etc", "dev", "proc", "tmp", "box"};
	char p[600];

	fresh("tmpfs", at("root"), MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=64k");
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		(void) snprintf(p, sizeof(p), "%s/%s", at("root"), points[i]);
		if (mkdir(p, 0755) < 0)
			die(p);
	}
	if (symlink("usr/bin", at("root/bin")) < 0 || symlink("usr/lib", at("root/lib")) < 0 ||
	    symlink("usr/lib64", at("root/lib64")) < 0)
		die("symlink");
}

/* The static part: what a template holds, and what "copy" builds each run. */
static void
bind_static(void)
{
	attach(tree("/usr", RO), at("root/usr"));
	attach(tree("/etc", RO), at("root/etc"));
	attach(tree(at("dev"), RO), at("root/dev"));
}

/* pivot_root into DIR/root, the old root detached, "/" read-only. */
static void
enter_root(void)
{
	struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY};

	if (chdir(at("root")) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
	    umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		die("pivot_root");
	if (syscall(SYS_mount_setattr, AT_FDCWD, "/", 0, &a, sizeof(a)) < 0)
		die("read-only root");
}

/* Wait for the id maps, then take uid and gid 0 of the new user namespace. */
static void
take_ids(int go)
{
	char c;

	if (read(go, &c, 1) != 1)
		_exit(FAIL);
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		die("ids");
}

static void __attribute__((noreturn)) run_true(void)
{
	char *const argv[] = {"/usr/bin/true", NULL};

	(void) execv(argv[0], argv);
	die("execve");
}

static void __attribute__((noreturn)) child_copy(int go)
{
	take_ids(go);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("private");
	make_root();
	bind_static();
	attach(tree(at("box"), RW), at("root/box"));
	fresh("tmpfs", at("root/tmp"), MS_NOSUID | MS_NODEV, "size=1m");
	fresh("proc", at("root/proc"), MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	enter_root();
	run_true();
}

static void __attribute__((noreturn)) child_template(int go, int box)
{
	take_ids(go);
	attach(box, "/box");
	fresh("tmpfs", "/tmp", MS_NOSUID | MS_NODEV, "size=1m");
	/* Allowed in a user namespace because the template's proc is fully visible. */
	fresh("proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	run_true();
}

static void
write_map(pid_t pid, const char *which)
{
	char path[64];
	int fd;

	(void) snprintf(path, sizeof(path), "/proc/%d/%s", (int) pid, which);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "0 60000 1", 9) != 9)
		die(path);
	(void) close(fd);
}

static int
run(int use_template)
{
	int p[2], box = -1, tpl = -1, host = -1, cwd = -1, st;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	if (use_template) {
		box = tree(at("box"), RW);
		tpl = open(at("pin"), O_RDONLY | O_CLOEXEC);
		host = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
		cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (tpl < 0 || host < 0 || cwd < 0)
			die("open");
		if (setns(tpl, CLONE_NEWNS) < 0)
			die("setns into the template");
	}
	pid = (pid_t) syscall(SYS_clone, (unsigned long) NS_FLAGS | SIGCHLD, NULL, NULL, NULL, 0);
	if (pid < 0)
		die("clone");
	if (pid == 0) {
		(void) close(p[1]);
		if (use_template)
			child_template(p[0], box);
		child_copy(p[0]);
	}
	if (use_template) {
		if (setns(host, CLONE_NEWNS) < 0 || fchdir(cwd) < 0)
			die("setns back");
		(void) close(box);
	}
	(void) close(p[0]);
	write_map(pid, "uid_map");
	write_map(pid, "gid_map");
	if (write(p[1], "g", 1) != 1)
		die("release");
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int
setup(void)
{
	int p[2], fd;
	char c, ns[64];
	pid_t pid;

	if (mkdir(at("root"), 0755) < 0 || mkdir(at("dev"), 0755) < 0 || mkdir(at("box"), 0755) < 0)
		die("mkdir");
	fd = open(at("pin"), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 || pipe2(p, O_CLOEXEC) < 0)
		die("pin");
	(void) close(fd);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			die("unshare");
		make_root();
		bind_static();
		fresh("proc", at("root/proc"), MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
		enter_root();
		if (write(p[1], "r", 1) != 1)
			die("ready");
		(void) pause();
		_exit(0);
	}
	if (read(p[0], &c, 1) != 1)
		die("the template's maker failed");
	(void) snprintf(ns, sizeof(ns), "/proc/%d/ns/mnt", (int) pid);
	if (mount(ns, at("pin"), NULL, MS_BIND, NULL) < 0)
		die("pin");
	(void) kill(pid, SIGKILL);
	(void) waitpid(pid, NULL, 0);
	return 0;
}

static int
teardown(void)
{
	(void) umount2(at("pin"), MNT_DETACH | UMOUNT_NOFOLLOW);
	(void) unlink(at("pin"));
	(void) rmdir(at("root"));
	(void) rmdir(at("dev"));
	(void) rmdir(at("box"));
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		(void) fprintf(stderr, "usage: template DIR setup|copy|template|teardown\n");
		return 2;
	}
	dir = argv[1];
	if (strcmp(argv[2], "setup") == 0)
		return setup();
	if (strcmp(argv[2], "teardown") == 0)
		return teardown();
	if (strcmp(argv[2], "copy") == 0)
		return run(0);
	if (strcmp(argv[2], "template") == 0)
		return run(1);
	(void) fprintf(stderr, "usage: template DIR setup|copy|template|teardown\n");
	return 2;
}
