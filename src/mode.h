/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mode: execution-mode names <-> enum ap_mode, and mode -> plan.  This is the
 * only place that branches on the mode: everything else reads the plan
 * (namespace flags and hardening bits).
 */
#pragma once

#include <stdbool.h>

enum ap_mode {
	AP_MODE_UNSANDBOXED = 0,
	AP_MODE_CODE_ONLY,
	AP_MODE_PROCESS,
	AP_MODE_CODE_AND_PROCESS,
	AP_MODE_COUNT
};

/* What a mode asks for; spawn.c and the keeper act on these bits only. */
enum {
	PLAN_NEW_ROOT = 1 << 0,	 /* mount ns + new root from binds (needs the ns flags) */
	PLAN_DROP_CAPS = 1 << 1, /* clear every capability set, bounding set too */
	PLAN_NO_NEW_PRIVS = 1 << 2,
	PLAN_SECCOMP = 1 << 3, /* load the default filter (unless --seccomp=off) */
	PLAN_BOX_UID = 1 << 4, /* run as the box uid/gid */
	PLAN_USERNS = 1 << 5,  /* in a user namespace mapping the box ids */
	PLAN_LANDLOCK =
		1 << 6, /* a Landlock domain from the box's rules (conf's landlock policy) */
};

struct mode_desc {
	const char *name;    /* short name: "process" */
	const char *ap_name; /* Activepieces name: "SANDBOX_PROCESS" */
	enum ap_mode mode;
	int ns_flags;	     /* CLONE_NEW* for the box (CLONE_NEWNET is dropped by --share-net) */
	unsigned plan_flags; /* PLAN_* */
	const char *summary; /* one line for --help and check */
};

/* Parse a short or Activepieces name, case-insensitive.  Returns 0 or -EINVAL. */
int mode_parse(const char *s, enum ap_mode *out);
const struct mode_desc *mode_desc(enum ap_mode m);
const char *mode_name(enum ap_mode m);
/*
 * Does a box of mode box give at least the isolation of mode claimed (every
 * namespace and every hardening of claimed's row)?  process and
 * code-and-process give each other; unsandboxed is given by every mode.
 */
bool mode_gives(enum ap_mode box, enum ap_mode claimed);
/* "unsandboxed, code-only, process, code-and-process" for messages. */
const char *mode_names(void);
