/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli: apbox's own command line.  Global options, then a command looked up
 * in a table, then that command's options (one getopt_long table; each
 * option names the commands it is valid for, and using it with another
 * command is an error), then "--" and the program.  Only parsing and checks
 * that need no system state happen here.
 */
#include "config.h"

#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"

enum {
	OPT_CODE = CHAR_MAX + 1,
	OPT_CONFIG,
	OPT_CORE,
	OPT_ENGINE,
	OPT_HOSTNAME,
	OPT_JSON,
	OPT_META_FORMAT,
	OPT_MODE,
	OPT_SECCOMP,
	OPT_SHARE_NET,
	OPT_STDERR_TO_STDOUT,
	OPT_SHARED,
	OPT_STORAGE,
	OPT_TEMPLATES,
	OPT_WAIT,
	OPT_HELP,
	OPT_VERSION,
};

/* Commands an option is valid for. */
#define C_INIT	  (1u << CMD_INIT)
#define C_RUN	  (1u << CMD_RUN)
#define C_CLEANUP (1u << CMD_CLEANUP)
#define C_CHECK	  (1u << CMD_CHECK)
#define C_BOX	  (C_INIT | C_RUN | C_CLEANUP)
#define C_ALL	  (C_BOX | C_CHECK)

static const struct command {
	const char *name;
	enum ap_cmd cmd;
} commands[] = {
	{"check", CMD_CHECK},
	{"cleanup", CMD_CLEANUP},
	{"init", CMD_INIT},
	{"run", CMD_RUN},
};

/* Sorted by long name. */
static const struct option longopts[] = {
	{"box-id", required_argument, NULL, 'b'},
	{"chdir", required_argument, NULL, 'c'},
	{"code", required_argument, NULL, OPT_CODE},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"core", required_argument, NULL, OPT_CORE},
	{"dir", required_argument, NULL, 'd'},
	{"engine", required_argument, NULL, OPT_ENGINE},
	{"env", required_argument, NULL, 'E'},
	{"extra-time", required_argument, NULL, 'x'},
	{"fsize", required_argument, NULL, 'f'},
	{"full-env", no_argument, NULL, 'e'},
	{"help", no_argument, NULL, OPT_HELP},
	{"hostname", required_argument, NULL, OPT_HOSTNAME},
	{"json", no_argument, NULL, OPT_JSON},
	{"mem", required_argument, NULL, 'm'},
	{"meta", required_argument, NULL, 'M'},
	{"meta-format", required_argument, NULL, OPT_META_FORMAT},
	{"mode", required_argument, NULL, OPT_MODE},
	{"no-default-dirs", no_argument, NULL, 'D'},
	{"open-files", required_argument, NULL, 'n'},
	{"processes", required_argument, NULL, 'p'},
	{"quiet", no_argument, NULL, 'q'},
	{"seccomp", required_argument, NULL, OPT_SECCOMP},
	{"share-net", no_argument, NULL, OPT_SHARE_NET},
	{"shared", no_argument, NULL, OPT_SHARED},
	{"silent", no_argument, NULL, 's'},
	{"stack", required_argument, NULL, 'k'},
	{"stderr", required_argument, NULL, 'r'},
	{"stderr-to-stdout", no_argument, NULL, OPT_STDERR_TO_STDOUT},
	{"stdin", required_argument, NULL, 'i'},
	{"stdout", required_argument, NULL, 'o'},
	{"storage", required_argument, NULL, OPT_STORAGE},
	{"templates", no_argument, NULL, OPT_TEMPLATES},
	{"time", required_argument, NULL, 't'},
	{"verbose", no_argument, NULL, 'v'},
	{"version", no_argument, NULL, OPT_VERSION},
	{"wait", no_argument, NULL, OPT_WAIT},
	{"wall-time", required_argument, NULL, 'w'},
	{NULL, 0, NULL, 0},
};
static const char shortopts[] = "+b:c:d:DeE:f:i:k:m:M:n:o:p:qr:st:vw:x:";

/* Which commands each option belongs to; options absent here are global. */
static const struct {
	int val;
	unsigned cmds;
} scope[] = {
	{'b', C_BOX},
	{'c', C_RUN},
	{OPT_CODE, C_RUN},
	{OPT_CORE, C_RUN},
	{'d', C_RUN},
	{'D', C_RUN},
	{'e', C_RUN},
	{'E', C_RUN},
	{OPT_ENGINE, C_RUN},
	{'f', C_RUN},
	{OPT_HOSTNAME, C_RUN},
	{'i', C_RUN},
	{OPT_JSON, C_CHECK},
	{'k', C_RUN},
	{'m', C_RUN},
	{'M', C_RUN},
	{OPT_META_FORMAT, C_RUN},
	{OPT_MODE, C_INIT | C_RUN | C_CHECK},
	{'n', C_RUN},
	{'o', C_RUN},
	{'p', C_RUN},
	{'r', C_RUN},
	{OPT_SECCOMP, C_RUN},
	{OPT_SHARE_NET, C_RUN},
	{OPT_SHARED, C_CLEANUP},
	{'s', C_RUN},
	{OPT_STDERR_TO_STDOUT, C_RUN},
	{OPT_STORAGE, C_INIT},
	{'t', C_RUN},
	{OPT_TEMPLATES, C_CLEANUP},
	{OPT_WAIT, C_BOX},
	{'w', C_RUN},
	{'x', C_RUN},
};

/* Mutually exclusive options (util-linux excl[] style). */
static const int excl[][2] = {
	{'r', OPT_STDERR_TO_STDOUT},
	{'b', OPT_TEMPLATES},
	{'b', OPT_SHARED},
	{OPT_SHARED, OPT_TEMPLATES},
};

void
cli_usage(FILE *f)
{
	(void) fputs(
		"Usage: apbox [--config FILE] [-v|--verbose] [-q|--quiet] COMMAND [OPTIONS] [-- "
		"PROGRAM [ARG...]]\n"
		"\n"
		"Commands:\n"
		"  init     [-b N] [--mode M] [--storage SIZE[,INODES]]\n"
		"                                    create box N (prints the box directory)\n"
		"  run      [-b N] [OPTIONS] -- PROGRAM [ARG...]\n"
		"                                    run PROGRAM in box N\n"
		"  cleanup  [-b N]                   remove box N and everything in it\n"
		"  cleanup  --templates              remove box_root's mount templates\n"
		"  cleanup  --shared                 remove every cache the boxes share\n"
		"  check    [--mode M] [--json]      what this host supports, per mode\n"
		"\n"
		"Global options:\n"
		"      --config FILE         configuration file (default "
		"/etc/apbox/apbox.conf,\n"
		"                            or $APBOX_CONFIG)\n"
		"  -v, --verbose             more messages (repeat for more)\n"
		"  -q, --quiet               no messages but errors\n"
		"      --help                this text\n"
		"      --version             version\n"
		"\n"
		"Box options:\n"
		"  -b, --box-id N            box number, 0 .. num_boxes-1 (default 0)\n"
		"                            (init, run, cleanup)\n"
		"      --mode MODE           unsandboxed, code-only, process, code-and-process\n"
		"                            (or UNSANDBOXED, SANDBOX_CODE_ONLY, SANDBOX_PROCESS,\n"
		"                            SANDBOX_CODE_AND_PROCESS) (init, run, check)\n"
		"      --wait                wait for a box in use instead of failing\n"
		"                            (init, run, cleanup)\n"
		"      --storage SIZE[,INODES]  what the box may store in /box, /tmp and\n"
		"                            /dev/shm together (default: storage and\n"
		"                            storage_inodes in the config; 0: no bound) (init)\n"
		"      --templates           remove box_root's mount templates, not a box\n"
		"                            (cleanup)\n"
		"      --shared              remove what the boxes of box_root and lock_root\n"
		"                            share (templates, /etc copy, /dev, seccomp\n"
		"                            cache), not a box (cleanup)\n"
		"\n"
		"Run options:\n"
		"      --engine DIR          bind DIR read-only at /root/common\n"
		"      --code DIR            bind DIR read-only at /root/codes\n"
		"  -d, --dir IN[=OUT][:OPTS] directory rule (OPTS: "
		"rw,noexec,maybe,fs,dev,tmp,norec)\n"
		"  -D, --no-default-dirs     no default directory rules\n"
		"  -E, --env VAR[=VALUE]     pass VAR from apbox's environment, or set it\n"
		"  -e, --full-env            pass apbox's whole environment\n"
		"      --share-net           share the host network (default: only lo)\n"
		"  -c, --chdir DIR           working directory inside the box (default /box)\n"
		"      --hostname NAME       host name inside the box (default apbox-N)\n"
		"  -m, --mem SIZE            cgroup memory limit, swap off (KiB, or K/M/G suffix)\n"
		"  -p, --processes N         process and thread limit (cgroup pids)\n"
		"  -n, --open-files N        open files limit (default 1024)\n"
		"  -f, --fsize SIZE          largest file the program may write\n"
		"  -k, --stack SIZE          stack size limit\n"
		"      --core SIZE           core file size limit (default 0)\n"
		"  -t, --time SECONDS        CPU time limit of the whole box\n"
		"  -w, --wall-time SECONDS   wall clock limit\n"
		"  -x, --extra-time SECONDS  grace after the CPU time limit before the kill\n"
		"  -i, --stdin FILE          standard input from FILE\n"
		"  -o, --stdout FILE         standard output to FILE\n"
		"  -r, --stderr FILE         standard error to FILE\n"
		"      --stderr-to-stdout    standard error to standard output\n"
		"  -M, --meta FILE           write the results to FILE (- for stdout)\n"
		"      --meta-format FORMAT  isolate (key:value lines, default) or json\n"
		"      --seccomp on|off      the default seccomp filter (default from config: on)\n"
		"  -s, --silent              no status line on stderr\n"
		"\n"
		"Check options:\n"
		"      --json                machine-readable output\n"
		"\n"
		"Exit status of run: the program's exit code; 128+N when it died of signal N;\n"
		"125 when apbox failed; 126 program not executable; 127 program not found.\n"
		"Called as 'isolate' or with --init/--run/--cleanup, apbox speaks isolate's\n"
		"command line and exit codes (0 ok, 1 program failed, 2 error).\n",
		f);
}

static const char *
optname(int val)
{
	for (const struct option *lo = longopts; lo->name; lo++)
		if (lo->val == val)
			return lo->name;
	return "?";
}

int
cli_parse_size_opt(const char *name, const char *val, uint64_t *out, struct ap_err *e)
{
	int r = parse_size(val, out);

	if (r < 0)
		return ap_err_set(e, 0, "--%s: bad size \"%s\" (a number of KiB, or with K/M/G)",
				  name, val);
	return 0;
}

int
cli_parse_time_opt(const char *name, const char *val, uint64_t *out, struct ap_err *e)
{
	/* A year is more than any run; it also keeps ms arithmetic far from overflow. */
	int r = parse_seconds(val, 1000ULL * 86400 * 365, out);

	if (r < 0)
		return ap_err_set(e, 0, "--%s: bad time \"%s\" (seconds, e.g. 2.5)", name, val);
	return 0;
}

int
cli_parse_count_opt(const char *name, const char *val, uint64_t max, uint64_t *out,
		    struct ap_err *e)
{
	int r = parse_u64(val, max, out);

	if (r < 0)
		return ap_err_set(e, 0, "--%s: bad number \"%s\"%s", name, val,
				  r == -ERANGE ? " (too large)" : "");
	return 0;
}

int
cli_add_dir(struct ap_opts *o, const char *spec, struct ap_err *e)
{
	int r = rules_add(&o->dirs, spec, e);

	if (r < 0)
		return ap_err_prefix(e, "--dir");
	o->dir_specs = xrealloc(o->dir_specs, (o->ndir_specs + 1) * sizeof(char *));
	o->dir_specs[o->ndir_specs++] = xstrdup(spec);
	return 0;
}

int
cli_add_env(struct ap_opts *o, const char *spec, bool empty_removes, struct ap_err *e)
{
	const char *eq = strchr(spec, '=');
	size_t nlen = eq ? (size_t) (eq - spec) : strlen(spec);
	struct env_rule *r;

	/* The messages name the variable only: its value may be a secret. */
	if (nlen == 0)
		return ap_err_set(e, 0, "--env: bad variable \"%s\"", eq ? "=..." : spec);
	for (size_t i = 0; i < nlen; i++) {
		char c = spec[i];
		if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (i > 0 && c >= '0' && c <= '9')))
			return ap_err_set(e, 0, "--env: bad variable name \"%.*s\"", (int) nlen,
					  spec);
	}
	o->env = xrealloc(o->env, (o->nenv + 1) * sizeof(*o->env));
	r = &o->env[o->nenv++];
	r->name = strndup(spec, nlen);
	if (!r->name)
		return ap_err_set(e, ENOMEM, "--env");
	r->value = eq ? xstrdup(eq + 1) : NULL;
	r->remove = eq && empty_removes && eq[1] == '\0';
	return 0;
}

void
cli_wipe_env_value(char *spec)
{
	char *eq = spec ? strchr(spec, '=') : NULL;

	/*
	 * Why: /proc/PID/cmdline shows argv to every process of the host for
	 * as long as apbox runs, a code-only box's program included (it runs
	 * on the host, and apbox is its ancestor).  The value was copied by
	 * cli_add_env(); the bytes are overwritten in place, keeping argv's
	 * layout, so that the value no longer shows.
	 */
	if (eq)
		memset(eq + 1, '*', strlen(eq + 1));
}

static unsigned
scope_of(int val)
{
	for (size_t i = 0; i < ARRAY_SIZE(scope); i++)
		if (scope[i].val == val)
			return scope[i].cmds;
	return ~0u; /* global */
}

static int
set_limit(struct ap_opts *o, int c, const char *arg, struct ap_err *e)
{
	struct ap_limits *l = &o->limits;
	const char *n = optname(c);

	switch (c) {
	case 'm':
		o->limits_set |= LIM_MEM;
		return cli_parse_size_opt(n, arg, &l->mem, e);
	case 'p':
		o->limits_set |= LIM_PROCESSES;
		return cli_parse_count_opt(n, arg, 1U << 22, &l->processes, e);
	case 'n':
		o->limits_set |= LIM_OPEN_FILES;
		return cli_parse_count_opt(n, arg, 1U << 20, &l->open_files, e);
	case 'f':
		o->limits_set |= LIM_FSIZE;
		return cli_parse_size_opt(n, arg, &l->fsize, e);
	case 'k':
		o->limits_set |= LIM_STACK;
		return cli_parse_size_opt(n, arg, &l->stack, e);
	case OPT_CORE:
		o->limits_set |= LIM_CORE;
		return cli_parse_size_opt(n, arg, &l->core, e);
	case 't':
		o->limits_set |= LIM_TIME;
		return cli_parse_time_opt(n, arg, &l->time_ms, e);
	case 'w':
		o->limits_set |= LIM_WALL;
		return cli_parse_time_opt(n, arg, &l->wall_ms, e);
	case 'x':
		o->limits_set |= LIM_EXTRA;
		return cli_parse_time_opt(n, arg, &l->extra_ms, e);
	default:
		return ap_err_set(e, 0, "internal: not a limit option");
	}
}

static int
parse_one(struct ap_opts *o, int c, const char *arg, struct ap_err *e)
{
	int r;

	switch (c) {
	case 'b':
		r = parse_u64(arg, 1U << 30, &o->box_id);
		if (r < 0)
			return ap_err_set(e, 0, "--box-id: bad box id \"%s\"", arg);
		o->has_box_id = true;
		return 0;
	case 'c':
		if (arg[0] != '/')
			return ap_err_set(e, 0, "--chdir: \"%s\" is not an absolute path", arg);
		free(o->chdir);
		o->chdir = xstrdup(arg);
		return 0;
	case OPT_CODE:
	case OPT_ENGINE: {
		char **dst = c == OPT_CODE ? &o->code_dir : &o->engine_dir;
		if (!path_is_clean_abs(arg))
			return ap_err_set(e, 0, "--%s: \"%s\" is not a clean absolute path",
					  optname(c), arg);
		free(*dst);
		*dst = xstrdup(arg);
		return 0;
	}
	case OPT_CONFIG:
		o->config = arg;
		return 0;
	case 'd':
		return cli_add_dir(o, arg, e);
	case 'D':
		o->no_default_dirs = true;
		return 0;
	case 'e':
		o->full_env = true;
		return 0;
	case 'E':
		return cli_add_env(o, arg, false, e);
	case OPT_HOSTNAME:
		if (!*arg || strlen(arg) > 64 || strchr(arg, '/'))
			return ap_err_set(e, 0, "--hostname: bad host name \"%s\"", arg);
		free(o->hostname);
		o->hostname = xstrdup(arg);
		return 0;
	case 'i':
	case 'o':
	case 'r': {
		char **dst = c == 'i'	? &o->stdin_path
			     : c == 'o' ? &o->stdout_path
					: &o->stderr_path;
		if (!*arg)
			return ap_err_set(e, 0, "--%s: empty file name", optname(c));
		free(*dst);
		*dst = xstrdup(arg);
		return 0;
	}
	case OPT_JSON:
		o->json = true;
		return 0;
	case 'M':
		if (!*arg)
			return ap_err_set(e, 0, "--meta: empty file name");
		free(o->meta_path);
		o->meta_path = xstrdup(arg);
		return 0;
	case OPT_META_FORMAT:
		if (meta_format_parse(arg, &o->meta_format) < 0)
			return ap_err_set(e, 0,
					  "--meta-format: unknown format \"%s\" (isolate or json)",
					  arg);
		return 0;
	case OPT_MODE:
		if (mode_parse(arg, &o->mode) < 0)
			return ap_err_set(e, 0, "--mode: unknown mode \"%s\" (one of %s)", arg,
					  mode_names());
		o->has_mode = true;
		return 0;
	case OPT_SECCOMP: {
		bool b;
		if (parse_bool(arg, &b) < 0)
			return ap_err_set(e, 0, "--seccomp: expected on or off, not \"%s\"", arg);
		o->seccomp = b;
		return 0;
	}
	case OPT_SHARE_NET:
		o->share_net = true;
		return 0;
	case 's':
		o->silent = true;
		return 0;
	case OPT_STDERR_TO_STDOUT:
		o->stderr_to_stdout = true;
		return 0;
	case OPT_WAIT:
		o->wait = true;
		return 0;
	case OPT_TEMPLATES:
		o->templates = true;
		return 0;
	case OPT_SHARED:
		o->shared = true;
		return 0;
	case OPT_STORAGE:
		return cli_parse_storage(o, "--storage", arg, e);
	case 'q':
		ap_verbosity = -1;
		return 0;
	case 'v':
		if (ap_verbosity < 0)
			ap_verbosity = 0;
		ap_verbosity++;
		return 0;
	case OPT_HELP:
		o->cmd = CMD_HELP;
		return 0;
	case OPT_VERSION:
		o->cmd = CMD_VERSION;
		return 0;
	case 'm':
	case 'p':
	case 'n':
	case 'f':
	case 'k':
	case OPT_CORE:
	case 't':
	case 'w':
	case 'x':
		return set_limit(o, c, arg, e);
	default:
		return ap_err_set(e, 0, "internal: unhandled option");
	}
}

int
cli_parse_storage(struct ap_opts *o, const char *opt, const char *arg, struct ap_err *e)
{
	cleanup_free char *size = xstrdup(arg);
	char *inodes = strchr(size, ',');

	if (inodes)
		*inodes++ = '\0';
	o->storage_inodes = 0;
	if (parse_size(size, &o->storage) < 0 ||
	    (inodes &&
	     (parse_u64(inodes, 1ULL << 31, &o->storage_inodes) < 0 || !o->storage_inodes)))
		return ap_err_set(
			e, 0,
			"%s: expected SIZE[,INODES] (KiB or with K/M/G; inodes 1 or more), "
			"not \"%s\"",
			opt, arg);
	o->has_storage = true;
	return 0;
}

/* Run getopt over argv[*optind..] for command cmd (CMD_NONE: global options). */
static int
parse_opts(int argc, char **argv, struct ap_opts *o, enum ap_cmd cmd, bool *seen, struct ap_err *e)
{
	int c, idx;

	opterr = 0;
	for (;;) {
		/* the word getopt is about to read (optind 0 means "restart at 1") */
		int at = optind > 0 ? optind : 1;
		const char *word = at < argc ? argv[at] : NULL;
		unsigned sc;
		int r;

		c = getopt_long(argc, argv, shortopts, longopts, &idx);
		if (c == -1)
			break;
		if (c == '?' || c == ':') {
			const char *bad = word ? word : argv[optind - 1];
			if (optopt && optopt < CHAR_MAX && c == '?' && !strchr(shortopts, optopt))
				return ap_err_set(e, 0, "unknown option \"-%c\" (see apbox --help)",
						  optopt);
			if (optopt && c == '?' && bad && strncmp(bad, "--", 2) != 0)
				return ap_err_set(e, 0, "option \"-%c\" needs a value", optopt);
			if (optopt)
				return ap_err_set(e, 0, "option \"%s\" needs a value", bad);
			return ap_err_set(e, 0, "unknown option \"%s\" (see apbox --help)", bad);
		}
		sc = scope_of(c);
		if (cmd == CMD_NONE && sc != ~0u && c != 'b' && c != OPT_MODE)
			return ap_err_set(e, 0,
					  "option --%s must follow a command (see apbox --help)",
					  optname(c));
		if (cmd != CMD_NONE && sc != ~0u && !(sc & (1u << cmd)))
			return ap_err_set(e, 0, "option --%s does not apply to this command",
					  optname(c));
		r = parse_one(o, c, optarg, e);
		if (c == 'E')
			cli_wipe_env_value(optarg);
		if (r < 0)
			return r;
		seen[c] = true;
		for (size_t i = 0; i < ARRAY_SIZE(excl); i++)
			if (seen[excl[i][0]] && seen[excl[i][1]])
				return ap_err_set(e, 0, "--%s and --%s cannot be used together",
						  optname(excl[i][0]), optname(excl[i][1]));
		if (o->cmd == CMD_HELP || o->cmd == CMD_VERSION)
			return 0;
	}
	return 0;
}

int
cli_parse(int argc, char **argv, struct ap_opts *o, struct ap_err *e)
{
	bool seen[OPT_VERSION + 1] = {false};
	enum ap_cmd cmd = CMD_NONE;
	int r;

	memset(o, 0, sizeof(*o));
	o->seccomp = -1;
	o->limits.open_files = 1024;
	optind = 0; /* 0, not 1: glibc then also forgets a half-read option group */

	/* Global options up to the command word ('+' stops at the first non-option). */
	r = parse_opts(argc, argv, o, CMD_NONE, seen, e);
	if (r < 0)
		return r;
	if (o->cmd == CMD_HELP || o->cmd == CMD_VERSION)
		return 0;
	if (optind >= argc)
		return ap_err_set(
			e, 0, "no command given (init, run, cleanup or check; see apbox --help)");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			cmd = commands[i].cmd;
	if (cmd == CMD_NONE)
		return ap_err_set(e, 0, "unknown command \"%s\" (init, run, cleanup or check)",
				  argv[optind]);
	o->cmd = cmd;

	/* Command options: getopt restarts on the slice after the command word. */
	{
		int sub_argc = argc - optind;
		char **sub_argv = argv + optind;
		optind = 0;
		r = parse_opts(sub_argc, sub_argv, o, cmd, seen, e);
		if (r < 0)
			return r;
		if (o->cmd == CMD_HELP || o->cmd == CMD_VERSION)
			return 0;
		/* getopt consumed a "--" if there was one: the rest is the program. */
		o->argv = sub_argv + optind;
		o->argc = sub_argc - optind;
	}

	if (cmd == CMD_RUN && o->argc == 0)
		return ap_err_set(
			e, 0, "run: no program given (apbox run [OPTIONS] -- PROGRAM [ARG...])");
	if (cmd != CMD_RUN && o->argc > 0)
		return ap_err_set(e, 0, "unexpected argument \"%s\"", o->argv[0]);
	return 0;
}

void
cli_opts_free(struct ap_opts *o)
{
	free(o->engine_dir);
	free(o->code_dir);
	rules_free(&o->dirs);
	for (size_t i = 0; i < o->ndir_specs; i++)
		free(o->dir_specs[i]);
	free(o->dir_specs);
	for (size_t i = 0; i < o->nenv; i++) {
		free(o->env[i].name);
		free(o->env[i].value);
	}
	free(o->env);
	free(o->chdir);
	free(o->hostname);
	free(o->stdin_path);
	free(o->stdout_path);
	free(o->stderr_path);
	free(o->meta_path);
	memset(o, 0, sizeof(*o));
}
