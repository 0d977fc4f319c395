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
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

#include "caps.h"
#include "conf.h"
#include "err.h"
#include "mounts.h"
#include "ns.h"
#include "rules.h"
#include "cache.h"
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
	b->storage = c->storage;
	b->storage_inodes = c->storage_inodes;
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

/* Is word one of the space-separated words of s? */
static bool
has_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = s; (p = strstr(p, word)); p += n)
		if ((p == s || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

static int
parse_state(const char *buf, struct box_state *st)
{
	char mode[32], cg[16];
	unsigned long owner;
	int init, end = 0;

	memset(st, 0, sizeof(*st));
	/* Empty: a new lock file (or one an older apbox truncated). */
	if (!*buf)
		return 0;
	st->recorded = true;
	if (sscanf(buf, LOCK_MAGIC " init=%d", &init) == 1 && init == 0)
		return 0;
	if (sscanf(buf, LOCK_MAGIC " init=%d owner=%lu mode=%31s cg=%15s%n", &init, &owner, mode,
		   cg, &end) != 4 ||
	    end == 0)
		return -EINVAL;
	st->initialized = init == 1;
	/* Words an older apbox did not write are absent: then anything may be there. */
	st->no_cgroup = has_word(buf + end, "cgmade=0");
	st->no_host_ipc = has_word(buf + end, "hostipc=0");
	st->owner = (uid_t) owner;
	if (mode_parse(mode, &st->mode) < 0 || cg_version_parse(cg, &st->cg) < 0)
		return -EINVAL;
	return 0;
}

int
box_lock_root_open(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);

	if (fd < 0)
		return -errno;
	/*
	 * Why 0600: anyone who can open a lock file can flock it, and a box
	 * holding another box's lock makes that box's run and cleanup fail
	 * with "in use".  A code-only box runs on the host as the box uid, so
	 * the file must be readable by its owner alone.  A file an older apbox
	 * made 0644 is tightened here, when it is ours.
	 */
	if (fstat(fd, &st) == 0 && st.st_uid == geteuid() && (st.st_mode & 077) &&
	    fchmod(fd, 0600) < 0) {
		int en = errno;
		(void) close(fd);
		return -en;
	}
	return fd;
}

int
box_lock(struct box *b, bool wait, struct ap_err *e)
{
	cleanup_free char *lock_root = xstrdup(b->lock_path);
	char buf[256];
	ssize_t n;
	int r;

	*strrchr(lock_root, '/') = '\0';
	b->lock_fd = box_lock_root_open(b->lock_path);
	if (b->lock_fd == -ENOENT) {
		/* The first command after a reboot (lock_root on /run): make lock_root. */
		r = mkdir_parents(lock_root, e);
		if (r < 0)
			return r;
		b->lock_fd = box_lock_root_open(b->lock_path);
	}
	if (b->lock_fd < 0)
		return ap_err_set(e, -b->lock_fd, "cannot open lock file \"%s\"", b->lock_path);
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
	if (parse_state(buf, &b->state) < 0) {
		if (!b->may_repair)
			return ap_err_set(e, 0,
					  "corrupt lock file \"%s\" (run apbox cleanup -b %d)",
					  b->lock_path, b->id);
		/* Whatever the box was, cleanup (or init's reset) removes all of it. */
		ap_log(1, "box %d: corrupt lock file \"%s\": taken as an initialised box", b->id,
		       b->lock_path);
		memset(&b->state, 0, sizeof(b->state));
		b->state.recorded = b->state.initialized = true;
		b->state.owner = geteuid();
		b->state.cg = CG_AUTO;
	}
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
		n = snprintf(buf, sizeof(buf),
			     LOCK_MAGIC " init=1 owner=%u mode=%s cg=%s cgmade=%d hostipc=%d",
			     (unsigned) b->state.owner, mode_name(b->state.mode),
			     cg_version_name(b->state.cg), !b->state.no_cgroup,
			     !b->state.no_host_ipc);
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

int
box_open_root(const struct box *b, bool create, struct ap_err *e)
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
 * One table of /proc/sysvipc (shm, sem or msg): remove each object whose
 * owner or creator is uid.  The columns are found by the header's names,
 * since they differ between the three tables.
 */
static void
wipe_sysv_table(const char *table, const char *id_col, uid_t uid)
{
	cleanup_free char *path = xasprintf("/proc/sysvipc/%s", table);
	cleanup_fclose FILE *f = fopen(path, "re");
	char line[1024];
	int id_at = -1, uid_at = -1, cuid_at = -1, n = 0;

	if (!f || !fgets(line, sizeof(line), f))
		return;
	for (char *save = NULL, *t = strtok_r(line, " \t\n", &save); t;
	     t = strtok_r(NULL, " \t\n", &save), n++) {
		if (strcmp(t, id_col) == 0)
			id_at = n;
		else if (strcmp(t, "uid") == 0)
			uid_at = n;
		else if (strcmp(t, "cuid") == 0)
			cuid_at = n;
	}
	if (id_at < 0 || uid_at < 0 || cuid_at < 0)
		return;
	while (fgets(line, sizeof(line), f)) {
		long long id = -1, owner = -1, creator = -1;

		n = 0;
		for (char *save = NULL, *t = strtok_r(line, " \t\n", &save); t;
		     t = strtok_r(NULL, " \t\n", &save), n++) {
			if (n == id_at)
				id = strtoll(t, NULL, 10);
			else if (n == uid_at)
				owner = strtoll(t, NULL, 10);
			else if (n == cuid_at)
				creator = strtoll(t, NULL, 10);
		}
		if (id < 0 || id > INT32_MAX ||
		    (owner != (long long) uid && creator != (long long) uid))
			continue;
		if (table[1] == 'h')
			(void) shmctl((int) id, IPC_RMID, NULL);
		else if (table[1] == 'e')
			(void) semctl((int) id, 0, IPC_RMID);
		else
			(void) msgctl((int) id, IPC_RMID, NULL);
	}
}

/*
 * What a box without namespaces of its own (code-only, whose program runs
 * on the host as the box uid) leaves in the host's shared places, where the next job of the
 * box (the same uid) would find it: System V shared memory, semaphores and
 * message queues, and POSIX shared memory and semaphores in /dev/shm.  Only
 * what the box uid owns is removed; /dev/shm is read through its fd,
 * following no symlink (remove_tree_at() crosses no mount either).  A
 * process box has its own IPC namespace and /dev/shm, gone with the run.
 * Root only: a rootless box's uid is its caller's.
 */
/* dir_each() over /dev/shm: remove what the box uid (arg) owns. */
static int
wipe_shm_entry(int shm, const struct dirent *de, void *arg)
{
	uid_t uid = *(const uid_t *) arg;
	struct stat st;

	if (fstatat(shm, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_uid == uid)
		(void) remove_tree_at(shm, de->d_name);
	return 0;
}

static void
wipe_box_ipc(const struct box *b)
{
	cleanup_close int shm = -1;
	uid_t uid = b->uid;

	if (b->rootless)
		return;
	wipe_sysv_table("shm", "shmid", uid);
	wipe_sysv_table("sem", "semid", uid);
	wipe_sysv_table("msg", "msqid", uid);
	shm = open("/dev/shm", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (shm >= 0)
		(void) dir_each(shm, wipe_shm_entry, &uid);
}

/*
 * <box_root>/.spare-<id>: the empty directory box <id>'s storage was mounted
 * on, kept by cleanup for the next init's mount: two renames instead of an
 * rmdir and a mkdir on box_root's disk (an ext4 rmdir frees an inode and a
 * block: ~10 times a rename).  Root's, 0755, empty, in box_root, which no
 * box can write; a shared entry (cleanup --shared removes it).
 */
static void
spare_name(const struct box *b, char *buf, size_t len)
{
	(void) snprintf(buf, len, ".spare-%d", b->id);
}

/*
 * init, for a box whose storage will be mounted: its spare directory as
 * <id> (an fd of it), or -1 when there is none that is empty and root's
 * (what else is there is removed).
 */
static int
take_spare(const struct box *b, int rootfd, const char *name)
{
	char spare[32];
	struct stat st;
	int fd;

	if (!b->storage || b->rootless)
		return -1;
	spare_name(b, spare, sizeof(spare));
	if (renameat2(rootfd, spare, rootfd, name, RENAME_NOREPLACE) < 0)
		return -1;
	fd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 && st.st_uid == geteuid() && st.st_nlink == 2 &&
	    dir_is_empty(fd) && ((st.st_mode & 07777) == 0755 || fchmod(fd, 0755) == 0))
		return fd;
	if (fd >= 0)
		(void) close(fd);
	(void) remove_tree_at(rootfd, name);
	return -1;
}

/*
 * Remove <box_root>/<id> through rootfd (box_root), unpinning the box's
 * network namespace first; a box that is not there is success.  init (to
 * reset a box) and cleanup share it.  With keep_spare, the storage's
 * mount point is kept as the box's spare (see spare_name()).
 */
static int
wipe_box(const struct box *b, int rootfd, bool keep_spare, struct ap_err *e)
{
	char name[16], spare[32];
	bool storage;
	int r = ns_unpin(b->netns, e);

	if (r < 0)
		return r;
	TIMELINE("wipe: netns unpinned");
	if (box_may_have_host_ipc(b))
		wipe_box_ipc(b);
	TIMELINE("wipe: ipc swept");
	/* The storage goes at once, whatever it holds: nothing to walk. */
	storage = box_has_storage(b);
	if (storage && umount2(b->dir, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
		return ap_err_set(e, errno, "cannot unmount the storage of box %d (\"%s\")", b->id,
				  b->dir);
	TIMELINE("wipe: storage unmounted");
	(void) snprintf(name, sizeof(name), "%d", b->id);
	spare_name(b, spare, sizeof(spare));
	/* Kept only as it was mounted on: empty (else the rename fails, and it goes). */
	if (storage && keep_spare && renameat(rootfd, name, rootfd, spare) == 0)
		r = 0;
	else
		r = remove_tree_at(rootfd, name);
	TIMELINE("wipe: tree removed");
	if (r == -EBUSY)
		return ap_err_set(e, EBUSY, "cannot remove \"%s\": a mount is still inside it",
				  b->dir);
	if (r < 0)
		return ap_err_set(e, -r, "cannot remove \"%s\"", b->dir);
	return 0;
}

/*
 * The box's storage: a tmpfs of storage bytes and storage_inodes inodes
 * (plus a few for apbox's own entries) on the new box dir *dirfd, which then
 * names the tmpfs.  /box lives in it, and each run's /tmp and /dev/shm in
 * process modes: one bound for the three, kept in memory, so a box never
 * fills box_root's disk, and gone at once with cleanup.  An ordinary user
 * cannot mount it, nor can root without CAP_SYS_ADMIN (a container's
 * default): their boxes store on box_root's filesystem (check says so).
 */
#define STORAGE_OWN_INODES 6

static int
mount_storage(const struct box *b, int rootfd, const char *name, int *dirfd, struct ap_err *e)
{
	char target[64];
	cleanup_free char *data = NULL;
	int fd;

	if (!b->storage)
		return 0;
	if (b->rootless)
		goto none;
	data = xasprintf("mode=0755,size=%llu,nr_inodes=%llu", (unsigned long long) b->storage,
			 (unsigned long long) (b->storage_inodes + STORAGE_OWN_INODES));
	(void) snprintf(target, sizeof(target), "/proc/self/fd/%d", *dirfd);
	if (mount("apbox", target, "tmpfs", MS_NOSUID | MS_NODEV, data) < 0) {
		/*
		 * Refused (no CAP_SYS_ADMIN, or a security module or seccomp
		 * profile that denies mount with it): the default bound is
		 * dropped, as without root; one asked for by name is not.
		 */
		if ((errno == EPERM || errno == EACCES) && !b->storage_asked)
			goto none;
		if (errno == EPERM && !caps_have(CAP_SYS_ADMIN))
			goto none;
		return ap_err_set(e, errno, "cannot mount the storage of box %d on \"%s\"", b->id,
				  b->dir);
	}
	/* By name: the old fd names the directory under the mount. */
	fd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ap_err_set(e, errno, "cannot open \"%s\"", b->dir);
	(void) close(*dirfd);
	*dirfd = fd;
	return 0;
none:
	/* Asked for by name, a bound that cannot be had is refused, never dropped. */
	if (b->storage_asked)
		return ap_err_set(
			e, 0,
			"--storage needs root with CAP_SYS_ADMIN, to mount the box's tmpfs "
			"(see apbox check)");
	ap_log(1, "box %d: no storage of its own: /box is on box_root's filesystem", b->id);
	return 0;
}

/* Is the box dir a filesystem of its own (its storage)?  Then *dev is it. */
static bool
storage_dev(const struct box *b, dev_t *dev)
{
	struct stat d, r;

	if (lstat(b->dir, &d) < 0 || !S_ISDIR(d.st_mode) || stat(b->root, &r) < 0 ||
	    d.st_dev == r.st_dev)
		return false;
	*dev = d.st_dev;
	return true;
}

bool
box_has_storage(const struct box *b)
{
	dev_t dev;

	return storage_dev(b, &dev);
}

bool
box_may_have_host_ipc(const struct box *b)
{
	return !(b->state.initialized && b->state.no_host_ipc);
}

bool
box_may_have_cgroups(const struct box *b)
{
	return !box_is_gone(b) && !(b->state.initialized && b->state.no_cgroup);
}

bool
box_run_touches_host_ipc(const struct box *b, int ns_flags, const struct dir_rules *rules)
{
	struct stat s;
	dev_t own = 0;
	bool known = false; /* own is the box's storage */

	if (!(ns_flags & CLONE_NEWIPC))
		return true;
	for (size_t i = 0; i < rules->n; i++) {
		const struct dir_rule *ru = &rules->v[i];

		if (!(ru->flags & RULE_RW) || (ru->flags & RULE_FS) || !ru->outside)
			continue;
		if (!known && !(known = storage_dev(b, &own)))
			return true;
		/* A writable source anywhere but on the box's own tmpfs. */
		if (stat(ru->outside, &s) < 0 || s.st_dev != own)
			return true;
	}
	return false;
}

/* dir_each() over a tmp dir: remove every entry. */
static int
sweep_entry(int dirfd, const struct dirent *de, void *arg)
{
	(void) arg;
	return remove_tree_at(dirfd, de->d_name);
}

/* dir_each() over <id>/.tmp: empty each tmp dir. */
static int
sweep_tmp_dir(int tmp, const struct dirent *de, void *arg)
{
	cleanup_close int k =
		openat(tmp, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	(void) arg;
	if (k < 0)
		return -errno;
	/* The usual case (the run left nothing, or was swept after): one read. */
	if (dir_is_empty(k))
		return 0;
	/* dir_each() reads through a dup, which shares this offset. */
	if (lseek(k, 0, SEEK_SET) < 0)
		return -errno;
	return dir_each(k, sweep_entry, NULL);
}

/* Empty every <id>/.tmp/<k>; also what a run that crashed left. */
void
box_tmp_sweep(const struct box *b)
{
	cleanup_free char *path = xasprintf("%s/.tmp", b->dir);
	cleanup_close int tmp = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (tmp >= 0)
		(void) dir_each(tmp, sweep_tmp_dir, NULL);
}

char *
box_tmp_path(const struct box *b, size_t k)
{
	return xasprintf("%s/.tmp/%zu", b->dir, k);
}

int
box_tmp_make(const struct box *b, size_t n, struct ap_err *e)
{
	cleanup_close int dir = open(b->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	cleanup_close int tmp = -1;

	box_tmp_sweep(b);
	tmp = dir < 0 ? -errno : mkdirat_nofollow(dir, ".tmp", 0711);
	if (tmp < 0)
		return ap_err_set(e, -tmp, "cannot create \"%s/.tmp\"", b->dir);
	for (size_t k = 0; k < n; k++) {
		char name[24];
		cleanup_close int fd = -1;

		(void) snprintf(name, sizeof(name), "%zu", k);
		fd = mkdirat_nofollow(tmp, name, 0700);
		/* Only the box reaches it: another box's uid cannot even look in. */
		if (fd < 0 || fchown(fd, b->host_uid, b->host_gid) < 0 || fchmod(fd, 0700) < 0) {
			cleanup_free char *path = box_tmp_path(b, k);
			return ap_err_set(e, fd < 0 ? -fd : errno, "cannot create \"%s\"", path);
		}
	}
	return 0;
}

int
box_create(struct box *b, struct ap_err *e)
{
	cleanup_close int rootfd = -1, dirfd = -1, workfd = -1;
	char name[16];
	int r;

	rootfd = box_open_root(b, true, e);
	if (rootfd < 0)
		return rootfd;
	/*
	 * A previous box is reset, as isolate 2.x does on --init; after a
	 * cleanup that finished (the record says so, and the directory is
	 * gone) there is nothing of it to reset: nothing of the box uid ran
	 * since to leave IPC objects.
	 */
	if (!box_is_gone(b)) {
		r = wipe_box(b, rootfd, true, e);
		if (r < 0)
			return r;
	}
	(void) snprintf(name, sizeof(name), "%d", b->id);
	dirfd = take_spare(b, rootfd, name);
	if (dirfd < 0)
		dirfd = mkdirat_nofollow(rootfd, name, 0755);
	if (dirfd < 0)
		return ap_err_set(e, -dirfd, "cannot create \"%s\"", b->dir);
	TIMELINE("create: dir made");
	r = mount_storage(b, rootfd, name, &dirfd, e);
	if (r < 0)
		goto out;
	TIMELINE("create: storage mounted");
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
	/*
	 * The tmp dirs of a run (/tmp, /dev/shm) are made now, so that a run
	 * finds them even when the box has filled its storage since.
	 */
	if (box_has_storage(b)) {
		r = box_tmp_make(b, 2, e);
		if (r < 0)
			goto out;
	}
	TIMELINE("create: work and tmp dirs made");
	/* Made now, so that a run finds it even when box_root has filled up since. */
	r = cache_make_newroot(b, e);
	if (r < 0)
		goto out;
	return 0;
out:
	(void) wipe_box(b, rootfd, false, &(struct ap_err){0});
	return r;
}

int
box_remove(struct box *b, bool keep_spare, struct ap_err *e)
{
	cleanup_close int rootfd = box_open_root(b, false, e);
	int r;

	/* No box_root at all: no box either. */
	if (rootfd < 0 && rootfd != -ENOENT)
		return rootfd;
	if (rootfd >= 0) {
		r = wipe_box(b, rootfd, keep_spare, e);
		if (r < 0)
			return r;
	} else if (box_may_have_host_ipc(b)) {
		/* box_root went, the box's IPC objects need not have. */
		wipe_box_ipc(b);
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
