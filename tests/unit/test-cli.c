/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of cli.c and mode.c: option tables, scopes, errors, mode names. */
#include "config.h"

#include <string.h>

#include "cli.h"
#include "err.h"
#include "mode.h"
#include "tap.h"

#define ARGV(...)	 tap_argv((char *[]){"apbox", __VA_ARGS__, NULL})
#define ARGC(...)	 ((int) (sizeof((char *[]){"apbox", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(o, e, ...) cli_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (o), (e))

int
main(void)
{
	struct ap_opts o;
	struct ap_err e = {0};
	enum ap_mode m;

	TAP_IS_INT(PARSE(&o, &e, "run", "-b", "3", "--mode", "SANDBOX_PROCESS", "--mem", "32M",
			 "--time", "1.5", "--", "/bin/sh", "-c", "exit 7"),
		   0, "run: parses");
	TAP_IS_INT(o.cmd, CMD_RUN, "run: command");
	TAP_IS_INT(o.box_id, 3, "run: box id");
	TAP_IS_INT(o.mode, AP_MODE_PROCESS, "run: mode");
	TAP_IS_INT(o.limits.mem, 32 * 1024 * 1024, "run: mem bytes");
	TAP_IS_INT(o.limits.time_ms, 1500, "run: time ms");
	tap_ok(o.limits_set & LIM_MEM && o.limits_set & LIM_TIME && !(o.limits_set & LIM_WALL),
	       "run: limits_set bits");
	TAP_IS_INT(o.argc, 3, "run: program argc");
	TAP_IS_STR(o.argv[2], "exit 7", "run: program args");
	cli_opts_free(&o);

	TAP_IS_INT(PARSE(&o, &e, "run", "--", "prog", "-b", "--mem"), 0,
		   "run: program flags untouched");
	TAP_IS_INT(o.argc, 3, "run: program keeps its flags");
	tap_ok(!o.has_box_id, "run: -b after -- is the program's");
	cli_opts_free(&o);

	TAP_IS_INT(PARSE(&o, &e, "-v", "--config", "/x.conf", "init", "-b", "2"), 0,
		   "global options");
	TAP_IS_STR(o.config, "/x.conf", "global: config");
	TAP_IS_INT(o.cmd, CMD_INIT, "global: then init");
	ap_verbosity = 0;
	cli_opts_free(&o);

	TAP_IS_INT(PARSE(&o, &e, "--help"), 0, "help");
	TAP_IS_INT(o.cmd, CMD_HELP, "help: command");
	cli_opts_free(&o);

	tap_ok(PARSE(&o, &e, "cleanup", "--mem", "1M") < 0, "scope: --mem not for cleanup");
	tap_ok(strstr(e.msg, "--mem does not apply") != NULL, "scope: message");
	cli_opts_free(&o);
	tap_ok(PARSE(&o, &e, "init", "--json") < 0, "scope: --json only for check");
	cli_opts_free(&o);
	tap_ok(PARSE(&o, &e, "--mem", "1M", "run", "--", "x") < 0,
	       "scope: run option before command");
	cli_opts_free(&o);
	tap_ok(PARSE(&o, &e, "bogus") < 0, "unknown command");
	tap_ok(strstr(e.msg, "unknown command \"bogus\"") != NULL, "unknown command: message");
	cli_opts_free(&o);
	tap_ok(PARSE(&o, &e, "run", "--frob", "--", "x") < 0, "unknown long option");
	tap_ok(strstr(e.msg, "--frob") != NULL, "unknown long option: named");
	cli_opts_free(&o);
	tap_ok(PARSE(&o, &e, "run", "-Z", "--", "x") < 0, "unknown short option");
	cli_opts_free(&o);
	tap_ok(PARSE(&o, &e, "run") < 0, "run without program");
	cli_opts_free(&o);
	tap_ok(PARSE(&o, &e, "init", "extra") < 0, "init with an argument");
	cli_opts_free(&o);
	tap_ok(PARSE(&o, &e, "run", "--mode", "bogus", "--", "x") < 0, "bad mode");
	tap_ok(strstr(e.msg, "unknown mode \"bogus\"") != NULL, "bad mode: message");
	cli_opts_free(&o);
	tap_ok(PARSE(&o, &e, "run", "--stderr", "f", "--stderr-to-stdout", "--", "x") < 0,
	       "exclusive options");
	cli_opts_free(&o);
	tap_ok(PARSE(&o, &e, "run", "--chdir", "rel", "--", "x") < 0, "relative chdir");
	cli_opts_free(&o);
	tap_ok(PARSE(&o, &e, "run", "--engine", "/a/../b", "--", "x") < 0, "engine with ..");
	cli_opts_free(&o);
	tap_ok(PARSE(&o, &e, "run", "--seccomp", "sometimes", "--", "x") < 0, "bad --seccomp");
	cli_opts_free(&o);

	TAP_IS_INT(PARSE(&o, &e, "run", "--env", "A=1", "--env", "B", "--full-env", "--dir",
			 "/data=/srv/data:rw", "--", "x"),
		   0, "env and dir");
	TAP_IS_INT(o.nenv, 2, "env: two rules");
	TAP_IS_STR(o.env[0].value, "1", "env: value");
	tap_ok(o.env[1].value == NULL, "env: inherit");
	TAP_IS_INT(o.dirs.n, 1, "dir: one rule");
	TAP_IS_STR(o.dirs.v[0].inside, "/data", "dir: inside");
	cli_opts_free(&o);

	{
		/* --env values are overwritten in argv once copied (/proc/PID/cmdline). */
		char **av =
			ARGV("run", "--env", "TOK=secret", "-EK=v", "--env=E=", "--", "x", "A=b");
		TAP_IS_INT(cli_parse(ARGC("run", "--env", "TOK=secret", "-EK=v", "--env=E=", "--",
					  "x", "A=b"),
				     av, &o, &e),
			   0, "env: parsed");
		TAP_IS_STR(o.env[0].value, "secret", "env: value kept");
		TAP_IS_STR(av[3], "TOK=******", "env: value wiped from argv");
		TAP_IS_STR(av[4], "-EK=*", "env: value of -E wiped from argv");
		TAP_IS_STR(av[5], "--env=E=", "env: empty value");
		TAP_IS_STR(av[8], "A=b", "env: the program's arguments are left alone");
		cli_opts_free(&o);
	}

	tap_ok(mode_gives(AP_MODE_PROCESS, AP_MODE_CODE_AND_PROCESS) &&
		       mode_gives(AP_MODE_CODE_AND_PROCESS, AP_MODE_PROCESS),
	       "mode: the process modes give each other");
	tap_ok(mode_gives(AP_MODE_PROCESS, AP_MODE_CODE_ONLY) &&
		       mode_gives(AP_MODE_CODE_ONLY, AP_MODE_UNSANDBOXED),
	       "mode: a stronger mode gives a weaker one");
	tap_ok(!mode_gives(AP_MODE_CODE_ONLY, AP_MODE_PROCESS) &&
		       !mode_gives(AP_MODE_UNSANDBOXED, AP_MODE_CODE_ONLY),
	       "mode: a weaker mode does not give a stronger one");
	for (int i = 0; i < AP_MODE_COUNT; i++) {
		const struct mode_desc *d = mode_desc((enum ap_mode) i);
		tap_ok(mode_parse(d->name, &m) == 0 && m == (enum ap_mode) i, "mode: %s", d->name);
		tap_ok(mode_parse(d->ap_name, &m) == 0 && m == (enum ap_mode) i, "mode: %s",
		       d->ap_name);
	}
	tap_ok(mode_parse("Sandbox_Code_Only", &m) == 0 && m == AP_MODE_CODE_ONLY,
	       "mode: case-insensitive");
	tap_ok(mode_parse("sandboxed", &m) < 0, "mode: unknown");
	return tap_done();
}
