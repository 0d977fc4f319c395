/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * template: the static part of the boxes' tree (the root tmpfs, /usr, /etc,
 * /dev and the merged-/usr links: the rules marked RULE_STATIC), built
 * once per box_root in a mount namespace of its own and pinned on
 * <box_root>/.tpl-<hash>.  The keeper enters it for the clone() of a run, so
 * the proxy starts in a copy of it and mounts only the run's own rules: no
 * copy of the host's mounts, no root tmpfs, no pivot_root.  The hash names
 * the static rules with the identity (device and inode) of each source, and
 * where the other rules go with the point each gets, never their sources:
 * every box shares one; a changed rule set or a source made again gets a
 * new template.  Up to 8 stay side by side (rule sets in use at once); one
 * more removes them all first.  A caller's shared rules are in it too
 * (plan.c: system directories bound read-only from sources out of box_root).
 *
 * Root only (not rootless), and only for rule sets it can build (see
 * template_fits()); everything else, and any failure on the way, keeps the
 * full build in the proxy.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "mounts.h"

struct ap_conf;
struct ap_err;
struct box;
struct run_plan;

/* What a run in a template holds on to; plan_free() releases it. */
struct template_run {
	int fd; /* the pinned template, or -1 */
	enum mounts_point *points;
	int *trees;
	size_t n;
};

/*
 * Can the rules be split into a template and the run's own mounts?  A
 * static /dev (box_root's device nodes), a proc on /proc and nothing below
 * it, no sysfs (a user namespace mounts one only where one is visible), no
 * "norec" bind of the run's, no static rule below one of the run's.  Pure;
 * unit tested.
 */
bool template_fits(const struct dir_rules *rs);

/*
 * For a run of p (its mounts planned): find or make box_root's template and
 * the run's bind sources, with the box uid's permissions, and set t->fd and
 * mp's build, points and trees (mp starts as a copy of p->mounts).  Anything
 * it cannot do leaves mp as it was (the full build reports the same errors
 * itself).  Keeper only, before clone().
 */
void template_prepare(const struct run_plan *p, struct template_run *t, struct mounts_plan *mp,
		      const struct box *b, const struct ap_conf *c);
void template_run_free(struct template_run *t);

/* Unpin and remove every template of box_root.  Returns 0 or -errno with e set. */
int template_remove_all(const char *box_root, struct ap_err *e);
