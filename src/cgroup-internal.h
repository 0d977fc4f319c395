/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup-internal: what the backends (cgroup-v1.c, cgroup-v2.c,
 * cgroup-none.c) share with the dispatch layer (cgroup.c), and what the
 * backends' unit tests reach.  Nothing else includes it: the rest of apbox
 * uses cgroup.h and never names a control file or a version.
 */
#pragma once

#include "cgroup.h"

struct cg_ops {
	const char *name; /* "v1", "v2", "none" */
	/* Which controllers are usable under c->root/c->parent (sets c->have); no side effects. */
	int (*probe)(struct cg *c, struct ap_err *e);
	/* init: create parent (enabling controllers on v2) and box cgroup; idempotent. */
	int (*create)(struct cg *c, struct ap_err *e);
	/* run: reset stats where possible, write limits, remember CPU and OOM baselines. */
	int (*prepare)(struct cg *c, const struct cg_limits *l, struct ap_err *e);
	/* Open what a process needs to join the box cgroup itself (cg_join_open(); v1 only). */
	int (*join_open)(struct cg *c, const struct cg_limits *l, int *fds, struct ap_err *e);
	/* Stats since prepare. */
	int (*stats)(struct cg *c, struct cg_stats *out, struct ap_err *e);
	/* Kill every process in the box cgroup and wait until it is empty (bounded). */
	int (*kill)(struct cg *c, struct ap_err *e);
	/* Kill all, then rmdir the box cgroup; a missing cgroup is success. */
	int (*destroy)(struct cg *c, struct ap_err *e);
};

extern const struct cg_ops cg_v1_ops, cg_v2_ops, cg_none_ops;

/*
 * The steps behind cg_enter_begin() and cg_enter_finish():
 * - cg_prepare: cg_check_limits(), then write the limits (0 writes
 *   "max"/-1, so nothing sticks from an earlier run), reset the peak and
 *   record the CPU and OOM baselines, and open the v2 clone fd.  Re-creates
 *   a box cgroup that vanished (e.g. after a reboot).  cg_stats() must later
 *   be called on the same struct.
 * - cg_join_open: open what lets the box's first process join the box
 *   cgroup by itself, making the box cgroups l needs that are missing;
 *   returns how many fds it put in fds[] (at most CG_JOIN_MAX), 0 when the
 *   backend has no such way (v2 clones the box into its cgroup; none), or
 *   -errno.  On v1 these are the "tasks" files of each box cgroup the run
 *   needs (memory and pids, cpuacct and freezer when asked; memory first),
 *   opened O_WRONLY | O_CLOEXEC.
 * - cg_join_self: write "0" (the caller itself) to each of the n fds, in
 *   order, and close them all.  Returns 0 or the first -errno.
 * - cg_clone_fd: v2: an O_DIRECTORY fd of the box cgroup for
 *   clone3(CLONE_INTO_CGROUP), valid from cg_prepare() until
 *   cg_destroy()/cg_free(); -1 otherwise.  O_CLOEXEC, owned by c.
 */
int cg_prepare(struct cg *c, const struct cg_limits *l, struct ap_err *e);
int cg_join_open(struct cg *c, const struct cg_limits *l, int *fds, struct ap_err *e);
int cg_join_self(int *fds, int n);
void cg_join_close(int *fds, int n);
int cg_clone_fd(const struct cg *c);

/* ---- Helpers shared by the backends, implemented in cgroup.c ---- */

/* A missing control file is not an error (the feature is absent on this kernel). */
enum {
	CG_OPTIONAL = 1 << 0,
};

/* How long cg_kill() waits for the box cgroup to become empty. */
#define CG_KILL_TIMEOUT_MS 2000

/*
 * Open the directory root/rel (rel relative, may be "") without following a
 * symlink below root.  Returns an O_DIRECTORY fd or -errno; e is not filled.
 */
int cg_open_below(const char *root, const char *rel);
/*
 * Write val to the existing control file name in dfd (dir is dfd's path, for
 * the message) in one write().  With CG_OPTIONAL a missing file is success.
 */
int cg_write(int dfd, const char *dir, const char *name, const char *val, unsigned flags,
	     struct ap_err *e);
/*
 * Read a file holding one number ("max" reads as UINT64_MAX).  Returns 1,
 * 0 when the file is missing and flags has CG_OPTIONAL, or -errno.
 */
int cg_read_u64(int dfd, const char *dir, const char *name, uint64_t *out, unsigned flags,
		struct ap_err *e);
/*
 * Read the value of the "key N" line of a flat-keyed file (memory.events,
 * cpu.stat, memory.oom_control).  Returns 1, 0 when the file or the key is
 * missing and flags has CG_OPTIONAL, or -errno.
 */
int cg_read_key(int dfd, const char *dir, const char *name, const char *key, uint64_t *out,
		unsigned flags, struct ap_err *e);
/* Whether the space-separated list in file name (cgroup.controllers, ...) holds word. */
bool cg_list_has(int dfd, const char *name, const char *word);
/*
 * Send SIGKILL to every process listed in dfd's cgroup.procs, checking
 * through a pidfd that each one is still a member when it is signalled (no
 * pid-reuse race).  Returns the number of processes listed (the caller
 * itself excepted), 0 when the cgroup is gone, or -errno.
 */
int cg_kill_procs(int dfd, const char *dir, struct ap_err *e);
/*
 * Repeat cg_kill_procs() over n cgroup directories until all are empty, for
 * at most CG_KILL_TIMEOUT_MS.  Returns 0 or -EBUSY (e filled).
 */
int cg_kill_until_empty(const int *dfds, const char *const *dirs, size_t n, struct ap_err *e);
/*
 * Remove the cgroup name in dfd (dir is dfd's path) and any child cgroups
 * below it, retrying EBUSY briefly (a cgroup stays busy for a moment after
 * its last process died).  A missing cgroup is success.
 */
/*
 * Make the cgroup rel (a "/"-separated path, modified) below dirfd (which
 * is consumed; its path for messages is dir), one level at a time.  Before
 * each level, each(fd of the parent, its path) runs when given.
 */
int cg_mkdir_path(int dirfd, const char *dir, char *rel, void (*each)(int fd, const char *dir),
		  struct ap_err *e);

int cg_rmdir(int dfd, const char *dir, const char *name, struct ap_err *e);
/*
 * Whether the deepest existing directory on the way from root to root/rel is
 * writable by this process: root/rel's cgroup.procs when root/rel exists, the
 * directory itself (for mkdir) otherwise.
 */
bool cg_probe_writable(const char *root, const char *rel);
/* The same for a directory already open (fd). */
bool cg_fd_writable(int fd);
/* Sleep *us microseconds, then double *us up to 10 ms (polling back-off). */
void cg_backoff(unsigned *us);
