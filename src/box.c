/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * box: the on-disk box and its lock.  box_root itself is the administrator's
 * (symlinks in its path are followed once, when it is opened); everything
 * below it is reached with openat(O_NOFOLLOW) from that fd, and removed or
 * chowned by util.c's walks, which neither follow symlinks nor cross mounts.
 */
#include "config.h"

#include "box.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "err.h"
#include "mounts.h"
#include "util.h"

#define LOCK_MAGIC "apbox-lock-1"
/* The size of the state record (a line padded with spaces). */
#define LOCK_RECORD 128

int
box_open(struct box *b, const struct ap_conf *c, uint64_t id, struct ap_err *e)
{
	memset(b, 0, sizeof(*b));
	b->lock_fd = -1;
	if (id >= c->num_boxes)
		return ap_err_set(e, 0, "box id %llu out of range (0..%llu, num_boxes in %s)",
				  (unsigned long long) id, (unsigned long long) c->num_boxes - 1,
				  c->file ? c->file : "the built-in configuration");
	if (c->first_uid + id > 4294967294ULL || c->first_gid + id > 4294967294ULL)
		return ap_err_set(e, 0, "box id %llu: uid out of range", (unsigned long long) id);
	b->id = (int) id;
	b->uid = (uid_t) (c->first_uid + id);
	b->gid = (gid_t) (c->first_gid + id);
	b->rootless = geteuid() != 0;
	b->host_uid = b->rootless ? geteuid() : b->uid;
	b->host_gid = b->rootless ? getegid() : b->gid;
	b->dir = xasprintf("%s/%d", c->box_root, b->id);
	b->work = xasprintf("%s/box", b->dir);
	b->newroot = xasprintf("%s/.root", c->box_root);
	b->netns = xasprintf("%s/netns", b->dir);
	b->root = xstrdup(c->box_root);
	b->dev = xasprintf("%s/.dev2", c->box_root);
	b->lock_path = xasprintf("%s/%d", c->lock_root, b->id);
	return 0;
}

void
box_close(struct box *b)
{
	if (b->lock_fd >= 0)
		(void) close(b->lock_fd);
	free(b->dir);
	free(b->work);
	free(b->newroot);
	free(b->netns);
	free(b->root);
	free(b->dev);
	free(b->lock_path);
	memset(b, 0, sizeof(*b));
	b->lock_fd = -1;
}

/* mkdir -p for an administrator's directory (box_root, lock_root): 0755. */
static int
mkdir_parents(const char *path, struct ap_err *e)
{
	cleanup_free char *p = xstrdup(path);

	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				return ap_err_set(e, errno, "cannot create \"%s\"", p);
			*s = c;
			if (!c)
				break;
		}
	}
	return 0;
}

static int
parse_state(const char *buf, struct box_state *st)
{
	char mode[32], cg[16];
	unsigned long owner;
	int init;

	memset(st, 0, sizeof(*st));
	/* Empty: a new lock file (or one an older apbox truncated). */
	if (!*buf)
		return 0;
	st->recorded = true;
	if (sscanf(buf, LOCK_MAGIC " init=%d", &init) == 1 && init == 0)
		return 0;
	if (sscanf(buf, LOCK_MAGIC " init=%d owner=%lu mode=%31s cg=%15s", &init, &owner, mode,
		   cg) != 4)
		return -EINVAL;
	st->initialized = init == 1;
	st->owner = (uid_t) owner;
	if (mode_parse(mode, &st->mode) < 0 || cg_version_parse(cg, &st->cg) < 0)
		return -EINVAL;
	return 0;
}

int
box_lock(struct box *b, bool wait, struct ap_err *e)
{
	cleanup_free char *lock_root = xstrdup(b->lock_path);
	char buf[256];
	ssize_t n;
	int r;

	*strrchr(lock_root, '/') = '\0';
	b->lock_fd = open(b->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (b->lock_fd < 0 && errno == ENOENT) {
		/* The first command after a reboot (lock_root on /run): make lock_root. */
		r = mkdir_parents(lock_root, e);
		if (r < 0)
			return r;
		b->lock_fd = open(b->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	}
	if (b->lock_fd < 0)
		return ap_err_set(e, errno, "cannot open lock file \"%s\"", b->lock_path);
	if (flock(b->lock_fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		if (errno == EWOULDBLOCK)
			return ap_err_set(e, 0,
					  "box %d is in use by another apbox (use --wait to wait)",
					  b->id);
		return ap_err_set(e, errno, "cannot lock \"%s\"", b->lock_path);
	}
	n = pread(b->lock_fd, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return ap_err_set(e, errno, "cannot read \"%s\"", b->lock_path);
	buf[n] = '\0';
	if (parse_state(buf, &b->state) < 0)
		return ap_err_set(e, 0, "corrupt lock file \"%s\" (run apbox cleanup -b %d)",
				  b->lock_path, b->id);
	/* Only root may touch a box another user initialised (isolate's rule). */
	if (b->state.initialized && geteuid() != 0 && b->state.owner != geteuid())
		return ap_err_set(e, EPERM, "box %d belongs to another user (uid %u)", b->id,
				  (unsigned) b->state.owner);
	return 0;
}

int
box_save_state(struct box *b, struct ap_err *e)
{
	char buf[LOCK_RECORD];
	int n;

	/*
	 * One fixed-size record rewritten in place: truncating the file would
	 * free its block (a journal write, and a discard on such mounts) at
	 * every init and cleanup.
	 */
	if (b->state.initialized)
		n = snprintf(buf, sizeof(buf), LOCK_MAGIC " init=1 owner=%u mode=%s cg=%s",
			     (unsigned) b->state.owner, mode_name(b->state.mode),
			     cg_version_name(b->state.cg));
	else
		n = snprintf(buf, sizeof(buf), LOCK_MAGIC " init=0");
	if (n < 0 || n >= (int) sizeof(buf) - 1)
		return ap_err_set(e, EOVERFLOW, "cannot write \"%s\": state too long",
				  b->lock_path);
	memset(buf + n, ' ', sizeof(buf) - (size_t) n - 1);
	buf[sizeof(buf) - 1] = '\n';
	if (pwrite(b->lock_fd, buf, sizeof(buf), 0) != (ssize_t) sizeof(buf))
		return ap_err_set(e, errno ? errno : EIO, "cannot write \"%s\"", b->lock_path);
	return 0;
}

/* Open box_root (following the administrator's symlinks, once). */
static int
open_box_root(const struct box *b, bool create, struct ap_err *e)
{
	int fd;

	if (create) {
		int r = mkdir_parents(b->root, e);
		if (r < 0)
			return r;
	}
	fd = open(b->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ap_err_set(e, errno, "cannot open box root \"%s\"", b->root);
	return fd;
}

int
box_check_searchable(const struct box *b, struct ap_err *e)
{
	cleanup_free char *p = xstrdup(b->dir);
	struct stat st;

	/*
	 * In the process modes the box's own uid binds <box>/box and mounts on
	 * <box>/root, so every directory above them must be searchable by others.
	 */
	for (char *s = strrchr(p, '/'); s && s > p; s = strrchr(p, '/')) {
		*s = '\0';
		if (stat(p, &st) < 0) {
			if (errno == ENOENT)
				continue; /* created 0755 by init */
			return ap_err_set(e, errno, "cannot stat \"%s\"", p);
		}
		if (!(st.st_mode & S_IXOTH) && !b->rootless)
			return ap_err_set(e, EACCES,
					  "\"%s\" is not searchable by the box user (chmod o+x it)",
					  p);
	}
	return 0;
}

int
box_check_work(const struct box *b, struct ap_err *e)
{
	struct stat st;

	/* Why: chdir() and bind mounts follow symlinks; the work dir must not be one. */
	if (lstat(b->work, &st) < 0)
		return ap_err_set(e, errno,
				  "box %d is damaged: cannot stat \"%s\" (run apbox init -b %d)",
				  b->id, b->work, b->id);
	if (!S_ISDIR(st.st_mode) || st.st_uid != b->host_uid)
		return ap_err_set(e, 0,
				  "box %d is damaged: \"%s\" is not the box's directory "
				  "(run apbox init -b %d)",
				  b->id, b->work, b->id);
	return 0;
}

/*
 * Remove <box_root>/<id> through rootfd (box_root), unpinning the box's
 * network namespace first; a box that is not there is success.  init (to
 * reset a box) and cleanup share it.
 */
static int
wipe_box(const struct box *b, int rootfd, struct ap_err *e)
{
	char name[16];
	int r = mounts_unpin_ns(b->netns, e);

	if (r < 0)
		return r;
	(void) snprintf(name, sizeof(name), "%d", b->id);
	r = remove_tree_at(rootfd, name);
	if (r == -EBUSY)
		return ap_err_set(e, EBUSY, "cannot remove \"%s\": a mount is still inside it",
				  b->dir);
	if (r < 0)
		return ap_err_set(e, -r, "cannot remove \"%s\"", b->dir);
	return 0;
}

int
box_create(struct box *b, struct ap_err *e)
{
	cleanup_close int rootfd = -1, dirfd = -1, workfd = -1;
	char name[16];
	int r;

	rootfd = open_box_root(b, true, e);
	if (rootfd < 0)
		return rootfd;
	/* A previous box is reset, as isolate 2.x does on --init. */
	r = wipe_box(b, rootfd, e);
	if (r < 0)
		return r;
	(void) snprintf(name, sizeof(name), "%d", b->id);
	dirfd = mkdirat_nofollow(rootfd, name, 0755);
	if (dirfd < 0)
		return ap_err_set(e, -dirfd, "cannot create \"%s\"", b->dir);
	workfd = mkdirat_nofollow(dirfd, "box", 0700);
	if (workfd < 0) {
		r = ap_err_set(e, -workfd, "cannot create \"%s\"", b->work);
		goto out;
	}
	/* The work dir belongs to the box user; nothing else in the box does. */
	if (fchown(workfd, b->host_uid, b->host_gid) < 0) {
		r = ap_err_set(e, errno, "cannot chown \"%s\"", b->work);
		goto out;
	}
	/* Made now, so that a run finds it even when box_root has filled up since. */
	r = box_make_newroot(b, e);
	if (r < 0)
		goto out;
	return 0;
out:
	(void) remove_tree_at(rootfd, name);
	return r;
}

int
box_remove(struct box *b, struct ap_err *e)
{
	cleanup_close int rootfd = open_box_root(b, false, e);
	int r;

	/* No box_root at all: no box either. */
	if (rootfd < 0 && rootfd != -ENOENT)
		return rootfd;
	if (rootfd >= 0) {
		r = wipe_box(b, rootfd, e);
		if (r < 0)
			return r;
	}
	b->state.initialized = false;
	return box_save_state(b, e);
}

bool
box_is_gone(const struct box *b)
{
	struct stat st;

	return b->state.recorded && !b->state.initialized && lstat(b->dir, &st) < 0 &&
	       errno == ENOENT;
}

static bool
is_dir_at(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* Is the copy "name" in etcfd up to date with the host file st describes? */
static bool
etc_copy_current(int etcfd, const char *name, const struct stat *st, bool rootless)
{
	struct stat cur;

	if (fstatat(etcfd, name, &cur, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(cur.st_mode))
		return false;
	return cur.st_size == st->st_size && cur.st_mtim.tv_sec == st->st_mtim.tv_sec &&
	       cur.st_mtim.tv_nsec == st->st_mtim.tv_nsec &&
	       (cur.st_mode & 07777) == (st->st_mode & 0777) &&
	       (rootless || (cur.st_uid == st->st_uid && cur.st_gid == st->st_gid));
}

/* Copy the open host file src (st) to "name" in etcfd: a new file renamed over the old. */
static int
etc_copy(int etcfd, const char *name, int src, const struct stat *st, bool rootless)
{
	cleanup_free char *tmp = xasprintf(".%s.apbox-new", name);
	cleanup_close int dst = -1;
	struct timespec times[2] = {st->st_atim, st->st_mtim};
	char buf[16384];
	ssize_t n;

	(void) unlinkat(etcfd, tmp, 0);
	dst = openat(etcfd, tmp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (dst < 0)
		return -errno;
	while ((n = read(src, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		for (ssize_t done = 0, w; done < n; done += w) {
			w = write(dst, buf + done, (size_t) (n - done));
			if (w < 0)
				goto fail;
		}
	}
	/*
	 * The owner and mode of the host file (the box reads it only if it
	 * could read that one), never its set-id bits; its mtime, by which
	 * the next run sees whether it changed.
	 */
	if ((!rootless && fchown(dst, st->st_uid, st->st_gid) < 0) ||
	    fchmod(dst, st->st_mode & 0777) < 0 || futimens(dst, times) < 0)
		goto fail;
	/* A directory of that name (the host entry was one) cannot be renamed over. */
	if (is_dir_at(etcfd, name))
		(void) remove_tree_at(etcfd, name);
	if (renameat(etcfd, tmp, etcfd, name) < 0)
		goto fail;
	return 0;
fail:;
	int en = errno;
	(void) unlinkat(etcfd, tmp, 0);
	return -en;
}

/*
 * An empty mount point "name" in etcfd for a bind of the host entry st
 * describes: a directory, or an empty file for anything else.
 */
static int
etc_point(int etcfd, const char *name, const struct stat *st)
{
	struct stat cur;
	bool want_dir = S_ISDIR(st->st_mode);
	int fd;

	if (fstatat(etcfd, name, &cur, AT_SYMLINK_NOFOLLOW) == 0) {
		if (want_dir ? S_ISDIR(cur.st_mode) : (S_ISREG(cur.st_mode) && cur.st_size == 0))
			return 0;
		(void) remove_tree_at(etcfd, name);
	}
	if (want_dir) {
		fd = mkdirat_nofollow(etcfd, name, 0755);
		if (fd < 0)
			return fd;
	} else {
		fd = openat(etcfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
			    0644);
		if (fd < 0)
			return -errno;
	}
	(void) close(fd);
	return 0;
}

/* Remove every entry of etcfd that is not one of names. */
static void
etc_prune(int etcfd, char *const *names, size_t n)
{
	DIR *d = opendir_at(etcfd);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		bool keep = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;

		for (size_t i = 0; i < n && !keep; i++)
			keep = strcmp(de->d_name, names[i]) == 0;
		if (!keep)
			(void) remove_tree_at(etcfd, de->d_name);
	}
	(void) closedir(d);
}

/* FNV-1a over the names, one per line: the name of their shared copy. */
static uint64_t
names_hash(char *const *names, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < n; i++)
		for (const char *c = names[i];; c++) {
			h = (h ^ (unsigned char) (*c ? *c : '\n')) * 1099511628211ULL;
			if (!*c)
				break;
		}
	return h;
}

int
box_sync_etc(const struct box *b, char *const *names, size_t n, bool *is_bind, char **dir,
	     struct ap_err *e)
{
	cleanup_close int rootfd = -1, etcfd = -1;
	char name[32];
	size_t i;
	int r;

	*dir = NULL;
	(void) snprintf(name, sizeof(name), ".etc-%016llx",
			(unsigned long long) names_hash(names, n));
	/* box_root is root's (or the rootless caller's) and never a box's: no symlink here. */
	rootfd = open_box_root(b, false, e);
	if (rootfd < 0)
		return rootfd;
	etcfd = mkdirat_nofollow(rootfd, name, 0755);
	if (etcfd < 0)
		return ap_err_set(e, -etcfd, "cannot create \"%s/%s\"", b->root, name);
	/* Boxes share the copy: one refresh at a time (it takes microseconds when nothing changed).
	 */
	if (flock(etcfd, LOCK_EX) < 0)
		return ap_err_set(e, errno, "cannot lock \"%s/%s\"", b->root, name);
	for (i = 0; i < n; i++) {
		cleanup_free char *host = xasprintf("/etc/%s", names[i]);
		cleanup_close int src = -1;
		struct stat st;

		if (is_bind)
			is_bind[i] = false;
		/* Symlinks in the host path are followed, as a bind of it would. */
		if (stat(host, &st) < 0) {
			if (errno != ENOENT && errno != ENOTDIR)
				return ap_err_set(e, errno, "cannot read \"%s\"", host);
			(void) remove_tree_at(etcfd, names[i]);
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			if (is_bind)
				is_bind[i] = true;
			r = etc_point(etcfd, names[i], &st);
		} else if (etc_copy_current(etcfd, names[i], &st, b->rootless)) {
			r = 0;
		} else {
			/* What is copied is what was opened: its own stat, not the path's. */
			src = open(host, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
			if (src < 0 || fstat(src, &st) < 0 || !S_ISREG(st.st_mode))
				return ap_err_set(e, src < 0 ? errno : EAGAIN, "cannot read \"%s\"",
						  host);
			r = etc_copy(etcfd, names[i], src, &st, b->rootless);
		}
		if (r < 0)
			return ap_err_set(e, -r, "cannot copy \"%s\" into \"%s/%s\"", host, b->root,
					  name);
	}
	etc_prune(etcfd, names, n);
	*dir = xasprintf("%s/%s", b->root, name);
	return 0;
}

int
box_make_dev(const struct box *b, struct ap_err *e)
{
	static const char *const devices[] = {"null", "zero", "full", "random", "urandom", "tty"};
	static const struct {
		const char *name, *target;
	} links[] = {
		{"ptmx", "pts/ptmx"},	       {"fd", "/proc/self/fd"},
		{"stdin", "/proc/self/fd/0"},  {"stdout", "/proc/self/fd/1"},
		{"stderr", "/proc/self/fd/2"}, {"shm", "/tmp"},
	};
	cleanup_close int dirfd = -1, devfd = -1;
	char tmp[32];
	struct statvfs sv;
	int r;

	if (b->rootless)
		return ap_err_set(e, EPERM, "no device nodes without root");
	if (box_has_dev(b))
		return 0;
	dirfd = open_box_root(b, false, e);
	if (dirfd < 0)
		return dirfd;
	/* Device nodes on a nodev filesystem do not open, even through a bind without nodev. */
	if (fstatvfs(dirfd, &sv) < 0 || (sv.f_flag & ST_NODEV))
		return ap_err_set(e, EOPNOTSUPP, "\"%s\" is on a nodev filesystem", b->root);
	/* Built under a name of our own: another init may be making it at the same time. */
	(void) snprintf(tmp, sizeof(tmp), ".dev.%d", (int) getpid());
	(void) remove_tree_at(dirfd, tmp);
	devfd = mkdirat_nofollow(dirfd, tmp, 0755);
	if (devfd < 0)
		return ap_err_set(e, -devfd, "cannot create \"%s/%s\"", b->root, tmp);
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++) {
		cleanup_free char *host = xasprintf("/dev/%s", devices[i]);
		struct stat st;

		/* Only what the host has, and only character devices. */
		if (stat(host, &st) < 0 || !S_ISCHR(st.st_mode))
			continue;
		if (mknodat(devfd, devices[i], S_IFCHR | 0600, st.st_rdev) < 0 ||
		    fchmodat(devfd, devices[i], st.st_mode & 0777, 0) < 0) {
			r = ap_err_set(e, errno, "cannot make \"%s/%s/%s\"", b->root, tmp,
				       devices[i]);
			goto fail;
		}
	}
	if (mkdirat(devfd, "pts", 0755) < 0) {
		r = ap_err_set(e, errno, "cannot create mount points in \"%s/%s\"", b->root, tmp);
		goto fail;
	}
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlinkat(links[i].target, devfd, links[i].name) < 0) {
			r = ap_err_set(e, errno, "cannot create \"%s/%s/%s\"", b->root, tmp,
				       links[i].name);
			goto fail;
		}
	if (renameat(dirfd, tmp, dirfd, ".dev2") < 0) {
		/* Another init was faster: its .dev2 is as good as ours. */
		r = (errno == EEXIST || errno == ENOTEMPTY) && box_has_dev(b)
			    ? 0
			    : ap_err_set(e, errno, "cannot rename \"%s/%s\"", b->root, tmp);
		goto fail;
	}
	return 0;
fail:
	(void) remove_tree_at(dirfd, tmp);
	return r;
}

int
box_make_newroot(const struct box *b, struct ap_err *e)
{
	/*
	 * box_root is root's (or the rootless caller's): no box can plant
	 * anything here, and what is not a directory fails the proxy's open.
	 */
	if (mkdir(b->newroot, 0755) < 0 && errno != EEXIST)
		return ap_err_set(e, errno, "cannot create \"%s\"", b->newroot);
	return 0;
}

bool
box_has_dev(const struct box *b)
{
	struct stat st;

	/* Made by root (init), never by the box, and complete once it has this name. */
	return !b->rootless && lstat(b->dev, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == 0;
}
