/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * box: box id -> paths and ids; the lock file and the state it records;
 * init and cleanup of the on-disk box.  Files below box_root are only ever
 * touched fd-relative without following symlinks (util.c's walks), so a
 * symlink planted by a box never leads init or cleanup outside it.
 *
 * Layout: <box_root>/<id>       the box's storage: a tmpfs of storage bytes and
 *                               storage_inodes inodes mounted by init (root only,
 *                               and where mounting is allowed), else a directory
 *         <box_root>/<id>/box   the work dir (/box inside), owned by the box uid
 *         <box_root>/<id>/.tmp/<k>  the k-th tmp rule's directory (/tmp, /dev/shm)
 *                               of a run on the storage, owned by the box uid, 0700,
 *                               emptied before and after each run
 *         <box_root>/<id>/netns the box's network namespace, pinned by a bind mount
 *                               by its first run (root only; see ns_net_pinned())
 *         <box_root>/.etc-<hash>  the boxes' /etc: copies of the etc_files (cache.h)
 *         <box_root>/.dev2        the boxes' /dev: device nodes (cache.h)
 *         <box_root>/.tpl-<hash>  the mount template, pinned (template.h); .tpl.lock
 *         <box_root>/.root        empty dir, where each run of a process mode mounts
 *                                 its new root, in its own mount namespace
 *         <lock_root>/<id>      lock file (flock) holding the state, one record rewritten in place,
 *                               never unlinked; 0600, as every file apbox makes in lock_root
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
	/*
	 * No box cgroup can exist: init made none, nor has a run since.  Set
	 * false in the record before anything makes one; a record without it
	 * (an older apbox's) says they may exist.
	 */
	bool no_cgroup;
	/*
	 * No run of this box could leave anything in the host's System V IPC
	 * or /dev/shm: each had its own IPC namespace and wrote only its own
	 * storage (box_run_touches_host_ipc()).  Same rules as no_cgroup.
	 */
	bool no_host_ipc;
};

struct box {
	int id;
	bool rootless;	 /* apbox runs without root: files belong to the caller */
	bool may_repair; /* init, cleanup: a corrupt lock file is taken as an initialised box */
	uid_t uid;	 /* box uid inside the sandbox: first_uid + id */
	gid_t gid;
	uid_t host_uid; /* owner of the box dir on the host (box uid, or the caller) */
	gid_t host_gid;
	char *dir;	 /* <box_root>/<id> */
	char *work;	 /* <box_root>/<id>/box */
	char *newroot;	 /* <box_root>/.root, shared (cache.h) */
	char *netns;	 /* <box_root>/<id>/netns: the box's pinned network namespace */
	char *root;	 /* box_root */
	char *dev;	 /* <box_root>/.dev2: the boxes' /dev in the process modes */
	char *lock_path; /* <lock_root>/<id> */
	uint64_t storage, storage_inodes; /* init: the storage's size (0: none) and inodes */
	bool storage_asked;		  /* init --storage: no storage is an error */
	int lock_fd;
	struct box_state state; /* as read under the lock */
};

/*
 * Could a run of b with these namespaces and rules leave System V IPC
 * objects or /dev/shm files on the host for cleanup to sweep?  Yes without
 * an IPC namespace of its own, and for any writable bind whose source is
 * not on the box's own storage (the host's /dev/shm could be one).
 */
struct dir_rules;
bool box_run_touches_host_ipc(const struct box *b, int ns_flags, const struct dir_rules *rules);

/*
 * What the record does not rule out (box_state): System V objects or
 * /dev/shm files of the box's on the host; box cgroups (not for a box a
 * finished cleanup removed, box_is_gone()).
 */
bool box_may_have_host_ipc(const struct box *b);
bool box_may_have_cgroups(const struct box *b);

/* Compute paths and ids; checks id < num_boxes.  No system access. */
int box_open(struct box *b, const struct ap_conf *c, uint64_t id, struct ap_err *e);
void box_close(struct box *b);
/*
 * Take the box lock (create lock_root and the file as needed) and read the
 * state.  busy: fail at once with "box N is in use" unless wait.  A box
 * initialised by another non-root user is refused.
 */
int box_lock(struct box *b, bool wait, struct ap_err *e);
/*
 * Open (creating it 0600) a file of lock_root for reading and writing, and
 * make an existing one that is ours 0600 too: no other user, and so no box,
 * may open it to flock it.  Returns the fd or -errno.
 */
int box_lock_root_open(const char *path);
/* Write the state into the lock file (under the lock). */
int box_save_state(struct box *b, struct ap_err *e);
/* Create (or reset) the box tree; on error removes what it made.  Lock held. */
int box_create(struct box *b, struct ap_err *e);
/* Is <box_root>/<id> the storage init mounted (a mount point of its own)? */
bool box_has_storage(const struct box *b);
/* The k-th tmp dir of a run on the storage, <id>/.tmp/<k> (allocated). */
char *box_tmp_path(const struct box *b, size_t k);
/*
 * A run on the storage: make <id>/.tmp/0..n-1 for its tmp rules, each empty;
 * box_tmp_sweep() empties them again.  Keeper only, lock held.  Returns 0 or
 * -errno with e set.
 */
int box_tmp_make(const struct box *b, size_t n, struct ap_err *e);
void box_tmp_sweep(const struct box *b);
/*
 * Remove the box tree and truncate the lock record.  Lock held.  Missing =
 * success.  keep_spare (cleanup): the storage's mount point stays, empty,
 * as <box_root>/.spare-<id> for the next init (a failed init's leaves nothing).
 */
int box_remove(struct box *b, bool keep_spare, struct ap_err *e);
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
/* init: every directory above the box must be searchable by the box uid. */
int box_check_searchable(const struct box *b, struct ap_err *e);
/* Open box_root (following the administrator's symlinks, once); create: make it and its parents. */
int box_open_root(const struct box *b, bool create, struct ap_err *e);
