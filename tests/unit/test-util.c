/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of util.c's parsers and path checks. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "util.h"

static void
test_u64(void)
{
	uint64_t v = 0;

	TAP_IS_INT(parse_u64("0", 10, &v), 0, "u64: 0");
	TAP_IS_INT(parse_u64("42", 100, &v), 0, "u64: 42");
	TAP_IS_INT(v, 42, "u64: value 42");
	TAP_IS_INT(parse_u64("101", 100, &v), -ERANGE, "u64: above max");
	TAP_IS_INT(parse_u64("", 100, &v), -EINVAL, "u64: empty");
	TAP_IS_INT(parse_u64("-1", 100, &v), -EINVAL, "u64: sign");
	TAP_IS_INT(parse_u64("+1", 100, &v), -EINVAL, "u64: plus sign");
	TAP_IS_INT(parse_u64("1x", 100, &v), -EINVAL, "u64: junk");
	TAP_IS_INT(parse_u64(" 1", 100, &v), -EINVAL, "u64: space");
	TAP_IS_INT(parse_u64("18446744073709551615", UINT64_MAX, &v), 0, "u64: UINT64_MAX");
	TAP_IS_INT(parse_u64("18446744073709551616", UINT64_MAX, &v), -ERANGE, "u64: overflow");
}

static void
test_size(void)
{
	uint64_t v = 0;

	TAP_IS_INT(parse_size("100", &v), 0, "size: bare");
	TAP_IS_INT(v, 100 * 1024, "size: bare is KiB");
	TAP_IS_INT(parse_size("32M", &v), 0, "size: M");
	TAP_IS_INT(v, 32 * 1024 * 1024, "size: 32M");
	TAP_IS_INT(parse_size("1g", &v), 0, "size: lower-case g");
	TAP_IS_INT(v, 1024ULL * 1024 * 1024, "size: 1g");
	TAP_IS_INT(parse_size("4KiB", &v), 0, "size: KiB");
	TAP_IS_INT(v, 4096, "size: 4KiB");
	TAP_IS_INT(parse_size("512MB", &v), 0, "size: MB");
	TAP_IS_INT(parse_size("10B", &v), 0, "size: bytes");
	TAP_IS_INT(v, 10, "size: 10B");
	TAP_IS_INT(parse_size("0", &v), 0, "size: zero");
	TAP_IS_INT(v, 0, "size: 0");
	TAP_IS_INT(parse_size("12Q", &v), -EINVAL, "size: bad suffix");
	TAP_IS_INT(parse_size("M", &v), -EINVAL, "size: no digits");
	TAP_IS_INT(parse_size("1.5M", &v), -EINVAL, "size: fraction");
	TAP_IS_INT(parse_size("99999999999999999T", &v), -ERANGE, "size: overflow");
	TAP_IS_INT(parse_size("5MX", &v), -EINVAL, "size: junk after suffix");
}

static void
test_seconds(void)
{
	uint64_t v = 0;

	TAP_IS_INT(parse_seconds("1", 100000, &v), 0, "secs: 1");
	TAP_IS_INT(v, 1000, "secs: 1 = 1000 ms");
	TAP_IS_INT(parse_seconds("0.25", 100000, &v), 0, "secs: 0.25");
	TAP_IS_INT(v, 250, "secs: 250 ms");
	TAP_IS_INT(parse_seconds("2.5s", 100000, &v), 0, "secs: suffix s");
	TAP_IS_INT(v, 2500, "secs: 2500 ms");
	TAP_IS_INT(parse_seconds(".5", 100000, &v), 0, "secs: leading dot");
	TAP_IS_INT(v, 500, "secs: 500 ms");
	TAP_IS_INT(parse_seconds("1.23456", 100000, &v), 0, "secs: extra decimals cut");
	TAP_IS_INT(v, 1234, "secs: 1234 ms");
	TAP_IS_INT(parse_seconds("abc", 100000, &v), -EINVAL, "secs: junk");
	TAP_IS_INT(parse_seconds("", 100000, &v), -EINVAL, "secs: empty");
	TAP_IS_INT(parse_seconds(".", 100000, &v), -EINVAL, "secs: dot only");
	TAP_IS_INT(parse_seconds("-1", 100000, &v), -EINVAL, "secs: negative");
	TAP_IS_INT(parse_seconds("101", 100000, &v), -ERANGE, "secs: above max");
}

static void
test_bool_path(void)
{
	bool b = false;

	TAP_IS_INT(parse_bool("yes", &b), 0, "bool: yes");
	tap_ok(b, "bool: yes is true");
	TAP_IS_INT(parse_bool("OFF", &b), 0, "bool: OFF");
	tap_ok(!b, "bool: OFF is false");
	TAP_IS_INT(parse_bool("maybe", &b), -EINVAL, "bool: maybe");
	tap_ok(path_is_clean_abs("/a/b"), "path: /a/b clean");
	tap_ok(!path_is_clean_abs("a/b"), "path: relative");
	tap_ok(!path_is_clean_abs("/a/../b"), "path: dotdot");
	tap_ok(!path_is_clean_abs("/a/./b"), "path: dot");
	tap_ok(path_is_clean_abs("/a/..b"), "path: ..b is a name");
}

static void
test_walks(void)
{
	char tmpl[] = "/tmp/apbox-unit.XXXXXX";
	char *d = mkdtemp(tmpl);
	char *outside, *p;
	int fd;

	tap_ok(d != NULL, "walk: temp dir");
	if (!d)
		return;
	outside = xasprintf("%s/outside", d);
	(void) mkdir(outside, 0755);
	p = xasprintf("%s/outside/keep", d);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	(void) close(fd);
	free(p);
	p = xasprintf("%s/box", d);
	(void) mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/box/sub", d);
	(void) mkdir(p, 0);
	free(p);
	p = xasprintf("%s/box/link", d);
	tap_ok(symlink(outside, p) == 0, "walk: plant a symlink");
	free(p);
	fd = open(d, O_RDONLY | O_DIRECTORY);
	TAP_IS_INT(remove_tree_at(fd, "box"), 0, "walk: remove the tree");
	p = xasprintf("%s/outside/keep", d);
	tap_ok(access(p, F_OK) == 0, "walk: the symlink target survived");
	free(p);
	TAP_IS_INT(remove_tree_at(fd, "box"), 0, "walk: removing a missing tree is success");
	TAP_IS_INT(remove_tree_at(fd, "outside"), 0, "walk: remove outside");
	(void) close(fd);
	(void) rmdir(d);
	free(outside);
}

/* openat_beneath(): never follows a symlink, in any component, never leaves dirfd. */
static void
test_beneath(void)
{
	char tmpl[] = "/tmp/apbox-unit.XXXXXX";
	char *d = mkdtemp(tmpl);
	char *p;
	int dfd, fd;

	tap_ok(d != NULL, "beneath: temp dir");
	if (!d)
		return;
	p = xasprintf("%s/a", d);
	(void) mkdir(p, 0755);
	free(p);
	p = xasprintf("%s/a/file", d);
	(void) close(open(p, O_CREAT | O_WRONLY, 0644));
	free(p);
	p = xasprintf("%s/up", d);
	tap_ok(symlink("/", p) == 0, "beneath: plant a symlink to /");
	free(p);
	p = xasprintf("%s/a/last", d);
	tap_ok(symlink("file", p) == 0, "beneath: plant a relative symlink");
	free(p);
	dfd = open(d, O_PATH | O_DIRECTORY);
	fd = openat_beneath(dfd, "a/file", O_RDONLY, 0);
	tap_ok(fd >= 0, "beneath: a plain path opens");
	if (fd >= 0)
		(void) close(fd);
	TAP_IS_INT(openat_beneath(dfd, "up/etc/passwd", O_RDONLY, 0), -ELOOP,
		   "beneath: a symlinked directory is refused");
	TAP_IS_INT(openat_beneath(dfd, "a/last", O_PATH, 0), -ELOOP,
		   "beneath: a symlink as the last component is refused, even with O_PATH");
	tap_ok(openat_beneath(dfd, "a/../../etc/passwd", O_RDONLY, 0) < 0,
	       "beneath: \"..\" cannot climb out");
	TAP_IS_INT(openat_beneath(dfd, "a/missing", O_PATH, 0), -ENOENT,
		   "beneath: missing is -ENOENT");
	(void) close(dfd);
	p = xasprintf("rm -rf '%s'", d);
	tap_ok(system(p) == 0, "beneath: clean up");
	free(p);
}

int
main(void)
{
	test_u64();
	test_size();
	test_seconds();
	test_bool_path();
	test_walks();
	test_beneath();
	return tap_done();
}
