/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meta: classify the fate of a run and render the meta file.  The isolate
 * format writes the keys isolate writes, in an order a map-parser does not
 * care about, plus apbox's own keys (mode, box-id).  JSON has the same keys.
 */
#include "config.h"

#include "meta.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>

#include "util.h"

const char *
meta_status_name(enum meta_status s)
{
	switch (s) {
	case META_OK:
		return "OK";
	case META_RE:
		return "RE";
	case META_SG:
		return "SG";
	case META_TO:
		return "TO";
	case META_XX:
		return "XX";
	default:
		return "XX";
	}
}

int
meta_format_parse(const char *s, enum meta_format *out)
{
	if (strcmp(s, "isolate") == 0)
		*out = META_ISOLATE;
	else if (strcmp(s, "json") == 0)
		*out = META_JSON;
	else
		return -EINVAL;
	return 0;
}

void
meta_classify(struct meta *m, bool timed_out, bool wall_timeout, bool interrupted)
{
	const char *abbrev = m->exitsig ? sigabbrev_np(m->exitsig) : NULL;

	if (m->status == META_XX)
		return;
	if (timed_out) {
		m->status = META_TO;
		(void) snprintf(m->message, sizeof(m->message), "%s",
				wall_timeout ? "Time limit exceeded (wall clock)"
					     : "Time limit exceeded");
	} else if (interrupted) {
		m->status = META_SG;
		(void) snprintf(m->message, sizeof(m->message), "Interrupted");
	} else if (m->exitsig && m->cg_oom_killed && !m->isolate_text) {
		/* The kernel's OOM killer hit the box: say so, never a bare signal. */
		m->status = META_SG;
		(void) snprintf(m->message, sizeof(m->message),
				"Out of memory (killed by signal %d)", m->exitsig);
	} else if (m->exitsig) {
		/* isolate's words in compatible invocation; cg-oom-killed:1 still tells */
		m->status = META_SG;
		if (m->isolate_text || !abbrev)
			(void) snprintf(m->message, sizeof(m->message), "Caught fatal signal %d",
					m->exitsig);
		else
			(void) snprintf(m->message, sizeof(m->message),
					"Caught fatal signal %d (%s)", m->exitsig, abbrev);
	} else if (m->has_exitcode && m->exitcode != 0) {
		m->status = META_RE;
		(void) snprintf(m->message, sizeof(m->message), "Exited with error status %d%s",
				m->exitcode,
				m->cg_oom_killed && !m->isolate_text ? " (out of memory in the box)"
								     : "");
	} else {
		m->status = META_OK;
		m->message[0] = '\0';
	}
}

static void
json_str(FILE *f, const char *s)
{
	(void) fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char) *s;
		if (c == '"' || c == '\\')
			(void) fprintf(f, "\\%c", c);
		else if (c < 0x20)
			(void) fprintf(f, "\\u%04x", c);
		else
			(void) fputc(c, f);
	}
	(void) fputc('"', f);
}

struct emitter {
	FILE *f;
	enum meta_format fmt;
	bool first;
};

static void
emit_key(struct emitter *em, const char *key)
{
	if (em->fmt == META_JSON) {
		(void) fputs(em->first ? "{" : ",", em->f);
		json_str(em->f, key);
		(void) fputc(':', em->f);
	} else {
		(void) fprintf(em->f, "%s:", key);
	}
	em->first = false;
}

static void
emit_u(struct emitter *em, const char *key, uint64_t v)
{
	emit_key(em, key);
	(void) fprintf(em->f, "%" PRIu64 "%s", v, em->fmt == META_JSON ? "" : "\n");
}

/* Seconds with milliseconds, isolate's "%d.%03d". */
static void
emit_secs(struct emitter *em, const char *key, uint64_t ms)
{
	emit_key(em, key);
	(void) fprintf(em->f, "%" PRIu64 ".%03" PRIu64 "%s", ms / 1000, ms % 1000,
		       em->fmt == META_JSON ? "" : "\n");
}

static void
emit_s(struct emitter *em, const char *key, const char *v)
{
	emit_key(em, key);
	if (em->fmt == META_JSON) {
		json_str(em->f, v);
	} else {
		/* one line per key: a newline in a message would forge another key */
		for (; *v; v++)
			(void) fputc(*v == '\n' ? ' ' : *v, em->f);
		(void) fputc('\n', em->f);
	}
}

int
meta_write(FILE *f, const struct meta *m, enum meta_format fmt)
{
	struct emitter em = {f, fmt, true};

	if (m->status != META_OK) {
		emit_s(&em, "status", meta_status_name(m->status));
		emit_s(&em, "message", m->message);
	}
	if (m->killed)
		emit_u(&em, "killed", 1);
	if (m->has_usage) {
		emit_secs(&em, "time", m->time_ms);
		emit_secs(&em, "time-wall", m->wall_ms);
		emit_u(&em, "max-rss", m->max_rss_kb);
		emit_u(&em, "csw-voluntary", m->csw_voluntary);
		emit_u(&em, "csw-forced", m->csw_forced);
	}
	if (m->has_cg_mem)
		emit_u(&em, "cg-mem", m->cg_mem_kb);
	if (m->cg_oom_killed)
		emit_u(&em, "cg-oom-killed", 1);
	if (m->has_exitcode)
		emit_u(&em, "exitcode", (uint64_t) m->exitcode);
	/* isolate writes no exitsig for a time limit */
	if (m->exitsig && !(m->isolate_text && m->status == META_TO))
		emit_u(&em, "exitsig", (uint64_t) m->exitsig);
	if (m->mode)
		emit_s(&em, "mode", m->mode);
	if (m->box_id >= 0)
		emit_u(&em, "box-id", (uint64_t) m->box_id);
	if (m->landlock[0]) {
		emit_s(&em, "landlock", m->landlock);
		if (m->landlock_features[0])
			emit_s(&em, "landlock-features", m->landlock_features);
	}
	if (fmt == META_JSON)
		(void) fputs(em.first ? "{}\n" : "}\n", f);
	if (fflush(f) != 0 || ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}
