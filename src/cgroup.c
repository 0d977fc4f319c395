/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup: detection of the cgroup layout, the cg_* entry points that
 * dispatch to a backend, the limit check that turns "this host cannot
 * enforce that limit" into a message naming the fix, and the helpers the
 * backends share (control-file I/O, the kill loop, rmdir with retry).  It
 * names no version-specific control file: those live in cgroup-v1.c and
 * cgroup-v2.c.  It never moves a process and never writes a limit itself.
 */
#include "config.h"

#include "cgroup-internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

/* pidfds opened at once by cg_kill_procs(): well below any RLIMIT_NOFILE. */
#define KILL_BATCH 64
/* How long cg_rmdir() retries EBUSY. */
#define RMDIR_TIMEOUT_MS 1000

/* ---- detection and names ------------------------------------------------ */

static bool
is_fs(const char *path, unsigned long magic)
{
	struct statfs st;

	return statfs(path, &st) == 0 && (unsigned long) st.f_type == magic;
}

enum cg_version
cg_detect(const char *root)
{
	cleanup_free char *mem = NULL, *pids = NULL;
	struct statfs st;

	if (!root)
		root = CG_DEFAULT_ROOT;
	if (statfs(root, &st) < 0)
		return CG_NONE;
	if ((unsigned long) st.f_type == CGROUP2_SUPER_MAGIC)
		return CG_V2;
	if ((unsigned long) st.f_type != TMPFS_MAGIC)
		return CG_NONE;
	/* A tmpfs is v1 or hybrid only if it really holds a controller we use. */
	mem = xasprintf("%s/memory", root);
	pids = xasprintf("%s/pids", root);
	if (is_fs(mem, CGROUP_SUPER_MAGIC) || is_fs(pids, CGROUP_SUPER_MAGIC))
		return CG_V1;
	return CG_NONE;
}

const char *
cg_version_name(enum cg_version v)
{
	switch (v) {
	case CG_AUTO:
		return "auto";
	case CG_NONE:
		return "none";
	case CG_V1:
		return "v1";
	case CG_V2:
		return "v2";
	default:
		return "?";
	}
}

int
cg_version_parse(const char *s, enum cg_version *out)
{
	static const struct {
		const char *name;
		enum cg_version v;
	} names[] = {
		{"auto", CG_AUTO}, {"none", CG_NONE}, {"1", CG_V1},
		{"v1", CG_V1},	   {"2", CG_V2},      {"v2", CG_V2},
	};

	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcasecmp(s, names[i].name) == 0) {
			*out = names[i].v;
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- open, free, dispatch ------------------------------------------------ */

static char *
strip_trailing_slashes(const char *s)
{
	char *p = xstrdup(s);
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	return p;
}

/*
 * The parent comes from the configuration; it must stay below root, so it
 * is relative and has no "." or ".." component.
 */
static bool
parent_is_valid(const char *parent)
{
	cleanup_free char *abs = NULL;

	if (!*parent || parent[0] == '/')
		return false;
	abs = xasprintf("/%s", parent);
	return path_is_clean_abs(abs);
}

/* An empty struct cg: nothing allocated, no fd open. */
static void
clear(struct cg *c)
{
	memset(c, 0, sizeof(*c));
	c->dirfd = -1;
	c->peak_fd = -1;
	for (size_t i = 0; i < ARRAY_SIZE(c->fds); i++)
		c->fds[i] = -1;
}

int
cg_open(struct cg *c, enum cg_version v, const char *root, const char *parent, int box_id,
	struct ap_err *e)
{
	cleanup_free char *r = NULL, *p = NULL;
	int ret;

	clear(c);
	if (!root)
		root = CG_DEFAULT_ROOT;
	if (!parent)
		parent = CG_DEFAULT_PARENT;
	if (box_id < 0)
		return ap_err_set(e, EINVAL, "invalid box id %d", box_id);
	if (!*root)
		return ap_err_set(e, EINVAL, "empty cgroup root");
	r = strip_trailing_slashes(root);
	p = strip_trailing_slashes(parent);
	if (!parent_is_valid(p))
		return ap_err_set(e, EINVAL,
				  "invalid cgroup parent \"%s\": must be a relative path without "
				  "\".\" or \"..\"",
				  parent);
	/* An explicit version skips detection, so a fake tree can stand in for cgroupfs. */
	if (v == CG_AUTO)
		v = cg_detect(r);
	switch (v) {
	case CG_NONE:
		c->ops = &cg_none_ops;
		break;
	case CG_V1:
		c->ops = &cg_v1_ops;
		break;
	case CG_V2:
		c->ops = &cg_v2_ops;
		break;
	case CG_AUTO:
	default:
		return ap_err_set(e, EINVAL, "invalid cgroup version %d", (int) v);
	}
	c->version = v;
	c->box_id = box_id;
	c->root = TAKE_PTR(r);
	c->parent = TAKE_PTR(p);
	ret = c->ops->probe(c, e);
	if (ret < 0) {
		cg_free(c);
		return ret;
	}
	return 0;
}

void
cg_close_fds(struct cg *c)
{
	/* A zero-initialised struct never went through cg_open(): its fds are 0, not ours. */
	if (!c->ops)
		return;
	if (c->dirfd >= 0)
		(void) close(c->dirfd);
	if (c->peak_fd >= 0)
		(void) close(c->peak_fd);
	c->dirfd = -1;
	c->peak_fd = -1;
	for (size_t i = 0; i < ARRAY_SIZE(c->fds); i++) {
		if (c->fds[i] >= 0)
			(void) close(c->fds[i]);
		c->fds[i] = -1;
	}
}

void
cg_free(struct cg *c)
{
	cg_close_fds(c);
	free(c->root);
	free(c->parent);
	for (size_t i = 0; i < ARRAY_SIZE(c->path); i++)
		free(c->path[i]);
	clear(c);
}

/*
 * v2: the first cgroup from root down to parent that offers ctrl to its
 * children in cgroup.controllers but does not pass it on in
 * cgroup.subtree_control because it holds processes (the "no internal
 * processes" rule).  Returns its path (caller frees) or NULL.
 */
static char *
v2_busy_ancestor(const struct cg *c, const char *ctrl)
{
	cleanup_free char *rel = xstrdup(c->parent ? c->parent : CG_DEFAULT_PARENT);
	char *slash = rel;

	/* The root cgroup is exempt from the rule: start below it. */
	while ((slash = strchr(slash, '/'))) {
		cleanup_free char *dir = NULL;
		cleanup_close int dfd = -1;
		char procs[16];

		*slash = '\0';
		dir = xasprintf("%s/%s", c->root, rel);
		*slash++ = '/';
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return NULL;
		if (cg_list_has(dfd, "cgroup.controllers", ctrl) &&
		    !cg_list_has(dfd, "cgroup.subtree_control", ctrl) &&
		    read_fileat(dfd, "cgroup.procs", procs, sizeof(procs)) > 0)
			return TAKE_PTR(dir);
	}
	return NULL;
}

int
cg_check_limits(const struct cg *c, const struct cg_limits *l, struct ap_err *e)
{
	/* path[] index: v1 keeps memory in path[0] and pids in path[1]; v2 has only path[0]. */
	const struct {
		uint64_t val;
		unsigned bit;
		const char *what, *ctrl;
		int idx;
	} need[] = {
		{l->mem, CG_MEMORY, "memory limit", "memory", 0},
		{l->pids, CG_PIDS, "process limit", "pids", 1},
	};

	for (size_t i = 0; i < ARRAY_SIZE(need); i++) {
		const char *where;
		if (!need[i].val)
			continue;
		switch (c->version) {
		case CG_V1:
		case CG_V2:
			break;
		case CG_AUTO:
		case CG_NONE:
		default:
			return ap_err_set(
				e, EOPNOTSUPP,
				"%s requested but no cgroup can enforce it (cgroup version "
				"is \"none\", or no cgroup hierarchy was found at \"%s\")",
				need[i].what, c->root ? c->root : CG_DEFAULT_ROOT);
		}
		if (!(c->have & need[i].bit)) {
			cleanup_free char *busy =
				c->version == CG_V2 ? v2_busy_ancestor(c, need[i].ctrl) : NULL;
			if (busy)
				return ap_err_set(
					e, EBUSY,
					"%s requested but the %s controller cannot be enabled "
					"below \"%s\": that cgroup holds processes (cgroup v2 "
					"allows controllers only for a cgroup without processes of "
					"its own: set [cgroup] parent to a cgroup outside it, or "
					"move its processes into a leaf)",
					need[i].what, need[i].ctrl, busy);
			if (c->version == CG_V2)
				return ap_err_set(
					e, EOPNOTSUPP,
					"%s requested but no cgroup %s controller is available "
					"(cgroup v2 at \"%s/%s\": enable +%s in the parent's "
					"cgroup.subtree_control, or delegate a writable cgroup)",
					need[i].what, need[i].ctrl, c->root, c->parent,
					need[i].ctrl);
			return ap_err_set(e, EOPNOTSUPP,
					  "%s requested but no cgroup %s controller is available "
					  "(cgroup v1: no %s hierarchy is mounted under \"%s\")",
					  need[i].what, need[i].ctrl, need[i].ctrl, c->root);
		}
		if (!c->is_writable) {
			where = c->path[c->version == CG_V2 ? 0 : need[i].idx];
			return ap_err_set(
				e, EACCES,
				"%s requested but cgroup \"%s\" is not writable by uid %u "
				"(run as root, or delegate a writable cgroup subtree)",
				need[i].what, where ? where : c->root, (unsigned) geteuid());
		}
	}
	return 0;
}

/* A struct that cg_open() never filled behaves as "none" instead of crashing. */
static const struct cg_ops *
ops_of(const struct cg *c)
{
	return c->ops ? c->ops : &cg_none_ops;
}

int
cg_create(struct cg *c, struct ap_err *e)
{
	int r = ops_of(c)->create(c, e);

	if (r < 0)
		return r;
	/* What the box cgroup really got (controllers enabled, cgroup.kill) is known only now. */
	return ops_of(c)->probe(c, e);
}

int
cg_prepare(struct cg *c, const struct cg_limits *l, struct ap_err *e)
{
	int r = cg_check_limits(c, l, e);

	if (r < 0)
		return r;
	r = ops_of(c)->prepare(c, l, e);
	c->is_prepared = r >= 0;
	return r;
}

int
cg_join_open(struct cg *c, const struct cg_limits *l, int *fds, struct ap_err *e)
{
	/* v2 clones the box into its cgroup (cg_clone_fd()); none has nothing to join. */
	if (!ops_of(c)->join_open)
		return 0;
	return ops_of(c)->join_open(c, l, fds, e);
}

int
cg_join_self(int *fds, int n)
{
	int ret = 0;

	/* "0" is the writer itself: only this thread moves, without the global lock. */
	for (int i = 0; i < n && ret == 0; i++)
		if (write(fds[i], "0", 1) != 1)
			ret = errno ? -errno : -EIO;
	cg_join_close(fds, n);
	return ret;
}

void
cg_join_close(int *fds, int n)
{
	for (int i = 0; i < n; i++) {
		if (fds[i] >= 0)
			(void) close(fds[i]);
		fds[i] = -1;
	}
}

int
cg_enter_begin(struct cg *c, const struct cg_limits *l, struct cg_entry *en, struct ap_err *e)
{
	int n, r;

	en->clone_fd = -1;
	en->njoin = 0;
	en->limits_pending = false;
	for (size_t i = 0; i < ARRAY_SIZE(en->join); i++)
		en->join[i] = -1;
	/* A backend whose box joins by itself writes the limits while the proxy builds the root. */
	n = cg_join_open(c, l, en->join, e);
	if (n < 0)
		return n;
	if (n > 0) {
		en->njoin = n;
		en->limits_pending = true;
		return 0;
	}
	r = cg_prepare(c, l, e);
	if (r < 0)
		return r;
	en->clone_fd = cg_clone_fd(c);
	return 0;
}

int
cg_enter_self(struct cg_entry *en)
{
	int r = cg_join_self(en->join, en->njoin);

	en->njoin = 0;
	return r;
}

void
cg_enter_close(struct cg_entry *en)
{
	cg_join_close(en->join, en->njoin);
	en->njoin = 0;
}

int
cg_enter_finish(struct cg *c, const struct cg_limits *l, struct cg_entry *en, struct ap_err *e)
{
	if (!en->limits_pending)
		return 0;
	en->limits_pending = false;
	return cg_prepare(c, l, e);
}

int
cg_stats(struct cg *c, struct cg_stats *out, struct ap_err *e)
{
	memset(out, 0, sizeof(*out));
	return ops_of(c)->stats(c, out, e);
}

int
cg_kill(struct cg *c, struct ap_err *e)
{
	return ops_of(c)->kill(c, e);
}

int
cg_destroy(struct cg *c, struct ap_err *e)
{
	int r = ops_of(c)->destroy(c, e);

	cg_close_fds(c);
	return r;
}

int
cg_clone_fd(const struct cg *c)
{
	/*
	 * Only a prepared cgroup: a box must never be born where its limits are
	 * not yet.  Only the v2 backend opens dirfd.
	 */
	return c->is_prepared ? c->dirfd : -1;
}

int
cg_remove_parent(struct cg *c, struct ap_err *e)
{
	size_t rootlen = c->root ? strlen(c->root) : 0;

	for (size_t i = 0; i < ARRAY_SIZE(c->path); i++) {
		cleanup_free char *rel = NULL;
		cleanup_close int fd = -1;
		const char *dirrel, *name;
		char *slash;

		if (!c->path[i])
			continue;
		/* path is root/<rel>/box-N: drop the box, split off the parent's last part. */
		rel = xstrdup(c->path[i] + rootlen + 1);
		slash = strrchr(rel, '/');
		if (!slash)
			continue;
		*slash = '\0';
		slash = strrchr(rel, '/');
		if (slash) {
			*slash = '\0';
			dirrel = rel;
			name = slash + 1;
		} else {
			dirrel = "";
			name = rel;
		}
		fd = cg_open_below(c->root, dirrel);
		if (fd == -ENOENT)
			continue;
		if (fd < 0)
			return ap_err_set(e, -fd, "cannot open cgroup \"%s/%s\"", c->root, dirrel);
		/* Other boxes may still live there: a busy parent stays, and that is fine. */
		if (unlinkat(fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT && errno != ENOTEMPTY &&
		    errno != EBUSY)
			return ap_err_set(e, errno, "cannot remove cgroup \"%s/%s%s%s\"", c->root,
					  dirrel, *dirrel ? "/" : "", name);
	}
	return 0;
}

/* ---- helpers shared by the backends --------------------------------------- */

int
cg_open_below(const char *root, const char *rel)
{
	/* root itself comes from the administrator's configuration and is trusted. */
	cleanup_close int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	/* Refuses symlinks and ".." escapes below root. */
	return openat_beneath(fd, rel, O_RDONLY | O_DIRECTORY, 0);
}

int
cg_write(int dfd, const char *dir, const char *name, const char *val, unsigned flags,
	 struct ap_err *e)
{
	/*
	 * No O_CREAT: a control file the kernel did not make means the
	 * feature is missing, never something to create.  O_TRUNC is ignored
	 * by cgroupfs (a shell's ">" uses it too) and keeps an ordinary file
	 * in a fake test tree holding exactly the last value.
	 */
	cleanup_close int fd = openat(dfd, name, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
	size_t len = strlen(val);
	ssize_t w;

	if (fd < 0) {
		if (errno == ENOENT && (flags & CG_OPTIONAL))
			return 0;
		return ap_err_set(e, errno, "cannot write \"%s\" to \"%s/%s\"", val, dir, name);
	}
	/* One write(): cgroupfs parses each write() as a whole value. */
	w = write(fd, val, len);
	if (w < 0)
		return ap_err_set(e, errno, "cannot write \"%s\" to \"%s/%s\"", val, dir, name);
	if ((size_t) w != len)
		return ap_err_set(e, EIO, "short write of \"%s\" to \"%s/%s\"", val, dir, name);
	return 0;
}

static void
trim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

int
cg_read_u64(int dfd, const char *dir, const char *name, uint64_t *out, unsigned flags,
	    struct ap_err *e)
{
	char buf[64];
	ssize_t n = read_fileat(dfd, name, buf, sizeof(buf));

	if (n < 0) {
		if (n == -ENOENT && (flags & CG_OPTIONAL))
			return 0;
		return ap_err_set(e, (int) -n, "cannot read \"%s/%s\"", dir, name);
	}
	trim(buf);
	if (strcmp(buf, "max") == 0) {
		*out = UINT64_MAX;
		return 1;
	}
	if (parse_u64(buf, UINT64_MAX, out) < 0)
		return ap_err_set(e, EINVAL, "cannot parse \"%s\" in \"%s/%s\"", buf, dir, name);
	return 1;
}

int
cg_read_key(int dfd, const char *dir, const char *name, const char *key, uint64_t *out,
	    unsigned flags, struct ap_err *e)
{
	char buf[4096];
	size_t klen = strlen(key);
	ssize_t n = read_fileat(dfd, name, buf, sizeof(buf));
	char *line, *save = NULL;

	if (n < 0) {
		if (n == -ENOENT && (flags & CG_OPTIONAL))
			return 0;
		return ap_err_set(e, (int) -n, "cannot read \"%s/%s\"", dir, name);
	}
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, key, klen) != 0 || line[klen] != ' ')
			continue;
		trim(line);
		if (parse_u64(line + klen + 1, UINT64_MAX, out) < 0)
			return ap_err_set(e, EINVAL, "cannot parse \"%s\" in \"%s/%s\"", line, dir,
					  name);
		return 1;
	}
	if (flags & CG_OPTIONAL)
		return 0;
	return ap_err_set(e, ENODATA, "no \"%s\" in \"%s/%s\"", key, dir, name);
}

bool
cg_list_has(int dfd, const char *name, const char *word)
{
	char buf[1024];
	char *tok, *save = NULL;

	if (read_fileat(dfd, name, buf, sizeof(buf)) < 0)
		return false;
	for (tok = strtok_r(buf, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		/* The kernel lists "memory"; tolerate "+memory" as written to a fake tree. */
		if (*tok == '+')
			tok++;
		if (strcmp(tok, word) == 0)
			return true;
	}
	return false;
}

/* The pids in dfd's cgroup.procs; -ENOENT when the cgroup is gone. */
static int
read_procs(int dfd, pid_t **out, size_t *n)
{
	cleanup_close int fd = openat(dfd, "cgroup.procs", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	cleanup_free char *buf = NULL;
	size_t len = 0, cap = 0, np = 0, capp = 0;
	pid_t *pids = NULL;
	char *line, *save = NULL;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r;
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		len += (size_t) r;
	}
	if (!buf)
		buf = xstrdup("");
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		uint64_t v;
		if (parse_u64(line, INT32_MAX, &v) < 0 || v == 0)
			continue;
		if (np == capp) {
			capp = capp ? capp * 2 : 64;
			pids = xrealloc(pids, capp * sizeof(*pids));
		}
		pids[np++] = (pid_t) v;
	}
	*out = pids;
	*n = np;
	return 0;
}

static int
cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;

	return x < y ? -1 : x > y;
}

static int
pidfd_open_(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int) syscall(SYS_pidfd_open, pid, 0);
#else
	(void) pid;
	errno = ENOSYS;
	return -1;
#endif
}

static int
pidfd_kill(int pidfd)
{
#ifdef SYS_pidfd_send_signal
	return (int) syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
#else
	(void) pidfd;
	errno = ENOSYS;
	return -1;
#endif
}

int
cg_kill_procs(int dfd, const char *dir, struct ap_err *e)
{
	cleanup_free pid_t *pids = NULL;
	pid_t self = getpid();
	size_t n = 0;
	int count = 0;
	int r = read_procs(dfd, &pids, &n);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return ap_err_set(e, -r, "cannot read \"%s/cgroup.procs\"", dir);
	for (size_t i = 0; i < n; i += KILL_BATCH) {
		cleanup_free pid_t *now = NULL;
		size_t m = n - i < KILL_BATCH ? n - i : KILL_BATCH, nnow = 0;
		int fds[KILL_BATCH];

		/*
		 * A pid read from cgroup.procs may belong to someone else by the
		 * time it is signalled (the member exited, the pid was reused).
		 * Pin each process with a pidfd first, then read the list again:
		 * a pinned process that is still alive and still listed is a
		 * member, so signalling its pidfd can never hit an outsider.
		 */
		for (size_t j = 0; j < m; j++) {
			fds[j] = -1;
			if (pids[i + j] == self)
				continue;
			count++;
			fds[j] = pidfd_open_(pids[i + j]);
			if (fds[j] < 0 && errno == ESRCH)
				fds[j] = -2; /* already gone */
		}
		r = read_procs(dfd, &now, &nnow);
		if (r < 0 && r != -ENOENT) {
			for (size_t j = 0; j < m; j++)
				if (fds[j] >= 0)
					(void) close(fds[j]);
			return ap_err_set(e, -r, "cannot read \"%s/cgroup.procs\"", dir);
		}
		if (nnow > 1)
			qsort(now, nnow, sizeof(*now), cmp_pid);
		for (size_t j = 0; j < m; j++) {
			pid_t pid = pids[i + j];
			bool listed = nnow && bsearch(&pid, now, nnow, sizeof(*now), cmp_pid);

			if (pid == self || fds[j] == -2)
				continue;
			if (listed) {
				if (fds[j] >= 0) {
					if (pidfd_kill(fds[j]) < 0 && errno == ENOSYS)
						(void) kill(pid, SIGKILL);
				} else {
					/* No pidfd (kernel < 5.3, or out of fds): plain kill. */
					(void) kill(pid, SIGKILL);
				}
			}
			if (fds[j] >= 0)
				(void) close(fds[j]);
		}
	}
	return count;
}

int
cg_kill_until_empty(const int *dfds, const char *const *dirs, size_t n, struct ap_err *e)
{
	uint64_t deadline = now_ms() + CG_KILL_TIMEOUT_MS;
	unsigned us = 200;

	for (;;) {
		int total = 0;
		for (size_t i = 0; i < n; i++) {
			int r;
			if (dfds[i] < 0)
				continue;
			r = cg_kill_procs(dfds[i], dirs[i], e);
			if (r < 0)
				return r;
			total += r;
		}
		if (total == 0)
			return 0;
		if (now_ms() >= deadline) {
			for (size_t i = 0; i < n; i++)
				if (dfds[i] >= 0)
					return ap_err_set(e, EBUSY,
							  "cannot empty cgroup \"%s\": %d "
							  "processes left after %d ms",
							  dirs[i], total, CG_KILL_TIMEOUT_MS);
			return ap_err_set(e, EBUSY, "cannot empty cgroup");
		}
		cg_backoff(&us);
	}
}

static int
rmdir_retry(int dfd, const char *name)
{
	uint64_t deadline = now_ms() + RMDIR_TIMEOUT_MS;
	unsigned us = 100;

	for (;;) {
		if (unlinkat(dfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || now_ms() >= deadline)
			return -errno;
		cg_backoff(&us);
	}
}

static int rmdir_child(int fd, const struct dirent *de, void *arg);

/* Remove the child cgroups of fd, depth first (a cgroup with children cannot go). */
static int
rmdir_children(int fd, unsigned depth)
{
	if (depth > 32)
		return -ELOOP;
	return dir_each(fd, rmdir_child, &depth);
}

static int
rmdir_child(int fd, const struct dirent *de, void *arg)
{
	unsigned depth = *(unsigned *) arg;
	struct stat st;
	int sub, r;

	/* cgroupfs gives the type: its many control files need no stat. */
	if (de->d_type != DT_DIR &&
	    (de->d_type != DT_UNKNOWN || fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	     !S_ISDIR(st.st_mode)))
		return 0;
	sub = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return -errno;
	r = rmdir_children(sub, depth + 1);
	(void) close(sub);
	return r < 0 ? r : rmdir_retry(fd, de->d_name);
}

int
cg_mkdir_path(int fd, const char *dir, char *rel, void (*each)(int fd, const char *dir),
	      struct ap_err *e)
{
	cleanup_free char *path = xstrdup(dir);
	char *save = NULL, *tok;

	for (tok = strtok_r(rel, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		char *next;
		int nfd;

		if (each)
			each(fd, path);
		nfd = mkdirat_nofollow(fd, tok, 0755);
		(void) close(fd);
		if (nfd < 0)
			return ap_err_set(e, -nfd, "cannot create cgroup \"%s/%s\"", path, tok);
		fd = nfd;
		next = xasprintf("%s/%s", path, tok);
		free(path);
		path = next;
	}
	(void) close(fd);
	return 0;
}

int
cg_rmdir(int dfd, const char *dir, const char *name, struct ap_err *e)
{
	int fd, r;

	/* The usual case, a box cgroup with neither members nor children, in one call. */
	if (unlinkat(dfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
		return 0;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return ap_err_set(e, errno, "cannot open cgroup \"%s/%s\"", dir, name);
	}
	r = rmdir_children(fd, 0);
	(void) close(fd);
	if (r < 0)
		return ap_err_set(e, -r, "cannot remove the cgroups below \"%s/%s\"", dir, name);
	r = rmdir_retry(dfd, name);
	if (r < 0)
		return ap_err_set(e, -r, "cannot remove cgroup \"%s/%s\"", dir, name);
	return 0;
}

bool
cg_probe_writable(const char *root, const char *rel)
{
	cleanup_free char *copy = xstrdup(rel);
	char *save = NULL, *tok;
	cleanup_close int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool complete = true;

	if (fd < 0)
		return false;
	for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		int nfd = openat(fd, tok, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0) {
			complete = false;
			break;
		}
		(void) close(fd);
		fd = nfd;
	}
	return complete ? cg_fd_writable(fd) : faccessat(fd, ".", W_OK, AT_EACCESS) == 0;
}

bool
cg_fd_writable(int fd)
{
	/*
	 * An existing cgroup is joined through cgroup.procs; a missing one
	 * needs mkdir in its deepest existing ancestor.  AT_EACCESS: the
	 * effective ids decide, as they will for the real writes.
	 */
	if (faccessat(fd, "cgroup.procs", W_OK, AT_EACCESS) == 0)
		return true;
	return errno == ENOENT && faccessat(fd, ".", W_OK, AT_EACCESS) == 0;
}

void
cg_backoff(unsigned *us)
{
	(void) usleep(*us);
	*us = *us * 2 > 10000 ? 10000 : *us * 2;
}
