/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache: what the boxes of a box_root share, and the caches of lock_root:
 * their names, the locks that serialise their upkeep, their integrity, and
 * their removal (cleanup --shared).  None of it is a box's: a box never
 * writes any of it, and apbox trusts none of it that a box could have
 * written.
 *
 *   <box_root>/.etc-<hash>  the boxes' /etc: copies of the etc_files
 *   <box_root>/.dev2        the boxes' /dev: device nodes
 *   <box_root>/.root        where each process-mode run mounts its new root
 *   <box_root>/.tpl-<hash>  mount templates, pinned (template.c); .tpl.lock
 *   <lock_root>/seccomp.bpf the compiled seccomp filter
 *   <lock_root>/etc.lock    serialises refreshes of the /etc copies
 *
 * Each is a speed-up: when one is missing or not to be trusted, a run
 * builds what it needs itself.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct ap_conf;
struct ap_err;
struct box;
struct seccomp_filter;

/*
 * The boxes' /etc for the process modes (config key etc_files): a directory
 * of box_root shared by every box with the same etc_files (its name is a
 * hash of them), bound read-only on /etc, holds a copy of each named host
 * file, refreshed here (at init and before each run) when the file changed (size, mtime,
 * mode or owner), instead of one bind mount per file: each bind costs a
 * mount at every run and again at every namespace teardown.  A copy keeps
 * the file's owner and mode (never set-id bits), so the box reads what a
 * bind would show it, as of the start of the run (as Docker does with
 * /etc/hosts and resolv.conf).  Shared, it costs init and cleanup nothing;
 * refreshes are serialised by a flock on a file of lock_root, out of every
 * box's reach.  A name that is a
 * directory (ssl, alternatives) or another non-regular file is still bound:
 * the copy holds an empty mount point for it and is_bind[i] is set (is_bind
 * may be NULL).  A name with no host entry loses its copy.  Entries
 * that are not named are removed.  Returns 0 and the directory in *dir
 * (malloc'd), or -errno with e set (the caller then binds every file).
 */
int cache_sync_etc(const struct box *b, const struct ap_conf *c, char *const *names, size_t n,
		   bool *is_bind, char **dir, struct ap_err *e);
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
int cache_make_dev(const struct box *b, struct ap_err *e);
/*
 * init and run: the mount point of the process modes' new root, one empty
 * directory for all boxes (each run mounts on it in a mount namespace of
 * its own): a box dir of its own would cost cleanup an rmdir, ~0.2 ms on
 * ext4.  Returns 0 or -errno with e set.
 */
int cache_make_newroot(const struct box *b, struct ap_err *e);
/* run: is there the /dev cache_make_dev() makes? */
bool cache_has_dev(const struct box *b);
/* Is there a copy of these etc_files (one of ours, complete or not: runs refresh it)? */
bool cache_has_etc(const struct box *b, char *const *names, size_t n);

/*
 * The compiled seccomp filter of lock_root, when it can be trusted (see
 * cache.c), else NULL.  Never fails: the caller compiles it instead.
 */
/*
 * May apbox trust what box_root's and lock_root's caches hold, i.e. could no
 * box have written them?  A root caller's boxes each have a uid of their
 * own; an ordinary user's share its uid, and only their Landlock domain
 * keeps them out of box_root and lock_root: without one (none in this
 * kernel, or landlock = off) the caches are neither read nor written.
 */
bool cache_trusted(const struct ap_conf *c);
struct seccomp_filter *cache_seccomp_read(const struct ap_conf *c);
/* init: compile the filter into lock_root when it is not there (a failure only costs speed). */
void cache_seccomp_save(const struct ap_conf *c);
/*
 * cleanup --shared: remove every shared cache of box_root and lock_root
 * (templates unpinned), so that, once every box is cleaned up, box_root
 * can be removed and the host's mount table is as before the first init.
 * Boxes still initialised keep working: their next run rebuilds what it
 * needs.  Returns 0 or -errno with e set.
 */
int cache_remove_all(const struct ap_conf *c, struct ap_err *e);
