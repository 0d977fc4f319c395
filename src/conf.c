/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf: defaults, the key table and the inih handler.  The file is
 * isolate-like ("box_root = ...") with optional sections:
 *
 *   box_root, lock_root, first_uid, first_gid, num_boxes, mode   (no section)
 *   [limits]  mem, processes, open_files, fsize, stack, core, time, wall_time, extra_time
 *   [cgroup]  version, root, parent
 *   [sandbox] engine_path, code_path, etc_files, path, storage (tmp_size, its older name),
 *             storage_inodes, seccomp, landlock, hidepid, mount_template
 *
 * Keys outside a section are also accepted with their section name as a
 * prefix-free alias when unambiguous (e.g. "cg_root"), so isolate's keys work.
 */
#include "config.h"

#include "conf.h"

#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif
#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif

/* Linux uids are 32 bits and (uid_t)-1 is special. */
#define UID_LIMIT 4294967294ULL
#define MAX_BOXES 65536ULL

typedef int (*parse_fn)(const char *val, void *dst, char *why, size_t whylen);

static int
parse_abs_path(const char *val, void *dst, char *why, size_t whylen)
{
	char **p = dst;

	if (!path_is_clean_abs(val)) {
		(void) snprintf(why, whylen, "\"%s\" is not a clean absolute path", val);
		return -EINVAL;
	}
	free(*p);
	*p = xstrdup(val);
	return 0;
}

static int
parse_str(const char *val, void *dst, char *why, size_t whylen)
{
	char **p = dst;

	(void) why;
	(void) whylen;
	free(*p);
	*p = xstrdup(val);
	return 0;
}

static int
parse_rel_name(const char *val, void *dst, char *why, size_t whylen)
{
	char **p = dst;
	const char *s;

	/* A cgroup parent is a relative path of plain names: no "..", no leading "/". */
	for (s = val; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.' ||
		      *s == '/')) {
			(void) snprintf(why, whylen, "bad character in \"%s\"", val);
			return -EINVAL;
		}
	}
	/* the same test cg_open() applies: plain names, no "." or ".." component */
	cleanup_free char *abs = xasprintf("/%s", val);
	if (!*val || val[0] == '/' || val[strlen(val) - 1] == '/' || !path_is_clean_abs(abs)) {
		(void) snprintf(why, whylen, "\"%s\" is not a relative cgroup path", val);
		return -EINVAL;
	}
	free(*p);
	*p = xstrdup(val);
	return 0;
}

static int
parse_id(const char *val, void *dst, char *why, size_t whylen)
{
	int r = parse_u64(val, UID_LIMIT, dst);

	if (r < 0)
		(void) snprintf(why, whylen, "bad id \"%s\"", val);
	return r;
}

static int
parse_nboxes(const char *val, void *dst, char *why, size_t whylen)
{
	uint64_t v;
	int r = parse_u64(val, MAX_BOXES, &v);

	if (r < 0 || v == 0) {
		(void) snprintf(why, whylen, "bad number of boxes \"%s\" (1..%llu)", val,
				MAX_BOXES);
		return -EINVAL;
	}
	*(uint64_t *) dst = v;
	return 0;
}

/* The same bounds as the command line's --processes and --open-files. */
static int
parse_count_max(const char *val, void *dst, uint64_t max, char *why, size_t whylen)
{
	int r = parse_u64(val, max, dst);

	if (r < 0)
		(void) snprintf(why, whylen, "bad number \"%s\"%s", val,
				r == -ERANGE ? " (too large)" : "");
	return r;
}

static int
parse_procs(const char *val, void *dst, char *why, size_t whylen)
{
	return parse_count_max(val, dst, 1ULL << 22, why, whylen);
}

static int
parse_nofile(const char *val, void *dst, char *why, size_t whylen)
{
	return parse_count_max(val, dst, 1ULL << 20, why, whylen);
}

/* A tmpfs's nr_inodes: at least 1, and no more than it can hold. */
static int
parse_inodes(const char *val, void *dst, char *why, size_t whylen)
{
	int r = parse_count_max(val, dst, 1ULL << 31, why, whylen);

	if (r == 0 && *(uint64_t *) dst == 0) {
		(void) snprintf(why, whylen, "bad number \"%s\" (at least 1)", val);
		return -EINVAL;
	}
	return r;
}

static int
parse_sz(const char *val, void *dst, char *why, size_t whylen)
{
	int r = parse_size(val, dst);

	if (r < 0)
		(void) snprintf(why, whylen, "bad size \"%s\" (a number of KiB, or with K/M/G)",
				val);
	return r;
}

static int
parse_secs(const char *val, void *dst, char *why, size_t whylen)
{
	int r = parse_seconds(val, 1000ULL * 86400 * 365, dst);

	if (r < 0)
		(void) snprintf(why, whylen, "bad time \"%s\" (seconds, e.g. 2.5)", val);
	return r;
}

static int
parse_boolv(const char *val, void *dst, char *why, size_t whylen)
{
	int r = parse_bool(val, dst);

	if (r < 0)
		(void) snprintf(why, whylen, "bad boolean \"%s\" (yes or no)", val);
	return r;
}

static int
parse_modev(const char *val, void *dst, char *why, size_t whylen)
{
	int r = mode_parse(val, dst);

	if (r < 0)
		(void) snprintf(why, whylen, "unknown mode \"%s\" (one of %s)", val, mode_names());
	return r;
}

static int
parse_cgver(const char *val, void *dst, char *why, size_t whylen)
{
	int r = cg_version_parse(val, dst);

	if (r < 0)
		(void) snprintf(why, whylen, "bad cgroup version \"%s\" (auto, 1, 2 or none)", val);
	return r;
}

static int
parse_llpolicy(const char *val, void *dst, char *why, size_t whylen)
{
	static const char *const names[] = {"auto", "require", "optional", "off"};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(val, names[i]) == 0) {
			*(enum ll_policy *) dst = (enum ll_policy) i;
			return 0;
		}
	}
	(void) snprintf(why, whylen, "bad landlock policy \"%s\" (auto, require, optional or off)",
			val);
	return -EINVAL;
}

static const struct conf_key {
	const char *section, *name;
	parse_fn parse;
	size_t off;
} keys[] = {
	{"", "box_root", parse_abs_path, offsetof(struct ap_conf, box_root)},
	{"", "lock_root", parse_abs_path, offsetof(struct ap_conf, lock_root)},
	{"", "first_uid", parse_id, offsetof(struct ap_conf, first_uid)},
	{"", "first_gid", parse_id, offsetof(struct ap_conf, first_gid)},
	{"", "num_boxes", parse_nboxes, offsetof(struct ap_conf, num_boxes)},
	{"", "mode", parse_modev, offsetof(struct ap_conf, mode)},
	{"limits", "mem", parse_sz, offsetof(struct ap_conf, limits.mem)},
	{"limits", "processes", parse_procs, offsetof(struct ap_conf, limits.processes)},
	{"limits", "open_files", parse_nofile, offsetof(struct ap_conf, limits.open_files)},
	{"limits", "fsize", parse_sz, offsetof(struct ap_conf, limits.fsize)},
	{"limits", "stack", parse_sz, offsetof(struct ap_conf, limits.stack)},
	{"limits", "core", parse_sz, offsetof(struct ap_conf, limits.core)},
	{"limits", "time", parse_secs, offsetof(struct ap_conf, limits.time_ms)},
	{"limits", "wall_time", parse_secs, offsetof(struct ap_conf, limits.wall_ms)},
	{"limits", "extra_time", parse_secs, offsetof(struct ap_conf, limits.extra_ms)},
	{"cgroup", "version", parse_cgver, offsetof(struct ap_conf, cg_version)},
	{"cgroup", "root", parse_abs_path, offsetof(struct ap_conf, cg_root)},
	{"cgroup", "parent", parse_rel_name, offsetof(struct ap_conf, cg_parent)},
	{"sandbox", "engine_path", parse_abs_path, offsetof(struct ap_conf, engine_path)},
	{"sandbox", "code_path", parse_abs_path, offsetof(struct ap_conf, code_path)},
	{"sandbox", "etc_files", parse_str, offsetof(struct ap_conf, etc_files)},
	{"sandbox", "path", parse_str, offsetof(struct ap_conf, path)},
	{"sandbox", "storage", parse_sz, offsetof(struct ap_conf, storage)},
	{"sandbox", "tmp_size", parse_sz, offsetof(struct ap_conf, storage)},
	{"sandbox", "storage_inodes", parse_inodes, offsetof(struct ap_conf, storage_inodes)},
	{"sandbox", "seccomp", parse_boolv, offsetof(struct ap_conf, seccomp)},
	{"sandbox", "landlock", parse_llpolicy, offsetof(struct ap_conf, landlock)},
	{"sandbox", "hidepid", parse_boolv, offsetof(struct ap_conf, hidepid)},
	{"sandbox", "mount_template", parse_boolv, offsetof(struct ap_conf, mount_template)},
	/* isolate's spelling of cgroup keys, accepted at top level */
	{"", "cg_root", parse_abs_path, offsetof(struct ap_conf, cg_root)},
	{"", "cg_parent", parse_rel_name, offsetof(struct ap_conf, cg_parent)},
};

const char *
conf_default_path(void)
{
	return SYSCONFDIR "/apbox/apbox.conf";
}

/*
 * An ordinary user cannot write /var/lib or /run: default to a directory of
 * their own, $XDG_RUNTIME_DIR/apbox (per-user, 0700, made by the login
 * manager), else ~/.cache/apbox.  Never a guessable path in /tmp, which
 * another user could plant first.
 */
static char *
user_state_dir(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR"), *home = getenv("HOME");

	if (xdg && path_is_clean_abs(xdg))
		return xasprintf("%s/apbox", xdg);
	if (home && path_is_clean_abs(home) && strcmp(home, "/") != 0)
		return xasprintf("%s/.cache/apbox", home);
	return NULL;
}

void
conf_defaults(struct ap_conf *c)
{
	cleanup_free char *user = geteuid() != 0 ? user_state_dir() : NULL;

	memset(c, 0, sizeof(*c));
	if (user) {
		c->box_root = xasprintf("%s/boxes", user);
		c->lock_root = xasprintf("%s/locks", user);
	} else {
		c->box_root = xstrdup(LOCALSTATEDIR "/lib/apbox");
		c->lock_root = xstrdup(RUNSTATEDIR "/apbox");
	}
	c->first_uid = 60000;
	c->first_gid = 60000;
	c->num_boxes = 1000;
	c->mode = AP_MODE_PROCESS;
	c->limits.open_files = 1024;
	c->cg_version = CG_AUTO;
	c->cg_root = xstrdup("/sys/fs/cgroup");
	c->cg_parent = xstrdup("apbox");
	c->engine_path = xstrdup("/root/common");
	c->code_path = xstrdup("/root/codes");
	c->etc_files = xstrdup("hosts resolv.conf nsswitch.conf localtime passwd group ld.so.cache "
			       "alternatives ssl ca-certificates");
	c->path = xstrdup("/usr/local/bin:/usr/bin:/bin");
	c->storage = 1024ULL * 1024 * 1024;
	c->storage_inodes = 65536;
	c->seccomp = true;
	c->hidepid = true;
	c->mount_template = true;
}

void
conf_free(struct ap_conf *c)
{
	free(c->file);
	free(c->box_root);
	free(c->lock_root);
	free(c->cg_root);
	free(c->cg_parent);
	free(c->engine_path);
	free(c->code_path);
	free(c->etc_files);
	free(c->path);
	memset(c, 0, sizeof(*c));
}

struct load_ctx {
	struct ap_conf *c;
	FILE *f;
	int lineno;  /* line the reader returned last */
	int errline; /* first line whose key failed */
	char why[200];
};

static int
set_key(struct ap_conf *c, const char *section, const char *key, const char *value, char *why,
	size_t whylen)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, key) == 0)
			return keys[i].parse(value, (char *) c + keys[i].off, why, whylen);
	}
	if (*section)
		(void) snprintf(why, whylen, "unknown key \"%s\" in section [%s]", key, section);
	else
		(void) snprintf(why, whylen, "unknown key \"%s\"", key);
	return -EINVAL;
}

int
conf_set(struct ap_conf *c, const char *section, const char *key, const char *value,
	 struct ap_err *e)
{
	char why[200];
	int r = set_key(c, section, key, value, why, sizeof(why));

	if (r < 0)
		return ap_err_set(e, 0, "%s", why);
	return 0;
}

/* Our own line reader: it counts lines, so a handler error names its exact line. */
static char *
reader(char *buf, int len, void *stream)
{
	struct load_ctx *lc = stream;
	char *r = fgets(buf, len, lc->f);

	if (r)
		lc->lineno++;
	return r;
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *lc = user;

	/* Keep the first error: inih goes on after a handler error. */
	if (lc->errline || !name)
		return 1;
	if (set_key(lc->c, section, name, value ? value : "", lc->why, sizeof(lc->why)) < 0) {
		lc->errline = lc->lineno;
		return 0;
	}
	return 1;
}

int
conf_load(struct ap_conf *c, const char *path, bool must_exist, struct ap_err *e)
{
	struct load_ctx lc = {.c = c};
	cleanup_fclose FILE *f = NULL;
	int r;

	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT && !must_exist)
			return 0;
		return ap_err_set(e, errno, "cannot read config \"%s\"", path);
	}
	lc.f = f;
	r = ini_parse_stream(reader, &lc, handler, &lc);
	if (r == -2)
		return ap_err_set(e, ENOMEM, "cannot parse config \"%s\"", path);
	/* r > 0 is the first failing line, a syntax error or our handler's. */
	if (r > 0 && lc.errline == r)
		return ap_err_set(e, 0, "%s:%d: %s", path, r, lc.why);
	if (r > 0)
		return ap_err_set(e, 0,
				  "%s:%d: syntax error (expected \"key = value\" or "
				  "\"[section]\")",
				  path, r);
	if (ferror(f))
		return ap_err_set(e, EIO, "cannot read config \"%s\"", path);
	free(c->file);
	c->file = xstrdup(path);
	return 0;
}
