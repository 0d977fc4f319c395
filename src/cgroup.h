/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup: one interface over the cgroup v1, v2 and "none" backends.  Only the
 * backends (cgroup-v1.c, cgroup-v2.c, cgroup-none.c) know control-file names;
 * callers hold a struct cg and call the cg_* functions, never testing whether
 * cgroups are on (the none backend succeeds and does nothing, as in crun).
 *
 * Layout: v2: <root>/<parent>/box-<id>; v1: <root>/<controller>/<parent>/box-<id>
 * for each controller apbox uses that is mounted (memory, pids, cpuacct,
 * freezer).  On a hybrid host (tmpfs at /sys/fs/cgroup with v1 controllers and
 * a cgroup2 "unified" mount) the v1 backend is used.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ap_err;

enum cg_version {
	CG_AUTO = 0, /* detect (config value "auto") */
	CG_NONE,     /* no cgroup: limits that need one are refused */
	CG_V1,
	CG_V2,
};

/* Controllers apbox can use; bit mask in struct cg.have. */
enum {
	CG_MEMORY = 1 << 0,
	CG_PIDS = 1 << 1,
	CG_CPU = 1 << 2, /* CPU usage accounting (v1 cpuacct, v2 cpu.stat, always in v2) */
	CG_KILL = 1 << 3 /* a way to kill every member: v2 cgroup.kill or v1 freezer */
};

/* Defaults used by cg_open() when root or parent is NULL. */
#define CG_DEFAULT_ROOT	  "/sys/fs/cgroup"
#define CG_DEFAULT_PARENT "apbox"

struct cg_limits {
	uint64_t mem;  /* bytes; 0 = no limit (writes "max"/-1 so nothing sticks) */
	uint64_t pids; /* 0 = no limit */
	/*
	 * What else the run needs of its cgroup: the CPU time of all its
	 * processes while they run (a CPU time limit), and a way to kill them
	 * all (no pid namespace to do it).  On v1 the cpuacct and freezer box
	 * cgroups are made and joined only for a run that needs them.
	 */
	bool cpu, kill;
};

struct cg_stats {
	bool has_mem_peak;
	uint64_t mem_peak; /* bytes: v2 memory.peak, v1 memory.max_usage_in_bytes */
	bool oom_killed;   /* v2 memory.events oom_kill > 0; v1 memory.oom_control oom_kill > 0 */
	bool has_cpu;
	uint64_t cpu_usec; /* CPU used since cg_prepare() */
};

struct cg_ops;

struct cg {
	const struct cg_ops *ops;
	enum cg_version version;
	int box_id;
	char *root;    /* the cgroup mount root, e.g. "/sys/fs/cgroup" */
	char *parent;  /* relative parent below root (below each controller on v1), e.g. "apbox" */
	unsigned have; /* CG_* controllers this box cgroup has */
	/* backend-private state */
	char *path[4]; /* v1: one per controller (memory, pids, cpuacct, freezer); v2: path[0] */
	int dirfd;     /* v2: fd of the box cgroup (for CLONE_INTO_CGROUP); -1 otherwise */
	int fds[4];    /* v1: fds of the box cgroups in path[] once opened (probe); -1 otherwise */
	unsigned use; /* v1: the box cgroups this run joins (bit i: path[i]), set by cg_prepare() */
	bool is_prepared;  /* cg_prepare() succeeded: the limits are written */
	uint64_t cpu_base; /* usage at cg_prepare(), in usec */
	uint64_t oom_base; /* oom_kill count at cg_prepare() */
	int peak_fd;	   /* v2: memory.peak, reset through it at cg_prepare(); -1 otherwise */
	/*
	 * Whether this process can write the cgroup tree where the box cgroup
	 * lives (the box cgroup if it exists, else the deepest existing
	 * ancestor; every v1 controller).  False for an unprivileged caller
	 * without a delegated subtree, or on a read-only cgroupfs: cg_create()
	 * and cg_prepare() would fail, so a caller that needs no limits can
	 * fall back to CG_NONE.  Always true for CG_NONE.
	 */
	bool is_writable;
};

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
 * Detect the layout under root ("/sys/fs/cgroup" normally): statfs gives
 * CGROUP2_SUPER_MAGIC -> CG_V2, TMPFS_MAGIC -> CG_V1 when a v1 memory or pids
 * hierarchy is mounted below it, CG_NONE otherwise.  Pure apart from statfs.
 */
enum cg_version cg_detect(const char *root);
const char *cg_version_name(enum cg_version v);
/* "auto", "none", "1"/"v1", "2"/"v2" */
int cg_version_parse(const char *s, enum cg_version *out);

/*
 * Fill c for box_id (version CG_AUTO means detect) and probe it.  Allocates;
 * release with cg_free().  Never fails because a controller is missing: that
 * shows in c->have.
 */
int cg_open(struct cg *c, enum cg_version v, const char *root, const char *parent, int box_id,
	    struct ap_err *e);
void cg_free(struct cg *c);
/*
 * Close the fds c holds of the cgroup tree, keeping the rest of c for
 * cg_free(): the box's first process drops its copies of the keeper's.
 */
void cg_close_fds(struct cg *c);

/*
 * Can c enforce these limits?  Returns 0, or fills e with a message naming
 * the missing piece and the fix (e.g. "no memory controller in cgroup v2
 * subtree ...: enable +memory in cgroup.subtree_control or run as root").
 */
int cg_check_limits(const struct cg *c, const struct cg_limits *l, struct ap_err *e);

/*
 * The operations, all called by the keeper (never inside the box), each
 * returning 0 or -errno with e filled:
 * - cg_create (init): create the parent and the box cgroup, enabling the
 *   controllers on v2; idempotent; probes c again afterwards.
 * - cg_prepare (run, before the program starts): cg_check_limits(), then
 *   write the limits (0 writes "max"/-1, so nothing sticks from an earlier
 *   run), reset the peak and record the CPU and OOM baselines, and open the
 *   v2 clone fd.  Re-creates a box cgroup that vanished (e.g. after a
 *   reboot).  cg_stats() must later be called on the same struct.
 * - cg_join_open (run, before clone): open what lets the box's first
 *   process join the box cgroup by itself, making the box cgroups l needs
 *   that are missing; returns how many fds it put in fds[] (at most
 *   CG_JOIN_MAX), 0 when there is nothing to join that way (v2: the box is
 *   cloned into its cgroup; none), or -errno.  On v1 these are the "tasks"
 *   files of each box cgroup the run needs (memory and pids, cpuacct and
 *   freezer when asked; memory first), opened O_WRONLY | O_CLOEXEC.  Why
 *   not move the process from outside: a move of another process takes the
 *   kernel's global threadgroup lock, which waits for an RCU grace period
 *   (8-15 ms here) unless another move just did; a single-threaded process
 *   that moves itself through "tasks" does not take it (measured on 6.18;
 *   a kernel that does take it costs what a move from outside did).
 * - cg_stats: peak memory, OOM kill and CPU time of this run.
 * - cg_kill: SIGKILL everything in the box cgroup and wait (bounded) until it
 *   is empty.
 * - cg_destroy (cleanup): cg_kill, then remove the box cgroup; a missing
 *   cgroup is success.
 */
int cg_create(struct cg *c, struct ap_err *e);
int cg_prepare(struct cg *c, const struct cg_limits *l, struct ap_err *e);
int cg_join_open(struct cg *c, const struct cg_limits *l, int *fds, struct ap_err *e);
/* How many fds cg_join_open() may return. */
#define CG_JOIN_MAX 4
/*
 * In the process that joins, while it is single-threaded: write "0" (the
 * caller itself) to each of the n fds, in order, and close them all.
 * Returns 0 or the first -errno.  Only write(2) and close(2): safe between
 * clone() and execve().
 */
int cg_join_self(int *fds, int n);
/* Close the n fds of cg_join_open() (the keeper's copies after clone). */
void cg_join_close(int *fds, int n);
int cg_stats(struct cg *c, struct cg_stats *out, struct ap_err *e);
int cg_kill(struct cg *c, struct ap_err *e);
int cg_destroy(struct cg *c, struct ap_err *e);
/*
 * v2: an O_DIRECTORY fd of the box cgroup for clone3(CLONE_INTO_CGROUP),
 * valid from cg_prepare() until cg_destroy()/cg_free(); -1 otherwise (v1,
 * none, or before cg_prepare()).  The fd is O_CLOEXEC and owned by c.
 */
int cg_clone_fd(const struct cg *c);
/*
 * Must cg_prepare() come before clone()?  On v2 it opens the fd the box is
 * cloned into (the box is born in its cgroup); on v1 the keeper prepares
 * while the proxy builds the root and joins the box cgroup by itself.
 */
bool cg_prepare_before_clone(const struct cg *c);
/*
 * Remove the parent cgroup (<root>/<parent>, in each v1 controller) when it
 * is empty; a parent that still holds other boxes (ENOTEMPTY, EBUSY) or is
 * already gone is success.  Only the last component of parent is removed.
 * For tests and cleanup tools: cg_destroy() never removes the parent.
 */
int cg_remove_parent(struct cg *c, struct ap_err *e);

/*
 * ---- Shared by the backends, implemented in cgroup.c.  Other modules use
 * the cg_* calls above and never name a control file. ----
 */

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
