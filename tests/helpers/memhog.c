/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memhog: allocate and touch MIB mebibytes, one MiB at a time, so a memory
 * limit shows as an OOM kill (SIGKILL) rather than a failed malloc.
 *
 *   memhog MIB [--step-ms N]
 *
 * Prints "allocated N MiB" and exits 0 when all of it was touched; exits 3
 * if malloc fails, 2 on bad usage.  Plain C, no apbox code: it runs inside
 * boxes and is linked statically.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIB (1024UL * 1024UL)

static int
parse_num(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: memhog MIB [--step-ms N]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	unsigned long mib = 0, step_ms = 0, i;

	if (argc != 2 && argc != 4)
		usage();
	if (parse_num(argv[1], 1UL << 24, &mib) < 0)
		usage();
	if (argc == 4 &&
	    (strcmp(argv[2], "--step-ms") != 0 || parse_num(argv[3], 3600000, &step_ms) < 0))
		usage();
	for (i = 0; i < mib; i++) {
		char *p = malloc(MIB);
		if (!p) {
			fprintf(stderr, "memhog: malloc failed after %lu MiB\n", i);
			return 3;
		}
		/* Non-zero bytes: every page is really faulted in and charged. */
		memset(p, 0x5a, MIB);
		if (step_ms) {
			struct timespec ts = {(time_t) (step_ms / 1000),
					      (long) (step_ms % 1000) * 1000000L};
			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
		}
		/* Never freed: the point is to hold it. */
	}
	printf("allocated %lu MiB\n", mib);
	return 0;
}
