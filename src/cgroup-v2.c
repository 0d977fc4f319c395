/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup-v2: the unified-hierarchy backend.  The box cgroup is
 * <root>/<parent>/box-<id>.  Its ancestors get "+memory +pids" in
 * cgroup.subtree_control where needed, and no process is ever moved into an
 * ancestor (the "no internal processes" rule would then refuse the
 * controllers).  Only control files that already exist are written (never
 * O_CREAT, never a symlink followed), so the backend runs unchanged against
 * a fake tree of ordinary files in the unit test.  It owns the v2 file names
 * and nothing else: no process is started or waited for here.
 */
#include "config.h"

#include "cgroup-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

/* The controllers apbox enables; cpu.stat's usage_usec needs no controller. */
static const struct {
	const char *name;
	unsigned bit;
} ctrls[] = {
	{"memory", CG_MEMORY},
	{"pids", CG_PIDS},
};

static char *
box_rel(const struct cg *c)
{
	return xasprintf("%s/box-%d", c->parent, c->box_id);
}

static char *
box_name(const struct cg *c)
{
	return xasprintf("box-%d", c->box_id);
}

static bool
has_file(int dfd, const char *name)
{
	return faccessat(dfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* The deepest existing directory on the way from root to root/rel, or -errno. */
static int
open_deepest(const char *root, const char *rel)
{
	cleanup_free char *copy = xstrdup(rel);
	char *save = NULL, *tok;
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		int nfd = openat(fd, tok, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0)
			break;
		(void) close(fd);
		fd = nfd;
	}
	return fd;
}

static int
v2_probe(struct cg *c, struct ap_err *e)
{
	cleanup_free char *rel = box_rel(c);
	cleanup_close int bfd = -1, afd = -1;
	int src;

	(void) e;
	free(c->path[0]);
	c->path[0] = xasprintf("%s/%s", c->root, rel);
	c->have = 0;
	bfd = cg_open_below(c->root, rel);
	c->is_writable = bfd >= 0 ? cg_fd_writable(bfd) : cg_probe_writable(c->root, rel);
	/*
	 * The box has what its own cgroup.controllers lists.  Before the box
	 * exists (or in a fake tree without that file) it gets what its
	 * deepest existing ancestor offers, since cg_create() enables those
	 * controllers on the way down.
	 */
	if (bfd >= 0 && has_file(bfd, "cgroup.controllers")) {
		src = bfd;
	} else {
		afd = open_deepest(c->root, c->parent);
		src = afd;
	}
	if (src >= 0)
		for (size_t i = 0; i < ARRAY_SIZE(ctrls); i++)
			if (cg_list_has(src, "cgroup.controllers", ctrls[i].name))
				c->have |= ctrls[i].bit;
	/* cpu.stat with usage_usec exists in every v2 cgroup, controller or not. */
	c->have |= CG_CPU;
	/* cgroup.kill (5.14+), or cgroup.freeze (5.2+), in the box or its non-root parent. */
	if (bfd >= 0 && (has_file(bfd, "cgroup.kill") || has_file(bfd, "cgroup.freeze"))) {
		c->have |= CG_KILL;
	} else {
		cleanup_close int pfd = cg_open_below(c->root, c->parent);
		if (pfd >= 0 && (has_file(pfd, "cgroup.kill") || has_file(pfd, "cgroup.freeze")))
			c->have |= CG_KILL;
	}
	/* Kept for prepare, attach and stats (open_box()): one open per command. */
	if (bfd >= 0) {
		if (c->dirfd >= 0)
			(void) close(c->dirfd);
		c->dirfd = TAKE_FD(bfd);
	}
	return 0;
}

/*
 * Let the children of dfd have memory and pids, where dfd offers them and
 * has not enabled them yet.  A failure is logged, not fatal: an ancestor we
 * do not own may refuse (EBUSY when it holds processes, EACCES), the box
 * then lacks the controller, and cg_check_limits() says so when a limit
 * actually needs it.
 */
static void
enable_controllers(int dfd, const char *dir)
{
	char want[64] = "";
	struct ap_err e;

	for (size_t i = 0; i < ARRAY_SIZE(ctrls); i++) {
		if (!cg_list_has(dfd, "cgroup.controllers", ctrls[i].name) ||
		    cg_list_has(dfd, "cgroup.subtree_control", ctrls[i].name))
			continue;
		if (want[0])
			(void) strcat(want, " ");
		(void) strcat(want, "+");
		(void) strcat(want, ctrls[i].name);
	}
	if (!want[0])
		return;
	/* One write: the kernel applies the whole list or none of it. */
	if (cg_write(dfd, dir, "cgroup.subtree_control", want, 0, &e) < 0) {
		char line[sizeof(e.msg) + 64];
		ap_err_format(&e, line, sizeof(line));
		ap_log(1, "%s", line);
	}
}

static int
v2_create(struct cg *c, struct ap_err *e)
{
	cleanup_free char *rel = box_rel(c);
	int fd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return ap_err_set(e, errno, "cannot open cgroup root \"%s\"", c->root);
	/* Every proper ancestor of the box, root included, passes the controllers down. */
	return cg_mkdir_path(fd, c->root, rel, enable_controllers, e);
}

/*
 * Open the box cgroup into c->dirfd.  With want_create, make it again when
 * it vanished (and check l against what the new cgroup got); otherwise a
 * missing cgroup is -ENOENT.
 */
static int
open_box(struct cg *c, bool want_create, const struct cg_limits *l, struct ap_err *e)
{
	cleanup_free char *rel = box_rel(c);
	int fd, r;

	if (c->dirfd >= 0)
		return 0;
	fd = cg_open_below(c->root, rel);
	if (fd == -ENOENT && want_create) {
		/* cgroupfs does not survive a reboot while the box directory does. */
		r = v2_create(c, e);
		if (r < 0)
			return r;
		r = v2_probe(c, e);
		if (r < 0)
			return r;
		if (l) {
			r = cg_check_limits(c, l, e);
			if (r < 0)
				return r;
		}
		if (c->dirfd >= 0)
			return 0; /* opened by the probe */
		fd = cg_open_below(c->root, rel);
	}
	if (fd < 0)
		return ap_err_set(e, -fd, "cannot open cgroup \"%s\"", c->path[0]);
	c->dirfd = fd;
	return 0;
}

/*
 * Make memory.peak count from now.  Since 6.12 a write to memory.peak
 * resets it for later reads through the same fd, so the fd is kept until
 * cg_stats().  Older kernels (Debian 12's 6.1) count from the cgroup's
 * creation: the box cgroup is then made afresh while it is still empty.
 * Without memory.peak (before 5.19) there is no peak to report.
 */
static int
reset_peak(struct cg *c, struct ap_err *e)
{
	cleanup_free char *name = box_name(c);
	cleanup_close int pfd = -1;
	int fd;

	if (c->peak_fd >= 0) {
		(void) close(c->peak_fd);
		c->peak_fd = -1;
	}
	fd = openat(c->dirfd, "memory.peak", O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd >= 0) {
		if (write(fd, "reset\n", 6) == 6) {
			c->peak_fd = fd;
			return 0;
		}
		(void) close(fd);
	}
	pfd = cg_open_below(c->root, c->parent);
	/* EBUSY (something still inside) keeps the old cgroup and its lifetime peak. */
	if (pfd >= 0 && unlinkat(pfd, name, AT_REMOVEDIR) == 0) {
		int r;
		(void) close(c->dirfd);
		c->dirfd = -1;
		r = open_box(c, true, NULL, e);
		if (r < 0)
			return r;
	}
	c->peak_fd = openat(c->dirfd, "memory.peak", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	return 0;
}

static int
v2_prepare(struct cg *c, const struct cg_limits *l, struct ap_err *e)
{
	const char *dir;
	char buf[32];
	uint64_t v;
	int r;

	r = open_box(c, true, l, e);
	if (r < 0)
		return r;
	if (c->have & CG_MEMORY) {
		r = reset_peak(c, e);
		if (r < 0)
			return r;
	}
	dir = c->path[0];
	if (c->have & CG_MEMORY) {
		/* 0 writes "max": a limit from an earlier run must not stick (isolate #195). */
		(void) snprintf(buf, sizeof(buf), "%llu", (unsigned long long) l->mem);
		r = cg_write(c->dirfd, dir, "memory.max", l->mem ? buf : "max", 0, e);
		if (r < 0)
			return r;
		/*
		 * --mem means memory with swap off: with swap allowed the box would
		 * page out and run far beyond its limit instead of being
		 * OOM-killed.  Absent when the kernel has no swap accounting.
		 */
		r = cg_write(c->dirfd, dir, "memory.swap.max", l->mem ? "0" : "max", CG_OPTIONAL,
			     e);
		if (r < 0)
			return r;
		/*
		 * The box is one job: when the OOM killer picks one of its
		 * processes, kill them all, so the run ends as "killed by the
		 * memory limit" instead of limping on half-dead.
		 */
		r = cg_write(c->dirfd, dir, "memory.oom.group", "1", CG_OPTIONAL, e);
		if (r < 0)
			return r;
		c->oom_base = 0;
		r = cg_read_key(c->dirfd, dir, "memory.events", "oom_kill", &v, CG_OPTIONAL, e);
		if (r < 0)
			return r;
		if (r > 0)
			c->oom_base = v;
	}
	if (c->have & CG_PIDS) {
		(void) snprintf(buf, sizeof(buf), "%llu", (unsigned long long) l->pids);
		r = cg_write(c->dirfd, dir, "pids.max", l->pids ? buf : "max", 0, e);
		if (r < 0)
			return r;
	}
	/* The counters persist across runs: stats report the difference (isolate #158). */
	c->cpu_base = 0;
	r = cg_read_key(c->dirfd, dir, "cpu.stat", "usage_usec", &v, CG_OPTIONAL, e);
	if (r < 0)
		return r;
	if (r > 0)
		c->cpu_base = v;
	return 0;
}

static int
parse_peak_fd(int fd, uint64_t *out)
{
	char buf[64];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return parse_u64(buf, UINT64_MAX, out);
}

static int
v2_stats(struct cg *c, struct cg_stats *out, struct ap_err *e)
{
	const char *dir = c->path[0];
	uint64_t v;
	int r = open_box(c, false, NULL, e);

	if (r < 0)
		return r;
	if (c->have & CG_MEMORY) {
		if (c->peak_fd >= 0) {
			r = parse_peak_fd(c->peak_fd, &v);
			if (r < 0)
				return ap_err_set(e, -r, "cannot read \"%s/memory.peak\"", dir);
			r = 1;
		} else {
			r = cg_read_u64(c->dirfd, dir, "memory.peak", &v, CG_OPTIONAL, e);
			if (r < 0)
				return r;
		}
		if (r > 0) {
			out->has_mem_peak = true;
			out->mem_peak = v;
		}
		r = cg_read_key(c->dirfd, dir, "memory.events", "oom_kill", &v, CG_OPTIONAL, e);
		if (r < 0)
			return r;
		/* A smaller count means the cgroup was made afresh since prepare. */
		out->oom_killed = r > 0 && (v > c->oom_base || (v < c->oom_base && v > 0));
	}
	r = cg_read_key(c->dirfd, dir, "cpu.stat", "usage_usec", &v, CG_OPTIONAL, e);
	if (r < 0)
		return r;
	if (r > 0) {
		out->has_cpu = true;
		out->cpu_usec = v >= c->cpu_base ? v - c->cpu_base : v;
	}
	return 0;
}

static int
v2_kill(struct cg *c, struct ap_err *e)
{
	const char *dir = c->path[0];
	const char *dirs[1] = {dir};
	bool frozen = false;
	uint64_t deadline, v;
	unsigned us = 200;
	int r;

	r = open_box(c, false, NULL, e);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (has_file(c->dirfd, "cgroup.kill")) {
		/*
		 * cgroup.kill (5.14+) kills the whole subtree at once, forks in
		 * flight included, so no process can escape by forking.
		 */
		r = cg_write(c->dirfd, dir, "cgroup.kill", "1", 0, e);
		if (r < 0)
			return r;
	} else if (has_file(c->dirfd, "cgroup.freeze")) {
		/*
		 * Older kernels: freeze so nothing forks while the kill loop
		 * reads the pid list; a v2-frozen process still dies of SIGKILL.
		 */
		frozen = cg_write(c->dirfd, dir, "cgroup.freeze", "1", 0, e) == 0;
	}
	r = cg_kill_until_empty(&c->dirfd, dirs, 1, e);
	if (frozen) {
		/* Never leave the box frozen: the next run would hang in it. */
		struct ap_err e2;
		int r2 = cg_write(c->dirfd, dir, "cgroup.freeze", "0", 0, &e2);
		if (r2 < 0 && r == 0) {
			*e = e2;
			r = r2;
		}
	}
	if (r < 0)
		return r;
	/* cgroup.procs lists only this cgroup; "populated 0" covers child cgroups too. */
	deadline = now_ms() + CG_KILL_TIMEOUT_MS;
	for (;;) {
		r = cg_read_key(c->dirfd, dir, "cgroup.events", "populated", &v, CG_OPTIONAL, e);
		if (r == -ENOENT)
			return 0;
		if (r < 0)
			return r;
		if (r == 0 || v == 0)
			return 0;
		if (now_ms() >= deadline)
			return ap_err_set(e, EBUSY, "cgroup \"%s\" still populated after %d ms",
					  dir, CG_KILL_TIMEOUT_MS);
		cg_backoff(&us);
	}
}

static int
v2_destroy(struct cg *c, struct ap_err *e)
{
	cleanup_free char *name = box_name(c);
	cleanup_free char *pdir = xasprintf("%s/%s", c->root, c->parent);
	cleanup_close int pfd = -1;
	int r = v2_kill(c, e);

	if (r < 0)
		return r;
	if (c->dirfd >= 0) {
		(void) close(c->dirfd);
		c->dirfd = -1;
	}
	pfd = cg_open_below(c->root, c->parent);
	if (pfd == -ENOENT)
		return 0;
	if (pfd < 0)
		return ap_err_set(e, -pfd, "cannot open cgroup \"%s\"", pdir);
	return cg_rmdir(pfd, pdir, name, e);
}

const struct cg_ops cg_v2_ops = {
	.name = "v2",
	.probe = v2_probe,
	.create = v2_create,
	.prepare = v2_prepare,
	.stats = v2_stats,
	.kill = v2_kill,
	.destroy = v2_destroy,
};
