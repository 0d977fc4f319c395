/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spawn: the processes of one run (keeper, proxy, inside), their pipes, the
 * keeper's wait loop with time limits and signals, and the collection of
 * results.  See "Theory of operation" in spawn.c.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "conf.h"
#include "meta.h"
#include "landlock.h"
#include "mounts.h"

struct ap_err;
struct box;
struct cg;
struct prepared;

/* Everything a run needs, decided before anything is touched. */
struct run_plan {
	const char *mode_name;
	int ns_flags;	     /* CLONE_NEW* */
	unsigned plan_flags; /* PLAN_* */
	const struct box *box;
	struct cg *cg;
	struct ap_limits limits;
	bool extra_is_absolute;
	uint64_t nproc;		   /* RLIMIT_NPROC (no pids cgroup); 0: none */
	uint64_t pids;		   /* pids.max of the box cgroup; 0: none */
	struct mounts_plan mounts; /* PLAN_NEW_ROOT only */
	const char *hostname;	   /* CLONE_NEWUTS only */
	const char *cwd;	   /* working directory, as the program sees it */
	char **argv;
	char **envp;
	int stdin_fd, stdout_fd, stderr_fd; /* -1: inherit */
	bool stderr_to_stdout;
	/* isolate-compatible: stdio paths opened inside, after the id switch */
	const char *stdin_inside, *stdout_inside, *stderr_inside;
	bool want_seccomp;   /* load the seccomp filter (prepare.c gets it) */
	unsigned run_filter; /* AP_SECCOMP_NO_* of the run's second filter (seccomp.h); 0: none */
	size_t tmp_dirs;     /* tmp rules bound from the box's storage (box_tmp_make()) */
	/*
	 * The Landlock domain the proxy makes (landlock.rules.n > 0) just before
	 * it forks the program, from paths as the proxy then sees them (the new
	 * root's in the process modes), and the program enforces.
	 */
	struct landlock_plan landlock;
	int landlock_abi; /* the kernel's ABI, 0: none (then landlock.n is 0) */
	bool rootless;
	uid_t uid; /* ids the program runs as (inside view) */
	gid_t gid;
	uid_t map_uid; /* outside ids the inside ids map to (PLAN_USERNS) */
	gid_t map_gid;
};

/*
 * Run the program; fill m (status, exit code or signal, usage, cgroup
 * stats).  Returns 0 when the program ran (whatever its fate: see m), or
 * -errno with e filled when apbox failed (m then says XX).  Keeper only.
 */
int spawn_run(const struct run_plan *p, const struct prepared *pr, struct meta *m,
	      struct ap_err *e);
/* The exit status apbox should return for m (design.md §3). */
int spawn_exit_status(const struct meta *m, bool compat);
