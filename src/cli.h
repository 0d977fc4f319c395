/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli: getopt_long tables -> struct ap_opts, usage text, and validation that
 * needs no system state.  No side effects: parsing never touches the system.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "meta.h"
#include "mode.h"
#include "rules.h"

struct ap_err;

enum ap_cmd {
	CMD_NONE = 0,
	CMD_INIT,
	CMD_RUN,
	CMD_CLEANUP,
	CMD_CHECK,
	CMD_VERSION,
	CMD_HELP,
};

/* Which limits the command line set (they override the config file). */
enum {
	LIM_MEM = 1 << 0,
	LIM_PROCESSES = 1 << 1,
	LIM_OPEN_FILES = 1 << 2,
	LIM_FSIZE = 1 << 3,
	LIM_STACK = 1 << 4,
	LIM_CORE = 1 << 5,
	LIM_TIME = 1 << 6,
	LIM_WALL = 1 << 7,
	LIM_EXTRA = 1 << 8,
};

struct env_rule {
	char *name;
	char *value; /* NULL: inherit from apbox's environment */
	bool remove; /* "VAR=" in isolate-compatible invocation removes it */
};

struct ap_opts {
	enum ap_cmd cmd;
	const char *config; /* --config, or NULL */
	bool has_box_id;
	uint64_t box_id;
	bool has_mode;
	enum ap_mode mode;
	struct ap_limits limits;
	unsigned limits_set; /* LIM_* */
	char *engine_dir, *code_dir;
	struct dir_rules dirs; /* --dir rules in order (applied over the defaults) */
	char **dir_specs;      /* the raw --dir strings, in order */
	size_t ndir_specs;
	bool no_default_dirs;
	struct env_rule *env;
	size_t nenv;
	bool full_env;
	bool share_net;
	char *chdir;
	char *hostname;
	char *stdin_path, *stdout_path, *stderr_path;
	bool stderr_to_stdout;
	char *meta_path;
	enum meta_format meta_format;
	bool wait;
	/* init: --storage SIZE[,INODES] (isolate's --quota); inodes 0: the config's */
	bool has_storage;
	uint64_t storage, storage_inodes;
	bool templates; /* cleanup: the mount templates, not a box */
	bool shared;	/* cleanup: every shared cache (cache.h), not a box */
	bool silent;
	bool json;
	int seccomp; /* -1: config, 0 off, 1 on */
	char **argv; /* the program and its arguments (NULL-terminated) */
	int argc;
	/* isolate-compatible invocation */
	bool compat;
	bool compat_cg;		     /* --cg given */
	bool extra_time_is_absolute; /* isolate's observed --extra-time semantics */
	bool stdio_inside;	     /* --stdin/--stdout/--stderr are box-relative */
};

/*
 * Parse apbox's own syntax: [global options] COMMAND [options] [-- PROGRAM ARGS].
 * On success o is filled (argv points into the caller's argv).  Errors fill
 * e with one line; the exit code is AP_EXIT_FAIL.
 */
int cli_parse(int argc, char **argv, struct ap_opts *o, struct ap_err *e);
void cli_opts_free(struct ap_opts *o);
void cli_usage(FILE *f);
/* Check a --dir rule and keep it for the plan, in order (shared with compat.c). */
int cli_add_dir(struct ap_opts *o, const char *spec, struct ap_err *e);
/*
 * Overwrite the VALUE of an --env argument "VAR=VALUE" in argv in place
 * (with '*'), once cli_add_env() has copied it, so that /proc/PID/cmdline
 * no longer shows it (shared with compat.c).
 */
void cli_wipe_env_value(char *spec);
/* --storage SIZE[,INODES] and isolate's --quota BLOCKS,INODES (blocks of 1 KiB, the same). */
int cli_parse_storage(struct ap_opts *o, const char *opt, const char *arg, struct ap_err *e);
/* Apply a parsed --env value "VAR" or "VAR=VALUE" (shared with compat.c). */
int cli_add_env(struct ap_opts *o, const char *spec, bool empty_removes, struct ap_err *e);
/* Parse one limit option value (shared with compat.c); sizes in bytes, times in ms. */
int cli_parse_size_opt(const char *name, const char *val, uint64_t *out, struct ap_err *e);
int cli_parse_time_opt(const char *name, const char *val, uint64_t *out, struct ap_err *e);
int cli_parse_count_opt(const char *name, const char *val, uint64_t max, uint64_t *out,
			struct ap_err *e);
