/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns: user-namespace id maps (written by the keeper), host name and loopback
 * (set up by the box's PID 1 inside its namespaces).
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct ap_err;

/*
 * Write /proc/<pid>/{setgroups,gid_map,uid_map}: one id each, inside ->
 * outside.  deny_setgroups: an unprivileged writer must deny setgroups
 * before it may write gid_map.  Keeper only.  Returns 0 or -errno.
 */
int ns_write_maps(pid_t pid, uid_t in_uid, uid_t out_uid, gid_t in_gid, gid_t out_gid,
		  bool deny_setgroups, struct ap_err *e);
int ns_set_hostname(const char *name, struct ap_err *e);
/* Bring "lo" up in the current network namespace. */
int ns_loopback_up(struct ap_err *e);

/*
 * The network namespace pinned on target, opened for setns(): when there is
 * none yet, one is made with lo up and pinned there first (a bind mount on
 * an empty file this creates; a plain file a killed apbox left is reused).
 * Root only: apbox unshares, pins and steps back into its own namespace.
 * *made tells whether it was made here.  Returns the fd or -errno (e
 * filled); on error nothing is left.
 */
int ns_net_pinned(const char *target, bool *made, struct ap_err *e);
/*
 * A namespace pinned on target, opened (O_NOFOLLOW) for setns(): -ENOENT
 * also when target is a plain file (a pin a killed apbox never finished).
 */
int ns_open_pinned(const char *target);
/* Undo a pin (of any namespace): unmount target and remove the file.  Returns 0 or -errno. */
int ns_unpin(const char *target, struct ap_err *e);
