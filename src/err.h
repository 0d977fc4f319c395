/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * err: the error record every fallible function fills, the printer, the exit
 * codes and the log verbosity.  Modules never print errors or exit; they fill
 * a struct ap_err and return -errno.  The child between
 * clone() and execve() reports through ap_child_fail() and ap_report_send().
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

/*
 * The one record a child process (between clone() and execve(), where it
 * never prints nor calls exit()) sends its keeper on the report pipe: an
 * error, or a wait status.  Fixed size, written in one write(2).
 */
enum {
	AP_REPORT_ERROR = 1,  /* err: what failed */
	AP_REPORT_STATUS = 2, /* status: the program's wait status, or 0 for "done" */
};
struct ap_report {
	int kind;
	int status;
	struct ap_err err;
};
/* Write one record (e may be NULL). */
void ap_report_send(int fd, int kind, int status, const struct ap_err *e);
/* Child side: send e as an error record, then _exit(AP_EXIT_FAIL). */
AP_NORETURN void ap_child_fail(int fd, const struct ap_err *e);
/*
 * Keeper side: read every record until EOF; keep the first error and the
 * last status (kind 0: none came).  Returns 0 or -errno.
 */
int ap_report_read(int fd, struct ap_report *err_rep, struct ap_report *status_rep);

/* Log verbosity: -1 quiet, 0 normal, 1.. verbose.  The only mutable global. */
extern int ap_verbosity;
/* The program name used in messages ("apbox", or "isolate" when invoked so). */
extern const char *ap_progname;
void ap_log(int level, const char *fmt, ...) AP_PRINTF(2, 3);
