/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * prepare: every side effect a run needs before clone(), made by the keeper
 * from the plan (plan.c decides, and changes nothing) into one struct with
 * one release: the box's pinned network namespace, the run's tmp dirs on
 * the box's storage, the mount template and
 * the run's detached bind sources, the seccomp filter, the new root's mount
 * point.  What the proxy must not keep of it, it closes with
 * prepared_close_in_child().
 */
#pragma once

#include <stdbool.h>

#include "mounts.h"
#include "template.h"

struct ap_conf;
struct ap_err;
struct box;
struct run_plan;
struct seccomp_filter;

struct prepared {
	int netns_fd;		   /* the box's pinned network namespace to clone in, or -1 */
	bool netns_made;	   /* made and pinned by this run */
	bool tmp_made;		   /* the run's tmp dirs on the box's storage, to empty */
	struct template_run tpl;   /* box_root's mount template (tpl.fd) and the run's sources */
	struct mounts_plan mounts; /* the plan's mounts, as the proxy builds them */
	struct seccomp_filter *filter; /* NULL: none */
	/* the run's second filter (the plan's run_filter), or NULL */
	struct seccomp_filter *run_filter;
};

/*
 * Make what the plan p needs.  Returns 0 or -errno with e set; on error pr
 * holds what was made, for prepare_release().  Keeper only.
 */
int prepare_run(struct prepared *pr, const struct run_plan *p, const struct ap_conf *c,
		struct ap_err *e);
/*
 * Release pr.  A run whose program never started (started false) leaves
 * nothing behind: a network namespace it pinned is removed again.
 */
void prepare_release(struct prepared *pr, const struct box *b, bool started);
/* In the proxy: close the keeper's fds of pr that the box must not hold. */
void prepared_close_in_child(const struct prepared *pr);
/* The namespaces to clone the proxy with: the plan's, less the network one it joins. */
int prepared_clone_flags(const struct prepared *pr, const struct run_plan *p);
