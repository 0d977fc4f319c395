/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compat: isolate-compatible invocation (filled in by the isolate drop-in
 * work; until then apbox does not claim isolate's command line).
 */
#include "config.h"

#include "compat.h"

#include <stdio.h>

#include "cli.h"
#include "err.h"

bool
compat_detect(int argc, char **argv)
{
	(void) argc;
	(void) argv;
	return false;
}

int
compat_parse(int argc, char **argv, struct ap_opts *o, struct ap_err *e)
{
	(void) argc;
	(void) argv;
	(void) o;
	return ap_err_set(e, 0, "isolate-compatible invocation is not supported yet");
}

void
compat_usage(void)
{
	cli_usage(stdout);
}
