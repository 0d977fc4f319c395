/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of meta.c: classification and both formats. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta.h"
#include "tap.h"

static char *
render(const struct meta *m, enum meta_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void) meta_write(f, m, fmt);
	(void) fclose(f);
	return buf;
}

int
main(void)
{
	struct meta m;
	char *s;

	memset(&m, 0, sizeof(m));
	m.box_id = 3;
	m.mode = "process";
	m.has_exitcode = true;
	m.exitcode = 7;
	m.has_usage = true;
	m.time_ms = 1234;
	m.wall_ms = 5;
	meta_classify(&m, false, false, false);
	TAP_IS_INT(m.status, META_RE, "classify: exit 7 is RE");
	s = render(&m, META_ISOLATE);
	tap_ok(strstr(s, "status:RE\n") != NULL, "isolate: status");
	tap_ok(strstr(s, "exitcode:7\n") != NULL, "isolate: exitcode");
	tap_ok(strstr(s, "time:1.234\n") != NULL, "isolate: time with ms");
	tap_ok(strstr(s, "time-wall:0.005\n") != NULL, "isolate: wall padded");
	tap_ok(strstr(s, "message:Exited with error status 7\n") != NULL, "isolate: message");
	tap_ok(strstr(s, "box-id:3\n") != NULL && strstr(s, "mode:process\n") != NULL,
	       "isolate: apbox keys");
	free(s);
	s = render(&m, META_JSON);
	tap_ok(s[0] == '{' && strstr(s, "\"exitcode\":7") && strstr(s, "\"status\":\"RE\"") &&
		       strstr(s, "\"time\":1.234"),
	       "json: same keys");
	free(s);

	memset(&m, 0, sizeof(m));
	m.box_id = -1;
	m.exitsig = SIGKILL;
	m.cg_oom_killed = true;
	meta_classify(&m, false, false, false);
	TAP_IS_INT(m.status, META_SG, "classify: oom is SG");
	tap_ok(strstr(m.message, "Out of memory") != NULL, "classify: oom says out of memory");
	s = render(&m, META_ISOLATE);
	tap_ok(strstr(s, "cg-oom-killed:1\n") && strstr(s, "exitsig:9\n") && !strstr(s, "box-id"),
	       "isolate: oom keys");
	free(s);

	memset(&m, 0, sizeof(m));
	m.exitsig = SIGKILL;
	m.killed = true;
	meta_classify(&m, true, true, false);
	TAP_IS_INT(m.status, META_TO, "classify: wall timeout is TO");
	TAP_IS_STR(m.message, "Time limit exceeded (wall clock)", "classify: wall message");

	memset(&m, 0, sizeof(m));
	m.has_exitcode = true;
	meta_classify(&m, false, false, false);
	TAP_IS_INT(m.status, META_OK, "classify: exit 0 is OK");
	s = render(&m, META_ISOLATE);
	tap_ok(!strstr(s, "status:"), "isolate: no status when OK");
	free(s);

	memset(&m, 0, sizeof(m));
	m.status = META_XX;
	(void) snprintf(m.message, sizeof(m.message), "bad\nstatus:OK \"quoted\"");
	s = render(&m, META_ISOLATE);
	tap_ok(strstr(s, "message:bad status:OK \"quoted\"\n") != NULL,
	       "isolate: a newline cannot forge a key");
	free(s);
	s = render(&m, META_JSON);
	tap_ok(strstr(s, "\"bad\\u000astatus:OK \\\"quoted\\\"\"") != NULL, "json: escaped");
	free(s);
	return tap_done();
}
