/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * limit: rlimits (set by the inside process before it drops privileges)
 * and the arithmetic of time limits (used by the keeper's wait loop).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct ap_err;
struct ap_limits;

/*
 * ap_limits.stack: as large as the hard limit allows (unlimited on most
 * hosts), isolate's stack when --stack is not given.
 */
#define LIMIT_STACK_UNLIMITED UINT64_MAX

/*
 * Set RLIMIT_NOFILE, FSIZE, STACK, CORE, and RLIMIT_NPROC to nproc when it
 * is not 0 (the box has no pids cgroup and runs as its own uid).  Returns 0
 * or -errno.
 */
int limits_apply(const struct ap_limits *l, uint64_t nproc, struct ap_err *e);
/* CPU time (ms) at which the box is killed: 0 = never. */
uint64_t limits_cpu_kill_ms(const struct ap_limits *l, bool extra_is_absolute);
/* Wall time (ms) at which the box is killed: 0 = never. */
uint64_t limits_wall_kill_ms(const struct ap_limits *l, bool extra_is_absolute);
/* Did a run that used cpu_ms / wall_ms exceed its limits (verdict TO)? */
bool limits_cpu_exceeded(const struct ap_limits *l, uint64_t cpu_ms);
bool limits_wall_exceeded(const struct ap_limits *l, uint64_t wall_ms);
