/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf: built-in defaults plus the INI configuration file (inih only here)
 * into a plain struct ap_conf.  Parsing has no side effects; an unknown key,
 * a bad value or a line inih rejects is an error "FILE:LINE: why".
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"
#include "mode.h"

struct ap_err;

/* Limits; 0 means "none" for every field except open_files. */
struct ap_limits {
	uint64_t mem;	     /* bytes, cgroup memory (swap off) */
	uint64_t processes;  /* cgroup pids.max (RLIMIT_NPROC without a pids cgroup) */
	uint64_t open_files; /* RLIMIT_NOFILE; default 1024 */
	uint64_t fsize;	     /* bytes, RLIMIT_FSIZE */
	uint64_t stack;	     /* bytes, RLIMIT_STACK (0: inherit; LIMIT_STACK_UNLIMITED) */
	uint64_t core;	     /* bytes, RLIMIT_CORE (default 0: no core files) */
	uint64_t time_ms;    /* CPU time of the whole box */
	uint64_t wall_ms;
	uint64_t extra_ms;
};

/*
 * [sandbox] landlock: what a sandboxed mode does when this kernel's Landlock
 * cannot give the box its domain (doc/design.md says why auto is the default).
 */
enum ll_policy {
	LL_POLICY_AUTO = 0, /* refuse only where Landlock is the box's one wall (code-only
			       started by an ordinary user); elsewhere run with what exists */
	LL_POLICY_REQUIRE,  /* refuse every sandboxed run without ABI >= 6 (files, TCP, scopes) */
	LL_POLICY_OPTIONAL, /* run with what exists, never refuse */
	LL_POLICY_OFF,	    /* make no domain (debugging; the meta file says so) */
};

struct ap_conf {
	char *file; /* the file loaded, or NULL */
	char *box_root;
	char *lock_root;
	uint64_t first_uid, first_gid, num_boxes;
	enum ap_mode mode;
	struct ap_limits limits;
	/* [cgroup] */
	enum cg_version cg_version;
	char *cg_root;
	char *cg_parent;
	/* [sandbox] */
	char *engine_path; /* inside path for --engine */
	char *code_path;   /* inside path for --code */
	char *etc_files;   /* space-separated /etc entries bound read-only (maybe) */
	char *path;	   /* PATH given to the program */
	/*
	 * What a box may store: bytes and inodes of one tmpfs holding /box, /tmp
	 * and /dev/shm (mounted by init when apbox may mount; box.h), else of
	 * each run's /tmp and /dev/shm.  storage 0: no bound of apbox's.
	 */
	uint64_t storage;
	uint64_t storage_inodes;
	bool seccomp;
	enum ll_policy landlock; /* when a sandboxed mode may run without (all of) Landlock */
	bool hidepid;
	bool mount_template; /* runs of the process modes start in box_root's template (template.h)
			      */
};

/* Fill c with the built-in defaults (allocates; conf_free releases). */
void conf_defaults(struct ap_conf *c);
/*
 * Load path over the current values.  When must_exist is false a missing file
 * is not an error (the default path).  Errors: "<file>:<line>: <why>" or
 * "cannot read \"<file>\"".  Returns 0 or -errno; c is unchanged on error
 * only in the fields not yet parsed (callers give up on error).
 */
int conf_load(struct ap_conf *c, const char *path, bool must_exist, struct ap_err *e);
void conf_free(struct ap_conf *c);
/* The default config path (SYSCONFDIR "/apbox/apbox.conf"). */
const char *conf_default_path(void);
/* Apply one "key = value" (section may be "") as the file would; for tests and --set. */
int conf_set(struct ap_conf *c, const char *section, const char *key, const char *value,
	     struct ap_err *e);
