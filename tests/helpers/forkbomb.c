/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * forkbomb: a bounded fork loop that shows where a process limit stops it.
 *
 *   forkbomb [SECONDS]
 *
 * Forks children that sleep SECONDS (default 5) until fork() fails, then
 * prints "fork failed after N: <strerror>", kills and reaps every child it
 * made and exits 0.  It is safe to run unconstrained: it stops at 4096
 * children, cleans up the same way and exits 2 ("fork never failed").  The
 * children also die with the parent (PR_SET_PDEATHSIG).  Plain C, no apbox
 * code: it runs inside boxes and is linked statically.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CHILDREN 4096

static pid_t children[MAX_CHILDREN];

static void
reap_all(int n)
{
	for (int i = 0; i < n; i++)
		(void) kill(children[i], SIGKILL);
	for (int i = 0; i < n; i++)
		while (waitpid(children[i], NULL, 0) < 0 && errno == EINTR)
			;
}

int
main(int argc, char **argv)
{
	unsigned long secs = 5;
	pid_t parent = getpid();
	int n = 0;

	if (argc > 2) {
		fprintf(stderr, "usage: forkbomb [SECONDS]\n");
		return 2;
	}
	if (argc == 2) {
		char *end;
		errno = 0;
		secs = strtoul(argv[1], &end, 10);
		if (errno || *end || argv[1][0] < '0' || argv[1][0] > '9' || secs > 86400) {
			fprintf(stderr, "usage: forkbomb [SECONDS]\n");
			return 2;
		}
	}
	/* Nothing buffered may be flushed twice by the children. */
	fflush(NULL);
	while (n < MAX_CHILDREN) {
		pid_t pid = fork();
		if (pid < 0) {
			int en = errno;
			reap_all(n);
			printf("fork failed after %d: %s\n", n, strerror(en));
			return 0;
		}
		if (pid == 0) {
			/* Die with the parent, so an interrupted run leaves nothing behind. */
			(void) prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(0);
			(void) sleep((unsigned) secs);
			_exit(0);
		}
		children[n++] = pid;
	}
	reap_all(n);
	printf("fork never failed (%d children)\n", n);
	return 2;
}
