/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup-none: the backend used when no cgroup is in use (cgroup.version =
 * none, or no hierarchy found).  Every operation succeeds and does nothing,
 * so callers never test "are cgroups on?" (as in crun); limits that need a
 * cgroup are refused earlier, by cg_check_limits().  It touches no file.
 */
#include "config.h"

#include "cgroup-internal.h"

#include <string.h>

static int
none_probe(struct cg *c, struct ap_err *e)
{
	(void) e;
	c->have = 0;
	/* Nothing to write, so nothing can be refused. */
	c->is_writable = true;
	return 0;
}

static int
none_nop(struct cg *c, struct ap_err *e)
{
	(void) c;
	(void) e;
	return 0;
}

static int
none_prepare(struct cg *c, const struct cg_limits *l, struct ap_err *e)
{
	(void) l;
	(void) e;
	c->cpu_base = 0;
	c->oom_base = 0;
	return 0;
}

static int
none_stats(struct cg *c, struct cg_stats *out, struct ap_err *e)
{
	(void) c;
	(void) e;
	memset(out, 0, sizeof(*out));
	return 0;
}

const struct cg_ops cg_none_ops = {
	.name = "none",
	.probe = none_probe,
	.create = none_nop,
	.prepare = none_prepare,
	.stats = none_stats,
	.kill = none_nop,
	.destroy = none_nop,
};
