/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * landlock: directory rules -> a Landlock domain.  The one place that knows
 * the Landlock ABI: the probe, the constants, the system calls and which
 * rights each ABI version has.  It decides nothing about what a box may see
 * (the caller's rules do) and never prints or exits.
 * Kernel documentation: Documentation/userspace-api/landlock.rst.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct ap_err;

/* What a rule grants below its path. */
enum {
	LL_READ = 1 << 0,  /* read files, list directories */
	LL_EXEC = 1 << 1,  /* execute files */
	LL_WRITE = 1 << 2, /* write/truncate files; create, remove, rename, link below a directory
			      (REFER where the ABI has it); make dirs, regular files, fifos,
			      sockets, symlinks; never block/char devices */
	LL_DEV = 1 << 3,   /* write to and ioctl on device files (the rule's path is a device node,
			      e.g. /dev/null); ioctl needs ABI 5 (IOCTL_DEV), before it is not
			      mediated */
};

/* What a domain on some ABI gives (landlock_features()); the comment is the first ABI. */
enum {
	LL_HAS_FS = 1 << 0,	   /* 1: filesystem rights, the ptrace restriction */
	LL_HAS_REFER = 1 << 1,	   /* 2: rename and link across directories */
	LL_HAS_TRUNCATE = 1 << 2,  /* 3: truncate is a right of its own */
	LL_HAS_TCP = 1 << 3,	   /* 4: TCP bind and connect */
	LL_HAS_IOCTL_DEV = 1 << 4, /* 5: ioctl on device files */
	LL_HAS_SCOPE = 1 << 5,	   /* 6: signals and abstract unix sockets stay in the domain */
};

struct landlock_rule {
	const char *path; /* absolute host path: a directory (rule covers the tree) or a file */
	unsigned access;  /* LL_* */
	bool maybe;	  /* skip silently when path does not exist (ENOENT/ENOTDIR) */
};

struct landlock_plan {
	const struct landlock_rule *rules;
	size_t n;
	bool deny_tcp; /* handle TCP bind and connect (ABI >= 4) and grant no port: no TCP at all */
	bool scope;    /* LANDLOCK_SCOPE_SIGNAL | LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (ABI >= 6) */
};

struct landlock_info {
	int abi;    /* >= 1: the kernel's ABI; 0: unavailable */
	int err;    /* when abi == 0: ENOSYS (not built / not implemented, e.g. gVisor) or
		       EOPNOTSUPP (built, disabled at boot); another errno when something in
		       between refused the call (a seccomp profile answering EPERM) */
	int errata; /* LANDLOCK_CREATE_RULESET_ERRATA bitmask when the kernel answers it, else 0 */
};

/* Ask the kernel (once per process, no side effect).  Never fails: fills out. */
void landlock_probe(struct landlock_info *out);
/*
 * What a domain on this ABI gives, as LL_HAS_* flags: filesystem (1), refer
 * (2), truncate (3), tcp (4), ioctl_dev (5), scope (6).  0 for abi < 1.
 */
unsigned landlock_features(int abi);
/*
 * Names of those features, for `apbox check` and the meta file: writes e.g.
 * "fs,refer,truncate,tcp,ioctl-dev,scope" into buf, "none" for 0.  Always
 * NUL-terminated when len > 0; cut short when buf is too small.
 */
void landlock_features_format(unsigned features, char *buf, size_t len);
/*
 * Keeper, before clone(): create a ruleset handling every filesystem right
 * the ABI knows (so everything not granted is denied), add one path-beneath
 * rule per plan rule (opened with O_PATH|O_CLOEXEC, following symlinks; a
 * file gets only the file rights of its access; a rule granting nothing on
 * this ABI is skipped), the TCP handling and the scopes the ABI supports.
 * Only rights and fields the ABI knows reach the kernel.  abi is
 * landlock_probe()'s; rights of ABI versions newer than this file knows stay
 * unhandled.  Returns the ruleset fd (O_CLOEXEC) or -errno with e set
 * ("cannot ... \"path\""): -EINVAL for a relative path or unknown LL_* bits,
 * -EOPNOTSUPP for abi < 1.
 */
int landlock_prepare(const struct landlock_plan *lp, int abi, struct ap_err *e);
/*
 * The process that will execve the program (single-threaded, after
 * PR_SET_NO_NEW_PRIVS): landlock_restrict_self(fd, 0) and close(fd), also on
 * failure.  0 or -errno with e set.  Never prints or exits.
 */
int landlock_enforce(int ruleset_fd, struct ap_err *e);
