/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the libFuzzer harnesses: argv from NUL-separated input, getopt reset. */
#pragma once

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Split data at NUL bytes into a NULL-terminated argv whose argv[0] is
 * argv0; every argument is its own allocation, so ASan sees an overflow of
 * any one of them.  Free with free_argv().
 */
static inline char **
split_argv(const uint8_t *data, size_t size, const char *argv0, int *argc)
{
	size_t n = 2, i, start, k = 0;
	char **v;

	for (i = 0; i < size; i++)
		n += data[i] == '\0';
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		abort();
	v[k++] = strdup(argv0);
	for (start = 0, i = 0; i <= size; i++) {
		if (i == size || data[i] == '\0') {
			if (i == size && i == start)
				break; /* no empty last argument after a final NUL */
			v[k] = malloc(i - start + 1);
			if (!v[k])
				abort();
			memcpy(v[k], data + start, i - start);
			v[k][i - start] = '\0';
			k++;
			start = i + 1;
		}
	}
	v[k] = NULL;
	*argc = (int) k;
	return v;
}

static inline void
free_argv(char **v)
{
	for (size_t i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

/*
 * glibc's getopt keeps a pointer into the last argv (the rest of a short
 * option cluster) that "optind = 1" does not reset; only optind = 0 does.
 * cli_parse() and compat_parse() set optind = 1, so a parse that stopped in
 * the middle of "-qz" leaves a pointer the next call reads.  Set
 * APBOX_FUZZ_NO_GETOPT_RESET=1 to see that (it is reported as a finding);
 * by default the harness resets getopt fully before each call so that the
 * fuzzer keeps looking for other bugs.
 */
static inline void
reset_getopt(void)
{
	static int checked, no_reset;
	char *dummy[] = {(char *) "x", NULL};

	if (!checked) {
		const char *s = getenv("APBOX_FUZZ_NO_GETOPT_RESET");
		no_reset = s && *s == '1';
		checked = 1;
	}
	if (no_reset)
		return;
	optind = 0;
	opterr = 0;
	while (getopt(1, dummy, "+") != -1)
		;
}
