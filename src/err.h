/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * err: the error record every fallible function fills, the printer, the exit
 * codes and the log verbosity.  Modules never print errors or exit; they fill
 * a struct ap_err and return -errno.  Only main.c and the keeper call
 * ap_die(); the child between clone() and execve() calls ap_child_fail().
 */
#pragma once

#include <stdbool.h>

#define AP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define AP_NORETURN	__attribute__((noreturn))

/* Exit codes of apbox (design.md §3). */
enum {
	AP_EXIT_FAIL = 125,	/* apbox itself failed, or bad input */
	AP_EXIT_NOEXEC = 126,	/* program found but not executable */
	AP_EXIT_NOTFOUND = 127, /* program not found */
	AP_EXIT_SIGBASE = 128,	/* 128 + signal number */
};

/* Exit codes in isolate-compatible invocation. */
enum {
	AP_ISO_EXIT_OK = 0,
	AP_ISO_EXIT_RUNFAIL = 1,
	AP_ISO_EXIT_INTERNAL = 2,
};

struct ap_err {
	int errnum;    /* positive errno, 0 if none applies */
	int exitcode;  /* 0: the default (AP_EXIT_FAIL), else a specific exit code */
	char msg[256]; /* fixed size: no allocation to report, one atomic pipe write */
};

/* Set the error; returns -errnum (or -EINVAL when errnum is 0). */
int ap_err_set(struct ap_err *e, int errnum, const char *fmt, ...) AP_PRINTF(3, 4);
/* Prepend "<prefix>: " to the message; returns -errnum (or -EINVAL). */
int ap_err_prefix(struct ap_err *e, const char *fmt, ...) AP_PRINTF(2, 3);
/* The negative errno a filled record stands for. */
int ap_err_ret(const struct ap_err *e);
/* Format the full line ("<msg>[: <strerror>]") into buf. */
void ap_err_format(const struct ap_err *e, char *buf, unsigned len);
/* Print "apbox: <msg>[: <strerror>]" on stderr. */
void ap_err_print(const struct ap_err *e);
/* Print and exit with e->exitcode or AP_EXIT_FAIL.  main/keeper only. */
AP_NORETURN void ap_die(const struct ap_err *e);
/* Child side of the error pipe: write the record to fd, then _exit(). */
AP_NORETURN void ap_child_fail(int fd, const struct ap_err *e);

/* Log verbosity: -1 quiet, 0 normal, 1.. verbose.  The only mutable global. */
extern int ap_verbosity;
/* The program name used in messages ("apbox", or "isolate" when invoked so). */
extern const char *ap_progname;
void ap_log(int level, const char *fmt, ...) AP_PRINTF(2, 3);
void ap_warn(const char *fmt, ...) AP_PRINTF(1, 2);
