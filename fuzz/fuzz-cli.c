/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: apbox's own command line.  The input is argv[1..]
 * separated by NUL bytes (argv[0] is "apbox").  cli_parse() must return 0 or
 * an error with a one-line message, never crash, and leave a struct that
 * cli_opts_free() releases (LeakSanitizer checks that).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common.h"
#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ap_opts o;
	struct ap_err e = {0};
	int argc, r;
	char **argv = split_argv(data, size, "apbox", &argc);

	ap_verbosity = 0;
	reset_getopt();
	r = cli_parse(argc, argv, &o, &e);
	if (r < 0) {
		if (!e.msg[0]) /* the message echoes the argument, newlines included */
			abort();
	} else {
		if (o.cmd == CMD_NONE)
			abort();
		if (o.cmd == CMD_RUN && (o.argc < 1 || !o.argv || !o.argv[0]))
			abort();
		if (o.argv && o.argv[o.argc] != NULL)
			abort();
		if (o.has_box_id && o.box_id > (1U << 30))
			abort();
		if (o.ndir_specs < o.dirs.n)
			abort();
	}
	cli_opts_free(&o);
	free_argv(argv);
	return 0;
}
