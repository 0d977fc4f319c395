/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Regression cases for bugs found by the fuzzers (fuzz/) and the fault
 * tests.  Each case names the harness and crasher file it comes from; it
 * fails until the bug is fixed.  Inputs are replayed exactly as the harness
 * gave them; where a bug needs state from an earlier call (getopt), the
 * sequence is spelled out.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "compat.h"
#include "conf.h"
#include "err.h"
#include "tap.h"

/*
 * fuzz-cli, APBOX_FUZZ_NO_GETOPT_RESET=1 (heap-use-after-free in the
 * harness): cli_parse() restarts getopt with "optind = 1", which glibc does
 * not treat as a reset.  When the previous parse returned in the middle of a
 * short-option cluster ("-sv": -s is refused before a command, "v" is left),
 * getopt keeps a pointer to the rest of that cluster and the next call
 * continues with it: here it sees a stale -v, skips "run", and fails with
 * "unknown command". In the fuzzer the old argv was freed: a use after free.
 * Fix: "optind = 0" (glibc's full re-initialisation) in cli_parse() before
 * each getopt pass, and in compat_parse().
 */
static void
cli_after_stopped_cluster(void)
{
	static char a0[] = "apbox", s1[] = "-sv";
	static char b0[] = "apbox", b1[] = "run", b2[] = "--", b3[] = "/bin/true";
	char *first[] = {a0, s1, NULL};
	char *second[] = {b0, b1, b2, b3, NULL};
	struct ap_opts o;
	struct ap_err e = {0};
	int r;

	ap_verbosity = 0;
	r = cli_parse(2, first, &o, &e);
	tap_ok(r < 0, "cli: \"-sv\" before a command is refused (%s)", e.msg);
	cli_opts_free(&o);

	memset(&e, 0, sizeof(e));
	r = cli_parse(4, second, &o, &e);
	TAP_IS_INT(r, 0, "cli: the next parse does not continue the old \"-sv\" cluster");
	if (r < 0)
		printf("#   error: %s\n", e.msg);
	TAP_IS_INT(o.cmd, CMD_RUN, "cli: the next parse sees the command \"run\"");
	TAP_IS_INT(ap_verbosity, 0, "cli: no stale -v from the old argv");
	cli_opts_free(&o);
	ap_verbosity = 0;
}

/* The same in compat_parse(): "-Zv" stops at the unknown -Z with "v" left. */
static void
compat_after_stopped_cluster(void)
{
	static char a0[] = "isolate", a1[] = "-Zv";
	static char b0[] = "isolate", b1[] = "--init";
	char *first[] = {a0, a1, NULL};
	char *second[] = {b0, b1, NULL};
	struct ap_opts o;
	struct ap_err e = {0};
	int r;

	ap_verbosity = 0;
	r = compat_parse(2, first, &o, &e);
	tap_ok(r < 0, "compat: \"-Zv\" is refused (%s)", e.msg);
	cli_opts_free(&o);

	memset(&e, 0, sizeof(e));
	r = compat_parse(2, second, &o, &e);
	TAP_IS_INT(r, 0, "compat: the next parse does not continue the old \"-Zv\" cluster");
	if (r < 0)
		printf("#   error: %s\n", e.msg);
	TAP_IS_INT(o.cmd, CMD_INIT, "compat: the next parse sees --init");
	TAP_IS_INT(ap_verbosity, 0, "compat: no stale -v from the old argv");
	cli_opts_free(&o);
	ap_verbosity = 0;
	ap_progname = "apbox";
}

/*
 * A full getopt reset between cases, so that each case starts clean even
 * while the bug above is not fixed.
 */
static void
getopt_reset(void)
{
	static char x[] = "x";
	char *argv[] = {x, NULL};

	optind = 0;
	opterr = 0;
	while (getopt(1, argv, "+") != -1)
		;
}

/*
 * fuzz-cli (message check): an option refused before the command, or one
 * missing its value, inside a cluster ("-sv") is named from argv[optind - 1],
 * which is the previous element until getopt finishes the cluster:
 * "apbox -sv run" said 'option "apbox" must follow a command' (argv[0]).
 * Fix: name the option from c (optname(c), or "-%c" for a short one), or
 * remember argv[optind] before each getopt_long() call.
 */
static void
cli_cluster_names_the_option(void)
{
	static char a0[] = "apbox", a1[] = "-sv", a2[] = "run", a3[] = "--", a4[] = "x";
	char *argv[] = {a0, a1, a2, a3, a4, NULL};
	struct ap_opts o;
	struct ap_err e = {0};
	int r;

	getopt_reset();
	r = cli_parse(5, argv, &o, &e);
	tap_ok(r < 0, "cli: \"-sv\" before the command is refused");
	tap_ok(strstr(e.msg, "-s") && !strstr(e.msg, "\"apbox\""),
	       "cli: the message names -s/--silent, not argv[0] (\"%s\")", e.msg);
	cli_opts_free(&o);
	ap_verbosity = 0;
}

/*
 * fuzz-compat (message check): "isolate --run -Zv -- x" said "option '--run'
 * doesn't allow an argument": getopt_error() looks at argv[optind - 1],
 * which is "--run" while getopt is still inside "-Zv", and takes it for a
 * long option.  isolate (glibc getopt) says "invalid option -- 'Z'".  Fix:
 * remember argv[optind] before each getopt_long() call and give that to
 * getopt_error().
 */
static void
compat_cluster_names_the_option(void)
{
	static char a0[] = "isolate", a1[] = "--run", a2[] = "-Zv", a3[] = "--", a4[] = "x";
	char *argv[] = {a0, a1, a2, a3, a4, NULL};
	struct ap_opts o;
	struct ap_err e = {0};
	int r;

	getopt_reset();
	r = compat_parse(5, argv, &o, &e);
	tap_ok(r < 0, "compat: an unknown -Z in a cluster is refused");
	TAP_IS_STR(e.msg, "invalid option -- 'Z'", "compat: the message is getopt's for -Z");
	cli_opts_free(&o);
	ap_verbosity = 0;
	ap_progname = "apbox";
}

/*
 * fuzz-conf (invariant: what conf_load() accepts, cg_open() accepts):
 * "[cgroup] parent = a/./b" (or ".", "a/.") loads, but every init, run and
 * cleanup then fails with 'invalid cgroup parent "a/./b"', far from the
 * config line.  conf.c's parse_rel_name() refuses ".." only; cgroup.c's
 * parent_is_valid() also refuses ".".  Fix: make parse_rel_name() use the
 * same rule (path_is_clean_abs() on "/" + value), so the error names the
 * file and line.
 */
static void
conf_parent_dot(void)
{
	static const char *const parents[] = {".", "a/./b", "a/."};
	char path[64];

	(void) snprintf(path, sizeof(path), "/tmp/apbox-regress.%d", (int) getpid());
	for (size_t i = 0; i < sizeof(parents) / sizeof(parents[0]); i++) {
		struct ap_conf c;
		struct ap_err e = {0};
		struct cg cg;
		FILE *f = fopen(path, "w");
		int r, rc;

		if (!f)
			abort();
		(void) fprintf(f, "[cgroup]\nparent = %s\n", parents[i]);
		(void) fclose(f);
		conf_defaults(&c);
		r = conf_load(&c, path, true, &e);
		if (r == 0) {
			struct ap_err e2 = {0};
			rc = cg_open(&cg, CG_NONE, c.cg_root, c.cg_parent, 0, &e2);
			if (rc == 0)
				cg_free(&cg);
			tap_ok(rc == 0, "conf: parent \"%s\" loads, so cg_open takes it too (%s)",
			       parents[i], e2.msg);
		} else {
			tap_ok(strstr(e.msg, ":2: ") != NULL,
			       "conf: parent \"%s\" is refused at its line (%s)", parents[i],
			       e.msg);
		}
		conf_free(&c);
	}
	(void) unlink(path);
}

int
main(void)
{
	getopt_reset();
	cli_after_stopped_cluster();
	getopt_reset();
	compat_after_stopped_cluster();
	cli_cluster_names_the_option();
	compat_cluster_names_the_option();
	conf_parent_dot();
	return tap_done();
}
