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

#define TAP_IS_INT(a, b, name)                                           \
	do {                                                             \
		long long a_ = (long long) (a), b_ = (long long) (b);    \
		tap_ok(a_ == b_, "%s", name);                            \
		if (a_ != b_)                                            \
			printf("#   got %lld, expected %lld\n", a_, b_); \
	} while (0)

#define TAP_IS_STR(a, b, name)                                                          \
	do {                                                                            \
		const char *a_ = (a), *b_ = (b);                                        \
		int eq_ = (a_ && b_) ? strcmp(a_, b_) == 0 : a_ == b_;                  \
		tap_ok(eq_, "%s", name);                                                \
		if (!eq_)                                                               \
			printf("#   got \"%s\", expected \"%s\"\n", a_ ? a_ : "(null)", \
			       b_ ? b_ : "(null)");                                     \
	} while (0)

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
