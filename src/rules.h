/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rules: the directory-rule language (isolate's --dir syntax) that says what
 * a box may see: parsing, merging and formatting, all pure (no system call;
 * unit tested and fuzzed).  Every enforcement consumes the same rules: the
 * mount builder (mounts.c) makes the process modes' new root from them, and
 * the Landlock backend (landlock.c) grants the same paths by their host side.
 *
 * Rule syntax (isolate): IN[=OUT][:OPT[:OPT...]]
 *   IN   path inside the box; absolute, or relative to "/" ("proc" = "/proc");
 *        a trailing "/" is dropped; no "." or ".." components.
 *   OUT  host path (absolute); omitted: same as IN; empty ("IN="): delete the
 *        rule for IN (a default one too).  For "fs" rules OUT names the
 *        filesystem type (proc, sysfs, tmpfs, devpts, mqueue); with "tmp" it
 *        is not allowed.
 *   OPT  rw, noexec, maybe, fs, dev, tmp, norec.
 * Redefining IN replaces the rule in place (keeps its position).
 *
 * The first ':' ends the paths and the first '=' ends IN, so IN can contain
 * neither ':' nor '=', and OUT cannot contain ':' (there is no escape, as in
 * isolate).  Repeated slashes are collapsed.  "fs" needs an explicit type
 * ("proc=proc:fs"); a deletion ("IN=") takes no options.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct ap_err;

enum {
	RULE_RW = 1 << 0,      /* writable; otherwise read-only, every submount too */
	RULE_NOEXEC = 1 << 1,  /* MS_NOEXEC */
	RULE_MAYBE = 1 << 2,   /* skip silently when OUT does not exist */
	RULE_FS = 1 << 3,      /* mount a device-less filesystem named OUT */
	RULE_DEV = 1 << 4,     /* allow device nodes (no MS_NODEV) */
	RULE_TMP = 1 << 5,     /* a fresh, private, writable tmpfs at IN */
	RULE_NOREC = 1 << 6,   /* bind without submounts (no MS_REC) */
	RULE_MINIDEV = 1 << 7, /* internal: apbox's minimal /dev (not settable by --dir) */
	RULE_SYMLINK = 1 << 8, /* internal: a symlink IN -> OUT in the new root, no mount */
	RULE_STATIC = 1 << 9,  /* internal: a default rule the same for every box of box_root */
	RULE_SCRATCH =
		1 << 10, /* internal: a bind of the box's own tmp dir (apbox makes points in it) */
};

struct dir_rule {
	char *inside;  /* absolute, normalised */
	char *outside; /* host path, fs type, or NULL (tmp, minidev) */
	unsigned flags;
};

struct dir_rules {
	struct dir_rule *v;
	size_t n;
};

/*
 * Parse one rule.  On success *is_delete tells whether it was "IN=" (then
 * out->outside is NULL).  Returns 0 or -EINVAL with a message in e (no errno
 * text: e->errnum is 0).  out is always initialised; free it with
 * rules_free_rule().
 */
int rules_parse(const char *spec, struct dir_rule *out, bool *is_delete, struct ap_err *e);
/*
 * Parse spec and add it: replace a rule with the same IN, delete on "IN=",
 * else append.  Deleting a rule that does not exist is not an error.
 */
int rules_add(struct dir_rules *rs, const char *spec, struct ap_err *e);
/*
 * Add an already-built rule (inside/outside are copied; inside must already
 * be normalised). Same replace semantics.  The minimal /dev is added so:
 * rules_put(rs, "/dev", NULL, RULE_MINIDEV).
 */
void rules_put(struct dir_rules *rs, const char *inside, const char *outside, unsigned flags);
void rules_free_rule(struct dir_rule *r);
void rules_free(struct dir_rules *rs);
/*
 * Render a rule back to IN=OUT:opts (for -v output and tests); caller frees.
 * "=OUT" is left out when it equals IN.  Every rule --dir can express parses
 * back to itself; the internal minimal /dev renders as "IN:minidev".
 */
char *rules_format(const struct dir_rule *r);

/* Is inside path a equal to b or below it ("/" covers everything)? */
bool rules_path_covers(const char *a, const char *b);
/*
 * Add a caller's rule (spec, --dir syntax) to rules made of defaults: a
 * caller's rule for a directory first drops the "maybe" rules below it
 * (a caller who binds /etc replaces the default per-file binds), then
 * replaces, deletes or appends as rules_add() does.  Returns 0 or -EINVAL.
 */
int rules_merge(struct dir_rules *rs, const char *spec, struct ap_err *e);
