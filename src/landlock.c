/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * landlock: turn the plan's directory rules into a Landlock ruleset (keeper)
 * and enforce it (the process that will execve).  Every Landlock constant,
 * structure and system call number apbox uses is defined here, once, so the
 * build does not depend on how new the kernel headers are: Debian 12's
 * linux-libc-dev (6.1) knows the ABI 1-2 rights and a ruleset attribute with
 * one field.  What reaches the kernel is sized and masked by the ABI the
 * kernel reported, as Documentation/userspace-api/landlock.rst asks, so an
 * older kernel never sees a right or a field it would refuse.
 * Must not: print, exit, or decide what a box may see.
 */
#include "config.h"

#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<linux/landlock.h>)
#include <linux/landlock.h>
#endif
#endif

#include "err.h"
#include "util.h"

/*
 * ---- The kernel interface, for headers of any age ----------------------
 * Macros the installed header already has are taken from it; the rest are
 * the values of the upstream uapi header.  The structures get names of their
 * own: the header's struct landlock_ruleset_attr has one, two or three fields
 * depending on its age, and enum members cannot be tested with #ifndef.
 */

/* 444-446 on every architecture but alpha (554-556), which apbox does not build for. */
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_add_rule
#define __NR_landlock_add_rule 445
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef LANDLOCK_CREATE_RULESET_ERRATA
#define LANDLOCK_CREATE_RULESET_ERRATA (1U << 1)
#endif

/* enum landlock_rule_type */
#define LL_RULE_PATH_BENEATH 1

/* ABI 1 */
#ifndef LANDLOCK_ACCESS_FS_EXECUTE
#define LANDLOCK_ACCESS_FS_EXECUTE (1ULL << 0)
#endif
#ifndef LANDLOCK_ACCESS_FS_WRITE_FILE
#define LANDLOCK_ACCESS_FS_WRITE_FILE (1ULL << 1)
#endif
#ifndef LANDLOCK_ACCESS_FS_READ_FILE
#define LANDLOCK_ACCESS_FS_READ_FILE (1ULL << 2)
#endif
#ifndef LANDLOCK_ACCESS_FS_READ_DIR
#define LANDLOCK_ACCESS_FS_READ_DIR (1ULL << 3)
#endif
#ifndef LANDLOCK_ACCESS_FS_REMOVE_DIR
#define LANDLOCK_ACCESS_FS_REMOVE_DIR (1ULL << 4)
#endif
#ifndef LANDLOCK_ACCESS_FS_REMOVE_FILE
#define LANDLOCK_ACCESS_FS_REMOVE_FILE (1ULL << 5)
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_CHAR
#define LANDLOCK_ACCESS_FS_MAKE_CHAR (1ULL << 6)
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_DIR
#define LANDLOCK_ACCESS_FS_MAKE_DIR (1ULL << 7)
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_REG
#define LANDLOCK_ACCESS_FS_MAKE_REG (1ULL << 8)
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_SOCK
#define LANDLOCK_ACCESS_FS_MAKE_SOCK (1ULL << 9)
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_FIFO
#define LANDLOCK_ACCESS_FS_MAKE_FIFO (1ULL << 10)
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_BLOCK
#define LANDLOCK_ACCESS_FS_MAKE_BLOCK (1ULL << 11)
#endif
#ifndef LANDLOCK_ACCESS_FS_MAKE_SYM
#define LANDLOCK_ACCESS_FS_MAKE_SYM (1ULL << 12)
#endif
/* ABI 2 */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
/* ABI 3 */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
/* ABI 4 */
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#endif
#ifndef LANDLOCK_ACCESS_NET_CONNECT_TCP
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
/* ABI 5 */
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
/* ABI 6 */
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif

/*
 * The newest ABI this file knows.  ABI 7 added only logging flags; a newer
 * kernel gets the rights of this one (its new rights stay unhandled, hence
 * allowed) until they are added here.
 */
#define LL_ABI_KNOWN 7

/* struct landlock_ruleset_attr as of ABI 6; sized by ruleset_attr_size(). */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;	     /* ABI 6 */
};

/* struct landlock_path_beneath_attr: packed, the kernel reads exactly 12 bytes. */
struct ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

_Static_assert(sizeof(struct ll_path_beneath_attr) == 12, "path_beneath_attr is 12 bytes");
_Static_assert(sizeof(struct ll_ruleset_attr) == 24, "ruleset_attr is 24 bytes");

static int
ll_create_ruleset(const struct ll_ruleset_attr *attr, size_t size, uint32_t flags)
{
	return (int) syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

static int
ll_add_rule(int ruleset_fd, int type, const void *attr, uint32_t flags)
{
	return (int) syscall(__NR_landlock_add_rule, ruleset_fd, type, attr, flags);
}

static int
ll_restrict_self(int ruleset_fd, uint32_t flags)
{
	return (int) syscall(__NR_landlock_restrict_self, ruleset_fd, flags);
}

/* ---- Rights by ABI -------------------------------------------------------- */

#define FS_ABI1                                                           \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |     \
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |     \
	 LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
	 LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |     \
	 LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |     \
	 LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |   \
	 LANDLOCK_ACCESS_FS_MAKE_SYM)

/* The rights the kernel accepts on a rule whose path is not a directory. */
#define FS_FILE                                                       \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
	 LANDLOCK_ACCESS_FS_IOCTL_DEV)

/*
 * Each LL_* right in kernel rights.  LL_WRITE leaves out MAKE_CHAR and
 * MAKE_BLOCK: a box never creates device nodes, even where it may write.
 */
#define FS_LL_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define FS_LL_EXEC LANDLOCK_ACCESS_FS_EXECUTE
#define FS_LL_WRITE                                                       \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |    \
	 LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
	 LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |      \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |    \
	 LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER)
#define FS_LL_DEV (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

#define LL_ALL (LL_READ | LL_EXEC | LL_WRITE | LL_DEV)

static int
known_abi(int abi)
{
	return abi > LL_ABI_KNOWN ? LL_ABI_KNOWN : abi;
}

/* Every filesystem right of this ABI: all of them are handled, so all not granted are denied. */
static uint64_t
handled_fs(int abi)
{
	uint64_t r = FS_ABI1;

	abi = known_abi(abi);
	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return r;
}

/*
 * How many bytes of struct ll_ruleset_attr this ABI reads.  A kernel refuses
 * (E2BIG) a larger size whose extra bytes are not zero, and an ABI 1-3 kernel
 * has no net field at all: give each kernel exactly the struct it knows.
 */
static size_t
ruleset_attr_size(int abi)
{
	abi = known_abi(abi);
	if (abi >= 6)
		return sizeof(struct ll_ruleset_attr);
	if (abi >= 4)
		return offsetof(struct ll_ruleset_attr, scoped);
	return offsetof(struct ll_ruleset_attr, handled_access_net);
}

static uint64_t
rule_access(unsigned access, bool is_dir, int abi)
{
	uint64_t r = 0;

	if (access & LL_READ)
		r |= FS_LL_READ;
	if (access & LL_EXEC)
		r |= FS_LL_EXEC;
	if (access & LL_WRITE)
		r |= FS_LL_WRITE;
	if (access & LL_DEV)
		r |= FS_LL_DEV;
	/* A right the ruleset does not handle cannot be granted (EINVAL). */
	r &= handled_fs(abi);
	/* Directory rights on a file are refused (EINVAL): keep its file rights only. */
	if (!is_dir)
		r &= FS_FILE;
	return r;
}

/* ---- Public ------------------------------------------------------------- */

void
landlock_probe(struct landlock_info *out)
{
	/* The kernel's answer cannot change while apbox runs: asked once. */
	static struct landlock_info known;
	static bool asked;
	int r;

	if (!asked) {
		r = ll_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
		if (r < 0) {
			known.err = errno;
		} else {
			known.abi = r;
			/* Kernels before the errata query answer EINVAL: no erratum to report. */
			r = ll_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_ERRATA);
			known.errata = r > 0 ? r : 0;
		}
		asked = true;
	}
	*out = known;
}

unsigned
landlock_features(int abi)
{
	unsigned f = 0;

	if (abi >= 1)
		f |= LL_HAS_FS;
	if (abi >= 2)
		f |= LL_HAS_REFER;
	if (abi >= 3)
		f |= LL_HAS_TRUNCATE;
	if (abi >= 4)
		f |= LL_HAS_TCP;
	if (abi >= 5)
		f |= LL_HAS_IOCTL_DEV;
	if (abi >= 6)
		f |= LL_HAS_SCOPE;
	return f;
}

void
landlock_features_format(unsigned features, char *buf, size_t len)
{
	static const struct {
		unsigned flag;
		const char *name;
	} names[] = {
		{LL_HAS_FS, "fs"},   {LL_HAS_REFER, "refer"},	      {LL_HAS_TRUNCATE, "truncate"},
		{LL_HAS_TCP, "tcp"}, {LL_HAS_IOCTL_DEV, "ioctl-dev"}, {LL_HAS_SCOPE, "scope"},
	};
	size_t used = 0;
	int n;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(names) && used < len; i++) {
		if (!(features & names[i].flag))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", names[i].name);
		if (n < 0)
			return;
		used += (size_t) n;
	}
	if (used == 0)
		(void) snprintf(buf, len, "none");
}

/* Add the rule for r to ruleset fd; a missing optional path is skipped. */
static int
add_path_rule(int fd, const struct landlock_rule *r, int abi, struct ap_err *e)
{
	cleanup_close int pfd = -1;
	struct ll_path_beneath_attr pb;
	struct stat st;

	if (!r->path || r->path[0] != '/')
		return ap_err_set(e, EINVAL, "landlock rule path \"%s\" is not absolute",
				  r->path ? r->path : "(null)");
	if (r->access & ~(unsigned) LL_ALL)
		return ap_err_set(e, EINVAL, "landlock rule for \"%s\" has unknown access 0x%x",
				  r->path, r->access);
	/*
	 * O_PATH: the rule needs the inode, not the right to read it, so a path
	 * the caller may execute but not read still gets its rule.  Symlinks
	 * are followed: Landlock checks the object a later open reaches, and a
	 * rule on a symlink's own inode would never match.
	 */
	pfd = open(r->path, O_PATH | O_CLOEXEC);
	if (pfd < 0) {
		if (r->maybe && (errno == ENOENT || errno == ENOTDIR))
			return 0;
		return ap_err_set(e, errno, "cannot open \"%s\" for landlock", r->path);
	}
	if (fstat(pfd, &st) < 0)
		return ap_err_set(e, errno, "cannot stat \"%s\" for landlock", r->path);
	memset(&pb, 0, sizeof(pb));
	pb.allowed_access = rule_access(r->access, S_ISDIR(st.st_mode), abi);
	pb.parent_fd = pfd;
	/* A rule granting nothing (access 0) adds nothing; the kernel would refuse it (ENOMSG). */
	if (pb.allowed_access == 0)
		return 0;
	if (ll_add_rule(fd, LL_RULE_PATH_BENEATH, &pb, 0) < 0)
		return ap_err_set(e, errno, "cannot add landlock rule for \"%s\"", r->path);
	return 0;
}

int
landlock_prepare(const struct landlock_plan *lp, int abi, struct ap_err *e)
{
	cleanup_close int fd = -1;
	struct ll_ruleset_attr attr;
	int r;

	if (abi < 1)
		return ap_err_set(e, EOPNOTSUPP, "landlock is not available");
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = handled_fs(abi);
	/*
	 * Handled with no port rule, bind and connect are denied for every TCP
	 * port.  UDP, other socket families and MPTCP are not mediated.
	 */
	if (lp->deny_tcp && known_abi(abi) >= 4)
		attr.handled_access_net =
			LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
	/*
	 * Scoped: no signal to, and no connect to an abstract unix socket of, a
	 * process outside this domain (the worker, other boxes).
	 */
	if (lp->scope && known_abi(abi) >= 6)
		attr.scoped = LANDLOCK_SCOPE_SIGNAL | LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
	/* The kernel returns the ruleset fd with O_CLOEXEC set. */
	fd = ll_create_ruleset(&attr, ruleset_attr_size(abi), 0);
	if (fd < 0)
		return ap_err_set(e, errno, "cannot create landlock ruleset (ABI %d)", abi);
	for (size_t i = 0; i < lp->n; i++) {
		r = add_path_rule(fd, &lp->rules[i], abi, e);
		if (r < 0)
			return r;
	}
	return TAKE_FD(fd);
}

int
landlock_enforce(int ruleset_fd, struct ap_err *e)
{
	int r, en;

	/*
	 * Flags 0: the domain applies to this thread and what it starts; the
	 * caller is single-threaded, so that is the whole process.
	 */
	r = ll_restrict_self(ruleset_fd, 0);
	en = errno;
	(void) close(ruleset_fd);
	if (r < 0)
		return ap_err_set(e, en, "cannot enforce landlock ruleset");
	return 0;
}
