/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util: allocation helpers, cleanup attributes, number/size/time parsing and
 * the safe file operations (no symlink followed, no mount crossed) that init
 * and cleanup use on box trees.  No module-specific knowledge lives here.
 */
#pragma once

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct ap_err;

void freep(void *p);
void closep(int *fd);
void fclosep(FILE **f);

#define cleanup_free   __attribute__((cleanup(freep)))
#define cleanup_close  __attribute__((cleanup(closep)))
#define cleanup_fclose __attribute__((cleanup(fclosep)))
#define TAKE_FD(fd)             \
	({                      \
		int fd_ = (fd); \
		(fd) = -1;      \
		fd_;            \
	})
#define TAKE_PTR(p)                     \
	({                              \
		__typeof__(p) p_ = (p); \
		(p) = NULL;             \
		p_;                     \
	})
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation that aborts on OOM (apbox is short-lived and single-threaded). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Parse a whole decimal string into *out, 0..max.  Returns 0, -EINVAL on
 * syntax (empty, sign, junk) or -ERANGE above max.
 */
int parse_u64(const char *s, uint64_t max, uint64_t *out);
/*
 * Parse a size into bytes: a number with an optional K, M, G or T suffix
 * (powers of 1024, optional "B"/"iB"); a bare number is KiB, as isolate's
 * options are.  "0" is 0.  Returns 0, -EINVAL or -ERANGE.
 */
int parse_size(const char *s, uint64_t *bytes);
/*
 * Parse seconds with up to three decimals ("1", "0.25", "2.5s") into
 * milliseconds, at most max_ms.  Returns 0, -EINVAL or -ERANGE.
 */
int parse_seconds(const char *s, uint64_t max_ms, uint64_t *ms);
/* Parse a boolean: 1/0, yes/no, true/false, on/off.  Returns 0 or -EINVAL. */
int parse_bool(const char *s, bool *out);

/* Monotonic clock in milliseconds. */
uint64_t now_ms(void);

/*
 * Write a string to an existing file (no O_CREAT), in one write().  Returns
 * 0 or -errno.  Used for cgroup, /proc and sysfs control files.
 */
int write_file(const char *path, const char *s);
int write_fileat(int dirfd, const char *name, const char *s);
/* Read up to len-1 bytes of a file, NUL-terminated.  Returns bytes or -errno. */
ssize_t read_file(const char *path, char *buf, size_t len);
ssize_t read_fileat(int dirfd, const char *name, char *buf, size_t len);

/*
 * Create the directory "name" in dirfd with mode (EEXIST is not an error if
 * it is a real directory, never a symlink) and return an fd for it, or -errno.
 */
int mkdirat_nofollow(int dirfd, const char *name, mode_t mode);

/*
 * Call fn(dirfd, entry, arg) for every entry of dirfd but "." and "..";
 * the first negative result is kept and returned, the walk goes on.
 */
int dir_each(int dirfd, int (*fn)(int dirfd, const struct dirent *de, void *arg), void *arg);

/*
 * The children of pid's main thread, from /proc/PID/task/PID/children:
 * up to max pids into out; returns how many.
 */
size_t proc_children(pid_t pid, pid_t *out, size_t max);
/* A DIR stream over a duplicate of dirfd (dirfd stays open and usable), or NULL. */
DIR *opendir_at(int dirfd);
/* Is the directory dirfd empty?  Reads it (its offset moves); false on error. */
bool dir_is_empty(int dirfd);
/*
 * Remove the directory entry "name" in dirfd and everything below it,
 * without following symlinks and without crossing into another mount
 * (a mount point below is an error: -EBUSY).  A missing entry is success.
 * Returns 0 or -errno.
 */
int remove_tree_at(int dirfd, const char *name);

/*
 * Open a caller-named file.  Below guard (box_root: directories the boxes'
 * programs can write into) no symlink is followed at all, in any component,
 * so a symlink a box planted can never turn apbox's open into one of a host
 * file; elsewhere only the last component must not be a symlink.  path may
 * be relative; "." and ".." components are refused (-EINVAL).  Returns an
 * fd or -errno.
 */
int open_guarded(const char *path, const char *guard, int flags, mode_t mode);
/* Is path strictly below dir (lexically)?  Returns the rest after "dir/", or NULL. */
const char *path_below(const char *path, const char *dir);

/*
 * Open rel (relative, no "." or ".." component) below dirfd without
 * following any symlink in any component (-ELOOP), crossing mounts: one
 * openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), or a walk component by
 * component on kernels before 5.6.  flags and mode are open(2)'s (O_CLOEXEC
 * is added).  Returns the fd or -errno.
 */
int openat_beneath(int dirfd, const char *rel, int flags, mode_t mode);

/*
 * Load a shared library that apbox needs only now and then: libseccomp to
 * compile the filter (once per apbox version, then it is read from the
 * cache) and libmount to read the mount table (only on kernels without
 * mount_setattr(2)).  Linking them would load them, and libmount's blkid,
 * selinux and pcre2, on every start: 0.6 ms and 0.9 MiB of a run that needs
 * none of it (bench/README.md).  A static apbox links libseccomp in and
 * loads only libmount (design.md).  A dl_sym names a symbol and the
 * function pointer that receives it.
 */
struct dl_sym {
	const char *name;
	void *fnp; /* the address of a function pointer */
};
/*
 * Load soname and store the address of each syms[i].name in the function
 * pointer at syms[i].fnp.  The handle is never closed.
 * Returns 0, or -ENOENT with e set when the library or a symbol is missing.
 */
int dl_load(const char *soname, const struct dl_sym *syms, size_t n, struct ap_err *e);

/*
 * Timeline probes for bench/timeline.sh: with -DAPBOX_TIMELINE each one
 * writes "apbox-timeline <monotonic ns> <pid> <phase>" to stderr; without
 * it they compile to nothing.
 */
#ifdef APBOX_TIMELINE
void timeline_mark(const char *phase);
#define TIMELINE(phase) timeline_mark(phase)
#else
#define TIMELINE(phase) ((void) 0)
#endif

/* True when path is absolute and has no "." or ".." component. */
bool path_is_clean_abs(const char *path);
