/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compat: isolate-compatible invocation.  When apbox is called as "isolate"
 * or its argv uses isolate's command options (--init, --run, --cleanup),
 * isolate's options are parsed with isolate's meanings into the same struct
 * ap_opts, and results use isolate's exit codes (0 ok, 1 program failed,
 * 2 error) and status line.
 */
#pragma once

#include <stdbool.h>

struct ap_err;
struct ap_opts;

/* Should argv be read as an isolate command line? */
bool compat_detect(int argc, char **argv);
/* Parse isolate's syntax into o (o->compat set).  Errors: one line, exit 2. */
int compat_parse(int argc, char **argv, struct ap_opts *o, struct ap_err *e);
void compat_usage(void);
