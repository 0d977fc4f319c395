/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of compat.c: detecting and parsing isolate's command line. */
#include "config.h"

#include <string.h>

#include "cli.h"
#include "compat.h"
#include "err.h"
#include "tap.h"

#define ARGV(...) tap_argv((char *[]){__VA_ARGS__, NULL})
#define ARGC(...) ((int) (sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)))
/* PARSE(o, e, argv0, args...): compat_parse of a literal argv. */
#define PARSE(o, e, ...) compat_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (o), (e))
#define DETECT(...)	 compat_detect(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

#define MiB (1024ULL * 1024)

/* Parsing fails and the message contains want. */
#define FAILS(want, name, ...)                                                              \
	do {                                                                                \
		struct ap_opts fo_;                                                         \
		struct ap_err fe_ = {0};                                                    \
		int fr_ = PARSE(&fo_, &fe_, __VA_ARGS__);                                   \
		tap_ok(fr_ < 0 && strstr(fe_.msg, want) != NULL, "error: %s", name);        \
		if (fr_ >= 0 || !strstr(fe_.msg, want))                                     \
			printf("#   got %d \"%s\", expected \"%s\"\n", fr_, fe_.msg, want); \
		cli_opts_free(&fo_);                                                        \
	} while (0)

static const char *
env_value(const struct ap_opts *o, const char *name)
{
	for (size_t i = 0; i < o->nenv; i++)
		if (strcmp(o->env[i].name, name) == 0)
			return o->env[i].value ? o->env[i].value : "(inherit)";
	return NULL;
}

static void
test_detect(void)
{
	tap_ok(DETECT("/usr/local/bin/isolate", "--version"), "detect: invoked as isolate");
	tap_ok(DETECT("isolate"), "detect: bare name isolate");
	tap_ok(!DETECT("/usr/bin/isolate-check-environment"),
	       "detect: other names are not isolate");
	tap_ok(DETECT("apbox", "--box-id=1", "--init"), "detect: --init");
	tap_ok(DETECT("apbox", "-b", "3", "--cleanup"), "detect: -b N --cleanup");
	tap_ok(DETECT("apbox", "--dir=/usr/bin/", "--share-net", "--run", "--env=X", "/bin/x"),
	       "detect: --run after options");
	tap_ok(DETECT("apbox", "--check-config"), "detect: --check-config");
	tap_ok(DETECT("apbox", "--print-cg-root"), "detect: --print-cg-root");
	tap_ok(!DETECT("apbox", "run", "-b", "1", "--", "prog", "--init"),
	       "detect: native run, --init is the program's");
	tap_ok(!DETECT("apbox", "run", "/bin/prog", "--run"),
	       "detect: native run without --, --run is the program's");
	tap_ok(!DETECT("apbox", "-b", "2", "init"), "detect: native init");
	tap_ok(!DETECT("apbox", "--", "--init"), "detect: nothing after --");
	tap_ok(!DETECT("apbox", "--version"), "detect: apbox --version is native");
	tap_ok(!DETECT("apbox", "--box-id=3"), "detect: --box-id alone is not a command");
	tap_ok(!DETECT("apbox"), "detect: no arguments");
}

/* Activepieces' current (era D) command line, verbatim. */
static void
test_activepieces_d(void)
{
	struct ap_opts o;
	struct ap_err e = {0};

	TAP_IS_INT(PARSE(&o, &e, "isolate", "--no-default-dirs", "--dir=/bin/", "--dir=/lib/",
			 "--dir=/lib64/:maybe", "--dir=/usr/bin/", "--dir=/usr/lib/",
			 "--dir=/usr/local/", "--dir=/etc/=/srv/ap/etc", "--dir=proc=proc:fs",
			 "--dir=/dev=/dev:dev", "--dir=/box=/var/local/lib/isolate/1/box:rw",
			 "--dir=/root/common=/srv/cache/common",
			 "--dir=/root/codes=/srv/cache/codes:maybe", "--share-net", "--box-id=1",
			 "--processes", "--open-files=1024", "--chdir=/root", "--env=HOME=/tmp/",
			 "--env=AP_EXECUTION_MODE=SANDBOX_PROCESS", "--run", "--", "/usr/bin/node",
			 "/root/common/main.js"),
		   0, "era D: parses");
	TAP_IS_INT(o.cmd, CMD_RUN, "era D: --run");
	tap_ok(o.compat && o.stdio_inside && o.extra_time_is_absolute, "era D: compat flags");
	tap_ok(o.no_default_dirs, "era D: --no-default-dirs");
	TAP_IS_INT(o.ndir_specs, 12, "era D: twelve --dir rules");
	TAP_IS_INT(o.dirs.n, 12, "era D: twelve parsed rules");
	TAP_IS_STR(o.dirs.v[7].inside, "/proc", "era D: proc=proc:fs is /proc");
	TAP_IS_STR(o.dirs.v[7].outside, "proc", "era D: proc filesystem");
	tap_ok(o.dirs.v[7].flags & RULE_FS, "era D: proc is fs");
	TAP_IS_STR(o.dirs.v[5].inside, "/usr/local", "era D: trailing slash dropped");
	TAP_IS_STR(o.dirs.v[6].outside, "/srv/ap/etc", "era D: /etc source");
	tap_ok(o.dirs.v[8].flags & RULE_DEV, "era D: /dev:dev");
	tap_ok(o.dirs.v[9].flags & RULE_RW, "era D: /box:rw");
	tap_ok(o.dirs.v[11].flags & RULE_MAYBE, "era D: codes:maybe");
	tap_ok(o.share_net, "era D: --share-net");
	tap_ok(o.has_box_id && o.box_id == 1, "era D: box 1");
	tap_ok((o.limits_set & LIM_PROCESSES) && o.limits.processes == 0,
	       "era D: bare --processes lifts the limit");
	tap_ok((o.limits_set & LIM_OPEN_FILES) && o.limits.open_files == 1024, "era D: open files");
	TAP_IS_STR(o.chdir, "/root", "era D: chdir");
	TAP_IS_STR(env_value(&o, "HOME"), "/tmp/", "era D: HOME");
	TAP_IS_STR(env_value(&o, "AP_EXECUTION_MODE"), "SANDBOX_PROCESS", "era D: mode env");
	TAP_IS_INT(o.argc, 2, "era D: program argc");
	TAP_IS_STR(o.argv[0], "/usr/bin/node", "era D: program");
	TAP_IS_STR(o.argv[1], "/root/common/main.js", "era D: program argument");
	tap_ok(!o.has_mode, "era D: no mode from the command line");
	cli_opts_free(&o);
}

/* The 2023 (era A) command line: options after --run, program without "--". */
static void
test_activepieces_a(void)
{
	struct ap_opts o;
	struct ap_err e = {0};

	TAP_IS_INT(PARSE(&o, &e, "isolate", "--dir=/usr/bin/", "--dir=/etc/=/srv/etc",
			 "--share-net", "--box-id=998", "--processes", "--wall-time=600",
			 "--meta=/var/local/lib/isolate/998/box/meta.txt",
			 "--stdout=_standardOutput.txt", "--stderr=_standardError.txt", "--run",
			 "--env=AP_ENVIRONMENT", "/usr/bin/node", "main.js", "-s", "--run"),
		   0, "era A: parses");
	TAP_IS_INT(o.cmd, CMD_RUN, "era A: --run");
	TAP_IS_INT(o.box_id, 998, "era A: box id");
	TAP_IS_INT(o.limits.wall_ms, 600000, "era A: wall time");
	TAP_IS_STR(o.meta_path, "/var/local/lib/isolate/998/box/meta.txt", "era A: meta");
	TAP_IS_STR(o.stdout_path, "_standardOutput.txt", "era A: stdout stays box-relative");
	TAP_IS_STR(o.stderr_path, "_standardError.txt", "era A: stderr stays box-relative");
	TAP_IS_STR(env_value(&o, "AP_ENVIRONMENT"), "(inherit)", "era A: --env after --run");
	tap_ok(!o.silent, "era A: -s after the program is the program's");
	TAP_IS_INT(o.argc, 4, "era A: program and its arguments");
	TAP_IS_STR(o.argv[0], "/usr/bin/node", "era A: program without --");
	TAP_IS_STR(o.argv[3], "--run", "era A: program keeps its own flags");
	tap_ok(!o.no_default_dirs, "era A: default dirs");
	cli_opts_free(&o);
}

static void
test_env_wiped(void)
{
	struct ap_opts o;
	struct ap_err e = {0};
	char **av = ARGV("isolate", "--env=TOK=secret", "-E", "K=v", "--env=X", "--run", "--", "p",
			 "A=b");

	/* --env values are overwritten in argv once copied (/proc/PID/cmdline). */
	TAP_IS_INT(compat_parse(ARGC("isolate", "--env=TOK=secret", "-E", "K=v", "--env=X", "--run",
				     "--", "p", "A=b"),
				av, &o, &e),
		   0, "env wipe: parsed");
	TAP_IS_STR(env_value(&o, "TOK"), "secret", "env wipe: value kept");
	TAP_IS_STR(av[1], "--env=TOK=******", "env wipe: --env=VAR=VALUE wiped");
	TAP_IS_STR(av[3], "K=*", "env wipe: -E VAR=VALUE wiped");
	TAP_IS_STR(av[4], "--env=X", "env wipe: --env=VAR (inherit) untouched");
	TAP_IS_STR(av[8], "A=b", "env wipe: the program's arguments are left alone");
	cli_opts_free(&o);
}

static void
test_options(void)
{
	struct ap_opts o;
	struct ap_err e = {0};

	TAP_IS_INT(PARSE(&o, &e, "apbox", "-b", "7", "-p8", "-m", "262144", "-t", "1.5", "-x", "2",
			 "-w", "3.25", "-f", "1024", "-k", "8192", "--core=4", "-n", "64", "-c",
			 "work", "-i", "in.txt", "-o", "out.txt", "-r", "err.txt", "-e", "-E",
			 "A=1", "-E", "B", "-E", "C=", "-s", "-M", "/tmp/meta", "-d",
			 "/data=/srv:rw", "-D", "--run", "--", "/bin/prog", "-b", "9"),
		   0, "short options: parse");
	TAP_IS_INT(o.box_id, 7, "-b");
	TAP_IS_INT(o.limits.processes, 8, "-p8");
	TAP_IS_INT(o.limits.mem, 256 * MiB, "-m is KB, the cgroup memory limit");
	tap_ok(o.limits_set & LIM_MEM, "-m sets the memory limit");
	TAP_IS_INT(o.limits.time_ms, 1500, "-t");
	TAP_IS_INT(o.limits.extra_ms, 2000, "-x");
	TAP_IS_INT(o.limits.wall_ms, 3250, "-w");
	TAP_IS_INT(o.limits.fsize, 1 * MiB, "-f KB");
	TAP_IS_INT(o.limits.stack, 8 * MiB, "-k KB");
	TAP_IS_INT(o.limits.core, 4096, "--core KB");
	TAP_IS_INT(o.limits.open_files, 64, "-n (isolate 2.x)");
	TAP_IS_STR(o.chdir, "/box/work", "-c relative is relative to /box");
	TAP_IS_STR(o.stdin_path, "/box/in.txt", "-i anchored in /box when -c moves the program");
	TAP_IS_STR(o.stdout_path, "/box/out.txt", "-o anchored in /box");
	TAP_IS_STR(o.stderr_path, "/box/err.txt", "-r anchored in /box");
	tap_ok(o.full_env, "-e");
	TAP_IS_INT(o.nenv, 3, "-E three rules");
	tap_ok(o.env[2].remove, "-E C= removes C");
	tap_ok(!o.env[1].remove && !o.env[1].value, "-E B inherits B");
	TAP_IS_STR(o.env[0].value, "1", "-E A=1 value kept");
	tap_ok(o.silent, "-s");
	TAP_IS_STR(o.meta_path, "/tmp/meta", "-M");
	TAP_IS_INT(o.dirs.n, 1, "-d");
	tap_ok(o.no_default_dirs, "-D");
	TAP_IS_INT(o.argc, 3, "program after --");
	TAP_IS_STR(o.argv[1], "-b", "program keeps -b");
	cli_opts_free(&o);

	TAP_IS_INT(PARSE(&o, &e, "apbox", "--run", "--cg", "--cg-mem=65536", "--mem=131072",
			 "--cg-timing", "--no-cg-timing", "--special-files", "--wait",
			 "--processes=16", "--stdout=/box/o", "--chdir=/tmp", "--", "/bin/x"),
		   0, "long options: parse");
	tap_ok(o.compat_cg, "--cg");
	TAP_IS_INT(o.limits.mem, 64 * MiB, "--mem and --cg-mem: the smaller wins");
	tap_ok(o.wait, "--wait");
	TAP_IS_INT(o.limits.processes, 16, "--processes=16");
	TAP_IS_STR(o.stdout_path, "/box/o", "absolute --stdout unchanged");
	TAP_IS_STR(o.chdir, "/tmp", "absolute --chdir");
	cli_opts_free(&o);

	TAP_IS_INT(PARSE(&o, &e, "apbox", "--cg-mem=1024", "--run", "--", "/bin/x"), 0, "cg-mem");
	TAP_IS_INT(o.limits.mem, 1 * MiB, "--cg-mem alone");
	cli_opts_free(&o);

	/* isolate's --quota: blocks of 1 KiB and inodes, the box's storage, at --init only. */
	TAP_IS_INT(PARSE(&o, &e, "isolate", "--quota=4096,30", "--init"), 0, "--quota: parse");
	tap_ok(o.has_storage && o.storage == 4 * MiB && o.storage_inodes == 30,
	       "--quota=4096,30: 4 MiB and 30 inodes");
	cli_opts_free(&o);
	TAP_IS_INT(PARSE(&o, &e, "isolate", "-q", "2048,7", "--run", "--", "/bin/x"), 0,
		   "-q with --run: parse");
	tap_ok(!o.has_storage, "-q with --run: ignored, as isolate does");
	cli_opts_free(&o);

	TAP_IS_INT(PARSE(&o, &e, "apbox", "--run", "-p", "--", "/bin/x"), 0, "bare -p");
	tap_ok((o.limits_set & LIM_PROCESSES) && o.limits.processes == 0, "bare -p: no limit");
	cli_opts_free(&o);

	TAP_IS_INT(PARSE(&o, &e, "apbox", "--run", "--", "/bin/x"), 0, "no -p");
	tap_ok(!(o.limits_set & LIM_PROCESSES), "no -p: the configuration's limit");
	tap_ok(!(o.limits_set & LIM_MEM), "no --mem: the configuration's limit");
	TAP_IS_INT(o.limits.open_files, 1024, "default open files 1024, never 64");
	cli_opts_free(&o);

	TAP_IS_INT(PARSE(&o, &e, "apbox", "--stdout=o", "--stderr=e", "--stderr-to-stdout", "--run",
			 "--", "/bin/x"),
		   0, "stderr-to-stdout after --stderr");
	tap_ok(o.stderr_to_stdout && !o.stderr_path, "stderr-to-stdout: last wins");
	TAP_IS_STR(o.stdout_path, "o", "stdout relative without --chdir");
	cli_opts_free(&o);
	TAP_IS_INT(
		PARSE(&o, &e, "apbox", "--stderr-to-stdout", "--stderr=e", "--run", "--", "/bin/x"),
		0, "--stderr after stderr-to-stdout");
	tap_ok(!o.stderr_to_stdout && o.stderr_path, "--stderr: last wins");
	cli_opts_free(&o);

	TAP_IS_INT(PARSE(&o, &e, "apbox", "--run", "--run", "--", "/bin/x"), 0,
		   "the same command twice");
	cli_opts_free(&o);
	TAP_IS_INT(PARSE(&o, &e, "apbox", "-b", "2", "--init"), 0, "--init");
	TAP_IS_INT(o.cmd, CMD_INIT, "--init: command");
	cli_opts_free(&o);
	TAP_IS_INT(PARSE(&o, &e, "apbox", "--cleanup", "--box-id=4"), 0, "--cleanup");
	TAP_IS_INT(o.cmd, CMD_CLEANUP, "--cleanup: command");
	TAP_IS_INT(o.box_id, 4, "--cleanup: box id after the command");
	cli_opts_free(&o);
	TAP_IS_INT(PARSE(&o, &e, "apbox", "--check-config"), 0, "--check-config");
	TAP_IS_INT(o.cmd, CMD_CHECK, "--check-config: apbox check");
	cli_opts_free(&o);
	TAP_IS_INT(PARSE(&o, &e, "isolate", "--version"), 0, "--version");
	TAP_IS_INT(o.cmd, CMD_VERSION, "--version: command");
	cli_opts_free(&o);
	TAP_IS_INT(PARSE(&o, &e, "isolate", "--help"), 0, "--help");
	TAP_IS_INT(o.cmd, CMD_HELP, "--help: command");
	cli_opts_free(&o);
	TAP_IS_INT(PARSE(&o, &e, "isolate", "--init", "--help"), 0, "--help with a command");
	TAP_IS_INT(o.cmd, CMD_HELP, "--help wins over the command");
	cli_opts_free(&o);

	ap_verbosity = 0;
	TAP_IS_INT(PARSE(&o, &e, "isolate", "-v", "--verbose", "--init"), 0, "-v twice");
	TAP_IS_INT(ap_verbosity, 2, "-v raises verbosity");
	ap_verbosity = 0;
	cli_opts_free(&o);

	TAP_IS_INT(PARSE(&o, &e, "/opt/ap/isolate", "--init"), 0, "progname: isolate");
	TAP_IS_STR(ap_progname, "isolate", "messages say isolate when invoked as isolate");
	cli_opts_free(&o);
	TAP_IS_INT(PARSE(&o, &e, "/usr/bin/apbox", "--init"), 0, "progname: apbox");
	TAP_IS_STR(ap_progname, "apbox", "messages say apbox when invoked as apbox");
	cli_opts_free(&o);
}

static void
test_errors(void)
{
	FAILS("unrecognized option '--frobnicate'", "unknown long option is named", "isolate",
	      "--frobnicate=1", "--run", "--", "/bin/x");
	FAILS("invalid option -- 'Z'", "unknown short option is named", "isolate", "-Z", "--init");
	FAILS("option '--dir' requires an argument", "missing value (long)", "isolate", "--init",
	      "--dir");
	FAILS("option requires an argument -- 'b'", "missing value (short)", "isolate", "--init",
	      "-b");
	FAILS("option '--share-net' doesn't allow an argument", "value for a flag", "isolate",
	      "--share-net=yes", "--init");
	FAILS("invalid option -- 'Z'", "unknown short option in a group after a long one",
	      "isolate", "--init", "-sZ");
	FAILS("option '--silent' doesn't allow an argument", "value for a flag with a short name",
	      "isolate", "--silent=1", "--init");
	FAILS("option requires an argument -- 'b'", "missing value at the end of a group",
	      "isolate", "--init", "-sb");
	FAILS("option '--s' is ambiguous", "ambiguous abbreviation", "isolate", "--s", "--init");
	FAILS("--quota: expected SIZE[,INODES]", "--quota with 0 inodes", "isolate", "--quota=10,0",
	      "--init");
	FAILS("--quota: expected SIZE[,INODES]", "--quota with junk", "isolate", "-q", "1,x",
	      "--init");
	FAILS("'--as-uid' is not supported", "--as-uid refused", "isolate", "--as-uid=1000",
	      "--init");
	FAILS("'--tty-hack' is not supported", "--tty-hack refused", "isolate", "--tty-hack",
	      "--run", "--", "/bin/x");
	FAILS("'--inherit-fds' is not supported", "--inherit-fds refused", "isolate",
	      "--inherit-fds", "--run", "--", "/bin/x");
	FAILS("'--print-cg-root' is not supported", "--print-cg-root refused", "isolate",
	      "--print-cg-root");
	FAILS("'--syscalls' is not supported", "--syscalls refused", "isolate", "--syscalls=0",
	      "--run", "--", "/bin/x");
	FAILS("only one command", "two commands", "isolate", "--init", "--cleanup");
	FAILS("no command given", "no command", "isolate", "--box-id=1");
	FAILS("--run needs a program", "run without a program", "isolate", "--run");
	FAILS("--run needs a program", "run with only --", "isolate", "--run", "--");
	FAILS("--init takes no arguments", "init with an argument", "isolate", "--init", "x");
	FAILS("--box-id: bad box id", "bad box id", "isolate", "--box-id=-1", "--init");
	FAILS("--time: bad time", "bad time", "isolate", "--time=abc", "--run", "--", "/bin/x");
	FAILS("--mem: bad size", "bad memory size", "isolate", "--mem=lots", "--run", "--",
	      "/bin/x");
	FAILS("--processes: bad number", "-p=32 is an error, as in isolate", "isolate", "-p=32",
	      "--run", "--", "/bin/x");
	FAILS("--dir:", "bad directory rule", "isolate", "--dir=/x=/y:bogus", "--run", "--",
	      "/bin/x");
	FAILS("--env: bad variable", "bad variable", "isolate", "--env==1", "--run", "--",
	      "/bin/x");
	FAILS("--stdout: empty file name", "empty stdout", "isolate", "--stdout=", "--run", "--",
	      "/bin/x");
	FAILS("unrecognized option '--mode'", "apbox-only options are not isolate's", "isolate",
	      "--mode=process", "--run", "--", "/bin/x");
}

int
main(void)
{
	test_detect();
	test_activepieces_d();
	test_activepieces_a();
	test_options();
	test_env_wiped();
	test_errors();
	return tap_done();
}
