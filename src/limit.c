/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * limit: rlimits and time-limit arithmetic.  RLIMIT_AS is never used as a
 * memory limit: it breaks runtimes that reserve large address ranges (V8,
 * the JVM, Go); memory is the cgroup's job.
 *
 * --extra-time: apbox kills at time + extra (the documented meaning of
 * isolate's option); in isolate-compatible invocation it kills at
 * max(time, extra), which is what isolate actually does.  Either way a run
 * whose CPU time went over --time is reported TO.
 */
#include "config.h"

#include "limit.h"

#include <errno.h>
#include <sys/resource.h>

#include "conf.h"
#include "err.h"

static int
set_one(int res, const char *name, uint64_t v, struct ap_err *e)
{
	struct rlimit rl = {.rlim_cur = (rlim_t) v, .rlim_max = (rlim_t) v};

	if (setrlimit(res, &rl) < 0)
		return ap_err_set(e, errno, "cannot set %s to %llu", name, (unsigned long long) v);
	return 0;
}

int
limits_apply(const struct ap_limits *l, uint64_t nproc, struct ap_err *e)
{
	int r;

	/* 0 open files means unlimited in isolate; here it means "as inherited". */
	if (l->open_files && (r = set_one(RLIMIT_NOFILE, "RLIMIT_NOFILE", l->open_files, e)) < 0)
		return r;
	if (l->fsize && (r = set_one(RLIMIT_FSIZE, "RLIMIT_FSIZE", l->fsize, e)) < 0)
		return r;
	if (l->stack == LIMIT_STACK_UNLIMITED) {
		struct rlimit rl;
		/*
		 * isolate sets RLIM_INFINITY.  Raising the hard limit needs
		 * CAP_SYS_RESOURCE in the host's user namespace, which a box in
		 * a user namespace lacks: the soft limit goes up to the hard one.
		 */
		if (getrlimit(RLIMIT_STACK, &rl) < 0)
			return ap_err_set(e, errno, "cannot read RLIMIT_STACK");
		if ((r = set_one(RLIMIT_STACK, "RLIMIT_STACK", (uint64_t) rl.rlim_max, e)) < 0)
			return r;
	} else if (l->stack && (r = set_one(RLIMIT_STACK, "RLIMIT_STACK", l->stack, e)) < 0) {
		return r;
	}
	if ((r = set_one(RLIMIT_CORE, "RLIMIT_CORE", l->core, e)) < 0)
		return r;
	if (nproc && (r = set_one(RLIMIT_NPROC, "RLIMIT_NPROC", nproc, e)) < 0)
		return r;
	return 0;
}

uint64_t
limits_cpu_kill_ms(const struct ap_limits *l, bool extra_is_absolute)
{
	if (!l->time_ms)
		return 0;
	if (extra_is_absolute)
		return l->extra_ms > l->time_ms ? l->extra_ms : l->time_ms;
	return l->time_ms + l->extra_ms;
}

uint64_t
limits_wall_kill_ms(const struct ap_limits *l, bool extra_is_absolute)
{
	(void) extra_is_absolute;
	return l->wall_ms;
}

bool
limits_cpu_exceeded(const struct ap_limits *l, uint64_t cpu_ms)
{
	return l->time_ms && cpu_ms > l->time_ms;
}

bool
limits_wall_exceeded(const struct ap_limits *l, uint64_t wall_ms)
{
	return l->wall_ms && wall_ms > l->wall_ms;
}
