/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mode: the table of execution modes.  One row per mode says which
 * namespaces it creates and which hardening it applies; no other file tests
 * the mode.  Adding a mode means adding a row here.
 */
#include "config.h"

#include "mode.h"

#include <errno.h>
#include <sched.h>
#include <strings.h>

#include "util.h"

/* Namespaces of the process modes: user first so the others are owned by it. */
#define NS_BOX                                                                      \
	(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | \
	 CLONE_NEWCGROUP | CLONE_NEWNET)

/* Hardening shared by every mode that claims to sandbox something. */
#define PLAN_HARDEN \
	(PLAN_DROP_CAPS | PLAN_NO_NEW_PRIVS | PLAN_SECCOMP | PLAN_BOX_UID | PLAN_LANDLOCK)

static const struct mode_desc modes[AP_MODE_COUNT] = {
	[AP_MODE_UNSANDBOXED] = {"unsandboxed", "UNSANDBOXED", AP_MODE_UNSANDBOXED, 0, 0,
				 "no isolation: host filesystem, clean environment, limits only"},
	[AP_MODE_CODE_ONLY] =
		{"code-only", "SANDBOX_CODE_ONLY", AP_MODE_CODE_ONLY, 0, PLAN_HARDEN,
		 "no namespaces; Landlock, no capabilities, no_new_privs, seccomp, box uid"},
	[AP_MODE_PROCESS] =
		{"process", "SANDBOX_PROCESS", AP_MODE_PROCESS, NS_BOX,
		 PLAN_HARDEN | PLAN_NEW_ROOT | PLAN_USERNS,
		 "namespaces, read-only root from binds, Landlock, no capabilities, seccomp"},
	[AP_MODE_CODE_AND_PROCESS] = {"code-and-process", "SANDBOX_CODE_AND_PROCESS",
				      AP_MODE_CODE_AND_PROCESS, NS_BOX,
				      PLAN_HARDEN | PLAN_NEW_ROOT | PLAN_USERNS,
				      "as process; the engine also isolates Code steps in V8"},
};

int
mode_parse(const char *s, enum ap_mode *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		if (strcasecmp(s, modes[i].name) == 0 || strcasecmp(s, modes[i].ap_name) == 0) {
			*out = modes[i].mode;
			return 0;
		}
	}
	return -EINVAL;
}

const struct mode_desc *
mode_desc(enum ap_mode m)
{
	return &modes[(unsigned) m < AP_MODE_COUNT ? m : AP_MODE_UNSANDBOXED];
}

const char *
mode_name(enum ap_mode m)
{
	return mode_desc(m)->name;
}

bool
mode_gives(enum ap_mode box, enum ap_mode claimed)
{
	const struct mode_desc *b = mode_desc(box), *c = mode_desc(claimed);

	return (c->ns_flags & ~b->ns_flags) == 0 && (c->plan_flags & ~b->plan_flags) == 0;
}

const char *
mode_names(void)
{
	return "unsandboxed, code-only, process, code-and-process";
}
