/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache: the state the boxes of a box_root share and the caches of
 * lock_root (see cache.h).  Everything below box_root is reached from an fd
 * of box_root with O_NOFOLLOW, and removed by util.c's walks, which neither
 * follow symlinks nor cross mounts.
 */
#include "config.h"

#include "cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "box.h"
#include "conf.h"
#include "err.h"
#include "landlock.h"
#include "ns.h"
#include "seccomp.h"
#include "template.h"
#include "util.h"

/* The file in lock_root that caches the compiled seccomp filter (see seccomp.c). */
#define SECCOMP_CACHE "seccomp.bpf"

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

/* The name of the copy of these names, in buf. */
static void
etc_name(char *const *names, size_t n, char *buf, size_t len)
{
	(void) snprintf(buf, len, ".etc-%016llx", (unsigned long long) names_hash(names, n));
}

/*
 * Open (making it) and take a lock file of lock_root: lock_root is root's
 * (or the unprivileged caller's, out of its boxes' Landlock domains), never
 * a box's, so no box can hold the lock and stall every other box.
 */
static int
lock_in_lock_root(const struct ap_conf *c, const char *name, struct ap_err *e)
{
	cleanup_free char *path = xasprintf("%s/%s", c->lock_root, name);
	int fd = box_lock_root_open(path);

	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		int en = fd < 0 ? -fd : errno;

		if (fd >= 0)
			(void) close(fd);
		return ap_err_set(e, en, "cannot lock \"%s\"", path);
	}
	return fd;
}

int
cache_sync_etc(const struct box *b, const struct ap_conf *c, char *const *names, size_t n,
	       bool *is_bind, char **dir, struct ap_err *e)
{
	cleanup_close int rootfd = -1, etcfd = -1, lock = -1;
	char name[32];
	size_t i;
	int r;

	*dir = NULL;
	etc_name(names, n, name, sizeof(name));
	/* box_root is root's (or the rootless caller's) and never a box's: no symlink here. */
	rootfd = box_open_root(b, false, e);
	if (rootfd < 0)
		return rootfd;
	etcfd = mkdirat_nofollow(rootfd, name, 0755);
	if (etcfd < 0)
		return ap_err_set(e, -etcfd, "cannot create \"%s/%s\"", b->root, name);
	/* Boxes share the copy: one refresh at a time (it takes microseconds when nothing changed).
	 */
	lock = lock_in_lock_root(c, "etc.lock", e);
	if (lock < 0)
		return lock;
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
cache_make_dev(const struct box *b, struct ap_err *e)
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
	if (cache_has_dev(b))
		return 0;
	dirfd = box_open_root(b, false, e);
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
		r = (errno == EEXIST || errno == ENOTEMPTY) && cache_has_dev(b)
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
cache_make_newroot(const struct box *b, struct ap_err *e)
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
cache_has_etc(const struct box *b, char *const *names, size_t n)
{
	cleanup_free char *path = NULL;
	char name[32];
	struct stat st;

	etc_name(names, n, name, sizeof(name));
	path = xasprintf("%s/%s", b->root, name);
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid();
}

bool
cache_has_dev(const struct box *b)
{
	struct stat st;

	/* Made by root (init), never by the box, and complete once it has this name. */
	return !b->rootless && lstat(b->dev, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == 0;
}

bool
cache_trusted(const struct ap_conf *c)
{
	struct landlock_info li;

	if (geteuid() == 0)
		return true;
	if (c->landlock == LL_POLICY_OFF)
		return false;
	landlock_probe(&li);
	return li.abi >= 1;
}

struct seccomp_filter *
cache_seccomp_read(const struct ap_conf *c)
{
	cleanup_close int dfd = -1;
	struct seccomp_filter *f = NULL;
	struct stat st;

	if (!cache_trusted(c))
		return NULL;
	dfd = open(c->lock_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* Ours, and nobody else's to write. */
	if (dfd < 0 || fstatat(dfd, SECCOMP_CACHE, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022))
		return NULL;
	if (ap_seccomp_read(&f, dfd, SECCOMP_CACHE) < 0)
		return NULL;
	return f;
}

void
cache_seccomp_save(const struct ap_conf *c)
{
	struct seccomp_filter *f = cache_seccomp_read(c);
	cleanup_close int fd = -1;
	struct ap_err e;

	if (f || !cache_trusted(c)) {
		ap_seccomp_free(f);
		return;
	}
	fd = open(c->lock_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || ap_seccomp_build(&f, &e) < 0)
		return;
	if (ap_seccomp_save(f, fd, SECCOMP_CACHE, &e) < 0)
		ap_log(1, "%s", e.msg); /* run compiles it then: slower, not wrong */
	ap_seccomp_free(f);
}

/* Is name one of box_root's shared entries (as opposed to a box, "<id>")? */
static bool
is_shared_entry(const char *name)
{
	static const char *const prefixes[] = {".etc-", ".dev.", ".tpl", ".spare-"};

	if (strcmp(name, ".dev2") == 0 || strcmp(name, ".root") == 0)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

int
cache_remove_all(const struct ap_conf *c, struct ap_err *e)
{
	cleanup_close int rootfd = -1, lockfd = -1;
	struct dirent *de;
	DIR *d;
	int r;

	/* Templates first: each is a mount, and a mount point cannot be removed as a file. */
	r = template_remove_all(c->box_root, e);
	if (r < 0)
		return r;
	rootfd = open(c->box_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0 && errno != ENOENT)
		return ap_err_set(e, errno, "cannot open box root \"%s\"", c->box_root);
	d = rootfd >= 0 ? opendir_at(rootfd) : NULL;
	while (d && (de = readdir(d))) {
		if (!is_shared_entry(de->d_name))
			continue;
		r = remove_tree_at(rootfd, de->d_name);
		if (r < 0 && r != -ENOENT) {
			(void) closedir(d);
			return ap_err_set(e, -r, "cannot remove \"%s/%s\"", c->box_root,
					  de->d_name);
		}
	}
	if (d)
		(void) closedir(d);
	lockfd = open(c->lock_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lockfd >= 0) {
		(void) unlinkat(lockfd, SECCOMP_CACHE, 0);
		(void) unlinkat(lockfd, "etc.lock", 0);
	}
	return 0;
}
