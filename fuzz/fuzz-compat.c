/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: the isolate-compatible command line (compat.c).  The
 * input is argv[1..] separated by NUL bytes; argv[0] is "isolate" when the
 * first byte is odd, else "apbox" (then compat_detect() decides, as main()
 * does, and a native command line goes to cli_parse()).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"
#include "compat.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ap_opts o;
	struct ap_err e = {0};
	const char *argv0 = "apbox";
	int argc, r;
	char **argv;

	if (size > 0) {
		argv0 = (data[0] & 1) ? "/usr/local/bin/isolate" : "apbox";
		data++;
		size--;
	}
	argv = split_argv(data, size, argv0, &argc);
	ap_verbosity = -1; /* -v makes compat_parse log; keep the fuzzer's output clean */
	ap_progname = "apbox";
	reset_getopt();
	if (compat_detect(argc, argv)) {
		r = compat_parse(argc, argv, &o, &e);
		if (r == 0) {
			if (o.cmd == CMD_NONE || !o.compat)
				abort();
			if (o.cmd == CMD_RUN && o.argc < 1)
				abort();
			if (o.argv && o.argv[o.argc] != NULL)
				abort();
			if (o.stderr_to_stdout && o.stderr_path)
				abort(); /* the last of the two wins, never both */
			if ((o.stdin_path && !*o.stdin_path) || (o.stdout_path && !*o.stdout_path))
				abort();
		}
	} else {
		r = cli_parse(argc, argv, &o, &e);
	}
	if (r < 0 && !e.msg[0])
		abort();
	cli_opts_free(&o);
	free_argv(argv);
	return 0;
}
