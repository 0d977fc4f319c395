/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * template: box_root's template mount namespace (see template.h), keeper
 * side.  A run's keeper computes the template's name from the planned
 * rules, opens its pin (or makes it, under box_root/.tpl.lock: a process in
 * new mount and pid namespaces builds it with mounts_build_root() and the
 * keeper pins its mount namespace), and clones detached copies of the run's
 * own bind sources with the box uid's permissions.  spawn_run() enters the
 * template for the clone() and steps back.
 */
#include "config.h"

#include "template.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "box.h"
#include "conf.h"
#include "err.h"
#include "mount-api.h"
#include "ns.h"
#include "spawn.h"
#include "util.h"

#define PIN_PREFIX    ".tpl-"
#define LOCK_NAME     ".tpl.lock"
#define TEMPLATES_MAX 8

static bool
is_bind(const struct dir_rule *r)
{
	return !(r->flags & (RULE_TMP | RULE_FS | RULE_MINIDEV | RULE_SYMLINK));
}

bool
template_fits(const struct dir_rules *rs)
{
	bool dev = false, proc = false;

	for (size_t i = 0; i < rs->n; i++) {
		const struct dir_rule *r = &rs->v[i];
		bool fs_proc = (r->flags & RULE_FS) && strcmp(r->outside, "proc") == 0;

		if (r->flags & RULE_MINIDEV)
			return false;
		if ((r->flags & RULE_FS) && strcmp(r->outside, "sysfs") == 0)
			return false;
		if (strcmp(r->inside, "/dev") == 0 && (r->flags & RULE_STATIC))
			dev = true;
		if (fs_proc) {
			if (strcmp(r->inside, "/proc") != 0 || (r->flags & RULE_MAYBE) || proc)
				return false;
			proc = true;
		} else if (strcmp(r->inside, "/proc") == 0 || path_below(r->inside, "/proc")) {
			return false;
		}
		if (r->flags & RULE_STATIC)
			continue;
		if (is_bind(r) && (r->flags & RULE_NOREC))
			return false;
		/* A static mount below the run's would be covered by it. */
		for (size_t j = 0; j < rs->n; j++)
			if ((rs->v[j].flags & RULE_STATIC) &&
			    path_below(rs->v[j].inside, r->inside))
				return false;
	}
	return dev && proc;
}

/* FNV-1a, continued over s and a line end. */
static uint64_t
hash_line(uint64_t h, const char *s)
{
	for (;; s++) {
		h = (h ^ (unsigned char) (*s ? *s : '\n')) * 1099511628211ULL;
		if (!*s)
			return h;
	}
}

/*
 * The template's name: the static rules (each with the device and inode of
 * its source, or "-" when it is missing) and where the other rules go and
 * the point each gets, in order; never the other rules' sources, which
 * differ from box to box (/box) and run to run.
 */
static uint64_t
template_hash(const struct dir_rules *rs, const enum mounts_point *points)
{
	uint64_t h = hash_line(14695981039346656037ULL, "apbox-template-1 " PACKAGE_VERSION);

	for (size_t i = 0; i < rs->n; i++) {
		const struct dir_rule *r = &rs->v[i];
		cleanup_free char *f = (r->flags & RULE_STATIC) ? rules_format(r) : NULL;
		char id[80] = "-";
		struct stat st;

		if (r->flags & RULE_STATIC) {
			if (is_bind(r) && stat(r->outside, &st) == 0)
				(void) snprintf(id, sizeof(id), "%llx:%llx",
						(unsigned long long) st.st_dev,
						(unsigned long long) st.st_ino);
			h = hash_line(hash_line(hash_line(h, "s"), f), id);
		} else {
			(void) snprintf(id, sizeof(id), "%d", (int) points[i]);
			h = hash_line(hash_line(hash_line(h, "r"), r->inside), id);
		}
	}
	return h;
}

/* The box uid's permissions for path walks (fsuid, fsgid, no groups), and back. */
struct saved_ids {
	gid_t *groups;
	int n;
	uid_t fsuid;
	gid_t fsgid;
	bool switched;
};

static int
as_box(struct saved_ids *s, uid_t uid, gid_t gid)
{
	s->n = getgroups(0, NULL);
	if (s->n < 0)
		return -errno;
	s->groups = xcalloc((size_t) s->n + 1, sizeof(gid_t));
	if (getgroups(s->n, s->groups) < 0 || setgroups(0, NULL) < 0) {
		int en = errno;

		/* The groups are as they were: nothing to put back. */
		free(s->groups);
		s->groups = NULL;
		return -en;
	}
	s->fsgid = (gid_t) setfsgid(gid);
	s->fsuid = (uid_t) setfsuid(uid);
	s->switched = true;
	/* setfs*id() report no error: they answer the previous value. */
	if ((uid_t) setfsuid(uid) != uid || (gid_t) setfsgid(gid) != gid)
		return -EPERM;
	return 0;
}

static void
back_to_root(struct saved_ids *s)
{
	if (s->switched) {
		(void) setfsuid(s->fsuid);
		(void) setfsgid(s->fsgid);
	}
	if (s->groups && setgroups((size_t) s->n, s->groups) < 0)
		abort(); /* never run on with the box's groups */
	free(s->groups);
	s->groups = NULL;
}

/*
 * A detached copy of rule r's source with its attributes set.  Below the
 * guard no symlink is followed (as the full build does).  Returns the fd,
 * -ENOENT for a missing "maybe" source (no point), or -errno.
 */
static int
source_tree(const struct dir_rule *r, const char *guard, enum mounts_point *pt)
{
#if defined(SYS_open_tree) && defined(SYS_mount_setattr)
	struct setattr_args a = {.attr_set = mounts_rule_attrs(r->flags)};
	cleanup_close int src = -1;
	struct stat st;
	int tree;

	if (guard && path_below(r->outside, guard)) {
		src = open_guarded(r->outside, guard, O_PATH, 0);
		if (src < 0)
			return src;
		tree = (int) syscall(SYS_open_tree, src, "",
				     AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					     AT_RECURSIVE);
	} else {
		tree = (int) syscall(SYS_open_tree, AT_FDCWD, r->outside,
				     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	}
	if (tree < 0)
		return -errno;
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0 ||
	    fstat(tree, &st) < 0) {
		int en = errno;
		(void) close(tree);
		return -en;
	}
	*pt = S_ISDIR(st.st_mode) ? MOUNTS_POINT_DIR : MOUNTS_POINT_FILE;
	return tree;
#else
	(void) r;
	(void) guard;
	(void) pt;
	return -ENOSYS;
#endif
}

/*
 * The proxy attaches the run's binds with move_mount(): a kernel (or a
 * tracer) without it keeps the full build, which has a fallback.  The
 * keeper checks open_tree() and mount_setattr() as it uses them.
 */
static bool
has_move_mount(void)
{
#ifdef SYS_move_mount
	return syscall(SYS_move_mount, -1, "", -1, "", 0) < 0 && errno != ENOSYS;
#else
	return false;
#endif
}

/* The run's own bind sources, as the box uid: 0, or -errno (then the full build). */
static int
open_sources(const struct run_plan *p, struct template_run *t)
{
	const struct dir_rules *rs = p->mounts.rules;
	struct saved_ids ids = {0};
	int ret = as_box(&ids, p->map_uid, p->map_gid);

	for (size_t i = 0; ret == 0 && i < rs->n; i++) {
		const struct dir_rule *r = &rs->v[i];
		int tree;

		if (r->flags & RULE_STATIC)
			continue;
		t->points[i] = MOUNTS_POINT_DIR;
		if (!is_bind(r))
			continue;
		tree = source_tree(r, p->mounts.guard, &t->points[i]);
		if ((tree == -ENOENT || tree == -ENOTDIR) && (r->flags & RULE_MAYBE))
			t->points[i] = MOUNTS_POINT_NONE;
		else if (tree < 0)
			ret = tree;
		else
			t->trees[i] = tree;
	}
	back_to_root(&ids);
	return ret;
}

/* Unpin and remove every template of box_root (root, open as rootfd). */
static int
remove_templates(int rootfd, const char *root, struct ap_err *e)
{
	cleanup_close int dfd = dup(rootfd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;
	int ret = 0;

	if (!d)
		return ap_err_set(e, errno, "cannot list \"%s\"", root);
	dfd = -1; /* the DIR owns it now; the offset is rootfd's too */
	rewinddir(d);
	while ((de = readdir(d))) {
		cleanup_free char *path = NULL;

		if (strncmp(de->d_name, PIN_PREFIX, strlen(PIN_PREFIX)) != 0)
			continue;
		path = xasprintf("%s/%s", root, de->d_name);
		ret = ns_unpin(path, e);
		if (ret < 0)
			break;
	}
	(void) closedir(d);
	return ret;
}

/* How many templates box_root holds (rootfd). */
static int
count_templates(int rootfd)
{
	cleanup_close int dfd = dup(rootfd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	dfd = -1; /* the DIR owns it now; the offset is rootfd's too */
	rewinddir(d);
	while ((de = readdir(d)))
		n += strncmp(de->d_name, PIN_PREFIX, strlen(PIN_PREFIX)) == 0;
	(void) closedir(d);
	return n;
}

/* Take box_root's template lock (made when missing); returns its fd or -errno. */
static int
lock_templates(int rootfd, const char *root, struct ap_err *e)
{
	int lock = openat(rootfd, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (lock < 0 || flock(lock, LOCK_EX) < 0) {
		int en = errno;

		if (lock >= 0)
			(void) close(lock);
		return ap_err_set(e, en, "cannot lock \"%s/%s\"", root, LOCK_NAME);
	}
	return lock;
}

int
template_remove_all(const char *box_root, struct ap_err *e)
{
	cleanup_close int rootfd = open(box_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int lock = -1;

	if (rootfd < 0)
		return errno == ENOENT ? 0 : ap_err_set(e, errno, "cannot open \"%s\"", box_root);
	lock = lock_templates(rootfd, box_root, e);
	if (lock < 0)
		return lock;
	return remove_templates(rootfd, box_root, e);
}

/*
 * The template maker: PID 1 of a new pid namespace, in a new mount
 * namespace.  Builds the template, reports, and waits to be killed (the
 * keeper pins its mount namespace first).
 */
static void __attribute__((noreturn))
maker(const struct run_plan *p, const struct template_run *t, int fd)
{
	struct mounts_plan mp = p->mounts;
	struct ap_err e = {0};
	char c;

	(void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (p->box && p->box->lock_fd >= 0)
		(void) close(p->box->lock_fd);
	mp.build = MOUNTS_BUILD_TEMPLATE;
	mp.points = t->points;
	mp.trees = NULL;
	if (mounts_build_root(&mp, &e) < 0)
		ap_child_fail(fd, &e);
	ap_report_send(fd, AP_REPORT_STATUS, 0, NULL);
	/* The keeper kills us once it pinned our namespace (or closes its end). */
	if (read(fd, &c, 1) < 0)
		_exit(AP_EXIT_FAIL);
	_exit(0);
}

/* Make the template and pin it on path (which does not exist). */
static int
make_template(const struct run_plan *p, const struct template_run *t, const char *path,
	      struct ap_err *e)
{
	cleanup_close int file = -1;
	int sp[2] = {-1, -1}, ret;
	struct ap_report err_rep = {0};
	char ns[64];
	pid_t pid;

	file = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
	if (file < 0)
		return ap_err_set(e, errno, "cannot create \"%s\"", path);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
		ret = ap_err_set(e, errno, "cannot create a socket pair");
		goto fail;
	}
	pid = (pid_t) syscall(SYS_clone, (unsigned long) (CLONE_NEWNS | CLONE_NEWPID | SIGCHLD),
			      NULL, NULL, NULL, 0);
	if (pid < 0) {
		ret = ap_err_set(e, errno, "cannot start the template's maker");
		goto fail;
	}
	if (pid == 0) {
		(void) close(sp[0]);
		maker(p, t, sp[1]);
	}
	(void) close(sp[1]);
	sp[1] = -1;
	if (read(sp[0], &err_rep, sizeof(err_rep)) != (ssize_t) sizeof(err_rep))
		ret = ap_err_set(e, EIO, "the template's maker ended early");
	else if (err_rep.kind == AP_REPORT_ERROR)
		ret = ap_err_set(e, err_rep.err.errnum, "%s", err_rep.err.msg);
	else {
		(void) snprintf(ns, sizeof(ns), "/proc/%d/ns/mnt", (int) pid);
		ret = mounts_pin_ns(ns, path, e);
	}
	(void) kill(pid, SIGKILL);
	(void) waitpid(pid, NULL, 0);
	(void) close(sp[0]);
	if (ret == 0)
		return 0;
fail:
	if (sp[0] >= 0)
		(void) close(sp[0]);
	if (sp[1] >= 0)
		(void) close(sp[1]);
	{
		struct ap_err ignore;
		(void) ns_unpin(path, &ignore);
	}
	return ret;
}

/* The pinned template at path, opened; -ENOENT when it is not there (e not set). */
static int
open_pin(const char *path, struct ap_err *e)
{
	int fd = ns_open_pinned(path);

	if (fd < 0 && fd != -ENOENT)
		return ap_err_set(e, -fd, "cannot open \"%s\"", path);
	return fd;
}

/* The pinned template named name in box_root, made when missing.  Returns an fd or -errno. */
static int
open_template(const struct run_plan *p, const struct template_run *t, const char *root,
	      const char *name, struct ap_err *e)
{
	cleanup_free char *path = xasprintf("%s/%s", root, name);
	cleanup_close int rootfd = -1, lock = -1;
	int fd = open_pin(path, e), ret;

	if (fd != -ENOENT)
		return fd;
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return ap_err_set(e, errno, "cannot open \"%s\"", root);
	lock = lock_templates(rootfd, root, e);
	if (lock < 0)
		return lock;
	fd = open_pin(path, e);
	if (fd != -ENOENT)
		return fd;
	/*
	 * Several rule sets may be in use at once (a worker's jobs with and
	 * without an optional rule, a native and an isolate-style caller):
	 * up to TEMPLATES_MAX templates stay.  One more removes them all, which
	 * also drops those whose sources were replaced and will not be used again.
	 */
	if (count_templates(rootfd) >= TEMPLATES_MAX)
		ret = remove_templates(rootfd, root, e);
	else /* a plain file left where the pin goes */
		ret = ns_unpin(path, e);
	if (ret < 0)
		return ret;
	ret = make_template(p, t, path, e);
	if (ret < 0)
		return ret;
	ap_log(1, "made the mount template \"%s\"", path);
	fd = open_pin(path, e);
	return fd == -ENOENT ? ap_err_set(e, ENOENT, "cannot open \"%s\"", path) : fd;
}

void
template_prepare(const struct run_plan *p, struct template_run *t, struct mounts_plan *mp,
		 const struct box *b, const struct ap_conf *c)
{
	const struct dir_rules *rs = p->mounts.rules;
	struct ap_err e = {0};
	char name[32];
	int fd;

	if (!c->mount_template || b->rootless || p->rootless || !(p->plan_flags & PLAN_NEW_ROOT) ||
	    !(p->plan_flags & PLAN_USERNS) || !rs || !template_fits(rs) || !has_move_mount())
		return;
	t->fd = -1;
	t->n = rs->n;
	t->points = xcalloc(rs->n, sizeof(*t->points));
	t->trees = xcalloc(rs->n, sizeof(*t->trees));
	for (size_t i = 0; i < rs->n; i++)
		t->trees[i] = -1;
	if (open_sources(p, t) < 0) {
		template_run_free(t);
		return;
	}
	(void) snprintf(name, sizeof(name), PIN_PREFIX "%016llx",
			(unsigned long long) template_hash(rs, t->points));
	fd = open_template(p, t, b->root, name, &e);
	if (fd < 0) {
		char line[512];

		ap_err_format(&e, line, sizeof(line));
		ap_log(1, "box %d: no mount template (%s): the proxy builds the root", b->id, line);
		template_run_free(t);
		return;
	}
	t->fd = fd;
	mp->build = MOUNTS_BUILD_IN_TEMPLATE;
	mp->points = t->points;
	mp->trees = t->trees;
}

void
template_run_free(struct template_run *t)
{
	/* Nothing is open before the arrays exist (a zeroed store holds fd 0, not an fd). */
	if (!t->trees)
		return;
	for (size_t i = 0; i < t->n; i++)
		if (t->trees[i] >= 0)
			(void) close(t->trees[i]);
	if (t->fd >= 0)
		(void) close(t->fd);
	free(t->trees);
	free(t->points);
	t->trees = NULL;
	t->points = NULL;
	t->fd = -1;
	t->n = 0;
}
