/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * err: error records, the one place that formats and prints them, and the
 * verbosity-controlled log.  Nothing here allocates, so the record can be
 * filled and sent from the child between clone() and execve().
 */
#include "config.h"

#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ap_verbosity;
const char *ap_progname = "apbox";

int
ap_err_ret(const struct ap_err *e)
{
	return e->errnum ? -e->errnum : -EINVAL;
}

int
ap_err_set(struct ap_err *e, int errnum, const char *fmt, ...)
{
	va_list ap;

	e->errnum = errnum < 0 ? -errnum : errnum;
	va_start(ap, fmt);
	(void) vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return ap_err_ret(e);
}

int
ap_err_prefix(struct ap_err *e, const char *fmt, ...)
{
	char buf[2 * sizeof(e->msg) + 2];
	size_t n;
	va_list ap;

	va_start(ap, fmt);
	(void) vsnprintf(buf, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(buf);
	buf[n++] = ':';
	buf[n++] = ' ';
	memcpy(buf + n, e->msg, sizeof(e->msg));
	buf[n + sizeof(e->msg) - 1] = '\0';
	/* Too long a message is cut: one record is one fixed-size pipe write. */
	memcpy(e->msg, buf, sizeof(e->msg) - 1);
	e->msg[sizeof(e->msg) - 1] = '\0';
	return ap_err_ret(e);
}

void
ap_err_format(const struct ap_err *e, char *buf, unsigned len)
{
	if (e->errnum)
		(void) snprintf(buf, len, "%s: %s", e->msg, strerror(e->errnum));
	else
		(void) snprintf(buf, len, "%s", e->msg);
}

void
ap_err_print(const struct ap_err *e)
{
	char line[sizeof(e->msg) + 128];

	ap_err_format(e, line, sizeof(line));
	(void) fprintf(stderr, "%s: %s\n", ap_progname, line);
}

void
ap_report_send(int fd, int kind, int status, const struct ap_err *e)
{
	struct ap_report rep = {.kind = kind, .status = status};
	ssize_t r;

	if (e)
		rep.err = *e;
	/* One write of a fixed-size record is atomic on a pipe (< PIPE_BUF). */
	r = write(fd, &rep, sizeof(rep));
	(void) r;
}

void
ap_child_fail(int fd, const struct ap_err *e)
{
	ap_report_send(fd, AP_REPORT_ERROR, 0, e);
	_exit(AP_EXIT_FAIL);
}

int
ap_report_read(int fd, struct ap_report *err_rep, struct ap_report *status_rep)
{
	struct ap_report rep;
	ssize_t n;

	while ((n = read(fd, &rep, sizeof(rep))) == (ssize_t) sizeof(rep)) {
		if (rep.kind == AP_REPORT_ERROR && !err_rep->kind)
			*err_rep = rep;
		else if (rep.kind == AP_REPORT_STATUS)
			*status_rep = rep;
	}
	return n < 0 ? -errno : 0;
}

void
ap_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (ap_verbosity < level)
		return;
	(void) fprintf(stderr, "%s: ", ap_progname);
	va_start(ap, fmt);
	(void) vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void) fputc('\n', stderr);
}
