/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mounts: the box's new root, built from the directory rules (rules.c).
 * mounts_build_root() runs in the proxy right after clone(), inside the box's own user and mount
 * namespaces, and is the only code that mounts anything for a box.  It must never change the host's
 * mount table (step 1 makes every mount private before anything else), never create files inside a
 * bound host tree, never print and never exit.  It calls mount(2), mount_setattr(2) and
 * pivot_root(2) itself (see mount_on() for why no libmount context); it is the only user of
 * libmount, which it loads only to read the mount table on kernels without
 * mount_setattr(2) (mounts_list_below()).
 */
#include "config.h"

#include "mounts.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <libmount.h>
#include <linux/magic.h>

#include "err.h"
#include "mount-api.h"
#include "util.h"

/* ------------------------------------------------------------------------ */
/* Building the root (the proxy, inside its user and mount namespaces)       */
/* ------------------------------------------------------------------------ */

/* Sizes of the tmpfs filesystems apbox creates for itself. */
#define ROOT_TMPFS_OPTS "mode=0755,size=4m,nr_inodes=4096"
#define DEV_TMPFS_OPTS	"mode=0755,size=64k,nr_inodes=128"

enum point_kind {
	POINT_SKIP, /* "maybe" rule whose source is missing: not mounted at all */
	POINT_DIR,
	POINT_FILE, /* bind of a non-directory: the mount point is an empty file */
};

struct build {
	const struct mounts_plan *plan;
	int rootfd;	       /* the new root's tmpfs, a directory fd */
	enum point_kind *kind; /* per rule */
	int *late_ro;	       /* per rule: O_PATH fd of a mount to make read-only at the end */
	int *srcfd;	       /* per rule: O_PATH fd of a bind source below the guard, or -1 */
};

static void
fd_path(int fd, char *buf, size_t len)
{
	(void) snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/*
 * One mount(2) on target.  apbox writes every option itself (the box's
 * mounts come from fixed tables and isolate-style rule flags, never from a
 * user's option string), so flags and data are passed as they are: a
 * libmount context per mount would read the mount table, probe for LSMs and
 * run helpers' checks on each of the box's dozens of mounts, and apbox needs
 * none of it: targets are /proc/self/fd/N links to mount points it resolved
 * itself, and no helper (/sbin/mount.<type>) is ever run.  Binds get no
 * ro/nosuid/nodev here: a follow-up remount would not keep the flags the
 * kernel locks in a user namespace (set_attrs() does that).  Returns 0 or
 * -errno; the caller words the message.
 */
static int
mount_on(const char *source, const char *target, const char *fstype, unsigned long flags,
	 const char *data)
{
	if (mount(source, target, fstype, flags, data) < 0)
		return -errno;
	return 0;
}

/* The MS_* flags of mount attributes. */
static unsigned long
attr_flags(uint64_t attr)
{
	unsigned long f = 0;

	if (attr & MOUNT_ATTR_RDONLY)
		f |= MS_RDONLY;
	if (attr & MOUNT_ATTR_NOSUID)
		f |= MS_NOSUID;
	if (attr & MOUNT_ATTR_NODEV)
		f |= MS_NODEV;
	if (attr & MOUNT_ATTR_NOEXEC)
		f |= MS_NOEXEC;
	return f;
}

/*
 * Open "inside" (absolute, normalised) below rootfd as an O_PATH fd without
 * following any symlink, crossing the mounts already made.  A symlink in a
 * bound tree (say a writable /box the program filled on an earlier run) must
 * never redirect a mount to somewhere else.  Returns the fd or -errno.
 */
static int
open_beneath(int rootfd, const char *inside)
{
	return openat_beneath(rootfd, inside + strspn(inside, "/"), O_PATH, 0);
}

/*
 * Step 3's make_point(): the same in the root tmpfs just mounted, which
 * holds nothing but the directories and empty files made here (no symlink:
 * nothing else can write to it yet), so paths are resolved in one call per
 * component instead of an open per component.
 */
static int
make_point_fresh(int rootfd, const char *inside, bool is_file)
{
	cleanup_free char *rel = xstrdup(inside + strspn(inside, "/"));
	int fd;

	for (char *s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdirat(rootfd, rel, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (!is_file)
		return mkdirat(rootfd, rel, 0755) < 0 && errno != EEXIST ? -errno : 0;
	fd = openat(rootfd, rel, O_CREAT | O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	(void) close(fd);
	return 0;
}

/*
 * Create the mount point "inside" below rootfd: its parents as directories,
 * itself as a directory or an empty file.  Used only in filesystems apbox
 * mounted itself (see covering_is_ours()); never follows a symlink.
 */
static int
make_point(int rootfd, const char *inside, bool is_file)
{
	cleanup_free char *copy = xstrdup(inside);
	cleanup_close int dfd = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *save = NULL, *tok, *next;

	if (dfd < 0)
		return -errno;
	tok = strtok_r(copy, "/", &save);
	while (tok) {
		int nfd;

		next = strtok_r(NULL, "/", &save);
		if (!next && is_file) {
			nfd = openat(dfd, tok,
				     O_CREAT | O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0644);
			if (nfd < 0)
				return -errno;
			(void) close(nfd);
			return 0;
		}
		nfd = mkdirat_nofollow(dfd, tok, 0755);
		if (nfd < 0)
			return nfd;
		(void) close(dfd);
		dfd = nfd;
		tok = next;
	}
	return 0;
}

/* "ro,nosuid,nodev,noexec" for messages. */
static void
attrs_str(uint64_t attr, char *buf, size_t len)
{
	(void) snprintf(buf, len, "%s%s%s%s", (attr & MOUNT_ATTR_RDONLY) ? ",ro" : "",
			(attr & MOUNT_ATTR_NOSUID) ? ",nosuid" : "",
			(attr & MOUNT_ATTR_NODEV) ? ",nodev" : "",
			(attr & MOUNT_ATTR_NOEXEC) ? ",noexec" : "");
	if (buf[0] == ',')
		memmove(buf, buf + 1, strlen(buf));
}

/*
 * Remount one mount with "want" added to what it has.  In a user namespace
 * the kernel locks the flags a mount had when it was copied from the host
 * (nosuid, nodev, noexec, ro and the atime mode) and refuses with EPERM a
 * remount that would clear one, and a remount without an atime flag means
 * "relatime".  So read the current flags and pass them all again.
 */
static int
remount_keep(const char *path, unsigned long want)
{
	struct statvfs sv;
	unsigned long keep = 0;

	if (statvfs(path, &sv) < 0)
		return -errno;
	if (sv.f_flag & ST_RDONLY)
		keep |= MS_RDONLY;
	if (sv.f_flag & ST_NOSUID)
		keep |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		keep |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		keep |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		keep |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		keep |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		keep |= MS_RELATIME;
	if (!(sv.f_flag & (ST_NOATIME | ST_RELATIME)))
		keep |= MS_STRICTATIME;
	if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | want | keep, NULL) < 0)
		return -errno;
	return 0;
}

#ifndef MOUNT_SONAME
#define MOUNT_SONAME "libmount.so.1"
#endif

/* The libmount functions apbox uses (to read a mount table), loaded by mounts_list_below(). */
struct lmnt {
	typeof(mnt_new_table_from_file) *table_from_file;
	typeof(mnt_unref_table) *unref_table;
	typeof(mnt_new_iter) *new_iter;
	typeof(mnt_free_iter) *free_iter;
	typeof(mnt_table_next_fs) *next_fs;
	typeof(mnt_fs_get_target) *get_target;
};

static int
load_libmount(struct lmnt *l, struct ap_err *e)
{
	const struct dl_sym syms[] = {
		{"mnt_new_table_from_file", &l->table_from_file},
		{"mnt_unref_table", &l->unref_table},
		{"mnt_new_iter", &l->new_iter},
		{"mnt_free_iter", &l->free_iter},
		{"mnt_table_next_fs", &l->next_fs},
		{"mnt_fs_get_target", &l->get_target},
	};

	return dl_load(MOUNT_SONAME, syms, ARRAY_SIZE(syms), e);
}

int
mounts_list_below(const char *mountinfo, const char *top, char ***out, size_t *n, struct ap_err *e)
{
	struct lmnt l;
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	size_t toplen = strlen(top), cap = 0;
	char **v = NULL;
	int r;

	*out = NULL;
	*n = 0;
	r = load_libmount(&l, e);
	if (r < 0)
		return r;
	/* libmount undoes mountinfo's octal escapes (a space is \040 there). */
	tb = l.table_from_file(mountinfo);
	if (!tb)
		return ap_err_set(e, EIO, "cannot read the mount table \"%s\"", mountinfo);
	it = l.new_iter(MNT_ITER_FORWARD);
	if (!it) {
		l.unref_table(tb);
		return ap_err_set(e, ENOMEM, "cannot read the mount table \"%s\"", mountinfo);
	}
	if (toplen == 1)
		toplen = 0; /* top is "/": everything is below it */
	while (l.next_fs(tb, it, &fs) == 0) {
		const char *mp = l.get_target(fs);

		if (!mp || strncmp(mp, top, toplen) != 0 || mp[toplen] != '/' ||
		    mp[toplen + 1] == '\0')
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[(*n)++] = xstrdup(mp);
	}
	l.free_iter(it);
	l.unref_table(tb);
	*out = v;
	return 0;
}

/*
 * Remount every mount strictly below "top" (a real path) with want added.
 * Without libmount the caller's message says ELIBACC ("Can not access a
 * needed shared library").
 */
static int
remount_below(const char *top, unsigned long want)
{
	struct ap_err e = {0};
	char **v;
	size_t n;
	int ret = mounts_list_below("/proc/self/mountinfo", top, &v, &n, &e);

	if (ret == -ENOENT)
		return -ELIBACC;

	for (size_t i = 0; i < n; i++) {
		int r = remount_keep(v[i], want);

		if (r < 0 && ret == 0)
			ret = r;
		free(v[i]);
	}
	free(v);
	return ret;
}

/*
 * Add mount attributes (never clear any) to the mount whose root fd is, and
 * with "recursive" to every mount below it.  A read-only bind must be
 * read-only in all its submounts too, or /usr's submounts would stay
 * writable; libmount 2.38 has no "ro=recursive".  mount_setattr(2) with
 * AT_RECURSIVE (Linux >= 5.12) does it in one atomic call and, setting only
 * attr_set, leaves the locked flags alone.  Older kernels: remount the mount
 * and each submount found in /proc/self/mountinfo, keeping locked flags.
 * path names the mount for the fallback (NULL: /proc/self/fd/<fd>).
 */
static int
set_attrs(int fd, const char *path, uint64_t attr, bool recursive)
{
	char buf[64], real[4096];
	unsigned long want;
	ssize_t n;
	int r;

#ifdef SYS_mount_setattr
	struct setattr_args a = {.attr_set = attr};

	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a,
		    sizeof(a)) == 0)
		return 0;
	if (errno != ENOSYS)
		return -errno;
#endif
	if (!path) {
		fd_path(fd, buf, sizeof(buf));
		path = buf;
	}
	want = attr_flags(attr);
	r = remount_keep(path, want);
	if (r < 0 || !recursive)
		return r;
	n = readlink(path, real, sizeof(real) - 1);
	if (n < 0) {
		if (errno != EINVAL)
			return -errno;
		/* Not a symlink: path is already the real path. */
		(void) snprintf(real, sizeof(real), "%s", path);
	} else {
		real[n] = '\0';
	}
	return remount_below(real, want);
}

/* Mount attributes for a bind or a filesystem from a rule's flags. */
uint64_t
mounts_rule_attrs(unsigned flags)
{
	/*
	 * nosuid always: a setuid binary from the host must not gain anything
	 * inside (in a user namespace it could not become host root anyway,
	 * but a box uid must not become another box uid either).  nodev unless
	 * asked: no host device is reachable through a bind by accident.
	 */
	uint64_t attr = MOUNT_ATTR_NOSUID;

	if (!(flags & RULE_DEV))
		attr |= MOUNT_ATTR_NODEV;
	if (!(flags & RULE_RW))
		attr |= MOUNT_ATTR_RDONLY;
	if (flags & RULE_NOEXEC)
		attr |= MOUNT_ATTR_NOEXEC;
	return attr;
}

/* Is the filesystem that holds rule i's mount point one apbox created itself? */
static bool
rule_is_own_fs(const struct dir_rule *r)
{
	return (r->flags & (RULE_TMP | RULE_MINIDEV | RULE_SCRATCH)) ||
	       ((r->flags & RULE_FS) && strcmp(r->outside, "tmpfs") == 0);
}

/*
 * Is rule j mounted (or, for a template, going to be)?  The template maker
 * mounts only the static rules, but every other rule with a point gets its
 * mount at each run.
 */
static bool
counts_as_mounted(const struct build *b, size_t j)
{
	if (b->plan->build == MOUNTS_BUILD_TEMPLATE && !(b->plan->rules->v[j].flags & RULE_STATIC))
		return b->plan->points[j] != MOUNTS_POINT_NONE;
	return b->kind[j] != POINT_SKIP;
}

/*
 * The rule whose mount holds rule i's mount point: the last rule mounted
 * before i whose IN is a parent of i's IN, or -1 for the root tmpfs.
 */
static long
covering_rule(const struct build *b, size_t i)
{
	const struct dir_rules *rs = b->plan->rules;

	for (size_t j = i; j-- > 0;)
		if (counts_as_mounted(b, j) && path_below(rs->v[i].inside, rs->v[j].inside))
			return (long) j;
	return -1;
}

/*
 * Step 3 for one rule: decide what it mounts and create its mount point in
 * the root tmpfs.  A bind's source is checked here, before anything is
 * mounted, with the proxy's (the box uid's) own DAC permissions.
 */
static int
prepare_point(struct build *b, size_t i, struct ap_err *e)
{
	const struct dir_rule *r = &b->plan->rules->v[i];
	bool is_bind = !(r->flags & (RULE_TMP | RULE_FS | RULE_MINIDEV));
	int ret;

	if (r->flags & RULE_SYMLINK) {
		/* Made here, in the root tmpfs, and nothing to mount later. */
		const char *rel = r->inside + strspn(r->inside, "/");

		b->kind[i] = POINT_SKIP;
		if (strchr(rel, '/'))
			return ap_err_set(e, EINVAL, "cannot create the link \"%s\"", r->inside);
		if (symlinkat(r->outside, b->rootfd, rel) < 0)
			return ap_err_set(e, errno, "cannot create the link \"%s\"", r->inside);
		return 0;
	}
	b->kind[i] = POINT_DIR;
	if (is_bind) {
		struct stat st;
		const char *g = b->plan->guard;
		int sr;

		/*
		 * A source below the guard (box_root) lies where a box's program may
		 * have planted symlinks (a previous run's /box/data -> /): resolve it
		 * without following any, and bind exactly what was found.
		 */
		if (g && path_below(r->outside, g)) {
			int fd = open_guarded(r->outside, g, O_PATH, 0);
			if (fd == -ELOOP || fd == -EXDEV)
				return ap_err_set(e, ELOOP,
						  "cannot bind \"%s\" on \"%s\": symlinks below "
						  "box_root are not followed",
						  r->outside, r->inside);
			if (fd >= 0)
				b->srcfd[i] = fd;
			sr = fd < 0 ? (errno = -fd, -1) : fstat(fd, &st);
		} else {
			sr = stat(r->outside, &st);
		}
		if (sr < 0) {
			int en = errno;

			/* "maybe" means "if it exists", not "if it works": EACCES still fails. */
			if ((en == ENOENT || en == ENOTDIR) && (r->flags & RULE_MAYBE)) {
				b->kind[i] = POINT_SKIP;
				return 0;
			}
			if (en == EACCES)
				return ap_err_set(e, en, "cannot bind \"%s\" on \"%s\" (as uid %u)",
						  r->outside, r->inside, (unsigned) getuid());
			return ap_err_set(e, en, "cannot bind \"%s\" on \"%s\"", r->outside,
					  r->inside);
		}
		if (!S_ISDIR(st.st_mode))
			b->kind[i] = POINT_FILE;
	}
	/*
	 * Below an earlier rule's mount (/etc/ssl below /etc), the point is
	 * found or made in that mount when it is applied (open_point()): one
	 * made here would be covered.
	 */
	if (covering_rule(b, i) >= 0)
		return 0;
	ret = make_point_fresh(b->rootfd, r->inside, b->kind[i] == POINT_FILE);
	if (ret < 0)
		return ap_err_set(e, ret, "cannot create mount point \"%s\"", r->inside);
	return 0;
}

/*
 * Open rule i's mount point just before mounting on it.  It was created in
 * step 3, but an earlier rule may have mounted over one of its parents: then
 * it is created now if that filesystem is apbox's own, and must exist
 * otherwise (isolate never creates directories in a bound tree, which would
 * write to the host).  Returns 0 with the fd in *fdp, 1 when a "maybe" rule
 * is skipped, or -errno.
 */
static int
open_point(struct build *b, size_t i, int *fdp, struct ap_err *e)
{
	const struct dir_rule *r = &b->plan->rules->v[i];
	int fd = open_beneath(b->rootfd, r->inside);
	long cov;

	if (fd != -ENOENT) {
		if (fd < 0)
			return ap_err_set(e, fd, "cannot open mount point \"%s\"", r->inside);
		*fdp = fd;
		return 0;
	}
	cov = covering_rule(b, i);
	if (cov < 0 || rule_is_own_fs(&b->plan->rules->v[cov])) {
		int ret = make_point(b->rootfd, r->inside, b->kind[i] == POINT_FILE);

		if (ret < 0)
			return ap_err_set(e, ret, "cannot create mount point \"%s\"", r->inside);
		fd = open_beneath(b->rootfd, r->inside);
		if (fd < 0)
			return ap_err_set(e, fd, "cannot open mount point \"%s\"", r->inside);
		*fdp = fd;
		return 0;
	}
	if (r->flags & RULE_MAYBE) {
		b->kind[i] = POINT_SKIP;
		return 1;
	}
	return ap_err_set(e, ENOENT, "no mount point for \"%s\" in \"%s\"", r->inside,
			  b->plan->rules->v[cov].inside);
}

/* Re-open a mount point after mounting on it, to reach the new mount. */
static int
reopen_point(const struct build *b, const char *inside, struct ap_err *e)
{
	int fd = open_beneath(b->rootfd, inside);

	if (fd < 0)
		return ap_err_set(e, fd, "cannot open \"%s\" after mounting it", inside);
	return fd;
}

/*
 * The bind as a detached copy: open_tree() clones src's mount (and its
 * submounts), mount_setattr() sets attr on the copy before anyone can see
 * it, move_mount() puts it on the mount point fd.  A quarter cheaper than
 * mount(MS_BIND), a reopen and mount_setattr() on the attached mount (no
 * second lookup, no propagation work).  Returns 0, -ENOSYS when the kernel
 * lacks one of the calls (then nothing was mounted), or -errno.
 */
static int
bind_detached(const char *src, int fd, bool recursive, uint64_t attr)
{
#if defined(SYS_open_tree) && defined(SYS_move_mount) && defined(SYS_mount_setattr)
	struct setattr_args a = {.attr_set = attr};
	cleanup_close int tree =
		(int) syscall(SYS_open_tree, AT_FDCWD, src,
			      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));

	if (tree < 0)
		return -errno;
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0 ||
	    syscall(SYS_move_mount, tree, "", fd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -errno;
	return 0;
#else
	(void) src;
	(void) fd;
	(void) recursive;
	(void) attr;
	return -ENOSYS;
#endif
}

/* Bind src (a host path or /proc/self/fd/N) on the mount point fd, then set attr. */
static int
bind_at(const struct build *b, const char *src, int fd, const char *inside, bool recursive,
	uint64_t attr, struct ap_err *e)
{
	char target[64], what[64];
	cleanup_close int nfd = -1;
	int ret;

	ret = bind_detached(src, fd, recursive, attr);
	if (ret == -ENOSYS) {
		/* Older kernels (and valgrind): bind, then set attr on the attached mount. */
		fd_path(fd, target, sizeof(target));
		ret = mount_on(src, target, NULL, MS_BIND | (recursive ? MS_REC : 0), NULL);
		if (ret == 0) {
			nfd = reopen_point(b, inside, e);
			if (nfd < 0)
				return nfd;
			ret = set_attrs(nfd, NULL, attr, true);
			if (ret < 0) {
				attrs_str(attr, what, sizeof(what));
				return ap_err_set(e, ret, "cannot make \"%s\" %s", inside, what);
			}
			return 0;
		}
	}
	if (ret == -EACCES)
		return ap_err_set(e, ret, "cannot bind \"%s\" on \"%s\" (as uid %u)", src, inside,
				  (unsigned) getuid());
	if (ret == -EINVAL && !recursive)
		/*
		 * The kernel refuses to split a host mount from its submounts
		 * in a user namespace: that would uncover what they hide.
		 */
		return ap_err_set(e, ret,
				  "cannot bind \"%s\" on \"%s\" without its submounts (norec)", src,
				  inside);
	if (ret < 0)
		return ap_err_set(e, ret, "cannot bind \"%s\" on \"%s\"", src, inside);
	return 0;
}

/* Mount a fresh filesystem on the mount point fd. */
static int
fresh_at(int fd, const char *type, unsigned long flags, const char *data)
{
	char target[64];

	fd_path(fd, target, sizeof(target));
	return mount_on(type, target, type, flags, data);
}

/*
 * Step 5: hide what a box must not read in its /proc, as OCI runtimes do
 * (runtime-spec "maskedPaths"/"readonlyPaths" defaults): kernel memory, the
 * keyring list, timer and scheduler internals that leak host activity, and
 * the writable kernel knobs.  Only what exists is touched.
 */
static int
mask_proc(const struct build *b, const char *proc, bool proc_rw, struct ap_err *e)
{
	static const char *const masked[] = {"acpi", "asound",	      "kcore",
					     "keys", "latency_stats", "sched_debug",
					     "scsi", "timer_list",    "timer_stats"};
	static const char *const readonly[] = {"bus", "fs", "irq", "sys", "sysrq-trigger"};

	for (size_t i = 0; i < ARRAY_SIZE(masked); i++) {
		cleanup_free char *in = xasprintf("%s/%s", proc, masked[i]);
		cleanup_close int fd = open_beneath(b->rootfd, in);
		struct stat st;
		int ret;

		if (fd == -ENOENT)
			continue;
		if (fd < 0)
			return ap_err_set(e, fd, "cannot open \"%s\"", in);
		if (fstat(fd, &st) < 0)
			return ap_err_set(e, errno, "cannot stat \"%s\"", in);
		if (S_ISDIR(st.st_mode)) {
			/* An empty read-only tmpfs over a directory. */
			ret = fresh_at(fd, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
				       "mode=0555,size=4k,nr_inodes=2");
			if (ret < 0)
				return ap_err_set(e, ret, "cannot mask \"%s\"", in);
		} else {
			/*
			 * /dev/null over a file: reads give nothing.  Not nodev,
			 * so that reading returns EOF, as in OCI runtimes.
			 */
			ret = bind_at(b, "/dev/null", fd, in, false,
				      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, e);
			if (ret < 0)
				return ret;
		}
	}
	/*
	 * A read-only proc (the default rule) already refuses every write
	 * there: binding its knobs read-only again would only add mounts.
	 */
	for (size_t i = 0; proc_rw && i < ARRAY_SIZE(readonly); i++) {
		cleanup_free char *in = xasprintf("%s/%s", proc, readonly[i]);
		cleanup_close int fd = open_beneath(b->rootfd, in);
		char src[64];
		int ret;

		if (fd == -ENOENT)
			continue;
		if (fd < 0)
			return ap_err_set(e, fd, "cannot open \"%s\"", in);
		/* Bind it on itself so that the read-only flag covers only it. */
		fd_path(fd, src, sizeof(src));
		ret = bind_at(b, src, fd, in, true,
			      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				      MOUNT_ATTR_NOEXEC,
			      e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int
mount_fs(struct build *b, size_t i, int fd, struct ap_err *e)
{
	const struct dir_rule *r = &b->plan->rules->v[i];
	const char *type = r->outside;
	bool is_proc = strcmp(type, "proc") == 0;
	bool is_tmpfs = strcmp(type, "tmpfs") == 0;
	uint64_t attr = mounts_rule_attrs(r->flags);
	const char *data = NULL;
	char target[64];
	int ret;

	/*
	 * proc: never devices or programs (and the kernel requires nosuid,
	 * nodev, noexec when the host's proc has them).
	 */
	if (is_proc)
		attr |= MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	/*
	 * apbox's own tmpfs stays writable until every rule has its mount
	 * point; read-only is applied at the end (late_ro).
	 */
	if (is_tmpfs)
		attr &= ~(uint64_t) MOUNT_ATTR_RDONLY;
	if (is_proc && b->plan->hidepid)
		/* Only the box's own processes are visible, as in isolate. */
		data = "hidepid=2";
	else if (is_tmpfs)
		data = "mode=0755";
	else if (strcmp(type, "devpts") == 0)
		/* A private pty namespace, never the host's ptys. */
		data = "newinstance,ptmxmode=0666,mode=0620";
	/*
	 * In a copy of the template, /proc/self (which fd targets need) is
	 * the box's once this proc is mounted: it is mounted first, by its
	 * path (below the template's own read-only root, no symlink).
	 */
	if (is_proc && b->plan->build == MOUNTS_BUILD_IN_TEMPLATE)
		(void) snprintf(target, sizeof(target), "%s", r->inside);
	else
		fd_path(fd, target, sizeof(target));
	ret = mount_on(type, target, type, attr_flags(attr), data);
	if (ret < 0 && is_proc && b->plan->hidepid && (ret == -EINVAL || ret == -EPERM))
		/* Some user-namespace setups refuse hidepid: the pid namespace still hides the
		 * host. */
		ret = mount_on(type, target, type, attr_flags(attr), NULL);
	if (ret < 0)
		return ap_err_set(e, ret, "cannot mount \"%s\" on \"%s\"", type, r->inside);
	if (is_tmpfs && !(r->flags & RULE_RW)) {
		b->late_ro[i] = reopen_point(b, r->inside, e);
		if (b->late_ro[i] < 0)
			return b->late_ro[i];
	}
	if (is_proc)
		return mask_proc(b, r->inside, !(attr & MOUNT_ATTR_RDONLY), e);
	return 0;
}

/* A world-writable tmpfs's data: sticky like /tmp, and the size limits if any. */
static char *
tmpfs_data(uint64_t size, uint64_t inodes)
{
	return size ? xasprintf("mode=1777,size=%llu,nr_inodes=%llu", (unsigned long long) size,
				(unsigned long long) inodes)
		    : xstrdup("mode=1777");
}

static int
mount_tmp(const struct build *b, size_t i, int fd, struct ap_err *e)
{
	const struct dir_rule *r = &b->plan->rules->v[i];
	cleanup_free char *data = tmpfs_data(b->plan->tmp_size, b->plan->tmp_inodes);
	int ret;

	/* Writable by every box process (sticky, like /tmp); never suid or devices. */
	ret = fresh_at(fd, "tmpfs", attr_flags(mounts_rule_attrs(r->flags | RULE_RW)), data);
	if (ret < 0)
		return ap_err_set(e, ret, "cannot mount a tmpfs on \"%s\"", r->inside);
	return 0;
}

/*
 * The minimal /dev: a small tmpfs with binds of the harmless host devices
 * only (never the host's /dev, which holds disks, other ttys and a shared
 * /dev/shm), a private devpts, and the usual symlinks.
 */
static int
mount_minidev(struct build *b, size_t i, int fd, struct ap_err *e)
{
	static const char *const devices[] = {"null", "zero", "full", "random", "urandom", "tty"};
	static const struct {
		const char *name, *target;
	} links[] = {
		{"fd", "/proc/self/fd"},
		{"stdin", "/proc/self/fd/0"},
		{"stdout", "/proc/self/fd/1"},
		{"stderr", "/proc/self/fd/2"},
		/* A private /dev/shm (the host's is a channel between boxes): the run's /tmp. */
		{"shm", "/tmp"},
	};
	const struct dir_rule *r = &b->plan->rules->v[i];
	cleanup_close int dfd = -1;
	int ret;

	/*
	 * nodev on the tmpfs itself: the device files are separate bind
	 * mounts, so nothing created in this tmpfs can ever be a device.
	 */
	ret = fresh_at(fd, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, DEV_TMPFS_OPTS);
	if (ret < 0)
		return ap_err_set(e, ret, "cannot mount a tmpfs on \"%s\"", r->inside);
	dfd = reopen_point(b, r->inside, e);
	if (dfd < 0)
		return dfd;

	for (size_t k = 0; k < ARRAY_SIZE(devices); k++) {
		cleanup_free char *src = xasprintf("/dev/%s", devices[k]);
		cleanup_free char *in = xasprintf("%s/%s", r->inside, devices[k]);
		cleanup_close int pfd = -1;
		struct stat st;

		if (stat(src, &st) < 0) {
			if (errno == ENOENT)
				continue;
			return ap_err_set(e, errno, "cannot bind \"%s\" on \"%s\"", src, in);
		}
		pfd = openat(dfd, devices[k], O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
			     0644);
		if (pfd < 0)
			return ap_err_set(e, errno, "cannot create mount point \"%s\"", in);
		(void) close(pfd);
		pfd = open_beneath(b->rootfd, in);
		if (pfd < 0)
			return ap_err_set(e, pfd, "cannot open mount point \"%s\"", in);
		/* A device bind must not be nodev; it is still nosuid and noexec. */
		ret = bind_at(b, src, pfd, in, false, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, e);
		if (ret < 0)
			return ret;
	}

	/* A fresh devpts instance, so the box cannot reach the host's ptys. */
	if (mkdirat(dfd, "pts", 0755) < 0)
		return ap_err_set(e, errno, "cannot create mount point \"%s/pts\"", r->inside);
	{
		cleanup_free char *in = xasprintf("%s/pts", r->inside);
		cleanup_close int pfd = open_beneath(b->rootfd, in);

		if (pfd < 0)
			return ap_err_set(e, pfd, "cannot open mount point \"%s\"", in);
		ret = fresh_at(pfd, "devpts", MS_NOSUID | MS_NOEXEC,
			       "newinstance,ptmxmode=0666,mode=0620");
	}
	/* Some user-namespace setups refuse devpts: then the box has no ptys, and that is all. */
	if (ret == 0 && symlinkat("pts/ptmx", dfd, "ptmx") < 0)
		return ap_err_set(e, errno, "cannot create \"%s/ptmx\"", r->inside);
	if (ret < 0)
		(void) unlinkat(dfd, "pts", AT_REMOVEDIR);

	for (size_t k = 0; k < ARRAY_SIZE(links); k++)
		if (symlinkat(links[k].target, dfd, links[k].name) < 0)
			return ap_err_set(e, errno, "cannot create \"%s/%s\"", r->inside,
					  links[k].name);

	/*
	 * The tmpfs belongs to the box uid (it mounted it): read-only at the
	 * end, or the program could add files to /dev.
	 */
	if (!(r->flags & RULE_RW))
		b->late_ro[i] = TAKE_FD(dfd);
	return 0;
}

/*
 * A bind in a copy of the template: the keeper cloned the source (with the
 * box uid's permissions) and set its attributes before clone(); it is only
 * attached here.
 */
static int
attach_tree(int tree, int fd, const char *inside, struct ap_err *e)
{
#ifdef SYS_move_mount
	if (tree >= 0 && syscall(SYS_move_mount, tree, "", fd, "",
				 MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) == 0)
		return 0;
	return ap_err_set(e, tree < 0 ? EBADF : errno, "cannot attach the bind on \"%s\"", inside);
#else
	(void) tree;
	(void) fd;
	return ap_err_set(e, ENOSYS, "cannot attach the bind on \"%s\"", inside);
#endif
}

/* Step 4 for one rule. */
static int
apply_rule(struct build *b, size_t i, struct ap_err *e)
{
	const struct dir_rule *r = &b->plan->rules->v[i];
	cleanup_close int fd = -1;
	int ret;

	ret = open_point(b, i, &fd, e);
	if (ret != 0)
		return ret < 0 ? ret : 0;
	if (r->flags & RULE_MINIDEV)
		return mount_minidev(b, i, fd, e);
	if (r->flags & RULE_TMP)
		return mount_tmp(b, i, fd, e);
	if (r->flags & RULE_FS)
		return mount_fs(b, i, fd, e);
	if (b->plan->build == MOUNTS_BUILD_IN_TEMPLATE)
		return attach_tree(b->plan->trees[i], fd, r->inside, e);
	if (b->srcfd[i] >= 0) {
		char src[64];
		fd_path(b->srcfd[i], src, sizeof(src));
		return bind_at(b, src, fd, r->inside, !(r->flags & RULE_NOREC),
			       mounts_rule_attrs(r->flags), e);
	}
	return bind_at(b, r->outside, fd, r->inside, !(r->flags & RULE_NOREC),
		       mounts_rule_attrs(r->flags), e);
}

/* Step 2: the tmpfs that becomes "/"; returns a directory fd on it. */
static int
mount_root_tmpfs(const char *newroot, struct ap_err *e)
{
	cleanup_close int fd = -1;
	char target[64];
	struct statfs sf;
	int rfd, ret;

	/*
	 * newroot is a path under box_root, which only root controls, so
	 * following a symlink there is the administrator's choice.
	 */
	fd = open(newroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ap_err_set(e, errno, "cannot open the new root \"%s\"", newroot);
	fd_path(fd, target, sizeof(target));
	/*
	 * Our own tmpfs, so that mount points are created in memory, never
	 * in the host directory, and vanish with the namespace.  noexec,
	 * nosuid, nodev: it only ever holds empty directories and files.
	 */
	ret = mount_on("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, ROOT_TMPFS_OPTS);
	if (ret < 0)
		return ap_err_set(e, ret, "cannot mount a tmpfs on \"%s\"", newroot);
	rfd = open(newroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return ap_err_set(e, errno, "cannot open the new root \"%s\"", newroot);
	/* Make sure we are in the tmpfs, not in the directory under it. */
	if (fstatfs(rfd, &sf) < 0 || sf.f_type != TMPFS_MAGIC) {
		(void) close(rfd);
		return ap_err_set(e, EIO, "the new root \"%s\" is not the tmpfs just mounted",
				  newroot);
	}
	return rfd;
}

/* Steps 6 and 7. */
static int
enter_root(const struct build *b, struct ap_err *e)
{
	cleanup_close int fd = -1;
	int ret;

	/*
	 * pivot_root rather than chroot: the old root is detached from the
	 * namespace altogether, so no fd or ".." trick can reach it.  The
	 * pivot_root(".", ".") form (runc, lxc) stacks the old root on the
	 * new one and needs no put_old directory in the read-only tmpfs.
	 */
	if (fchdir(b->rootfd) < 0)
		return ap_err_set(e, errno, "cannot enter the new root \"%s\"", b->plan->newroot);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return ap_err_set(e, errno, "cannot pivot_root into \"%s\"", b->plan->newroot);
	if (umount2(".", MNT_DETACH) < 0)
		return ap_err_set(e, errno, "cannot detach the old root");
	if (chdir("/") < 0)
		return ap_err_set(e, errno, "cannot change directory to \"/\"");

	/*
	 * The root tmpfs belongs to the box uid: read-only, so the program
	 * cannot create files at the top level (only in its rw mounts).
	 * Not recursive: /box and /tmp stay writable.
	 */
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ap_err_set(e, errno, "cannot open \"/\"");
	ret = set_attrs(fd, "/", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, false);
	if (ret < 0)
		return ap_err_set(e, ret, "cannot make \"/\" read-only");
	return 0;
}

/* Step 3 of MOUNTS_BUILD_TEMPLATE for rule i. */
static int
prepare_template_point(struct build *b, size_t i, struct ap_err *e)
{
	const struct dir_rule *r = &b->plan->rules->v[i];
	enum mounts_point pt = b->plan->points[i];
	int ret;

	if (r->flags & RULE_STATIC)
		return prepare_point(b, i, e);
	b->kind[i] = POINT_SKIP; /* mounted by each run, not here */
	if (pt == MOUNTS_POINT_NONE || covering_rule(b, i) >= 0)
		return 0;
	ret = make_point_fresh(b->rootfd, r->inside, pt == MOUNTS_POINT_FILE);
	if (ret < 0)
		return ap_err_set(e, ret, "cannot create mount point \"%s\"", r->inside);
	return 0;
}

/* The proc of the template maker's own pid namespace, on /proc. */
static int
mount_template_proc(const struct build *b, struct ap_err *e)
{
	cleanup_close int fd = open_beneath(b->rootfd, "/proc");
	int ret;

	if (fd < 0)
		return ap_err_set(e, fd, "cannot open mount point \"/proc\"");
	/* Read-write: a box's read-write proc must not be more than this one. */
	ret = fresh_at(fd, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	if (ret < 0)
		return ap_err_set(e, ret, "cannot mount \"proc\" on \"/proc\"");
	return 0;
}

/* MOUNTS_BUILD_IN_TEMPLATE: the box's proc rule, applied before the others. */
static long
proc_rule(const struct dir_rules *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		if ((rs->v[i].flags & RULE_FS) && strcmp(rs->v[i].outside, "proc") == 0 &&
		    strcmp(rs->v[i].inside, "/proc") == 0)
			return (long) i;
	return -1;
}

/*
 * Steps 1-3 in a copy of the template: private already, its read-only root
 * is ours ("/"), every point exists.  The static rules count as mounted
 * (covering_rule() sees them), and are not mounted again.
 */
static int
open_template_root(struct build *b, struct ap_err *e)
{
	const struct mounts_plan *plan = b->plan;

	b->rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b->rootfd < 0)
		return ap_err_set(e, errno, "cannot open \"/\"");
	for (size_t i = 0; i < plan->rules->n; i++) {
		unsigned flags = plan->rules->v[i].flags;

		if (flags & RULE_STATIC)
			b->kind[i] = (flags & RULE_SYMLINK) ? POINT_SKIP : POINT_DIR;
		else
			b->kind[i] = plan->points[i] == MOUNTS_POINT_NONE   ? POINT_SKIP
				     : plan->points[i] == MOUNTS_POINT_FILE ? POINT_FILE
									    : POINT_DIR;
	}
	TIMELINE("P: template root opened");
	return 0;
}

/* Steps 1-3 of a full build and of the template's. */
static int
make_root(struct build *b, struct ap_err *e)
{
	int ret;

	/*
	 * Step 1: nothing mounted from now on may propagate back to the host
	 * (or to another box) through a shared peer group.
	 */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return ap_err_set(e, errno, "cannot make mounts private");
	TIMELINE("P: mounts private");
	/* Step 2. */
	ret = mount_root_tmpfs(b->plan->newroot, e);
	if (ret < 0)
		return ret;
	b->rootfd = ret;
	TIMELINE("P: root tmpfs");
	/*
	 * Step 3: every mount point first, while the root tmpfs is plain and
	 * writable; a missing source fails before anything is mounted.
	 */
	for (size_t i = 0; i < b->plan->rules->n; i++) {
		ret = b->plan->build == MOUNTS_BUILD_TEMPLATE ? prepare_template_point(b, i, e)
							      : prepare_point(b, i, e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Is rule i mounted by this build (not skipped, not the template's already)? */
static bool
mounted_here(const struct build *b, size_t i)
{
	return b->kind[i] != POINT_SKIP && !(b->plan->build == MOUNTS_BUILD_IN_TEMPLATE &&
					     (b->plan->rules->v[i].flags & RULE_STATIC));
}

int
mounts_build_root(const struct mounts_plan *plan, struct ap_err *e)
{
	const struct dir_rules *rs = plan->rules;
	struct build b = {.plan = plan, .rootfd = -1};
	bool in_template = plan->build == MOUNTS_BUILD_IN_TEMPLATE;
	long first;
	size_t i;
	int ret;

	b.kind = xcalloc(rs->n, sizeof(*b.kind));
	b.late_ro = xcalloc(rs->n, sizeof(*b.late_ro));
	b.srcfd = xcalloc(rs->n, sizeof(*b.srcfd));
	for (i = 0; i < rs->n; i++)
		b.late_ro[i] = b.srcfd[i] = -1;

	ret = in_template ? open_template_root(&b, e) : make_root(&b, e);
	if (ret < 0)
		goto out;

	TIMELINE("P: mount points made");
	/*
	 * Steps 4 and 5, in rule order: a later rule may mount inside an
	 * earlier one.  In a copy of the template the box's proc comes first,
	 * so that /proc/self, which fd targets need, is the box's.
	 */
	first = in_template ? proc_rule(rs) : -1;
	if (first >= 0 && (ret = apply_rule(&b, (size_t) first, e)) < 0)
		goto out;
	for (i = 0; i < rs->n; i++) {
		if ((long) i == first || !mounted_here(&b, i))
			continue;
		ret = apply_rule(&b, i, e);
		if (ret < 0)
			goto out;
	}

	/* apbox's own tmpfs mounts become read-only once nothing needs a mount point in them. */
	for (i = 0; i < rs->n; i++) {
		if (b.late_ro[i] < 0)
			continue;
		ret = set_attrs(b.late_ro[i], NULL, MOUNT_ATTR_RDONLY, false);
		if (ret < 0) {
			ret = ap_err_set(e, ret, "cannot make \"%s\" read-only", rs->v[i].inside);
			goto out;
		}
	}
	if (plan->build == MOUNTS_BUILD_TEMPLATE && proc_rule(rs) >= 0) {
		ret = mount_template_proc(&b, e);
		if (ret < 0)
			goto out;
	}

	TIMELINE("P: mounts made");
	/* Steps 6 and 7 (a copy of the template is in its root already). */
	if (in_template)
		ret = chdir("/") < 0 ? ap_err_set(e, errno, "cannot change directory to \"/\"") : 0;
	else
		ret = enter_root(&b, e);
out:
	for (i = 0; i < rs->n; i++) {
		if (b.late_ro[i] >= 0)
			(void) close(b.late_ro[i]);
		if (b.srcfd[i] >= 0)
			(void) close(b.srcfd[i]);
	}
	free(b.late_ro);
	free(b.srcfd);
	free(b.kind);
	if (b.rootfd >= 0)
		(void) close(b.rootfd);
	return ret;
}

int
mounts_pin_ns(const char *nsfile, const char *target, struct ap_err *e)
{
	int r = mount_on(nsfile, target, NULL, MS_BIND, NULL);

	if (r < 0)
		return ap_err_set(e, -r, "cannot pin \"%s\" on \"%s\"", nsfile, target);
	/*
	 * Unbindable, so that a caller's bind of a tree holding box_root does not
	 * copy the pin: a run's mount namespace is newer than the template it
	 * pins, and the kernel refuses (ELOOP) to attach an older one's file.
	 */
	r = mount_on(NULL, target, NULL, MS_UNBINDABLE, NULL);
	if (r < 0) {
		(void) umount2(target, MNT_DETACH | UMOUNT_NOFOLLOW);
		return ap_err_set(e, -r, "cannot make the pin \"%s\" unbindable", target);
	}
	return 0;
}

int
mounts_unpin_ns(const char *target, struct ap_err *e)
{
	/* Detach: nothing in the box may keep it busy, and a lazy unmount cannot fail for that. */
	if (umount2(target, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
		return ap_err_set(e, errno, "cannot unmount \"%s\"", target);
	return 0;
}
