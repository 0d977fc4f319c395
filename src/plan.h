/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plan: options + configuration + box -> the complete run plan (mode,
 * rules, environment, limits, ids).  Data: building it reads the host and
 * apbox's own environment but changes nothing; prepare.c makes the side
 * effects, spawn.c runs the box.
 */
#pragma once

#include "spawn.h"

struct ap_conf;
struct ap_err;
struct ap_opts;
struct landlock_info;
struct mode_desc;
struct box;
struct cg;

struct plan_store {
	struct run_plan run;
	struct dir_rules rules;
	struct landlock_rule *ll; /* the run's Landlock rules (paths owned) */
	size_t nll;
	char **envp;
	size_t nenv;
	char *hostname;
	char *cwd;
};

/* Resolve the mode by precedence: built-in < config < $AP_EXECUTION_MODE < box < CLI. */
int plan_mode(const struct ap_opts *o, const struct ap_conf *c, const struct box *b,
	      enum ap_mode *out, struct ap_err *e);
/* Merge configuration limits with the command line's. */
void plan_limits(const struct ap_opts *o, const struct ap_conf *c, struct ap_limits *out);
/*
 * Does a run (or init, with o's limits unset) of mode need the box's
 * cgroups?  Not a process mode that asks for nothing only a cgroup gives:
 * its pid namespace holds and kills its processes.  Pure.
 */
bool plan_wants_cgroup(const struct ap_opts *o, const struct ap_conf *c, enum ap_mode mode);
int plan_build(struct plan_store *ps, const struct ap_opts *o, const struct ap_conf *c,
	       const struct box *b, struct cg *cg, enum ap_mode mode, struct ap_err *e);
void plan_free(struct plan_store *ps);
/*
 * May a run of mode md, by a rootless caller or not, go with the Landlock
 * this kernel gives (li), under the configuration's policy?  0, or -errno
 * with e saying why not and what to change.  run and check both ask it.
 */
int plan_landlock_verdict(const struct ap_conf *c, const struct mode_desc *md, bool rootless,
			  const struct landlock_info *li, struct ap_err *e);
/*
 * init: make the boxes' copy of the etc_files (cache_sync_etc()) now when
 * there is none, so that runs only check it (each run that uses it
 * refreshes it).  Returns 0 or -errno with e set.
 */
int plan_prepare_etc(const struct ap_conf *c, const struct box *b, struct ap_err *e);
