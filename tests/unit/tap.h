/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal TAP producer for the C unit tests (automake's tap-driver reads it). */
#pragma once

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3))) static inline void
tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/*
 * Functions, not blocks: a compound literal in an argument (the tests build
 * argv that way) then lives in the caller's block, as long as the caller uses
 * what it parsed.
 */
static inline void
tap_is_int(long long a, long long b, const char *name)
{
	tap_ok(a == b, "%s", name);
	if (a != b)
		printf("#   got %lld, expected %lld\n", a, b);
}

static inline void
tap_is_str(const char *a, const char *b, const char *name)
{
	int eq = (a && b) ? strcmp(a, b) == 0 : a == b;

	tap_ok(eq, "%s", name);
	if (!eq)
		printf("#   got \"%s\", expected \"%s\"\n", a ? a : "(null)", b ? b : "(null)");
}

#define TAP_IS_INT(a, b, name) tap_is_int((long long) (a), (long long) (b), (name))
#define TAP_IS_STR(a, b, name) tap_is_str((a), (b), (name))

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

/*
 * A writable copy of a literal argv: the parsers overwrite --env values in
 * argv in place.  The copies live in static storage, for the whole test
 * (parsed options point into them), and are never freed.
 */
static inline char **
tap_argv(char **v)
{
	static char chars[1 << 18];
	static char *ptrs[1 << 14];
	static size_t nchars, nptrs;
	char **out = &ptrs[nptrs];

	for (;; v++) {
		size_t len = *v ? strlen(*v) + 1 : 0;
		if (nptrs >= sizeof(ptrs) / sizeof(ptrs[0]) || nchars + len > sizeof(chars)) {
			fprintf(stderr, "tap_argv: out of static storage\n");
			abort();
		}
		if (!*v) {
			ptrs[nptrs++] = NULL;
			return out;
		}
		ptrs[nptrs++] = memcpy(&chars[nchars], *v, len);
		nchars += len;
	}
}
