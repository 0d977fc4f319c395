/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check: placeholder until the host report is written. */
#include "config.h"

#include "check.h"

#include <stdio.h>

#include "conf.h"

int
check_run(const struct ap_conf *c, enum ap_mode default_mode, bool json)
{
	(void) c;
	(void) json;
	(void) printf("default mode: %s\n", mode_name(default_mode));
	return 0;
}
