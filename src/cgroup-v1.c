/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup-v1: the backend for v1 and hybrid hosts.  The box has one cgroup
 * per controller, <root>/<mount>/<parent>/box-<id>, for each of memory,
 * pids, cpuacct and freezer that is mounted; c->path[] holds them in that
 * order (NULL when not mounted).  init makes memory and pids; cpuacct and
 * freezer are made by the first run that needs them (struct cg_limits), and
 * a run joins only those it needs: each cgroup costs init an mkdir, cleanup
 * an rmdir and every run a move into it.  It owns the v1 file names and the
 * rules the v1 kernel imposes on them (memsw >= memory at every step,
 * freeze before killing); it never creates a control file, never follows a
 * symlink below root, and starts or waits for no process.
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

enum { V1_MEMORY, V1_PIDS, V1_CPUACCT, V1_FREEZER, V1_N };

/* Bit masks of controllers (bit i: ctrls[i], c->path[i]). */
#define V1_BIT(i) (1u << (i))
#define V1_ALWAYS (V1_BIT(V1_MEMORY) | V1_BIT(V1_PIDS))
#define V1_ALL	  (V1_BIT(V1_N) - 1)

/* The box cgroups a run with these needs joins. */
static unsigned
run_mask(const struct cg_limits *l)
{
	return V1_ALWAYS | (l->cpu ? V1_BIT(V1_CPUACCT) : 0) | (l->kill ? V1_BIT(V1_FREEZER) : 0);
}

/* The box cgroups a run joins: cg_prepare()'s choice, or every one before it. */
static unsigned
joined(const struct cg *c)
{
	return c->is_prepared ? c->use : V1_ALL;
}

/*
 * Directory names a controller's hierarchy may be mounted on: cpuacct is
 * often co-mounted with cpu, and systemd then makes "cpuacct" a symlink,
 * which is skipped (no symlink is followed below root).
 */
static const struct {
	unsigned bit;
	const char *mounts[3];
} ctrls[V1_N] = {
	[V1_MEMORY] = {CG_MEMORY, {"memory"}},
	[V1_PIDS] = {CG_PIDS, {"pids"}},
	[V1_CPUACCT] = {CG_CPU, {"cpuacct", "cpu,cpuacct", "cpuacct,cpu"}},
	[V1_FREEZER] = {CG_KILL, {"freezer"}},
};

/* How long v1_kill() waits for freezer.state to read FROZEN. */
#define FREEZE_TIMEOUT_MS 500

static char *
box_name(const struct cg *c)
{
	return xasprintf("box-%d", c->box_id);
}

/* path[i] relative to root: "<mount>/<parent>/box-<id>". */
static const char *
rel_of(const struct cg *c, int i)
{
	return c->path[i] + strlen(c->root) + 1;
}

/* "<mount>/<parent>" of controller i, allocated. */
static char *
parent_rel(const struct cg *c, int i)
{
	char *p = xstrdup(rel_of(c, i));
	char *slash = strrchr(p, '/');

	if (slash)
		*slash = '\0';
	return p;
}

/*
 * Find the mounted controllers and open the box cgroup of each into
 * c->fds[] when it exists (prepare, attach and stats then use those fds:
 * a run opens each directory once).  Writable means cgroup.procs of the box
 * cgroup, or the deepest existing ancestor when there is none yet.
 */
static int
v1_probe(struct cg *c, struct ap_err *e)
{
	cleanup_close int rootfd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool any = false;

	(void) e;
	c->have = 0;
	c->is_writable = true;
	for (int i = 0; i < V1_N; i++) {
		free(c->path[i]);
		c->path[i] = NULL;
		if (c->fds[i] >= 0)
			(void) close(c->fds[i]);
		c->fds[i] = -1;
		if (rootfd < 0)
			continue;
		for (size_t j = 0; j < ARRAY_SIZE(ctrls[i].mounts) && ctrls[i].mounts[j]; j++) {
			const char *m = ctrls[i].mounts[j];
			cleanup_free char *procs = xasprintf("%s/cgroup.procs", m);
			struct stat st;

			/* lstat: a symlinked name is an alias; the real directory comes later. */
			if (fstatat(rootfd, m, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
			    !S_ISDIR(st.st_mode) ||
			    faccessat(rootfd, procs, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
				continue;
			c->path[i] = xasprintf("%s/%s/%s/box-%d", c->root, m, c->parent, c->box_id);
			c->have |= ctrls[i].bit;
			/* Beneath root, no symlink: as cg_open_below(). */
			c->fds[i] = openat_beneath(rootfd, rel_of(c, i), O_RDONLY | O_DIRECTORY, 0);
			/* A cgroup made only when needed may well be missing: not a sign. */
			if (c->fds[i] >= 0 ? !cg_fd_writable(c->fds[i])
					   : (V1_BIT(i) & V1_ALWAYS) &&
						     !cg_probe_writable(c->root, rel_of(c, i)))
				c->is_writable = false;
			any = true;
			break;
		}
	}
	if (!any)
		c->is_writable = false;
	return 0;
}

/* Make the box cgroups of the controllers in mask (and their parents). */
static int
make_boxes(struct cg *c, unsigned mask, struct ap_err *e)
{
	for (int i = 0; i < V1_N; i++) {
		cleanup_free char *rel = NULL, *dir = NULL;
		char *slash;
		int fd, r;

		if (!c->path[i] || !(mask & V1_BIT(i)))
			continue;
		rel = xstrdup(rel_of(c, i));
		/* The mount directory must exist already: never mkdir on the tmpfs above it. */
		slash = strchr(rel, '/');
		if (!slash)
			continue; /* cannot happen: rel is "<mount>/<parent>/box-<id>" */
		*slash = '\0';
		dir = xasprintf("%s/%s", c->root, rel);
		fd = cg_open_below(c->root, rel);
		if (fd < 0)
			return ap_err_set(e, -fd, "cannot open cgroup \"%s\"", dir);
		r = cg_mkdir_path(fd, dir, slash + 1, NULL, e);
		if (r < 0)
			return r;
	}
	return 0;
}

/* init: memory and pids; the others come with the first run that needs them. */
static int
v1_create(struct cg *c, struct ap_err *e)
{
	return make_boxes(c, V1_ALWAYS, e);
}

/*
 * Make sure c->fds[] holds the box cgroup of every mounted controller in
 * mask (probe opened those that existed).  A missing cgroup is -ENOENT (e
 * filled); with want_create those of mask are made first (made only when
 * needed, or gone: cgroupfs does not survive a reboot, the box directory
 * does) and l is checked against what the new cgroups got.  The fds stay
 * c's (cg_free() closes them).
 */
static int
open_boxes(struct cg *c, unsigned mask, bool want_create, const struct cg_limits *l,
	   struct ap_err *e)
{
	for (int i = 0; i < V1_N; i++) {
		int r;

		if (!c->path[i] || c->fds[i] >= 0 || !(mask & V1_BIT(i)))
			continue;
		r = cg_open_below(c->root, rel_of(c, i));
		if (r >= 0) {
			c->fds[i] = r;
			continue;
		}
		if (r == -ENOENT && want_create) {
			want_create = false;
			r = make_boxes(c, mask, e);
			if (r < 0)
				return r;
			r = v1_probe(c, e); /* opens them all */
			if (r < 0)
				return r;
			if (l) {
				r = cg_check_limits(c, l, e);
				if (r < 0)
					return r;
			}
			i = -1; /* check them all again */
			continue;
		}
		return ap_err_set(e, -r, "cannot open cgroup \"%s\"", c->path[i]);
	}
	return 0;
}

static int
write_u64_or(int dfd, const char *dir, const char *name, uint64_t v, const char *none,
	     unsigned flags, struct ap_err *e)
{
	char buf[32];

	(void) snprintf(buf, sizeof(buf), "%llu", (unsigned long long) v);
	return cg_write(dfd, dir, name, v ? buf : none, flags, e);
}

static int
prepare_memory(struct cg *c, int fd, uint64_t mem, struct ap_err *e)
{
	const char *dir = c->path[V1_MEMORY];
	bool has_memsw =
		faccessat(fd, "memory.memsw.limit_in_bytes", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
	uint64_t v;
	int r;

	/*
	 * No memory.force_empty here: emptying the cgroup costs about a
	 * millisecond on a quiet host and many under load (it drains every
	 * CPU's LRU cache), on every run.  Page cache an earlier run left
	 * charged to the box stays charged, as in isolate (cg-mem includes
	 * page cache); the peak is reset below to the current usage.
	 */
	/*
	 * The kernel refuses (EINVAL) any write that would leave
	 * memsw.limit (memory + swap) below memory.limit, so lift memsw
	 * first, set memory, then bring memsw down to the same value: swap
	 * then adds nothing and --mem means memory with swap off.  memsw is
	 * absent when swap accounting is off.  0 writes -1 ("no limit") so
	 * that a limit from an earlier run never sticks.
	 */
	if (has_memsw) {
		r = cg_write(fd, dir, "memory.memsw.limit_in_bytes", "-1", 0, e);
		if (r < 0)
			return r;
	}
	r = write_u64_or(fd, dir, "memory.limit_in_bytes", mem, "-1", 0, e);
	if (r < 0)
		return r;
	if (has_memsw && mem) {
		r = write_u64_or(fd, dir, "memory.memsw.limit_in_bytes", mem, "-1", 0, e);
		if (r < 0)
			return r;
	}
	/*
	 * Writing 0 resets the high-water mark (cg-mem) to now.  Only what
	 * the stats read is reset: the memsw mark and the fail counters are
	 * never read (OOM kills are counted from memory.oom_control).
	 */
	r = cg_write(fd, dir, "memory.max_usage_in_bytes", "0", CG_OPTIONAL, e);
	if (r < 0)
		return r;
	/* oom_kill counts every OOM kill since creation; stats compare with this. */
	c->oom_base = 0;
	r = cg_read_key(fd, dir, "memory.oom_control", "oom_kill", &v, CG_OPTIONAL, e);
	if (r < 0)
		return r;
	if (r > 0)
		c->oom_base = v;
	return 0;
}

static int
v1_prepare(struct cg *c, const struct cg_limits *l, struct ap_err *e)
{
	const int *fds = c->fds;
	unsigned mask = run_mask(l);
	uint64_t v;
	int r;

	r = open_boxes(c, mask, true, l, e);
	if (r < 0)
		return r;
	c->use = mask;
	if ((mask & V1_BIT(V1_FREEZER)) && fds[V1_FREEZER] >= 0) {
		/*
		 * A keeper killed between FROZEN and THAWED in v1_kill() leaves
		 * the cgroup frozen, and this run would hang in it.
		 */
		r = cg_write(fds[V1_FREEZER], c->path[V1_FREEZER], "freezer.state", "THAWED",
			     CG_OPTIONAL, e);
		if (r < 0)
			return r;
	}
	if (fds[V1_MEMORY] >= 0) {
		r = prepare_memory(c, fds[V1_MEMORY], l->mem, e);
		if (r < 0)
			return r;
	}
	if (fds[V1_PIDS] >= 0) {
		r = write_u64_or(fds[V1_PIDS], c->path[V1_PIDS], "pids.max", l->pids, "max", 0, e);
		if (r < 0)
			return r;
	}
	c->cpu_base = 0;
	if ((mask & V1_BIT(V1_CPUACCT)) && fds[V1_CPUACCT] >= 0) {
		/* cpuacct.usage (ns) persists across runs: remember where this run starts. */
		r = cg_read_u64(fds[V1_CPUACCT], c->path[V1_CPUACCT], "cpuacct.usage", &v,
				CG_OPTIONAL, e);
		if (r < 0)
			return r;
		if (r > 0)
			c->cpu_base = v / 1000;
	}
	return 0;
}

/*
 * The "tasks" file of each box cgroup the run needs, for the proxy to write
 * "0" to (cg_join_self()): a thread that moves itself skips the global lock
 * whose writer waits for an RCU grace period.  Memory first: it is the
 * limit that matters most if a later write fails.
 */
static int
v1_join_open(struct cg *c, const struct cg_limits *l, int *fds, struct ap_err *e)
{
	unsigned mask = run_mask(l);
	int n = 0, r = open_boxes(c, mask, true, l, e);

	if (r < 0)
		return r;
	c->use = mask;
	for (int i = 0; i < V1_N; i++) {
		int fd;

		if (c->fds[i] < 0 || !(mask & V1_BIT(i)))
			continue;
		fd = openat(c->fds[i], "tasks", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0) {
			r = ap_err_set(e, errno, "cannot open \"%s/tasks\"", c->path[i]);
			cg_join_close(fds, n);
			return r;
		}
		fds[n++] = fd;
	}
	return n;
}

static int
v1_stats(struct cg *c, struct cg_stats *out, struct ap_err *e)
{
	const int *fds = c->fds;
	/* The run's own CPU time: only if it joined cpuacct. */
	unsigned mask = joined(c);
	uint64_t v;
	int r = open_boxes(c, mask, false, NULL, e);

	if (r < 0)
		return r;
	if (fds[V1_MEMORY] >= 0) {
		const char *dir = c->path[V1_MEMORY];
		r = cg_read_u64(fds[V1_MEMORY], dir, "memory.max_usage_in_bytes", &v, CG_OPTIONAL,
				e);
		if (r < 0)
			return r;
		if (r > 0) {
			out->has_mem_peak = true;
			out->mem_peak = v;
		}
		r = cg_read_key(fds[V1_MEMORY], dir, "memory.oom_control", "oom_kill", &v,
				CG_OPTIONAL, e);
		if (r < 0)
			return r;
		/* A smaller count means the cgroup was made afresh since prepare. */
		out->oom_killed = r > 0 && (v > c->oom_base || (v < c->oom_base && v > 0));
	}
	if ((mask & V1_BIT(V1_CPUACCT)) && fds[V1_CPUACCT] >= 0) {
		r = cg_read_u64(fds[V1_CPUACCT], c->path[V1_CPUACCT], "cpuacct.usage", &v,
				CG_OPTIONAL, e);
		if (r < 0)
			return r;
		if (r > 0) {
			v /= 1000;
			out->has_cpu = true;
			out->cpu_usec = v >= c->cpu_base ? v - c->cpu_base : v;
		}
	}
	return 0;
}

/* Wait (bounded) until freezer.state reads FROZEN; it may stay FREEZING for a while. */
static void
wait_frozen(int fd)
{
	uint64_t deadline = now_ms() + FREEZE_TIMEOUT_MS;
	unsigned us = 100;
	char buf[32];

	for (;;) {
		if (read_fileat(fd, "freezer.state", buf, sizeof(buf)) < 0 ||
		    strncmp(buf, "FROZEN", 6) == 0 || now_ms() >= deadline)
			return;
		cg_backoff(&us);
	}
}

static int
v1_kill(struct cg *c, struct ap_err *e)
{
	const char *dirs[V1_N];
	int *fds = c->fds;
	int r, n = 0;

	for (int i = 0; i < V1_N; i++) {
		dirs[i] = c->path[i];
		if (!c->path[i])
			continue;
		if (fds[i] < 0)
			fds[i] = cg_open_below(c->root, rel_of(c, i));
		if (fds[i] >= 0)
			n++;
		else if (fds[i] != -ENOENT)
			return ap_err_set(e, -fds[i], "cannot open cgroup \"%s\"", c->path[i]);
		else
			fds[i] = -1;
	}
	if (n == 0)
		return 0;
	/*
	 * An empty box (the usual case: cleanup after a run that ended) needs
	 * no freeze: nothing can join a cgroup with no member to fork.  This
	 * read kills what it lists, which the freeze below then completes.
	 */
	if (fds[V1_FREEZER] >= 0 &&
	    (r = cg_kill_procs(fds[V1_FREEZER], c->path[V1_FREEZER], e)) <= 0) {
		if (r < 0)
			return r;
	} else if (fds[V1_FREEZER] >= 0) {
		const char *dir = c->path[V1_FREEZER];
		struct ap_err e2;

		/*
		 * Freeze first: a frozen process can neither fork nor exit, so
		 * the pid list stays complete and valid while SIGKILL is queued
		 * to every member; thawing then lets them all die at once.
		 */
		r = cg_write(fds[V1_FREEZER], dir, "freezer.state", "FROZEN", 0, &e2);
		if (r < 0) {
			/* Still killable without the freezer: the loop below does it. */
			char line[sizeof(e2.msg) + 64];
			ap_err_format(&e2, line, sizeof(line));
			ap_log(1, "%s", line);
		} else {
			wait_frozen(fds[V1_FREEZER]);
			r = cg_kill_procs(fds[V1_FREEZER], dir, e);
			/* Always thaw: killed processes die only when thawed. */
			if (cg_write(fds[V1_FREEZER], dir, "freezer.state", "THAWED", 0, &e2) < 0 &&
			    r >= 0) {
				*e = e2;
				r = ap_err_ret(e);
			}
			if (r < 0)
				return r;
		}
	}
	/* Whatever is left (no freezer, or members only some hierarchies see): kill. */
	return cg_kill_until_empty(fds, dirs, V1_N, e);
}

static int
v1_destroy(struct cg *c, struct ap_err *e)
{
	cleanup_free char *name = box_name(c);
	int r = v1_kill(c, e), ret = 0;

	if (r < 0)
		return r;
	/* Try every controller, so one failure leaves as little behind as possible. */
	for (int i = 0; i < V1_N; i++) {
		cleanup_free char *prel = NULL, *pdir = NULL;
		cleanup_close int pfd = -1;
		struct ap_err e2;

		if (!c->path[i] || c->fds[i] < 0)
			continue; /* no such cgroup (v1_kill() opened every one there is) */
		prel = parent_rel(c, i);
		pdir = xasprintf("%s/%s", c->root, prel);
		/* The box cgroup's parent, from the fd opened beneath root. */
		pfd = openat(c->fds[i], "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pfd < 0)
			pfd = -errno;
		if (pfd == -ENOENT)
			continue;
		if (pfd < 0)
			r = ap_err_set(&e2, -pfd, "cannot open cgroup \"%s\"", pdir);
		else
			r = cg_rmdir(pfd, pdir, name, &e2);
		if (r < 0 && ret == 0) {
			*e = e2;
			ret = r;
		}
	}
	return ret;
}

const struct cg_ops cg_v1_ops = {
	.name = "v1",
	.probe = v1_probe,
	.create = v1_create,
	.prepare = v1_prepare,
	.join_open = v1_join_open,
	.stats = v1_stats,
	.kill = v1_kill,
	.destroy = v1_destroy,
};
