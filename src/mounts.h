/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mounts: the box's new root, built from the directory rules (rules.h) in
 * the proxy, inside the box's own user and mount namespaces; namespace
 * pinning.  libmount only here.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rules.h"

struct ap_err;

/*
 * The MOUNT_ATTR_* a bind or filesystem of a rule with these flags gets:
 * nosuid always, nodev unless "dev", read-only unless "rw", noexec on "noexec".
 */
uint64_t mounts_rule_attrs(unsigned flags);

/* How mounts_build_root() builds. */
enum mounts_build {
	MOUNTS_BUILD_FULL,	  /* every rule, in a copy of the host's mounts */
	MOUNTS_BUILD_TEMPLATE,	  /* the template: static rules, the other rules' points, a proc */
	MOUNTS_BUILD_IN_TEMPLATE, /* the rules that are not static, in a copy of the template */
};

/* Mount points of the rules that are not static, as the template makes them. */
enum mounts_point {
	MOUNTS_POINT_NONE, /* no point: a "maybe" bind whose source is missing */
	MOUNTS_POINT_DIR,
	MOUNTS_POINT_FILE,
};

/* What the inside process needs to build the root. */
struct mounts_plan {
	const char *newroot;	       /* host dir, existing, on which the tmpfs root is mounted */
	const struct dir_rules *rules; /* in order */
	/* bytes and inodes of each RULE_TMP tmpfs (size 0: the kernel's defaults) */
	uint64_t tmp_size, tmp_inodes;
	bool hidepid;	   /* mount proc with hidepid=2 (falls back to none when refused) */
	const char *guard; /* box_root: no symlink is followed in bind sources below it */
	enum mounts_build build;
	/*
	 * Per rule, for the two template builds (see template.h): the point
	 * each rule that is not static gets, and (IN_TEMPLATE) the keeper's
	 * detached copy of a bind's source with its attributes set, or -1.
	 */
	const enum mounts_point *points;
	const int *trees;
};

/*
 * Called by the proxy inside fresh user+mount namespaces, holding
 * CAP_SYS_ADMIN there: make "/" MS_REC|MS_PRIVATE, mount a tmpfs on
 * plan->newroot, create every mount point first, then mount each rule
 * (binds nosuid,nodev unless RULE_DEV; read-only covers every submount),
 * mask /proc paths as OCI runtimes do, pivot_root into it, detach the old
 * root, make "/" read-only, and chdir("/").  Prints nothing; returns 0 or
 * -errno with the failing path in e.
 *
 * Calling state: the uid/gid maps are written and the process runs as the
 * box's uid/gid inside its user namespace with a full effective capability
 * set there; it must own the mount namespace (CLONE_NEWNS after or with
 * CLONE_NEWUSER) and, for a "proc" rule, be PID 1 of a pid namespace that
 * user namespace owns; "sysfs" needs an owned network namespace and "mqueue"
 * an owned IPC namespace.  Host paths are reached with that uid's DAC
 * permissions (a bind source the box uid cannot reach fails with EACCES),
 * and plan->newroot and its parents must be searchable by it.  The host's
 * /proc must be mounted at /proc (targets are addressed as /proc/self/fd/N).
 *
 * Mount points are created in the root tmpfs (and in tmpfs filesystems the
 * rules create: "tmp", "tmpfs:fs", the minimal /dev), never in a bound host
 * tree: a rule nested in an earlier bind ("/usr", then "/usr/lib/x") needs
 * its mount point to exist in that bind's source, else it fails with ENOENT,
 * or is skipped with "maybe".  "maybe" skips a bind whose source is missing
 * (ENOENT/ENOTDIR; other errors such as EACCES still fail).  A "norec" bind
 * of a tree with submounts from the host is refused by the kernel in a user
 * namespace (EINVAL).  On error the namespace is left half-built: the caller
 * must report and exit, never continue.
 */
int mounts_build_root(const struct mounts_plan *plan, struct ap_err *e);
/*
 * plan->build says what mounts_build_root() builds.  MOUNTS_BUILD_TEMPLATE
 * runs as root in a new mount namespace, as PID 1 of a new pid namespace
 * (template.c): the root tmpfs with the static rules mounted, a mount point
 * for every other rule no earlier rule covers (plan->points), a proc of its
 * own pid namespace on /proc (a user namespace may mount a fresh proc only
 * where one is fully visible), then pivot_root and "/" read-only.
 * MOUNTS_BUILD_IN_TEMPLATE runs in the proxy, in a copy of that namespace
 * (its root is the template's root already): the box's own proc on /proc
 * first (fd targets need /proc/self), then every rule that is not static,
 * in order, binds attached from plan->trees; no pivot.
 */

/*
 * Keep a namespace alive without a process: bind nsfile (/proc/self/ns/net)
 * onto target, an existing empty file (ip-netns style).  Returns 0 or -errno.
 */
int mounts_pin_ns(const char *nsfile, const char *target, struct ap_err *e);
/*
 * The mount points strictly below "top" in the mount table file "mountinfo"
 * (/proc/self/mountinfo), read with libmount, loaded now (see dl_load()).
 * Only the fallback for kernels without mount_setattr(2) needs it; exposed
 * for the unit tests.  *out is a malloc'd array of n malloc'd paths.
 * Returns 0 or -errno with e set (-ENOENT: libmount could not be loaded).
 */
int mounts_list_below(const char *mountinfo, const char *top, char ***out, size_t *n,
		      struct ap_err *e);
/* Undo mounts_pin_ns(); a target that is not a mount point is success. */
int mounts_unpin_ns(const char *target, struct ap_err *e);
