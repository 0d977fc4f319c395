/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer harness: --dir rules.  The input is split at newlines (and NUL
 * bytes) into rules.  Each rule that parses must format back to a string
 * that parses to the same rule and formats to the same string (the
 * documented round trip); all of them are then added to one rule set, which
 * must keep one rule per inside path, each of them round-tripping too.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "rules.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
die(const char *what, const char *a, const char *b)
{
	(void) fprintf(stderr, "fuzz-dir: %s: \"%s\" vs \"%s\"\n", what, a ? a : "(null)",
		       b ? b : "(null)");
	abort();
}

static int
streq(const char *a, const char *b)
{
	return (a && b) ? strcmp(a, b) == 0 : a == b;
}

static void
check_round_trip(const struct dir_rule *r, const char *spec)
{
	struct dir_rule r2;
	struct ap_err e = {0};
	bool del;
	char *s1 = rules_format(r), *s2;

	if (rules_parse(s1, &r2, &del, &e) < 0) {
		(void) fprintf(stderr, "fuzz-dir: \"%s\" formats as \"%s\", which fails: %s\n",
			       spec, s1, e.msg);
		abort();
	}
	if (del)
		die("formatted rule parses as a deletion", spec, s1);
	if (!streq(r->inside, r2.inside))
		die("inside changed in the round trip", r->inside, r2.inside);
	if (!streq(r->outside, r2.outside))
		die("outside changed in the round trip", r->outside, r2.outside);
	if (r->flags != r2.flags)
		die("flags changed in the round trip", spec, s1);
	s2 = rules_format(&r2);
	if (strcmp(s1, s2) != 0)
		die("format is not stable", s1, s2);
	free(s1);
	free(s2);
	rules_free_rule(&r2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dir_rules rs = {0};
	char *buf = malloc(size + 1), *line, *next;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	/* NUL bytes end a rule too: treat them as line ends. */
	for (size_t i = 0; i < size; i++)
		if (buf[i] == '\0')
			buf[i] = '\n';

	for (line = buf; line; line = next) {
		struct dir_rule r;
		struct ap_err e = {0};
		bool del;
		int ret;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		ret = rules_parse(line, &r, &del, &e);
		if (ret < 0) {
			if (!e.msg[0])
				die("error without a message", line, "");
			if (r.inside || r.outside)
				die("failed parse left a rule", line, r.inside);
		} else {
			if (!r.inside || r.inside[0] != '/' || !path_is_clean_abs(r.inside))
				die("inside is not clean and absolute", line, r.inside);
			if (del && r.outside)
				die("deletion with an outside path", line, r.outside);
			if (!del)
				check_round_trip(&r, line);
		}
		rules_free_rule(&r);

		e.msg[0] = '\0';
		if ((rules_add(&rs, line, &e) < 0) != (ret < 0))
			die("rules_add and rules_parse disagree", line, e.msg);
	}
	for (size_t i = 0; i < rs.n; i++) {
		check_round_trip(&rs.v[i], rs.v[i].inside);
		for (size_t j = i + 1; j < rs.n; j++)
			if (strcmp(rs.v[i].inside, rs.v[j].inside) == 0)
				die("two rules for the same inside path", rs.v[i].inside,
				    rs.v[j].inside);
	}
	rules_free(&rs);
	free(buf);
	return 0;
}
