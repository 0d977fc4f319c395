/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * caps: capability and credential changes (libcap only here).  Called by the
 * box's processes between clone() and execve(): they print nothing and
 * report through struct ap_err.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct ap_err;

/*
 * Become uid/gid with no supplementary groups.  with_setgroups is false in
 * an unprivileged user namespace, where setgroups is denied (EPERM).
 * keep_caps: keep the permitted set across the uid change and raise it to
 * effective again (the proxy needs CAP_SYS_ADMIN in its user namespace to
 * mount after taking the box ids).  Returns 0 or -errno.
 */
int caps_switch_ids(uid_t uid, gid_t gid, bool with_setgroups, bool keep_caps, struct ap_err *e);
/*
 * Empty the bounding and ambient sets.  Needs CAP_SETPCAP, so it comes
 * before the id switch.  Returns 0 or -errno.
 */
int caps_drop_bounding(struct ap_err *e);
/* Clear the effective, permitted and inheritable sets.  Returns 0 or -errno. */
int caps_clear(struct ap_err *e);
/*
 * Keep cap (a CAP_* number) in the effective and permitted sets and nothing
 * else.  Returns 0 or -errno.
 */
int caps_keep_only(int cap, struct ap_err *e);
/* Both, in that order: drop every capability for good. */
int caps_drop_all(struct ap_err *e);
/* Does the calling process hold cap (a CAP_* number) in its effective set? */
bool caps_have(int cap);
