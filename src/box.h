/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * box: box id -> paths and ids; the lock file and the state it records;
 * init and cleanup of the on-disk box.  Files below box_root are only ever
 * touched fd-relative without following symlinks (util.c's walks), so a
 * symlink planted by a box never leads init or cleanup outside it.
 *
 * Layout: <box_root>/<id>/box   the work dir (/box inside), owned by the box uid
 *         <box_root>/<id>/netns the box's network namespace, pinned by a bind mount
 *                               by its first run (root only; see ns_net_pinned())
 *         <box_root>/.etc-<hash>  the boxes' /etc: copies of the etc_files (box_sync_etc())
 *         <box_root>/.dev2        the boxes' /dev: device nodes (box_make_dev())
 *         <box_root>/.tpl-<hash>  the mount template, pinned (template.h); .tpl.lock
 *         <box_root>/.root        empty dir, where each run of a process mode mounts
 *                                 its new root, in its own mount namespace
 *         <lock_root>/<id>      lock file (flock) holding the state, one record rewritten in place,
 * never unlinked
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "mode.h"

struct ap_conf;
struct ap_err;

struct box_state {
	/*
	 * The lock file holds a record (it is not new, nor truncated by an
	 * older apbox): with !initialized, the box was removed by a cleanup
	 * (or a failed init) that finished, which writes the record last.
	 */
	bool recorded;
	bool initialized;
	uid_t owner; /* uid that ran init */
	enum ap_mode mode;
	enum cg_version cg;
};

struct box {
	int id;
	bool rootless; /* apbox runs without root: files belong to the caller */
	uid_t uid;     /* box uid inside the sandbox: first_uid + id */
	gid_t gid;
	uid_t host_uid; /* owner of the box dir on the host (box uid, or the caller) */
	gid_t host_gid;
	char *dir;	 /* <box_root>/<id> */
	char *work;	 /* <box_root>/<id>/box */
	char *newroot;	 /* <box_root>/.root, shared (box_make_newroot()) */
	char *netns;	 /* <box_root>/<id>/netns: the box's pinned network namespace */
	char *root;	 /* box_root */
	char *dev;	 /* <box_root>/.dev2: the boxes' /dev in the process modes */
	char *lock_path; /* <lock_root>/<id> */
	int lock_fd;
	struct box_state state; /* as read under the lock */
};

/* The file in lock_root that caches the compiled seccomp filter (see seccomp.c). */
#define SECCOMP_CACHE "seccomp.bpf"

/* Compute paths and ids; checks id < num_boxes.  No system access. */
int box_open(struct box *b, const struct ap_conf *c, uint64_t id, struct ap_err *e);
void box_close(struct box *b);
/*
 * Take the box lock (create lock_root and the file as needed) and read the
 * state.  busy: fail at once with "box N is in use" unless wait.  A box
 * initialised by another non-root user is refused.
 */
int box_lock(struct box *b, bool wait, struct ap_err *e);
/* Write the state into the lock file (under the lock). */
int box_save_state(struct box *b, struct ap_err *e);
/* Create (or reset) the box tree; on error removes what it made.  Lock held. */
int box_create(struct box *b, struct ap_err *e);
/* Remove the box tree and truncate the lock record.  Lock held.  Missing = success. */
int box_remove(struct box *b, struct ap_err *e);
/*
 * Nothing of the box is left, without looking at the cgroups: the record
 * says a cleanup finished, and there is no box directory (init makes it
 * before its cgroups, cleanup removes it after them).  Lock held.
 */
bool box_is_gone(const struct box *b);
/*
 * run: the work dir must still be the directory init made (not a symlink,
 * owned by the box).  Returns 0 or -errno.
 */
int box_check_work(const struct box *b, struct ap_err *e);
/*
 * The boxes' /etc for the process modes (config key etc_files): a directory
 * of box_root shared by every box with the same etc_files (its name is a
 * hash of them), bound read-only on /etc, holds a copy of each named host
 * file, refreshed here before each run when the file changed (size, mtime,
 * mode or owner), instead of one bind mount per file: each bind costs a
 * mount at every run and again at every namespace teardown.  A copy keeps
 * the file's owner and mode (never set-id bits), so the box reads what a
 * bind would show it, as of the start of the run (as Docker does with
 * /etc/hosts and resolv.conf).  Shared, it costs init and cleanup nothing;
 * refreshes are serialised by a flock on the directory.  A name that is a
 * directory (ssl, alternatives) or another non-regular file is still bound:
 * the copy holds an empty mount point for it and is_bind[i] is set (is_bind
 * may be NULL).  A name with no host entry loses its copy.  Entries
 * that are not named are removed.  Returns 0 and the directory in *dir
 * (malloc'd), or -errno with e set (the caller then binds every file).
 */
int box_sync_etc(const struct box *b, char *const *names, size_t n, bool *is_bind, char **dir,
		 struct ap_err *e);
/*
 * init, as root: the boxes' /dev for the process modes, <box_root>/.dev2,
 * made by the first init and shared: the harmless character devices of the
 * host's /dev (null, zero, full, random, urandom, tty, with the host's
 * numbers and modes), an empty pts directory (mount point of a private
 * devpts), the ptmx, fd, stdin, stdout and stderr links and shm, a link to
 * /tmp (the run's private tmpfs), built aside and renamed into place, so
 * that a .dev2 that exists is complete.  run binds it read-only (without
 * nodev) instead of mounting a tmpfs and binding each device: 2 mounts
 * instead of 9 at every run.  Not made (-EPERM) without root (no mknod)
 * or when box_root is on a nodev filesystem (-EOPNOTSUPP): then run builds
 * /dev as before.  Returns 0 or -errno with e set.  (apbox 0.1.0 made
 * .dev, with a directory at shm for a tmpfs of its own: a new name, so
 * that neither version binds the other's.)
 */
int box_make_dev(const struct box *b, struct ap_err *e);
/*
 * init and run: the mount point of the process modes' new root, one empty
 * directory for all boxes (each run mounts on it in a mount namespace of
 * its own): a box dir of its own would cost cleanup an rmdir, ~0.2 ms on
 * ext4.  Returns 0 or -errno with e set.
 */
int box_make_newroot(const struct box *b, struct ap_err *e);
/* run: is there the /dev box_make_dev() makes? */
bool box_has_dev(const struct box *b);
/* init: every directory above the box must be searchable by the box uid. */
int box_check_searchable(const struct box *b, struct ap_err *e);
