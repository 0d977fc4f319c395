/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of conf.c: defaults, the key table and error lines. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "err.h"
#include "tap.h"

static char *
write_conf(const char *text)
{
	static char path[64];
	FILE *f;

	(void) snprintf(path, sizeof(path), "/tmp/apbox-conf-test.%d", (int) getpid());
	f = fopen(path, "w");
	if (!f)
		abort();
	(void) fputs(text, f);
	(void) fclose(f);
	return path;
}

static int
load(const char *text, struct ap_conf *c, struct ap_err *e)
{
	char *p = write_conf(text);
	int r;

	conf_defaults(c);
	r = conf_load(c, p, true, e);
	(void) unlink(p);
	return r;
}

int
main(void)
{
	struct ap_conf c;
	struct ap_err e = {0};
	char want[256];

	/* without a per-user directory, an ordinary user gets the system paths too */
	(void) unsetenv("XDG_RUNTIME_DIR");
	(void) unsetenv("HOME");
	conf_defaults(&c);
	TAP_IS_STR(c.box_root, LOCALSTATEDIR "/lib/apbox", "defaults: box_root");
	TAP_IS_INT(c.first_uid, 60000, "defaults: first_uid");
	TAP_IS_INT(c.num_boxes, 1000, "defaults: num_boxes");
	TAP_IS_INT(c.limits.open_files, 1024, "defaults: open files 1024, not 64");
	TAP_IS_INT(c.mode, AP_MODE_PROCESS, "defaults: mode process");
	conf_free(&c);

	(void) setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	conf_defaults(&c);
	TAP_IS_STR(c.box_root,
		   geteuid() ? "/run/user/1000/apbox/boxes" : LOCALSTATEDIR "/lib/apbox",
		   "defaults: an ordinary user's boxes go to XDG_RUNTIME_DIR");
	conf_free(&c);
	(void) unsetenv("XDG_RUNTIME_DIR");

	TAP_IS_INT(load("box_root = /var/local/lib/isolate\nfirst_uid = 60000\nnum_boxes = 10\n"
			"mode = SANDBOX_CODE_ONLY\n[limits]\nmem = 512M\ntime = 2.5\n"
			"[cgroup]\nversion = 1\nparent = x/y\n[sandbox]\nseccomp = no\n",
			&c, &e),
		   0, "load: a full file");
	TAP_IS_STR(c.box_root, "/var/local/lib/isolate", "load: isolate's box root");
	TAP_IS_INT(c.num_boxes, 10, "load: num_boxes");
	TAP_IS_INT(c.mode, AP_MODE_CODE_ONLY, "load: Activepieces mode name");
	TAP_IS_INT(c.limits.mem, 512ULL * 1024 * 1024, "load: mem 512M");
	TAP_IS_INT(c.limits.time_ms, 2500, "load: time 2.5");
	TAP_IS_INT(c.cg_version, CG_V1, "load: cgroup version 1");
	TAP_IS_STR(c.cg_parent, "x/y", "load: cgroup parent");
	tap_ok(!c.seccomp, "load: seccomp off");
	conf_free(&c);

	TAP_IS_INT(load("cg_root = /sys/fs/cgroup\n", &c, &e), 0, "load: isolate's cg_root key");
	conf_free(&c);

	tap_ok(load("\n# comment\nbogus = 1\n", &c, &e) < 0, "error: unknown key");
	(void) snprintf(want, sizeof(want), "/tmp/apbox-conf-test.%d:3: unknown key \"bogus\"",
			(int) getpid());
	TAP_IS_STR(e.msg, want, "error: unknown key names file and line");
	conf_free(&c);

	tap_ok(load("[limits]\nbogus = 1\n", &c, &e) < 0, "error: unknown key in a section");
	tap_ok(strstr(e.msg, ":2: unknown key \"bogus\" in section [limits]") != NULL,
	       "error: section named");
	conf_free(&c);

	tap_ok(load("num_boxes = many\n", &c, &e) < 0, "error: bad number");
	tap_ok(strstr(e.msg, ":1: bad number of boxes") != NULL, "error: bad number message");
	conf_free(&c);

	tap_ok(load("a = 1\nnot ini at all\n", &c, &e) < 0, "error: syntax");
	tap_ok(strstr(e.msg, ":1: unknown key") != NULL, "error: first error wins");
	conf_free(&c);

	tap_ok(load("box_root = /x\nnot ini at all\n", &c, &e) < 0, "error: syntax line");
	tap_ok(strstr(e.msg, ":2: syntax error") != NULL, "error: syntax names its line");
	conf_free(&c);

	tap_ok(load("[cgroup]\nparent = ../escape\n", &c, &e) < 0, "error: parent with ..");
	conf_free(&c);
	tap_ok(load("[cgroup]\nparent = /abs\n", &c, &e) < 0, "error: absolute parent");
	conf_free(&c);
	tap_ok(load("box_root = /a/../b\n", &c, &e) < 0, "error: box_root with ..");
	conf_free(&c);
	tap_ok(load("first_uid = 4294967295\n", &c, &e) < 0, "error: uid -1");
	conf_free(&c);
	tap_ok(load("[cgroup]\nversion = 3\n", &c, &e) < 0, "error: cgroup version 3");
	conf_free(&c);

	conf_defaults(&c);
	tap_ok(conf_load(&c, "/nonexistent/apbox.conf", false, &e) == 0,
	       "missing default file is not an error");
	tap_ok(conf_load(&c, "/nonexistent/apbox.conf", true, &e) < 0,
	       "missing named file is an error");
	conf_free(&c);
	return tap_done();
}
