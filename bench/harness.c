/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * harness: times commands for bench/run, interleaved so that every ratio
 * compares runs made under the same conditions.
 *
 *   harness time [-r RUNS] [-w WARMUP] SPEC
 *   harness throughput [-r REPEATS] [-n RUNS] SPEC
 *
 * SPEC is a file of tab-separated lines "NAME<TAB>ARG0<TAB>ARG1...".  Lines
 * that repeat the NAME of the line above are further steps of the same
 * benchmark: one sample runs all of its steps one after the other (the
 * cleanup, init, run, cleanup cycle).
 *
 * time: WARMUP + RUNS rounds; each round runs every benchmark once, starting
 * one benchmark later than the round before, so a slow moment of the
 * machine spreads over all of them instead of landing on one.  A sample is
 * the wall time from the first spawn to the last wait4() of its steps.
 * Prints one line per benchmark:
 *   NAME<TAB>ok|fail:STATUS<TAB>MEDIAN<TAB>MIN<TAB>MAX<TAB>ms ms ...
 *       <TAB>RSS-MEDIAN<TAB>RSS-MIN<TAB>RSS-MAX<TAB>kib kib ...
 * (times in milliseconds, max RSS in KiB; a field is "-" without samples)
 * where max RSS is the largest ru_maxrss that wait4() gave for a step (the
 * largest process of the step's tree that was waited for).
 *
 * throughput: every benchmark of SPEC is one stream; all streams start
 * together and each runs its steps RUNS times in a row.  A repeat's value
 * is the number of runs of all streams per second of wall time.  Prints
 *   throughput<TAB>ok|fail:STATUS<TAB>MEDIAN<TAB>MIN<TAB>MAX<TAB>runs/s runs/s ...
 *
 * Commands run with the harness's environment, stdin and stdout on
 * /dev/null, stderr inherited.  A command that exits non-zero stops its
 * benchmark (later samples are not taken) and is reported as fail:STATUS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct step {
	char **argv;
};

struct bench {
	char *name;
	struct step *steps;
	size_t nsteps;
	double *ms;
	long *rss;
	size_t nsamples;
	int fail; /* 0, or the wait status / 256+errno of the failing step */
};

static void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		perror("harness");
		exit(2);
	}
	return p;
}

static double
now_ms(void)
{
	struct timespec ts;

	(void) clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static char **
split_tabs(char *line)
{
	char **v = NULL;
	size_t n = 0;

	for (char *tok = strtok(line, "\t"); tok; tok = strtok(NULL, "\t")) {
		v = xrealloc(v, (n + 2) * sizeof(*v));
		v[n++] = strdup(tok);
	}
	if (v)
		v[n] = NULL;
	return v;
}

static struct bench *
read_spec(const char *path, size_t *nbench)
{
	FILE *f = fopen(path, "r");
	struct bench *b = NULL;
	char *line = NULL;
	size_t cap = 0, n = 0;
	ssize_t len;

	if (!f) {
		(void) fprintf(stderr, "harness: cannot open \"%s\": %s\n", path, strerror(errno));
		exit(2);
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		char **v;
		struct bench *cur;

		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		v = split_tabs(line);
		if (!v || !v[1]) {
			(void) fprintf(stderr, "harness: bad spec line \"%s\"\n", line);
			exit(2);
		}
		if (n == 0 || strcmp(b[n - 1].name, v[0]) != 0) {
			b = xrealloc(b, (n + 1) * sizeof(*b));
			memset(&b[n], 0, sizeof(*b));
			b[n].name = v[0];
			n++;
		} else {
			free(v[0]);
		}
		cur = &b[n - 1];
		cur->steps = xrealloc(cur->steps, (cur->nsteps + 1) * sizeof(*cur->steps));
		cur->steps[cur->nsteps++].argv = v + 1;
	}
	free(line);
	(void) fclose(f);
	*nbench = n;
	return b;
}

/* Start one step; stdin and stdout on /dev/null.  Returns the pid or -1. */
static pid_t
start(char **argv)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int r;

	(void) posix_spawn_file_actions_init(&fa);
	(void) posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	(void) posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	(void) posix_spawn_file_actions_destroy(&fa);
	if (r != 0) {
		(void) fprintf(stderr, "harness: cannot run \"%s\": %s\n", argv[0], strerror(r));
		errno = r;
		return -1;
	}
	return pid;
}

/* Run the steps of b once.  Returns 0 or the failure code; *ms, *rss filled. */
static int
run_once(const struct bench *b, double *ms, long *rss)
{
	double t0 = now_ms();

	*rss = 0;
	for (size_t i = 0; i < b->nsteps; i++) {
		struct rusage ru;
		int st;
		pid_t pid = start(b->steps[i].argv);

		if (pid < 0)
			return 256 + errno;
		if (wait4(pid, &st, 0, &ru) < 0)
			return 256 + errno;
		if (ru.ru_maxrss > *rss)
			*rss = ru.ru_maxrss;
		if (st != 0)
			return st;
	}
	*ms = now_ms() - t0;
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return (x > y) - (x < y);
}

/* "MEDIAN<TAB>MIN<TAB>MAX<TAB>v v v" of v[0..n) with `prec` decimals; "-" when n is 0. */
static void
print_stats(const double *v, size_t n, int prec)
{
	double *s;
	double med;

	if (n == 0) {
		(void) printf("-\t-\t-\t");
		return;
	}
	s = xrealloc(NULL, n * sizeof(double));
	memcpy(s, v, n * sizeof(double));
	qsort(s, n, sizeof(double), cmp_double);
	med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	(void) printf("%.*f\t%.*f\t%.*f\t", prec, med, prec, s[0], prec, s[n - 1]);
	for (size_t i = 0; i < n; i++)
		(void) printf("%s%.*f", i ? " " : "", prec, v[i]);
	free(s);
}

static void
print_fail(int fail)
{
	if (fail >= 256)
		(void) printf("fail:%s", strerror(fail - 256));
	else if (WIFSIGNALED(fail))
		(void) printf("fail:signal-%d", WTERMSIG(fail));
	else
		(void) printf("fail:exit-%d", WEXITSTATUS(fail));
}

static int
cmd_time(struct bench *b, size_t n, int runs, int warmup)
{
	double *rssd = xrealloc(NULL, (size_t) runs * sizeof(double));

	for (size_t i = 0; i < n; i++) {
		b[i].ms = xrealloc(NULL, (size_t) runs * sizeof(double));
		b[i].rss = xrealloc(NULL, (size_t) runs * sizeof(long));
	}
	for (int round = 0; round < warmup + runs; round++) {
		for (size_t k = 0; k < n; k++) {
			struct bench *cur = &b[(k + (size_t) round) % n];
			double ms;
			long rss;
			int r;

			if (cur->fail)
				continue;
			r = run_once(cur, &ms, &rss);
			if (r) {
				cur->fail = r;
				continue;
			}
			if (round >= warmup) {
				cur->ms[cur->nsamples] = ms;
				cur->rss[cur->nsamples] = rss;
				cur->nsamples++;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		(void) printf("%s\t", b[i].name);
		if (b[i].fail)
			print_fail(b[i].fail);
		else
			(void) printf("ok");
		(void) printf("\t");
		print_stats(b[i].ms, b[i].nsamples, 3);
		(void) printf("\t");
		for (size_t k = 0; k < b[i].nsamples; k++)
			rssd[k] = (double) b[i].rss[k];
		print_stats(rssd, b[i].nsamples, 0);
		(void) printf("\n");
	}
	free(rssd);
	return 0;
}

/* One stream: run b's steps `runs` times; exit 0 or 1 (first failure on stderr). */
static void
stream(const struct bench *b, int runs)
{
	for (int i = 0; i < runs; i++) {
		double ms;
		long rss;
		int r = run_once(b, &ms, &rss);

		if (r) {
			(void) fprintf(stderr, "harness: stream %s failed: status %d\n", b->name,
				       r);
			_exit(1);
		}
	}
	_exit(0);
}

static int
cmd_throughput(struct bench *b, size_t n, int repeats, int runs)
{
	pid_t *pids = xrealloc(NULL, n * sizeof(pid_t));
	double *tp = xrealloc(NULL, (size_t) repeats * sizeof(double));
	int fail = 0, done = 0;

	for (int rep = 0; rep < repeats && !fail; rep++) {
		double t0 = now_ms(), t;

		(void) fflush(NULL);
		for (size_t i = 0; i < n; i++) {
			pids[i] = fork();
			if (pids[i] < 0) {
				perror("harness: fork");
				exit(2);
			}
			if (pids[i] == 0)
				stream(&b[i], runs);
		}
		for (size_t i = 0; i < n; i++) {
			int st;

			if (waitpid(pids[i], &st, 0) < 0 || st != 0)
				fail = st ? st : 256 + errno;
		}
		t = now_ms() - t0;
		if (!fail)
			tp[done++] = (double) runs * (double) n * 1000.0 / t;
	}
	(void) printf("throughput\t");
	if (fail)
		print_fail(fail);
	else
		(void) printf("ok");
	(void) printf("\t");
	print_stats(tp, (size_t) done, 2);
	(void) printf("\n");
	free(pids);
	free(tp);
	return 0;
}

static int
parse_int(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v < 0 || v > 1000000) {
		(void) fprintf(stderr, "harness: bad number \"%s\"\n", s);
		exit(2);
	}
	return (int) v;
}

static void
usage(void)
{
	(void) fprintf(stderr, "usage: harness time [-r RUNS] [-w WARMUP] SPEC\n"
			       "       harness throughput [-r REPEATS] [-n RUNS] SPEC\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	int runs = 10, warmup = 1, per_stream = 10, opt;
	bool is_time;
	struct bench *b;
	size_t n;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "time") == 0)
		is_time = true;
	else if (strcmp(argv[1], "throughput") == 0)
		is_time = false;
	else
		usage();
	optind = 2;
	while ((opt = getopt(argc, argv, "+r:w:n:")) != -1) {
		switch (opt) {
		case 'r':
			runs = parse_int(optarg);
			break;
		case 'w':
			warmup = parse_int(optarg);
			break;
		case 'n':
			per_stream = parse_int(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || runs < 1)
		usage();
	b = read_spec(argv[optind], &n);
	if (n == 0) {
		(void) fprintf(stderr, "harness: empty spec\n");
		return 2;
	}
	return is_time ? cmd_time(b, n, runs, warmup) : cmd_throughput(b, n, runs, per_stream);
}
