/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compat: isolate's command line (ioi/isolate 1.10.1 and 2.x) parsed into
 * struct ap_opts, so a worker that builds isolate command lines can run
 * apbox unchanged.  Only parsing happens here; the run itself takes the same
 * plan/spawn path as "apbox run", and main.c maps the results to isolate's
 * exit codes and status line.
 *
 * Where apbox deliberately differs from isolate (each is commented below):
 *  - the program starts at "--" or at the first non-option: isolate's
 *    getopt permutes argv, so "isolate --run prog -s" would take "-s" as its
 *    own; here it is the program's (every real command line that works with
 *    isolate still parses the same);
 *  - --mem is the cgroup memory limit, like --cg-mem, never RLIMIT_AS;
 *  - without -p there is no process limit unless the configuration sets one
 *    (isolate's default is one process);
 *  - options isolate has but apbox cannot honour (--as-uid, ...) are
 *    refused by name, never ignored;
 *  - --quota=BLOCKS,INODES bounds the box's storage (one tmpfs for /box,
 *    /tmp and /dev/shm, box.h), not the box uid's blocks on a disk.
 */
#include "config.h"

#include "compat.h"

#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "err.h"
#include "util.h"

enum {
	OPT_AS_GID = CHAR_MAX + 1,
	OPT_AS_UID,
	OPT_CG,
	OPT_CG_MEM,
	OPT_CG_TIMING,
	OPT_CHECK_CONFIG,
	OPT_CLEANUP,
	OPT_CORE,
	OPT_HELP,
	OPT_INHERIT_FDS,
	OPT_INIT,
	OPT_NO_CG_TIMING,
	OPT_PRINT_CG_ROOT,
	OPT_RUN,
	OPT_SHARE_NET,
	OPT_SPECIAL_FILES,
	OPT_STDERR_TO_STDOUT,
	OPT_SYSCALLS,
	OPT_TTY_HACK,
	OPT_VERSION,
	OPT_WAIT,
};

/* isolate's options (1.10.1 and 2.x), sorted by long name. */
static const struct option longopts[] = {
	{"as-gid", required_argument, NULL, OPT_AS_GID},
	{"as-uid", required_argument, NULL, OPT_AS_UID},
	{"box-id", required_argument, NULL, 'b'},
	{"cg", no_argument, NULL, OPT_CG},
	{"cg-mem", required_argument, NULL, OPT_CG_MEM},
	{"cg-timing", no_argument, NULL, OPT_CG_TIMING},
	{"chdir", required_argument, NULL, 'c'},
	{"check-config", no_argument, NULL, OPT_CHECK_CONFIG},
	{"cleanup", no_argument, NULL, OPT_CLEANUP},
	{"core", required_argument, NULL, OPT_CORE},
	{"dir", required_argument, NULL, 'd'},
	{"env", required_argument, NULL, 'E'},
	{"extra-time", required_argument, NULL, 'x'},
	{"fsize", required_argument, NULL, 'f'},
	{"full-env", no_argument, NULL, 'e'},
	{"help", no_argument, NULL, OPT_HELP},
	{"inherit-fds", no_argument, NULL, OPT_INHERIT_FDS},
	{"init", no_argument, NULL, OPT_INIT},
	{"mem", required_argument, NULL, 'm'},
	{"meta", required_argument, NULL, 'M'},
	{"no-cg-timing", no_argument, NULL, OPT_NO_CG_TIMING},
	{"no-default-dirs", no_argument, NULL, 'D'},
	{"open-files", required_argument, NULL, 'n'},
	{"print-cg-root", no_argument, NULL, OPT_PRINT_CG_ROOT},
	{"processes", optional_argument, NULL, 'p'},
	{"quota", required_argument, NULL, 'q'},
	{"run", no_argument, NULL, OPT_RUN},
	{"share-net", no_argument, NULL, OPT_SHARE_NET},
	{"silent", no_argument, NULL, 's'},
	{"special-files", no_argument, NULL, OPT_SPECIAL_FILES},
	{"stack", required_argument, NULL, 'k'},
	{"stderr", required_argument, NULL, 'r'},
	{"stderr-to-stdout", no_argument, NULL, OPT_STDERR_TO_STDOUT},
	{"stdin", required_argument, NULL, 'i'},
	{"stdout", required_argument, NULL, 'o'},
	{"syscalls", required_argument, NULL, OPT_SYSCALLS},
	{"time", required_argument, NULL, 't'},
	{"tty-hack", no_argument, NULL, OPT_TTY_HACK},
	{"verbose", no_argument, NULL, 'v'},
	{"version", no_argument, NULL, OPT_VERSION},
	{"wait", no_argument, NULL, OPT_WAIT},
	{"wall-time", required_argument, NULL, 'w'},
	{NULL, 0, NULL, 0},
};
/*
 * '+': stop at the first non-option (the program); ':': a missing value is
 * reported as ':' so it gets its own message.  "-p" takes an optional value
 * attached ("-p8"), as in isolate; "-n" is 2.x's short --open-files.
 */
static const char shortopts[] = "+:b:c:d:DeE:f:i:k:m:M:n:o:p::q:r:st:vw:x:";

/* isolate options apbox refuses, and why: a caller relying on them must know. */
static const struct {
	int val;
	const char *why;
} unsupported[] = {
	{OPT_AS_GID, "boxes belong to the user who ran --init"},
	{OPT_AS_UID, "boxes belong to the user who ran --init"},
	{OPT_INHERIT_FDS, "the program never inherits file descriptors above 2"},
	{OPT_PRINT_CG_ROOT, "see 'apbox check' for the cgroups apbox uses"},
	{OPT_SYSCALLS, "the seccomp filter is set in the configuration"},
	{OPT_TTY_HACK, "the program never gets the terminal's foreground"},
};

static const char *const isolate_commands[] = {"--init", "--run", "--cleanup", "--check-config",
					       "--print-cg-root"};
static const char *const native_commands[] = {"init", "run", "cleanup", "check"};

static bool
in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

static bool
invoked_as_isolate(const char *argv0)
{
	const char *base;

	if (!argv0)
		return false;
	base = strrchr(argv0, '/');
	return strcmp(base ? base + 1 : argv0, "isolate") == 0;
}

bool
compat_detect(int argc, char **argv)
{
	if (argc > 0 && invoked_as_isolate(argv[0]))
		return true;
	for (int i = 1; i < argc && argv[i]; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (in_list(argv[i], native_commands, ARRAY_SIZE(native_commands)))
			return false;
		if (in_list(argv[i], isolate_commands, ARRAY_SIZE(isolate_commands)))
			return true;
	}
	return false;
}

static const char *
long_name(int val)
{
	for (const struct option *lo = longopts; lo->name; lo++)
		if (lo->val == val)
			return lo->name;
	return "?";
}

/* How many long options start with the name in arg ("--na[=v]"); exact: 1. */
static int
long_matches(const char *arg)
{
	size_t n = strcspn(arg, "=");
	int count = 0;

	for (const struct option *lo = longopts; lo->name; lo++) {
		if (strncmp(lo->name, arg, n) == 0) {
			if (lo->name[n] == '\0')
				return 1;
			count++;
		}
	}
	return count;
}

/* getopt's own wording, without its program-name prefix (ap_err_print adds ours). */
static int
getopt_error(int c, const char *arg, struct ap_err *e)
{
	bool is_long = arg && strncmp(arg, "--", 2) == 0;
	int n = is_long ? (int) strcspn(arg + 2, "=") : 0;

	if (c == ':') {
		if (is_long)
			return ap_err_set(e, 0, "option '--%.*s' requires an argument", n, arg + 2);
		return ap_err_set(e, 0, "option requires an argument -- '%c'", optopt);
	}
	if (is_long && optopt)
		return ap_err_set(e, 0, "option '--%.*s' doesn't allow an argument", n, arg + 2);
	if (is_long && long_matches(arg + 2) > 1)
		return ap_err_set(e, 0, "option '--%.*s' is ambiguous", n, arg + 2);
	if (is_long)
		return ap_err_set(e, 0, "unrecognized option '--%.*s'", n, arg + 2);
	return ap_err_set(e, 0, "invalid option -- '%c'", optopt);
}

/* Parsing state that is not a field of struct ap_opts. */
struct state {
	enum ap_cmd cmd;
	int cmd_opt;
	bool help;
	bool has_mem, has_cg_mem;
	uint64_t mem, cg_mem;
};

static int
set_cmd(struct state *st, int c, struct ap_err *e)
{
	static const struct {
		int val;
		enum ap_cmd cmd;
	} map[] = {
		{OPT_INIT, CMD_INIT},	    {OPT_RUN, CMD_RUN},
		{OPT_CLEANUP, CMD_CLEANUP}, {OPT_CHECK_CONFIG, CMD_CHECK},
		{OPT_VERSION, CMD_VERSION},
	};

	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (map[i].val != c)
			continue;
		/* isolate: the same command twice is fine, two different ones are not */
		if (st->cmd != CMD_NONE && st->cmd_opt != c)
			return ap_err_set(e, 0, "only one command is allowed (--%s and --%s)",
					  long_name(st->cmd_opt), long_name(c));
		st->cmd = map[i].cmd;
		st->cmd_opt = c;
		return 0;
	}
	return ap_err_set(e, 0, "internal: not a command option");
}

static int
set_path(char **dst, int c, const char *arg, struct ap_err *e)
{
	if (!*arg)
		return ap_err_set(e, 0, "--%s: empty file name", long_name(c));
	free(*dst);
	*dst = xstrdup(arg);
	return 0;
}

static int
parse_one(struct ap_opts *o, struct state *st, int c, const char *arg, struct ap_err *e)
{
	struct ap_limits *l = &o->limits;

	for (size_t i = 0; i < ARRAY_SIZE(unsupported); i++)
		if (unsupported[i].val == c)
			return ap_err_set(e, 0, "option '--%s' is not supported by apbox (%s)",
					  long_name(c), unsupported[i].why);

	switch (c) {
	case OPT_INIT:
	case OPT_RUN:
	case OPT_CLEANUP:
	case OPT_CHECK_CONFIG:
	case OPT_VERSION:
		return set_cmd(st, c, e);
	case OPT_HELP:
		/* not an isolate option; with any command, the usage wins */
		st->help = true;
		return 0;
	case 'b':
		if (parse_u64(arg, 1U << 30, &o->box_id) < 0)
			return ap_err_set(e, 0, "--box-id: bad box id \"%s\"", arg);
		o->has_box_id = true;
		return 0;
	case 'c':
		if (!*arg)
			return ap_err_set(e, 0, "--chdir: empty directory name");
		free(o->chdir);
		/*
		 * isolate starts the program in /box and then chdir()s, so a
		 * relative --chdir is relative to /box.
		 */
		o->chdir = arg[0] == '/' ? xstrdup(arg) : xasprintf("/box/%s", arg);
		return 0;
	case 'd':
		/* isolate's rule syntax is apbox's; "./"-relative host paths are refused there. */
		return cli_add_dir(o, arg, e);
	case 'D':
		o->no_default_dirs = true;
		return 0;
	case 'e':
		o->full_env = true;
		return 0;
	case 'E':
		/* isolate: "VAR=" removes VAR (also one --full-env brought in) */
		return cli_add_env(o, arg, true, e);
	case 'f':
		o->limits_set |= LIM_FSIZE;
		return cli_parse_size_opt("fsize", arg, &l->fsize, e);
	case 'k':
		o->limits_set |= LIM_STACK;
		return cli_parse_size_opt("stack", arg, &l->stack, e);
	case OPT_CORE:
		o->limits_set |= LIM_CORE;
		return cli_parse_size_opt("core", arg, &l->core, e);
	case 'm':
		/*
		 * isolate's --mem is RLIMIT_AS, which kills V8 (and the JVM, Go)
		 * at startup: they reserve far more address space than they
		 * use.  A caller that says "--mem" means "this much memory", so
		 * apbox enforces it as the box's cgroup memory limit, as --cg-mem.
		 */
		st->has_mem = true;
		return cli_parse_size_opt("mem", arg, &st->mem, e);
	case OPT_CG_MEM:
		st->has_cg_mem = true;
		return cli_parse_size_opt("cg-mem", arg, &st->cg_mem, e);
	case 'M':
		return set_path(&o->meta_path, c, arg, e);
	case 'n':
		/* 0 is "unlimited" in isolate; apbox then keeps the inherited limit. */
		o->limits_set |= LIM_OPEN_FILES;
		return cli_parse_count_opt("open-files", arg, 1U << 20, &l->open_files, e);
	case 'p':
		/*
		 * Bare -p (what Activepieces passes) lifts the limit, as isolate
		 * does by leaving RLIMIT_NPROC alone; -pN is the box's pids limit.
		 */
		o->limits_set |= LIM_PROCESSES;
		l->processes = 0;
		if (!arg)
			return 0;
		return cli_parse_count_opt("processes", arg, 1U << 22, &l->processes, e);
	case 'i':
		return set_path(&o->stdin_path, c, arg, e);
	case 'o':
		return set_path(&o->stdout_path, c, arg, e);
	case 'r':
		/* isolate: the last of --stderr and --stderr-to-stdout wins */
		o->stderr_to_stdout = false;
		return set_path(&o->stderr_path, c, arg, e);
	case OPT_STDERR_TO_STDOUT:
		free(o->stderr_path);
		o->stderr_path = NULL;
		o->stderr_to_stdout = true;
		return 0;
	case 's':
		o->silent = true;
		return 0;
	case 't':
		o->limits_set |= LIM_TIME;
		return cli_parse_time_opt("time", arg, &l->time_ms, e);
	case 'w':
		o->limits_set |= LIM_WALL;
		return cli_parse_time_opt("wall-time", arg, &l->wall_ms, e);
	case 'x':
		o->limits_set |= LIM_EXTRA;
		return cli_parse_time_opt("extra-time", arg, &l->extra_ms, e);
	case 'v':
		if (ap_verbosity < 0)
			ap_verbosity = 0;
		ap_verbosity++;
		return 0;
	case OPT_SHARE_NET:
		o->share_net = true;
		return 0;
	case OPT_WAIT:
		o->wait = true;
		return 0;
	case OPT_CG:
		/*
		 * The run uses the box's cgroups even without a limit (the cg-mem
		 * figure); it need not match across --init/--run/--cleanup as in
		 * isolate.
		 */
		o->compat_cg = true;
		return 0;
	case OPT_CG_TIMING:
	case OPT_NO_CG_TIMING:
		/*
		 * isolate 1.x chose between cgroup and per-process CPU time; 2.x
		 * dropped the options and old wrappers (judge0) still pass them.
		 * apbox counts the whole box's CPU time whenever it can.
		 */
		ap_log(1, "--%s: accepted and ignored (apbox counts the whole box's CPU time)",
		       long_name(c));
		return 0;
	case 'q':
		/* isolate's disk quota: blocks of 1 KiB and inodes, the box's storage. */
		return cli_parse_storage(o, "--quota", arg, e);
	case OPT_SPECIAL_FILES:
		/* isolate deletes special files the program made unless asked; apbox never does. */
		return 0;
	default:
		return ap_err_set(e, 0, "internal: unhandled option");
	}
}

/*
 * isolate opens the stdio files in /box, before it changes to --chdir: keep
 * that meaning when the program starts elsewhere (spawn.c opens them after
 * its chdir, relative to the program's working directory).
 */
static void
anchor_stdio(struct ap_opts *o)
{
	char **paths[] = {&o->stdin_path, &o->stdout_path, &o->stderr_path};

	if (!o->chdir || strcmp(o->chdir, "/box") == 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		char *p = *paths[i];
		if (p && p[0] != '/') {
			*paths[i] = xasprintf("/box/%s", p);
			free(p);
		}
	}
}

int
compat_parse(int argc, char **argv, struct ap_opts *o, struct ap_err *e)
{
	struct state st = {0};
	int c, r;

	memset(o, 0, sizeof(*o));
	o->seccomp = -1;
	o->limits.open_files = 1024;
	o->compat = true;
	/* isolate's observed --extra-time: a kill at max(time, extra-time), not time + extra */
	o->extra_time_is_absolute = true;
	/* isolate opens --stdin/--stdout/--stderr inside the box, as the box user */
	o->stdio_inside = true;
	/* Messages name the program the caller ran: "isolate: ..." or "apbox: ...". */
	ap_progname = argc > 0 && invoked_as_isolate(argv[0]) ? "isolate" : "apbox";

	/* 0, not 1: glibc then also forgets a short-option group left half-parsed */
	optind = 0;
	opterr = 0;
	for (;;) {
		/* The element this call starts in: it tells a long option from a short group. */
		int at = optind > 0 ? optind : 1;

		c = getopt_long(argc, argv, shortopts, longopts, NULL);
		if (c == -1)
			break;
		if (c == '?' || c == ':')
			return getopt_error(c, at < argc ? argv[at] : NULL, e);
		r = parse_one(o, &st, c, optarg, e);
		if (c == 'E')
			cli_wipe_env_value(optarg);
		if (r < 0)
			return r;
	}
	o->argv = argv + optind;
	o->argc = argc - optind;

	if (st.help || st.cmd == CMD_VERSION) {
		o->cmd = st.help ? CMD_HELP : CMD_VERSION;
		return 0;
	}
	if (st.cmd == CMD_NONE)
		return ap_err_set(e, 0,
				  "no command given (--init, --run or --cleanup; see %s --help)",
				  ap_progname);
	o->cmd = st.cmd;
	if (o->cmd == CMD_RUN && o->argc == 0)
		return ap_err_set(e, 0, "--run needs a program to run (--run -- PROGRAM [ARG...])");
	if (o->cmd != CMD_RUN && o->argc > 0)
		return ap_err_set(e, 0, "--%s takes no arguments, not \"%s\"",
				  long_name(st.cmd_opt), o->argv[0]);

	if (o->has_storage && o->cmd != CMD_INIT) {
		/* As in isolate, where --quota is applied by --init only. */
		ap_log(1, "--quota: ignored but by --init");
		o->has_storage = false;
	}
	if (st.has_mem || st.has_cg_mem) {
		/* Both given: the smaller one, since isolate would enforce both. */
		o->limits_set |= LIM_MEM;
		if (st.has_mem && st.has_cg_mem)
			o->limits.mem = st.mem < st.cg_mem ? st.mem : st.cg_mem;
		else
			o->limits.mem = st.has_mem ? st.mem : st.cg_mem;
	}
	anchor_stdio(o);
	return 0;
}

void
compat_usage(void)
{
	(void) fputs(
		"Usage: isolate [<options>] <command>\n"
		"       (apbox in isolate-compatible invocation; apbox --help: its own syntax)\n"
		"\n"
		"Options:\n"
		"-b, --box-id=<id>\tBox number (default 0)\n"
		"    --cg\t\tUse the box's control group even without a limit (cg-mem)\n"
		"    --cg-mem=<size>\tLimit the memory of the whole box to <size> KB\n"
		"    --cg-timing, --no-cg-timing\tAccepted and ignored (isolate 1.x)\n"
		"-c, --chdir=<dir>\tChange directory to <dir> (inside the box) before running\n"
		"    --core=<size>\tLimit core files to <size> KB (default: 0)\n"
		"-d, --dir=<in>[=<out>][:<opt>...]\tDirectory rule; <opt>: rw, dev, fs, maybe,\n"
		"\t\t\tnoexec, tmp, norec; --dir=<in>= deletes a rule\n"
		"-D, --no-default-dirs\tDo not add default directory rules\n"
		"-E, --env=<var>[=<val>]\tInherit <var>, or set it; unset it if <val> is empty\n"
		"-e, --full-env\t\tInherit the whole environment\n"
		"-x, --extra-time=<time>\tKill a program over --time only at <time> s of CPU\n"
		"-f, --fsize=<size>\tMax size (in KB) of files that can be created\n"
		"-m, --mem=<size>\tLimit memory to <size> KB (the box's cgroup, as --cg-mem;\n"
		"\t\t\tnever an address-space limit, which breaks V8 and the JVM)\n"
		"-M, --meta=<file>\tWrite the results to <file> (name:value; - for stdout)\n"
		"-n, --open-files=<max>\tLimit number of open files to <max> (default: 1024)\n"
		"-q, --quota=<blk>,<ino>\tWith --init: the box may store <blk> KB and <ino>\n"
		"\t\t\tinodes in /box, /tmp and /dev/shm together\n"
		"-p, --processes[=<max>]\tLimit processes and threads to <max>; bare: no limit\n"
		"    --share-net\t\tShare the host's network\n"
		"-s, --silent\t\tNo status line on stderr\n"
		"    --special-files\tAccepted: apbox never deletes files the program made\n"
		"-k, --stack=<size>\tLimit stack size to <size> KB\n"
		"-i, --stdin=<file>\tRedirect stdin from <file> (a path inside the box)\n"
		"-o, --stdout=<file>\tRedirect stdout to <file> (a path inside the box)\n"
		"-r, --stderr=<file>\tRedirect stderr to <file> (a path inside the box)\n"
		"    --stderr-to-stdout\tRedirect stderr to stdout\n"
		"-t, --time=<time>\tCPU time limit (seconds, fractions allowed)\n"
		"-v, --verbose\t\tBe verbose\n"
		"    --wait\t\tWait for a busy box instead of failing\n"
		"-w, --wall-time=<time>\tWall clock time limit (seconds, fractions allowed)\n"
		"\n"
		"Commands:\n"
		"    --init\t\tInitialize the box (prints its directory)\n"
		"    --run [--] <cmd> ...\tRun <cmd> in the box\n"
		"    --cleanup\t\tRemove the box (a missing box is not an error)\n"
		"    --check-config\tLoad the configuration and report what the host supports\n"
		"    --version\t\tDisplay the version\n"
		"\n"
		"Not supported (refused by name): --as-uid, --as-gid, --inherit-fds,\n"
		"--print-cg-root, --syscalls, --tty-hack.\n"
		"Exit status: 0 ok, 1 the program failed (RE, SG, TO), 2 error (XX, usage).\n",
		stdout);
}
