/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compat: isolate-compatible invocation.  When apbox is called as "isolate"
 * or its argv uses isolate's command options (--init, --run, --cleanup,
 * --check-config, --print-cg-root), isolate's options are parsed with
 * isolate's meanings into the same struct ap_opts, and results use isolate's
 * exit codes (0 ok, 1 program failed, 2 error) and status line.  Parsing
 * only: the run goes through the same plan and spawn path as apbox's own
 * syntax.
 */
#pragma once

#include <stdbool.h>

struct ap_err;
struct ap_opts;

/*
 * Should argv be read as an isolate command line?  True when argv[0]'s
 * basename is "isolate", or when, scanning argv[1..] up to a "--", an isolate
 * command option (--init, --run, --cleanup, --check-config, --print-cg-root)
 * comes before any of apbox's command words (init, run, cleanup, check).
 * The second rule keeps "apbox run prog --init" native: there "--init" is
 * the program's.
 */
bool compat_detect(int argc, char **argv);
/*
 * Parse isolate's syntax into o (memset first; o->compat, o->stdio_inside
 * and o->extra_time_is_absolute set).  Options may come before or after the
 * command option; the program starts after "--" or at the first non-option.
 * Also sets ap_progname to the name apbox was invoked by ("isolate" or
 * "apbox") and raises ap_verbosity for each -v.  Errors: one line in e
 * (getopt-style for unknown options, naming the option); main.c exits 2.
 */
int compat_parse(int argc, char **argv, struct ap_opts *o, struct ap_err *e);
/* isolate-style usage text on stdout. */
void compat_usage(void);
