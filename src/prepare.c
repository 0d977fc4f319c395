/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * prepare: the keeper's side effects before clone(), into struct prepared
 * (see prepare.h).  Each step is a speed-up or a fallback the plan allows:
 * a network namespace that cannot be pinned is made by the clone instead,
 * a template that cannot be had leaves the proxy the full build, a seccomp
 * cache that is missing is compiled now.
 */
#include "config.h"

#include "prepare.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "box.h"
#include "cache.h"
#include "conf.h"
#include "err.h"
#include "mode.h"
#include "ns.h"
#include "seccomp.h"
#include "spawn.h"
#include "util.h"

/*
 * The box's own network namespace: made by the first run that needs one,
 * pinned, and joined by the runs after it (runs hold the box lock).  Not
 * made at init: most boxes of a worker pool run once, many with
 * --share-net.  Without it, this run creates a namespace of its own at
 * clone.
 */
static void
pin_netns(struct prepared *pr, const struct box *b)
{
	struct ap_err ne;
	char line[sizeof(ne.msg) + 64];
	int fd = ns_net_pinned(b->netns, &pr->netns_made, &ne);

	if (fd >= 0) {
		pr->netns_fd = fd;
		return;
	}
	ap_err_format(&ne, line, sizeof(line));
	ap_log(1, "box %d: a network namespace for this run only: %s", b->id, line);
}

int
prepare_run(struct prepared *pr, const struct run_plan *p, const struct ap_conf *c,
	    struct ap_err *e)
{
	const struct box *b = p->box;
	int r;

	memset(pr, 0, sizeof(*pr));
	pr->netns_fd = -1;
	pr->tpl.fd = -1;
	pr->mounts = p->mounts;
	if ((p->ns_flags & CLONE_NEWNET) && !b->rootless)
		pin_netns(pr, b);
	if (p->want_seccomp) {
		/* init compiled it into lock_root; compile it here only when that is missing */
		pr->filter = cache_seccomp_read(c);
		if (!pr->filter && (r = ap_seccomp_build(&pr->filter, e)) < 0)
			return ap_err_prefix(e, "seccomp");
		TIMELINE("run: seccomp filter read");
	}
	if (p->run_filter && (r = ap_seccomp_build_run(&pr->run_filter, p->run_filter, e)) < 0)
		return ap_err_prefix(e, "seccomp");
	if (p->plan_flags & PLAN_NEW_ROOT) {
		r = cache_make_newroot(b, e);
		if (r < 0)
			return r;
		if (p->tmp_dirs) {
			pr->tmp_made = true;
			r = box_tmp_make(b, p->tmp_dirs, e);
			if (r < 0)
				return r;
		}
		template_prepare(p, &pr->tpl, &pr->mounts, b, c);
		TIMELINE("run: template opened");
	}
	return 0;
}

void
prepare_release(struct prepared *pr, const struct box *b, bool started)
{
	if (pr->netns_made && !started) {
		/* A run that never started its program leaves nothing, not even this. */
		struct ap_err ue;
		if (ns_unpin(b->netns, &ue) < 0)
			ap_log(1, "box %d: %s", b->id, ue.msg);
	}
	if (pr->netns_fd >= 0)
		(void) close(pr->netns_fd);
	/* What the run left in /tmp and /dev/shm goes now, not with the next run. */
	if (pr->tmp_made)
		box_tmp_sweep(b);
	template_run_free(&pr->tpl);
	ap_seccomp_free(pr->filter);
	ap_seccomp_free(pr->run_filter);
	memset(pr, 0, sizeof(*pr));
	pr->netns_fd = -1;
	pr->tpl.fd = -1;
}

void
prepared_close_in_child(const struct prepared *pr)
{
	/* The way into the box's network and the template: the keeper's, not the box's. */
	if (pr->netns_fd >= 0)
		(void) close(pr->netns_fd);
	if (pr->tpl.fd >= 0)
		(void) close(pr->tpl.fd);
}

int
prepared_clone_flags(const struct prepared *pr, const struct run_plan *p)
{
	return pr->netns_fd >= 0 ? p->ns_flags & ~CLONE_NEWNET : p->ns_flags;
}
