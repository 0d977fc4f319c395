/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the directory-rule parser (rules_parse and friends):
 * every syntax form, every option, every error, replacement in place,
 * deletion and format round-trips.  Pure: nothing is mounted.  Also the
 * mount-table reader used on kernels without mount_setattr(2), on a file.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "mounts.h"
#include "tap.h"
#include "template.h"

/* Parse spec; on success check IN, OUT (NULL allowed), flags and is_delete. */
static void
ok_rule(const char *spec, const char *in, const char *out, unsigned flags, bool del)
{
	struct ap_err e = {0};
	struct dir_rule r;
	bool is_delete = !del;
	int ret = rules_parse(spec, &r, &is_delete, &e);

	TAP_IS_INT(ret, 0, spec);
	if (ret < 0)
		printf("#   error: %s\n", e.msg);
	TAP_IS_STR(r.inside, in, "  inside");
	TAP_IS_STR(r.outside, out, "  outside");
	TAP_IS_INT(r.flags, flags, "  flags");
	TAP_IS_INT(is_delete, del, "  is_delete");
	rules_free_rule(&r);
}

/* Parse spec, expect -EINVAL, errnum 0 and exactly msg. */
static void
bad_rule(const char *spec, const char *msg)
{
	struct ap_err e = {0};
	struct dir_rule r;
	bool is_delete;
	int ret = rules_parse(spec, &r, &is_delete, &e);
	char name[300];

	(void) snprintf(name, sizeof(name), "rejects \"%s\"", spec ? spec : "(null)");
	TAP_IS_INT(ret, -EINVAL, name);
	TAP_IS_STR(e.msg, msg, "  message");
	TAP_IS_INT(e.errnum, 0, "  no errno text");
	tap_ok(r.inside == NULL && r.outside == NULL, "  nothing allocated");
	rules_free_rule(&r);
}

/* format(parse(spec)) == canon, and parse(canon) gives the same rule. */
static void
round_trip(const char *spec, const char *canon)
{
	struct ap_err e = {0};
	struct dir_rule a, b;
	bool del;
	char *s, *s2;
	char name[300];

	(void) snprintf(name, sizeof(name), "format \"%s\"", spec);
	if (rules_parse(spec, &a, &del, &e) < 0) {
		tap_ok(0, "%s: %s", name, e.msg);
		return;
	}
	s = rules_format(&a);
	TAP_IS_STR(s, canon, name);
	TAP_IS_INT(rules_parse(s, &b, &del, &e), 0, "  reparses");
	TAP_IS_STR(b.inside, a.inside, "  same inside");
	TAP_IS_STR(b.outside, a.outside, "  same outside");
	TAP_IS_INT(b.flags, a.flags, "  same flags");
	s2 = rules_format(&b);
	TAP_IS_STR(s2, s, "  format is stable");
	free(s);
	free(s2);
	rules_free_rule(&a);
	rules_free_rule(&b);
}

static void
test_syntax(void)
{
	/* IN=OUT */
	ok_rule("/box=/var/lib/apbox/1/box", "/box", "/var/lib/apbox/1/box", 0, false);
	/* DIR alone means DIR=DIR */
	ok_rule("/usr", "/usr", "/usr", 0, false);
	/* trailing slashes dropped, on both sides */
	ok_rule("/bin/", "/bin", "/bin", 0, false);
	ok_rule("/usr/bin/", "/usr/bin", "/usr/bin", 0, false);
	ok_rule("/etc/=/srv/assets/etc/", "/etc", "/srv/assets/etc", 0, false);
	/* repeated slashes collapsed */
	ok_rule("//usr//lib//=//opt///lib", "/usr/lib", "/opt/lib", 0, false);
	/* relative IN is under "/" */
	ok_rule("usr", "/usr", "/usr", 0, false);
	ok_rule("proc=proc:fs", "/proc", "proc", RULE_FS, false);
	ok_rule("root/common=/cache/v12/common", "/root/common", "/cache/v12/common", 0, false);
	/* host root as a source is allowed */
	ok_rule("/host=/", "/host", "/", 0, false);
	/* names that merely start with dots are fine */
	ok_rule("/.cache=/x/..y/.z", "/.cache", "/x/..y/.z", 0, false);
	/* deletion */
	ok_rule("/tmp=", "/tmp", NULL, 0, true);
	ok_rule("dev/=", "/dev", NULL, 0, true);
	/* OUT may contain '=' (only the first '=' splits) */
	ok_rule("/a=/b=c", "/a", "/b=c", 0, false);
}

static void
test_options(void)
{
	ok_rule("/box=/b:rw", "/box", "/b", RULE_RW, false);
	ok_rule("/x:noexec", "/x", "/x", RULE_NOEXEC, false);
	ok_rule("/lib64:maybe", "/lib64", "/lib64", RULE_MAYBE, false);
	ok_rule("/dev=/dev:dev", "/dev", "/dev", RULE_DEV, false);
	ok_rule("/dev:dev:norec", "/dev", "/dev", RULE_DEV | RULE_NOREC, false);
	ok_rule("/tmp:tmp", "/tmp", NULL, RULE_TMP, false);
	ok_rule("tmp:tmp:noexec", "/tmp", NULL, RULE_TMP | RULE_NOEXEC, false);
	ok_rule("/box=/b:rw:noexec:maybe:dev:norec", "/box", "/b",
		RULE_RW | RULE_NOEXEC | RULE_MAYBE | RULE_DEV | RULE_NOREC, false);
	/* a repeated option is harmless */
	ok_rule("/x:rw:rw", "/x", "/x", RULE_RW, false);
	/* every allowed filesystem type, "fs" with "rw" */
	ok_rule("/proc=proc:fs", "/proc", "proc", RULE_FS, false);
	ok_rule("/sys=sysfs:fs", "/sys", "sysfs", RULE_FS, false);
	ok_rule("/scratch=tmpfs:fs:rw", "/scratch", "tmpfs", RULE_FS | RULE_RW, false);
	ok_rule("/dev/pts=devpts:fs", "/dev/pts", "devpts", RULE_FS, false);
	ok_rule("/dev/mqueue=mqueue:fs:rw", "/dev/mqueue", "mqueue", RULE_FS | RULE_RW, false);
}

static void
test_errors(void)
{
	bad_rule("", "empty directory rule");
	bad_rule(NULL, "empty directory rule");
	bad_rule("/x:foo", "unknown option \"foo\" in directory rule \"/x:foo\"");
	bad_rule("/x:rw:RW", "unknown option \"RW\" in directory rule \"/x:rw:RW\"");
	bad_rule("/x:minidev", "unknown option \"minidev\" in directory rule \"/x:minidev\"");
	bad_rule("/x:", "empty option in directory rule \"/x:\"");
	bad_rule("/x::rw", "empty option in directory rule \"/x::rw\"");
	bad_rule("=/x", "no path inside the box in directory rule \"=/x\"");
	bad_rule(":rw", "no path inside the box in directory rule \":rw\"");
	bad_rule("/", "cannot mount over \"/\" in directory rule \"/\"");
	bad_rule("///=/x", "cannot mount over \"/\" in directory rule \"///=/x\"");
	bad_rule("/a/../etc", "\".\" or \"..\" in the inside path of directory rule \"/a/../etc\"");
	bad_rule("..", "\".\" or \"..\" in the inside path of directory rule \"..\"");
	bad_rule("./x=/x", "\".\" or \"..\" in the inside path of directory rule \"./x=/x\"");
	bad_rule("/x=/a/./b", "\".\" or \"..\" in the host path of directory rule \"/x=/a/./b\"");
	bad_rule("/x=/a/..", "\".\" or \"..\" in the host path of directory rule \"/x=/a/..\"");
	bad_rule("/box=./box",
		 "host path \"./box\" is not absolute in directory rule \"/box=./box\"");
	bad_rule("/x=y", "host path \"y\" is not absolute in directory rule \"/x=y\"");
	bad_rule("/proc:fs",
		 "missing filesystem type in directory rule \"/proc:fs\" (write IN=TYPE:fs)");
	bad_rule("/x=ext4:fs", "filesystem type \"ext4\" not allowed in directory rule "
			       "\"/x=ext4:fs\" (proc, sysfs, tmpfs, devpts or mqueue)");
	bad_rule("/x=/proc:fs", "filesystem type \"/proc\" not allowed in directory rule "
				"\"/x=/proc:fs\" (proc, sysfs, tmpfs, devpts or mqueue)");
	bad_rule("/t=/x:tmp", "\"tmp\" takes no host path in directory rule \"/t=/x:tmp\"");
	bad_rule("/t=tmpfs:fs:tmp",
		 "options \"tmp\" and \"fs\" exclude each other in directory rule "
		 "\"/t=tmpfs:fs:tmp\"");
	bad_rule("/x=:rw", "a deletion takes no options in directory rule \"/x=:rw\"");
	/* a ':' cannot be part of a path: what follows it is read as an option */
	bad_rule("/a:b=/c", "unknown option \"b=/c\" in directory rule \"/a:b=/c\"");
}

static void
test_add_replace_delete(void)
{
	struct dir_rules rs = {0};
	struct ap_err e = {0};
	char *s;

	TAP_IS_INT(rules_add(&rs, "/box=/b:rw", &e), 0, "add /box");
	TAP_IS_INT(rules_add(&rs, "/bin", &e), 0, "add /bin");
	TAP_IS_INT(rules_add(&rs, "/usr", &e), 0, "add /usr");
	TAP_IS_INT(rules_add(&rs, "proc=proc:fs", &e), 0, "add proc");
	rules_put(&rs, "/dev", NULL, RULE_MINIDEV);
	TAP_IS_INT(rs.n, 5, "five rules");

	/* replacing keeps the position */
	TAP_IS_INT(rules_add(&rs, "/bin/=/opt/bin:noexec", &e), 0, "replace /bin");
	TAP_IS_INT(rs.n, 5, "  still five rules");
	TAP_IS_STR(rs.v[1].inside, "/bin", "  /bin stays second");
	TAP_IS_STR(rs.v[1].outside, "/opt/bin", "  with the new source");
	TAP_IS_INT(rs.v[1].flags, RULE_NOEXEC, "  and the new flags");

	/* put replaces too, copying its arguments */
	rules_put(&rs, "/usr", "/usr", RULE_MAYBE);
	TAP_IS_INT(rs.n, 5, "put /usr replaces");
	TAP_IS_STR(rs.v[2].inside, "/usr", "  /usr stays third");
	TAP_IS_INT(rs.v[2].flags, RULE_MAYBE, "  with the new flags");

	/* a --dir rule replaces the internal /dev */
	TAP_IS_INT(rules_add(&rs, "/dev=/dev:dev", &e), 0, "replace minidev /dev");
	TAP_IS_STR(rs.v[4].outside, "/dev", "  now a bind");
	TAP_IS_INT(rs.v[4].flags, RULE_DEV, "  with dev only");

	/* deletion closes the gap */
	TAP_IS_INT(rules_add(&rs, "/usr=", &e), 0, "delete /usr");
	TAP_IS_INT(rs.n, 4, "  four rules");
	TAP_IS_STR(rs.v[0].inside, "/box", "  order kept: /box");
	TAP_IS_STR(rs.v[1].inside, "/bin", "  order kept: /bin");
	TAP_IS_STR(rs.v[2].inside, "/proc", "  order kept: /proc");
	TAP_IS_STR(rs.v[3].inside, "/dev", "  order kept: /dev");

	/* deleting a missing rule is not an error */
	TAP_IS_INT(rules_add(&rs, "/nothing=", &e), 0, "delete a missing rule");
	TAP_IS_INT(rs.n, 4, "  still four rules");

	/* a bad rule changes nothing */
	TAP_IS_INT(rules_add(&rs, "/bin:bogus", &e), -EINVAL, "bad rule refused");
	TAP_IS_STR(e.msg, "unknown option \"bogus\" in directory rule \"/bin:bogus\"",
		   "  with its message");
	TAP_IS_INT(rs.n, 4, "  rules unchanged");
	TAP_IS_STR(rs.v[1].outside, "/opt/bin", "  /bin unchanged");

	/* a new rule appends */
	TAP_IS_INT(rules_add(&rs, "/tmp:tmp", &e), 0, "append /tmp");
	TAP_IS_INT(rs.n, 5, "  five rules");
	TAP_IS_STR(rs.v[4].inside, "/tmp", "  at the end");
	TAP_IS_STR(rs.v[4].outside, NULL, "  without a source");

	/* the internal /dev renders, though --dir cannot express it */
	rules_put(&rs, "/dev", NULL, RULE_MINIDEV);
	s = rules_format(&rs.v[3]);
	TAP_IS_STR(s, "/dev:minidev", "format the minimal /dev");
	free(s);

	/* delete everything, then free an empty set */
	for (const char *const *d =
		     (const char *const[]){"/box=", "/bin=", "/proc=", "/dev=", "/tmp=", NULL};
	     *d; d++)
		(void) rules_add(&rs, *d, &e);
	TAP_IS_INT(rs.n, 0, "all deleted");
	rules_free(&rs);
	tap_ok(rs.v == NULL && rs.n == 0, "free leaves an empty set");
	rules_free(&rs);
}

static void
test_format(void)
{
	round_trip("/usr", "/usr");
	round_trip("/bin/", "/bin");
	round_trip("usr/lib=/usr/lib", "/usr/lib");
	round_trip("/box=/var/lib/apbox/1/box:rw", "/box=/var/lib/apbox/1/box:rw");
	round_trip("proc=proc:fs", "/proc=proc:fs");
	round_trip("/proc=proc:fs:rw", "/proc=proc:rw:fs");
	round_trip("/tmp:tmp", "/tmp:tmp");
	round_trip("/tmp:noexec:tmp", "/tmp:noexec:tmp");
	round_trip("/dev=/dev:norec:dev", "/dev:dev:norec");
	round_trip("/x=/y:norec:dev:maybe:noexec:rw", "/x=/y:rw:noexec:maybe:dev:norec");
	round_trip("/etc/=/srv/etc/:maybe", "/etc=/srv/etc:maybe");
	round_trip("/host=/", "/host=/");
}

/*
 * The mount-table reader of the old-kernel fallback (libmount, loaded on
 * demand): mount points strictly below a top, escapes undone.
 */
static void
test_list_below(void)
{
	char path[] = "/tmp/apbox-mountinfo.XXXXXX";
	static const char table[] = "22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
				    "23 22 0:22 / /usr rw,relatime shared:2 - ext4 /dev/vda2 rw\n"
				    "24 23 0:23 / /usr/lib/x rw - tmpfs tmpfs rw\n"
				    "25 23 0:24 / /usr/my\\040dir rw - tmpfs tmpfs rw\n"
				    "26 22 0:25 / /usrx rw - tmpfs tmpfs rw\n";
	struct ap_err e = {0};
	char **v = NULL;
	size_t n = 0;
	int fd = mkstemp(path), r;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	tap_ok(f != NULL, "list_below: fixture file");
	if (!f)
		return;
	fputs(table, f);
	fclose(f);
	r = mounts_list_below(path, "/usr", &v, &n, &e);
	TAP_IS_INT(r, 0, "list_below: /usr reads the table");
	if (r < 0)
		printf("#   error: %s\n", e.msg);
	TAP_IS_INT(n, 2, "list_below: two mounts below /usr, not /usr itself or /usrx");
	if (n == 2) {
		TAP_IS_STR(v[0], "/usr/lib/x", "list_below: first in table order");
		TAP_IS_STR(v[1], "/usr/my dir", "list_below: \\040 is a space");
	}
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	r = mounts_list_below(path, "/", &v, &n, &e);
	TAP_IS_INT(n, 4, "list_below: everything but / is below /");
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	r = mounts_list_below("/nonexistent/mountinfo", "/", &v, &n, &e);
	tap_ok(r < 0 && n == 0, "list_below: a missing table is an error");
	unlink(path);
}

/* The default rules of a root box in a process mode, as plan.c puts them. */
static void
default_rules(struct dir_rules *rs)
{
	memset(rs, 0, sizeof(*rs));
	rules_put(rs, "/box", "/var/lib/apbox/3/box", RULE_RW);
	rules_put(rs, "/bin", "usr/bin", RULE_SYMLINK | RULE_STATIC);
	rules_put(rs, "/usr", "/usr", RULE_STATIC);
	rules_put(rs, "/etc", "/var/lib/apbox/.etc-1", RULE_STATIC);
	rules_put(rs, "/etc/ssl", "/etc/ssl", RULE_MAYBE | RULE_STATIC);
	rules_put(rs, "/tmp", NULL, RULE_TMP | RULE_RW);
	rules_put(rs, "/proc", "proc", RULE_FS);
	rules_put(rs, "/dev", "/var/lib/apbox/.dev2", RULE_DEV | RULE_NOEXEC | RULE_STATIC);
	rules_put(rs, "/dev/pts", "devpts", RULE_FS | RULE_RW | RULE_DEV);
}

/* Which rule sets the mount template can hold (template_fits()). */
static void
test_template_fits(void)
{
	struct dir_rules rs;
	struct ap_err e = {0};

	default_rules(&rs);
	tap_ok(template_fits(&rs), "template: the defaults fit");
	TAP_IS_INT(rules_add(&rs, "/data=/srv/data:rw", &e), 0, "template: add /data");
	TAP_IS_INT(rules_add(&rs, "/usr/local/x=/opt/x", &e), 0, "template: add below /usr");
	tap_ok(template_fits(&rs),
	       "template: the run's binds, top level or below a static one, fit");
	rules_free(&rs);

	default_rules(&rs);
	TAP_IS_INT(rules_add(&rs, "proc=", &e), 0, "template: delete /proc");
	tap_ok(!template_fits(&rs), "template: no proc: no template (none to carry one for)");
	rules_free(&rs);

	default_rules(&rs);
	TAP_IS_INT(rules_add(&rs, "/p2=proc:fs", &e), 0, "template: a second proc");
	tap_ok(!template_fits(&rs), "template: a proc elsewhere does not fit");
	rules_free(&rs);

	default_rules(&rs);
	TAP_IS_INT(rules_add(&rs, "/proc/x=/x", &e), 0, "template: a bind below /proc");
	tap_ok(!template_fits(&rs), "template: a rule below /proc does not fit");
	rules_free(&rs);

	default_rules(&rs);
	TAP_IS_INT(rules_add(&rs, "/sys=sysfs:fs", &e), 0, "template: sysfs");
	tap_ok(!template_fits(&rs), "template: sysfs does not fit");
	rules_free(&rs);

	default_rules(&rs);
	TAP_IS_INT(rules_add(&rs, "/data=/srv:norec", &e), 0, "template: norec");
	tap_ok(!template_fits(&rs), "template: a norec bind does not fit");
	rules_free(&rs);

	default_rules(&rs);
	TAP_IS_INT(rules_add(&rs, "/etc=/srv/etc", &e), 0, "template: the caller's /etc");
	tap_ok(!template_fits(&rs), "template: a static rule below the run's does not fit");
	rules_free(&rs);

	default_rules(&rs);
	TAP_IS_INT(rules_add(&rs, "/dev=/srv/dev:dev", &e), 0, "template: the caller's /dev");
	tap_ok(!template_fits(&rs), "template: no static /dev does not fit");
	rules_free(&rs);

	default_rules(&rs);
	rules_put(&rs, "/dev", NULL, RULE_MINIDEV);
	tap_ok(!template_fits(&rs), "template: the per-run minimal /dev does not fit");
	rules_free(&rs);
}

int
main(void)
{
	test_syntax();
	test_options();
	test_errors();
	test_add_replace_delete();
	test_format();
	test_list_below();
	test_template_fits();
	return tap_done();
}
