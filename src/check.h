/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check: what this host and this caller can run, per mode, and why not.
 */
#pragma once

#include <stdbool.h>

#include "mode.h"

struct ap_conf;

/* Print the report (text or JSON) on stdout; returns the exit status. */
int check_run(const struct ap_conf *c, enum ap_mode default_mode, bool json);
