/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * meta: the results of one run, as isolate's "key:value" lines or one JSON
 * object.  The keeper fills struct meta; meta_write() renders it.  Pure
 * formatting (unit tested): no system calls besides writing the stream.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum meta_format {
	META_ISOLATE = 0,
	META_JSON,
};

enum meta_status {
	META_OK = 0,
	META_RE, /* non-zero exit */
	META_SG, /* died on a signal */
	META_TO, /* time limit */
	META_XX, /* apbox error */
};

struct meta {
	enum meta_status status;
	bool has_exitcode;
	int exitcode;
	int exitsig;	/* 0: none */
	bool killed;	/* apbox killed it (time limit, interrupt) */
	bool has_usage; /* time, wall, rss, csw are valid */
	uint64_t time_ms, wall_ms;
	uint64_t max_rss_kb;
	uint64_t csw_voluntary, csw_forced;
	bool has_cg_mem;
	uint64_t cg_mem_kb;
	bool cg_oom_killed;
	char message[300];
	const char *mode; /* mode name */
	/*
	 * The run's Landlock domain: its ABI, "none" or "off", and what it
	 * enforced (landlock_features_format()).  Not written when empty.
	 */
	char landlock[16];
	char landlock_features[96];
	int box_id;
	bool isolate_text; /* messages and keys exactly as isolate writes them */
};

/* Fill status and message from the facts (exitcode/exitsig/killed/oom/timeouts). */
void meta_classify(struct meta *m, bool timed_out, bool wall_timeout, bool interrupted);
int meta_write(FILE *f, const struct meta *m, enum meta_format fmt);
int meta_format_parse(const char *s, enum meta_format *out);
const char *meta_status_name(enum meta_status s);
