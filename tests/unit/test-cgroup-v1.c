/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-cgroup-v1: the cgroup v1 backend against a fake tree of ordinary
 * files in a temporary directory (one directory per controller "mount").
 * Detection is bypassed by passing CG_V1.  The real v1 behaviour (OOM kill,
 * freezer) is covered by the bats tests on the project machine.
 */
#include "config.h"

#include "cgroup-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

#include "tap.h"

static char root[] = "/tmp/apbox-test-cg1.XXXXXX";

static void
put(const char *rel, const char *content)
{
	cleanup_free char *p = xasprintf("%s/%s", root, rel);
	FILE *f = fopen(p, "w");

	if (!f || fputs(content, f) < 0 || fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", p);
		exit(1);
	}
}

static const char *
get(const char *rel)
{
	static char buf[256];
	cleanup_free char *p = xasprintf("%s/%s", root, rel);
	ssize_t n = read_file(p, buf, sizeof(buf));

	if (n < 0)
		return "(missing)";
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

/* The fd the next open() will return: the lowest one not in use. */
static int
lowest_free_fd(void)
{
	int fd = dup(0);

	if (fd >= 0)
		(void) close(fd);
	return fd;
}

static void
mk(const char *rel)
{
	cleanup_free char *p = xasprintf("%s/%s", root, rel);

	if (mkdir(p, 0755) < 0 && errno != EEXIST) {
		printf("Bail out! cannot mkdir %s\n", p);
		exit(1);
	}
}

static void
rm(const char *rel)
{
	cleanup_free char *p = xasprintf("%s/%s", root, rel);

	(void) unlink(p);
}

static bool
exists(const char *rel)
{
	cleanup_free char *p = xasprintf("%s/%s", root, rel);
	struct stat st;

	return lstat(p, &st) == 0;
}

/* Controller "mounts": cpuacct co-mounted with cpu, with a "cpuacct" symlink as systemd makes. */
static void
build_mounts(void)
{
	mk("memory");
	put("memory/cgroup.procs", "");
	mk("pids");
	put("pids/cgroup.procs", "");
	mk("cpu,cpuacct");
	put("cpu,cpuacct/cgroup.procs", "");
	{
		cleanup_free char *l = xasprintf("%s/cpuacct", root);
		if (symlink("cpu,cpuacct", l) < 0) {
			printf("Bail out! symlink %s\n", l);
			exit(1);
		}
	}
	mk("freezer");
	put("freezer/cgroup.procs", "");
}

/* The files the kernel would put in box-5 of memory and pids ... */
static void
fill_box(void)
{
	put("memory/apbox/box-5/cgroup.procs", "");
	put("memory/apbox/box-5/tasks", "");
	put("memory/apbox/box-5/memory.limit_in_bytes", "9223372036854771712\n");
	put("memory/apbox/box-5/memory.memsw.limit_in_bytes", "9223372036854771712\n");
	put("memory/apbox/box-5/memory.max_usage_in_bytes", "777\n");
	put("memory/apbox/box-5/memory.memsw.max_usage_in_bytes", "777\n");
	put("memory/apbox/box-5/memory.failcnt", "4\n");
	put("memory/apbox/box-5/memory.memsw.failcnt", "4\n");
	put("memory/apbox/box-5/memory.force_empty", "");
	put("memory/apbox/box-5/memory.oom_control",
	    "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
	put("pids/apbox/box-5/cgroup.procs", "");
	put("pids/apbox/box-5/tasks", "");
	put("pids/apbox/box-5/pids.max", "max\n");
}

/* ... and in cpuacct and freezer, once made. */
static void
fill_box_others(void)
{
	put("cpu,cpuacct/apbox/box-5/cgroup.procs", "");
	put("cpu,cpuacct/apbox/box-5/tasks", "");
	put("cpu,cpuacct/apbox/box-5/cpuacct.usage", "5000000\n");
	put("freezer/apbox/box-5/cgroup.procs", "");
	put("freezer/apbox/box-5/tasks", "");
	put("freezer/apbox/box-5/freezer.state", "FROZEN\n");
}

static void
test_lifecycle(void)
{
	struct cg_limits lim = {.mem = 32ULL << 20, .pids = 16};
	struct cg_limits none = {0};
	int join[CG_JOIN_MAX] = {-1, -1, -1, -1};
	struct cg_stats st;
	struct ap_err e = {0};
	struct cg c;
	cleanup_free char *p0 = xasprintf("%s/memory/apbox/box-5", root);
	cleanup_free char *p2 = xasprintf("%s/cpu,cpuacct/apbox/box-5", root);

	TAP_IS_INT(cg_open(&c, CG_V1, root, "apbox", 5, &e), 0, "open fake v1 tree");
	TAP_IS_INT(c.have, CG_MEMORY | CG_PIDS | CG_CPU | CG_KILL, "all four controllers seen");
	TAP_IS_STR(c.path[0], p0, "memory path");
	TAP_IS_STR(c.path[2], p2, "cpuacct found as cpu,cpuacct, symlink skipped");
	tap_ok(c.is_writable, "fake tree is writable");
	TAP_IS_INT(cg_clone_fd(&c), -1, "v1 has no clone fd");

	TAP_IS_INT(cg_create(&c, &e), 0, "create");
	tap_ok(exists("memory/apbox/box-5") && exists("pids/apbox/box-5"),
	       "box cgroup made for memory and pids");
	tap_ok(!exists("cpu,cpuacct/apbox/box-5") && !exists("freezer/apbox/box-5"),
	       "cpuacct and freezer wait for a run that needs them");
	fill_box();

	/* A run with a pid namespace and no CPU time limit: memory and pids only. */
	TAP_IS_INT(cg_join_open(&c, &lim, join, &e), 2, "join files: memory and pids");
	int mem_fd = join[0], pids_fd = join[1];
	TAP_IS_INT(cg_join_self(join, 2), 0, "join");
	TAP_IS_STR(get("memory/apbox/box-5/tasks"), "0", "joined memory through tasks, as itself");
	TAP_IS_STR(get("pids/apbox/box-5/tasks"), "0", "joined pids through tasks, as itself");
	TAP_IS_STR(get("memory/apbox/box-5/cgroup.procs"), "", "no process moved by pid");
	tap_ok(fcntl(mem_fd, F_GETFD) < 0 && fcntl(pids_fd, F_GETFD) < 0, "join closes its fds");
	TAP_IS_INT(cg_prepare(&c, &lim, &e), 0, "prepare, no CPU limit, pid namespace");
	tap_ok(!exists("cpu,cpuacct/apbox/box-5") && !exists("freezer/apbox/box-5"),
	       "such a run makes neither cpuacct nor freezer");
	TAP_IS_INT(cg_stats(&c, &st, &e), 0, "stats of that run");
	tap_ok(!st.has_cpu, "no CPU time from a cgroup the run did not join");

	/* A CPU time limit without a pid namespace: cpuacct and freezer too, made now. */
	lim.cpu = lim.kill = true;
	put("memory/apbox/box-5/tasks", "");
	put("pids/apbox/box-5/tasks", "");
	TAP_IS_INT(cg_join_open(&c, &lim, join, &e), -ENOENT,
		   "join files of cgroups just made: their tasks is the kernel's to make");
	tap_ok(exists("cpu,cpuacct/apbox/box-5") && exists("freezer/apbox/box-5"),
	       "cpuacct and freezer made by the run that needs them");
	fill_box_others();
	TAP_IS_INT(cg_join_open(&c, &lim, join, &e), 4, "join files: all four");
	TAP_IS_INT(cg_join_self(join, 4), 0, "join all four");
	TAP_IS_STR(get("memory/apbox/box-5/tasks"), "0", "joined memory");
	TAP_IS_STR(get("pids/apbox/box-5/tasks"), "0", "joined pids");
	TAP_IS_STR(get("cpu,cpuacct/apbox/box-5/tasks"), "0", "joined cpuacct");
	TAP_IS_STR(get("freezer/apbox/box-5/tasks"), "0", "joined freezer");
	TAP_IS_INT(cg_prepare(&c, &lim, &e), 0, "prepare, CPU limit, no pid namespace");

	TAP_IS_INT(cg_prepare(&c, &lim, &e), 0, "prepare with limits");
	TAP_IS_STR(get("memory/apbox/box-5/memory.limit_in_bytes"), "33554432", "memory limit");
	TAP_IS_STR(get("memory/apbox/box-5/memory.memsw.limit_in_bytes"), "33554432",
		   "memsw = memory: swap off");
	TAP_IS_STR(get("memory/apbox/box-5/memory.max_usage_in_bytes"), "0", "peak reset");
	TAP_IS_STR(get("memory/apbox/box-5/memory.memsw.max_usage_in_bytes"), "777",
		   "memsw peak not written (never read)");
	TAP_IS_STR(get("memory/apbox/box-5/memory.failcnt"), "4",
		   "failcnt not written (never read)");
	TAP_IS_STR(get("pids/apbox/box-5/pids.max"), "16", "pids.max");
	TAP_IS_STR(get("freezer/apbox/box-5/freezer.state"), "THAWED", "left-over freeze undone");
	TAP_IS_INT(c.cpu_base, 5000, "cpu baseline in usec");
	TAP_IS_INT(c.oom_base, 1, "oom baseline");

	put("memory/apbox/box-5/memory.max_usage_in_bytes", "31457280\n");
	put("memory/apbox/box-5/memory.oom_control",
	    "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
	put("cpu,cpuacct/apbox/box-5/cpuacct.usage", "125000000\n");
	TAP_IS_INT(cg_stats(&c, &st, &e), 0, "stats");
	tap_ok(st.has_mem_peak, "has peak");
	TAP_IS_INT(st.mem_peak, 31457280, "peak");
	tap_ok(st.oom_killed, "oom_kill 1 -> 2 is an OOM kill");
	tap_ok(st.has_cpu, "has cpu");
	TAP_IS_INT(st.cpu_usec, 120000, "cpu since prepare");

	TAP_IS_INT(cg_prepare(&c, &none, &e), 0, "prepare without limits");
	TAP_IS_STR(get("memory/apbox/box-5/memory.limit_in_bytes"), "-1", "memory limit cleared");
	TAP_IS_STR(get("memory/apbox/box-5/memory.memsw.limit_in_bytes"), "-1", "memsw cleared");
	TAP_IS_STR(get("pids/apbox/box-5/pids.max"), "max", "pids.max cleared");
	TAP_IS_INT(cg_stats(&c, &st, &e), 0, "stats again");
	tap_ok(!st.oom_killed, "same oom_kill count is no OOM kill");

	/* Without swap accounting the memsw files are absent: skipped, not an error. */
	rm("memory/apbox/box-5/memory.memsw.limit_in_bytes");
	rm("memory/apbox/box-5/memory.memsw.max_usage_in_bytes");
	rm("memory/apbox/box-5/memory.memsw.failcnt");
	TAP_IS_INT(cg_prepare(&c, &lim, &e), 0, "prepare without memsw files");
	TAP_IS_STR(get("memory/apbox/box-5/memory.limit_in_bytes"), "33554432",
		   "memory limit without memsw");
	tap_ok(!exists("memory/apbox/box-5/memory.memsw.limit_in_bytes"), "memsw not created");

	/* A box cgroup without its tasks file: one clear error, no fd left open. */
	rm("pids/apbox/box-5/tasks");
	e.msg[0] = '\0';
	mem_fd = lowest_free_fd(); /* where memory's tasks is opened */
	TAP_IS_INT(cg_join_open(&c, &lim, join, &e), -ENOENT, "join without pids' tasks fails");
	tap_ok(strstr(e.msg, "pids/apbox/box-5/tasks") != NULL, "message names the file: %s",
	       e.msg);
	tap_ok(mem_fd >= 0 && fcntl(mem_fd, F_GETFD) < 0, "memory's tasks closed again");
	put("pids/apbox/box-5/tasks", "");

	TAP_IS_INT(cg_kill(&c, &e), 0, "kill of an empty box");
	TAP_IS_STR(get("freezer/apbox/box-5/freezer.state"), "THAWED", "thawed after kill");

	rm("memory/apbox/box-5/memory.limit_in_bytes");
	e.msg[0] = '\0';
	TAP_IS_INT(cg_prepare(&c, &lim, &e), -ENOENT, "prepare fails without limit_in_bytes");
	tap_ok(strstr(e.msg, "memory.limit_in_bytes") != NULL, "message names the file: %s", e.msg);
	cg_free(&c);
}

static void
test_destroy(void)
{
	struct ap_err e = {0};
	struct cg c;

	TAP_IS_INT(cg_open(&c, CG_V1, root, "apbox", 6, &e), 0, "open box 6");
	TAP_IS_INT(cg_create(&c, &e), 0, "create box 6");
	tap_ok(exists("pids/apbox/box-6"), "box 6 made");
	TAP_IS_INT(cg_destroy(&c, &e), 0, "destroy box 6");
	tap_ok(!exists("memory/apbox/box-6") && !exists("pids/apbox/box-6") &&
		       !exists("cpu,cpuacct/apbox/box-6") && !exists("freezer/apbox/box-6"),
	       "box 6 removed everywhere");
	TAP_IS_INT(cg_destroy(&c, &e), 0, "destroy is idempotent");
	TAP_IS_INT(cg_remove_parent(&c, &e), 0, "remove_parent with box 5 left is success");
	tap_ok(exists("memory/apbox"), "busy parent kept");
	cg_free(&c);
}

static void
test_missing_controller(void)
{
	struct cg_limits mem = {.mem = 1 << 20};
	struct cg_limits pids = {.pids = 4};
	struct ap_err e = {0};
	struct cg c;

	rm("memory/cgroup.procs");
	TAP_IS_INT(cg_open(&c, CG_V1, root, "apbox", 5, &e), 0, "open without memory");
	tap_ok(!(c.have & CG_MEMORY), "no memory controller");
	tap_ok(c.path[0] == NULL, "no memory path");
	TAP_IS_INT(cg_check_limits(&c, &mem, &e), -EOPNOTSUPP, "memory limit refused");
	tap_ok(strstr(e.msg, "memory") != NULL, "message names memory: %s", e.msg);
	TAP_IS_INT(cg_check_limits(&c, &pids, &e), 0, "pids limit allowed");
	cg_free(&c);
	put("memory/cgroup.procs", "");
}

int
main(void)
{
	if (!mkdtemp(root)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	build_mounts();
	test_lifecycle();
	test_destroy();
	test_missing_controller();
	{
		/* remove_tree_at() wants a real directory fd (it compares st_dev). */
		char *slash = strrchr(root, '/');
		cleanup_close int tmp = -1;
		*slash = '\0';
		tmp = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		TAP_IS_INT(remove_tree_at(tmp, slash + 1), 0, "temporary tree removed");
	}
	return tap_done();
}
