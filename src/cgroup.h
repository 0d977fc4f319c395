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
 * - cg_stats: peak memory, OOM kill and CPU time of this run.
 * - cg_kill: SIGKILL everything in the box cgroup and wait (bounded) until it
 *   is empty.
 * - cg_destroy (cleanup): cg_kill, then remove the box cgroup; a missing
 *   cgroup is success.
 */
int cg_create(struct cg *c, struct ap_err *e);
int cg_stats(struct cg *c, struct cg_stats *out, struct ap_err *e);
int cg_kill(struct cg *c, struct ap_err *e);
int cg_destroy(struct cg *c, struct ap_err *e);

/* How many fds the box's first process may be handed to join its cgroups. */
#define CG_JOIN_MAX 4

/*
 * How the box's first process enters its cgroup: one protocol for every
 * backend, so that the run never asks which one it has.
 *   keeper  cg_enter_begin()   before clone(): the limits of l are written
 *                              and en->clone_fd is set (the box is cloned
 *                              into its cgroup, clone3(CLONE_INTO_CGROUP)),
 *                              or the files the first process joins through
 *                              are opened and the limits are left for later
 *   proxy   cg_enter_self()    first thing after clone(), single-threaded
 *   keeper  cg_enter_close()   right after clone(): its copies of the join files
 *   keeper  cg_enter_finish()  before the program is forked: the limits left
 *                              for later are written
 * The program is always forked after cg_enter_finish(), so it is born
 * inside its cgroup, under its limits.  Why two ways: see cgroup-v1.c
 * (a process moved by another waits for an RCU grace period) and
 * cgroup-v2.c (born inside, nobody moves).
 */
struct cg_entry {
	int clone_fd;	       /* clone the box into this cgroup (owned by struct cg), or -1 */
	int join[CG_JOIN_MAX]; /* the box's first process writes "0" to each */
	int njoin;
	bool limits_pending; /* cg_enter_finish() writes the limits */
};
int cg_enter_begin(struct cg *c, const struct cg_limits *l, struct cg_entry *en, struct ap_err *e);
/*
 * In the box's first process while it is single-threaded: join through
 * en->join and close those fds.  Only write(2) and close(2): safe between
 * clone() and execve().  Returns 0 or -errno.
 */
int cg_enter_self(struct cg_entry *en);
/* Close the join fds of en (the keeper's copies after clone, or on failure). */
void cg_enter_close(struct cg_entry *en);
int cg_enter_finish(struct cg *c, const struct cg_limits *l, struct cg_entry *en, struct ap_err *e);

/*
 * Remove the parent cgroup (<root>/<parent>, in each v1 controller) when it
 * is empty; a parent that still holds other boxes (ENOTEMPTY, EBUSY) or is
 * already gone is success.  Only the last component of parent is removed.
 * For tests and cleanup tools: cg_destroy() never removes the parent.
 */
int cg_remove_parent(struct cg *c, struct ap_err *e);
