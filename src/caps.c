/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * caps: credentials.  Order matters and follows bubblewrap and isolate: the
 * bounding set can only be lowered with CAP_SETPCAP, so it goes first; groups
 * before uids, because after setresuid() we could no longer change them;
 * the capability sets last.
 */
#include "config.h"

#include "caps.h"

#include <errno.h>
#include <grp.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "err.h"

#define cleanup_caps __attribute__((cleanup(free_capsp)))

static void
free_capsp(cap_t *c)
{
	if (*c)
		(void) cap_free(*c);
}

int
caps_switch_ids(uid_t uid, gid_t gid, bool with_setgroups, bool keep_caps, struct ap_err *e)
{
	cleanup_caps cap_t saved = NULL;

	if (keep_caps) {
		saved = cap_get_proc();
		if (!saved)
			return ap_err_set(e, errno, "cannot read capabilities");
		/* Why: setresuid() to non-zero ids would clear the permitted set. */
		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
			return ap_err_set(e, errno, "cannot set keep-caps");
	}
	if (setresgid(gid, gid, gid) < 0)
		return ap_err_set(e, errno, "cannot switch to gid %u", (unsigned) gid);
	/* Why: supplementary groups of the caller (root's!) must not follow it in. */
	if (with_setgroups && setgroups(0, NULL) < 0)
		return ap_err_set(e, errno, "cannot clear supplementary groups");
	if (setresuid(uid, uid, uid) < 0)
		return ap_err_set(e, errno, "cannot switch to uid %u", (unsigned) uid);
	if (keep_caps) {
		if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
			return ap_err_set(e, errno, "cannot clear keep-caps");
		/* The uid change cleared the effective set; the permitted one survived. */
		if (cap_set_proc(saved) < 0)
			return ap_err_set(e, errno, "cannot restore capabilities");
	}
	return 0;
}

int
caps_drop_bounding(struct ap_err *e)
{
	int max = (int) cap_max_bits();

	/*
	 * Why: the bounding set limits what a later execve of a file-cap binary
	 * can gain.  One prctl per capability; EINVAL marks one this kernel
	 * does not have (no separate "is it supported" probe per capability).
	 */
	for (int c = 0; c < max; c++) {
		if (cap_drop_bound((cap_value_t) c) < 0 && errno != EINVAL)
			return ap_err_set(e, errno,
					  "cannot drop capability %d from the bounding set", c);
	}
	/* One call clears the whole ambient set (libcap's reset tests each bit). */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return ap_err_set(e, errno, "cannot clear the ambient capabilities");
	return 0;
}

int
caps_clear(struct ap_err *e)
{
	cleanup_caps cap_t empty = cap_init();

	if (!empty)
		return ap_err_set(e, errno, "cannot allocate capabilities");
	if (cap_set_proc(empty) < 0)
		return ap_err_set(e, errno, "cannot clear capabilities");
	return 0;
}

int
caps_keep_only(int cap, struct ap_err *e)
{
	cleanup_caps cap_t c = cap_init();
	cap_value_t v = (cap_value_t) cap;

	if (!c)
		return ap_err_set(e, errno, "cannot allocate capabilities");
	if (cap_set_flag(c, CAP_PERMITTED, 1, &v, CAP_SET) < 0 ||
	    cap_set_flag(c, CAP_EFFECTIVE, 1, &v, CAP_SET) < 0 || cap_set_proc(c) < 0)
		return ap_err_set(e, errno, "cannot reduce capabilities to %d", cap);
	return 0;
}

int
caps_drop_all(struct ap_err *e)
{
	int r = caps_drop_bounding(e);

	return r < 0 ? r : caps_clear(e);
}

bool
caps_have(int cap)
{
	cleanup_caps cap_t c = cap_get_proc();
	cap_flag_value_t v = CAP_CLEAR;

	if (!c)
		return false;
	if (cap_get_flag(c, (cap_value_t) cap, CAP_EFFECTIVE, &v) < 0)
		return false;
	return v == CAP_SET;
}
