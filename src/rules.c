/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rules: the directory-rule language (see rules.h).  Pure: no system call,
 * no global state; the mount builder and the Landlock backend consume what
 * it makes.
 */
#include "config.h"

#include "rules.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "util.h"

/* In the order rules_format() prints them. */
static const struct {
	const char *name;
	unsigned flag;
} opt_names[] = {
	{"rw", RULE_RW},   {"noexec", RULE_NOEXEC}, {"maybe", RULE_MAYBE}, {"fs", RULE_FS},
	{"dev", RULE_DEV}, {"tmp", RULE_TMP},	    {"norec", RULE_NOREC},
};

/*
 * Device-less filesystems a rule may mount (isolate 2.5+ allows proc, sysfs,
 * tmpfs and devpts; mqueue is added for POSIX message queues).  Anything else
 * is refused: a box must not mount arbitrary kernel filesystems.
 */
static const char *const fs_types[] = {"proc", "sysfs", "tmpfs", "devpts", "mqueue"};

/*
 * Normalise a path: collapse repeated slashes, drop a trailing one, and make
 * a relative path absolute.  Returns NULL when a component is "." or "..":
 * such paths are refused rather than resolved, so that a rule means exactly
 * what it says and cannot climb out of the new root.
 */
static char *
normalise_path(const char *p)
{
	char *out = xmalloc(strlen(p) + 2);
	char *o = out;

	while (*p) {
		const char *c;
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		c = p;
		while (*p && *p != '/')
			p++;
		n = (size_t) (p - c);
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.')) {
			free(out);
			return NULL;
		}
		*o++ = '/';
		memcpy(o, c, n);
		o += n;
	}
	if (o == out)
		*o++ = '/';
	*o = '\0';
	return out;
}

static bool
fs_type_allowed(const char *type)
{
	for (size_t i = 0; i < ARRAY_SIZE(fs_types); i++)
		if (strcmp(type, fs_types[i]) == 0)
			return true;
	return false;
}

/* Parse the ':'-separated options (opts is modified). */
static int
parse_opts(char *opts, const char *spec, unsigned *flags, struct ap_err *e)
{
	char *o = opts;

	for (;;) {
		char *next = strchr(o, ':');
		size_t i;

		if (next)
			*next = '\0';
		if (!*o)
			return ap_err_set(e, 0, "empty option in directory rule \"%s\"", spec);
		for (i = 0; i < ARRAY_SIZE(opt_names); i++)
			if (strcmp(o, opt_names[i].name) == 0)
				break;
		if (i == ARRAY_SIZE(opt_names))
			return ap_err_set(e, 0, "unknown option \"%s\" in directory rule \"%s\"", o,
					  spec);
		*flags |= opt_names[i].flag;
		if (!next)
			return 0;
		o = next + 1;
	}
}

int
rules_parse(const char *spec, struct dir_rule *out, bool *is_delete, struct ap_err *e)
{
	cleanup_free char *copy = NULL;
	cleanup_free char *in = NULL;
	cleanup_free char *host = NULL;
	char *opts, *eq, *outs = NULL;
	unsigned flags = 0;
	int r;

	out->inside = NULL;
	out->outside = NULL;
	out->flags = 0;
	*is_delete = false;
	if (!spec || !*spec)
		return ap_err_set(e, 0, "empty directory rule");

	copy = xstrdup(spec);
	opts = strchr(copy, ':');
	if (opts) {
		*opts++ = '\0';
		r = parse_opts(opts, spec, &flags, e);
		if (r < 0)
			return r;
	}
	eq = strchr(copy, '=');
	if (eq) {
		*eq = '\0';
		outs = eq + 1;
	}

	if (!*copy)
		return ap_err_set(e, 0, "no path inside the box in directory rule \"%s\"", spec);
	in = normalise_path(copy);
	if (!in)
		return ap_err_set(
			e, 0, "\".\" or \"..\" in the inside path of directory rule \"%s\"", spec);
	/* The root is apbox's own read-only tmpfs; nothing may replace it. */
	if (strcmp(in, "/") == 0)
		return ap_err_set(e, 0, "cannot mount over \"/\" in directory rule \"%s\"", spec);

	if (outs && !*outs) {
		if (opts)
			return ap_err_set(
				e, 0, "a deletion takes no options in directory rule \"%s\"", spec);
		out->inside = TAKE_PTR(in);
		*is_delete = true;
		return 0;
	}

	if ((flags & RULE_TMP) && (flags & RULE_FS))
		return ap_err_set(e, 0,
				  "options \"tmp\" and \"fs\" exclude each other in directory rule "
				  "\"%s\"",
				  spec);
	if (flags & RULE_TMP) {
		if (outs)
			return ap_err_set(
				e, 0, "\"tmp\" takes no host path in directory rule \"%s\"", spec);
	} else if (flags & RULE_FS) {
		if (!outs)
			return ap_err_set(e, 0,
					  "missing filesystem type in directory rule \"%s\" "
					  "(write IN=TYPE:fs)",
					  spec);
		if (!fs_type_allowed(outs))
			return ap_err_set(
				e, 0,
				"filesystem type \"%s\" not allowed in directory rule \"%s\" "
				"(proc, sysfs, tmpfs, devpts or mqueue)",
				outs, spec);
		host = xstrdup(outs);
	} else if (!outs) {
		host = xstrdup(in);
	} else {
		/*
		 * Unlike isolate, no "./"-relative OUT: the proxy's cwd is not
		 * the box dir, and a host path must not depend on where apbox
		 * happens to run.
		 */
		if (outs[0] != '/')
			return ap_err_set(
				e, 0, "host path \"%s\" is not absolute in directory rule \"%s\"",
				outs, spec);
		host = normalise_path(outs);
		if (!host)
			return ap_err_set(
				e, 0, "\".\" or \"..\" in the host path of directory rule \"%s\"",
				spec);
	}
	out->inside = TAKE_PTR(in);
	out->outside = TAKE_PTR(host);
	out->flags = flags;
	return 0;
}

static struct dir_rule *
find_rule(struct dir_rules *rs, const char *inside)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].inside, inside) == 0)
			return &rs->v[i];
	return NULL;
}

/* Take ownership of *r: replace the rule with the same IN in place, or append. */
static void
put_owned(struct dir_rules *rs, struct dir_rule *r)
{
	struct dir_rule *old = find_rule(rs, r->inside);

	if (old) {
		rules_free_rule(old);
	} else {
		rs->v = xrealloc(rs->v, (rs->n + 1) * sizeof(*rs->v));
		old = &rs->v[rs->n++];
	}
	*old = *r;
	r->inside = NULL;
	r->outside = NULL;
}

void
rules_put(struct dir_rules *rs, const char *inside, const char *outside, unsigned flags)
{
	struct dir_rule r = {
		.inside = xstrdup(inside),
		.outside = outside ? xstrdup(outside) : NULL,
		.flags = flags,
	};

	put_owned(rs, &r);
}

int
rules_add(struct dir_rules *rs, const char *spec, struct ap_err *e)
{
	struct dir_rule r;
	bool is_delete;
	int ret;

	ret = rules_parse(spec, &r, &is_delete, e);
	if (ret < 0) {
		rules_free_rule(&r);
		return ret;
	}
	assert(r.inside);
	if (is_delete) {
		struct dir_rule *old = find_rule(rs, r.inside);

		if (old) {
			size_t i = (size_t) (old - rs->v);

			rules_free_rule(old);
			memmove(&rs->v[i], &rs->v[i + 1], (rs->n - i - 1) * sizeof(*rs->v));
			rs->n--;
		}
		rules_free_rule(&r);
		return 0;
	}
	put_owned(rs, &r);
	return 0;
}

void
rules_free_rule(struct dir_rule *r)
{
	free(r->inside);
	free(r->outside);
	r->inside = NULL;
	r->outside = NULL;
}

void
rules_free(struct dir_rules *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		rules_free_rule(&rs->v[i]);
	free(rs->v);
	rs->v = NULL;
	rs->n = 0;
}

char *
rules_format(const struct dir_rule *r)
{
	size_t len = strlen(r->inside) + (r->outside ? strlen(r->outside) : 0) + 64;
	char *s = xmalloc(len);

	strcpy(s, r->inside);
	if (r->outside && ((r->flags & RULE_FS) || strcmp(r->outside, r->inside) != 0)) {
		strcat(s, "=");
		strcat(s, r->outside);
	}
	for (size_t i = 0; i < ARRAY_SIZE(opt_names); i++) {
		if (r->flags & opt_names[i].flag) {
			strcat(s, ":");
			strcat(s, opt_names[i].name);
		}
	}
	if (r->flags & RULE_MINIDEV)
		strcat(s, ":minidev");
	if (r->flags & RULE_SYMLINK)
		strcat(s, ":symlink");
	return s;
}

bool
rules_path_covers(const char *a, const char *b)
{
	size_t n = strlen(a);

	return strncmp(a, b, n) == 0 && (b[n] == '\0' || b[n] == '/' || n == 1);
}

int
rules_merge(struct dir_rules *rs, const char *spec, struct ap_err *e)
{
	struct dir_rule nr;
	bool del;
	int r = rules_parse(spec, &nr, &del, e);

	if (r < 0)
		return r;
	for (size_t j = 0; j < rs->n;) {
		struct dir_rule *dr = &rs->v[j];

		if (strcmp(dr->inside, nr.inside) != 0 &&
		    rules_path_covers(nr.inside, dr->inside) && (dr->flags & RULE_MAYBE)) {
			rules_free_rule(dr);
			memmove(dr, dr + 1, (rs->n - j - 1) * sizeof(*dr));
			rs->n--;
			continue;
		}
		j++;
	}
	rules_free_rule(&nr);
	return rules_add(rs, spec, e);
}
