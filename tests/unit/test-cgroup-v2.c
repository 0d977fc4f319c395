/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-cgroup-v2: the cgroup v2 backend against a fake cgroup tree made of
 * ordinary files in a temporary directory (the project machine has no
 * usable cgroup2 controllers).  Detection is bypassed by passing CG_V2.
 */
#include "config.h"

#include "cgroup-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

#include "tap.h"

static char root[] = "/tmp/apbox-test-cg2.XXXXXX";

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

/* The content of a file below root, trailing newline removed; "(missing)" if absent. */
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

static void
mk(const char *rel)
{
	cleanup_free char *p = xasprintf("%s/%s", root, rel);

	if (mkdir(p, 0755) < 0 && errno != EEXIST) {
		printf("Bail out! cannot mkdir %s\n", p);
		exit(1);
	}
}

static bool
exists(const char *rel)
{
	cleanup_free char *p = xasprintf("%s/%s", root, rel);
	struct stat st;

	return lstat(p, &st) == 0;
}

/* What the kernel would show: root and parent offering controllers, a box with its files. */
static void
build_tree(const char *controllers)
{
	put("cgroup.controllers", controllers);
	put("cgroup.subtree_control", "");
	mk("apbox");
	put("apbox/cgroup.controllers", controllers);
	put("apbox/cgroup.subtree_control", "");
	mk("apbox/box-7");
	put("apbox/box-7/memory.max", "max\n");
	put("apbox/box-7/memory.swap.max", "max\n");
	put("apbox/box-7/memory.peak", "0\n");
	put("apbox/box-7/memory.events",
	    "low 0\nhigh 0\nmax 0\noom 0\noom_kill 2\noom_group_kill 0\n");
	put("apbox/box-7/memory.oom.group", "0\n");
	put("apbox/box-7/pids.max", "max\n");
	put("apbox/box-7/cpu.stat", "usage_usec 1000\nuser_usec 600\nsystem_usec 400\n");
	put("apbox/box-7/cgroup.procs", "");
	put("apbox/box-7/cgroup.kill", "");
	put("apbox/box-7/cgroup.events", "populated 0\nfrozen 0\n");
}

static void
test_version_names(void)
{
	enum cg_version v = CG_NONE;

	TAP_IS_INT(cg_version_parse("auto", &v), 0, "parse auto");
	TAP_IS_INT(v, CG_AUTO, "auto is CG_AUTO");
	TAP_IS_INT(cg_version_parse("none", &v), 0, "parse none");
	TAP_IS_INT(v, CG_NONE, "none is CG_NONE");
	TAP_IS_INT(cg_version_parse("1", &v), 0, "parse 1");
	TAP_IS_INT(v, CG_V1, "1 is CG_V1");
	TAP_IS_INT(cg_version_parse("v1", &v), 0, "parse v1");
	TAP_IS_INT(v, CG_V1, "v1 is CG_V1");
	TAP_IS_INT(cg_version_parse("2", &v), 0, "parse 2");
	TAP_IS_INT(v, CG_V2, "2 is CG_V2");
	TAP_IS_INT(cg_version_parse("v2", &v), 0, "parse v2");
	TAP_IS_INT(v, CG_V2, "v2 is CG_V2");
	TAP_IS_INT(cg_version_parse("3", &v), -EINVAL, "parse 3 fails");
	TAP_IS_INT(cg_version_parse("", &v), -EINVAL, "parse empty fails");
	TAP_IS_INT(cg_version_parse("v2x", &v), -EINVAL, "parse v2x fails");
	TAP_IS_STR(cg_version_name(CG_AUTO), "auto", "name auto");
	TAP_IS_STR(cg_version_name(CG_NONE), "none", "name none");
	TAP_IS_STR(cg_version_name(CG_V1), "v1", "name v1");
	TAP_IS_STR(cg_version_name(CG_V2), "v2", "name v2");
}

static void
test_open_bad_parent(void)
{
	struct ap_err e = {0};
	struct cg c;

	TAP_IS_INT(cg_open(&c, CG_V2, root, "../escape", 1, &e), -EINVAL, "parent with .. refused");
	TAP_IS_INT(cg_open(&c, CG_V2, root, "/abs", 1, &e), -EINVAL, "absolute parent refused");
	TAP_IS_INT(cg_open(&c, CG_V2, root, "apbox", -1, &e), -EINVAL, "negative box id refused");
}

static void
test_lifecycle(void)
{
	struct cg_limits lim = {.mem = 32ULL << 20, .pids = 16};
	struct cg_limits none = {0};
	struct cg_stats st;
	struct ap_err e = {0};
	struct cg c;
	cleanup_free char *want_path = xasprintf("%s/apbox/box-7", root);

	TAP_IS_INT(cg_open(&c, CG_V2, root, "apbox", 7, &e), 0, "open fake v2 tree");
	TAP_IS_INT(c.version, CG_V2, "explicit version kept");
	TAP_IS_STR(c.path[0], want_path, "box path is <root>/<parent>/box-<id>");
	tap_ok((c.have & CG_MEMORY) != 0, "probe sees memory");
	tap_ok((c.have & CG_PIDS) != 0, "probe sees pids");
	tap_ok((c.have & CG_CPU) != 0, "probe sees cpu");
	tap_ok(c.is_writable, "fake tree is writable");
	TAP_IS_INT(cg_clone_fd(&c), -1, "no clone fd before prepare");
	TAP_IS_INT(cg_check_limits(&c, &lim, &e), 0, "limits can be enforced");

	TAP_IS_INT(cg_create(&c, &e), 0, "create");
	TAP_IS_STR(get("cgroup.subtree_control"), "+memory +pids", "root enables memory and pids");
	TAP_IS_STR(get("apbox/cgroup.subtree_control"), "+memory +pids",
		   "parent enables memory and pids");
	tap_ok((c.have & CG_KILL) != 0, "cgroup.kill seen after create");

	TAP_IS_INT(cg_prepare(&c, &lim, &e), 0, "prepare with limits");
	TAP_IS_STR(get("apbox/box-7/memory.max"), "33554432", "memory.max = 32 MiB");
	TAP_IS_STR(get("apbox/box-7/memory.swap.max"), "0", "swap off under a limit");
	TAP_IS_STR(get("apbox/box-7/memory.oom.group"), "1", "oom.group on");
	TAP_IS_STR(get("apbox/box-7/pids.max"), "16", "pids.max = 16");
	TAP_IS_STR(get("apbox/box-7/memory.peak"), "reset", "memory.peak reset by a write");
	tap_ok(cg_clone_fd(&c) >= 0, "clone fd open after prepare");
	TAP_IS_INT(c.cpu_base, 1000, "cpu baseline read");
	TAP_IS_INT(c.oom_base, 2, "oom baseline read");

	/* What the kernel would show after a run that was OOM-killed. */
	put("apbox/box-7/memory.peak", "12345678\n");
	put("apbox/box-7/memory.events",
	    "low 0\nhigh 0\nmax 9\noom 1\noom_kill 3\noom_group_kill 1\n");
	put("apbox/box-7/cpu.stat", "usage_usec 251000\nuser_usec 200000\nsystem_usec 51000\n");
	TAP_IS_INT(cg_stats(&c, &st, &e), 0, "stats");
	tap_ok(st.has_mem_peak, "has peak");
	TAP_IS_INT(st.mem_peak, 12345678, "peak read through the reset fd");
	tap_ok(st.oom_killed, "oom_kill 2 -> 3 is an OOM kill");
	tap_ok(st.has_cpu, "has cpu");
	TAP_IS_INT(st.cpu_usec, 250000, "cpu since prepare");

	TAP_IS_INT(cg_prepare(&c, &none, &e), 0, "prepare without limits");
	TAP_IS_STR(get("apbox/box-7/memory.max"), "max", "no memory limit writes max");
	TAP_IS_STR(get("apbox/box-7/memory.swap.max"), "max", "swap back to max");
	TAP_IS_STR(get("apbox/box-7/pids.max"), "max", "no pids limit writes max");
	put("apbox/box-7/memory.peak", "4096\n");
	TAP_IS_INT(cg_stats(&c, &st, &e), 0, "stats again");
	tap_ok(!st.oom_killed, "same oom_kill count is no OOM kill");
	TAP_IS_INT(st.cpu_usec, 0, "no cpu used since the second prepare");

	{
		int join[CG_JOIN_MAX];

		TAP_IS_INT(cg_join_open(&c, &none, join, &e), 0,
			   "v2 joins by clone3 into its cgroup: nothing to open");
	}
	TAP_IS_STR(get("apbox/box-7/cgroup.procs"), "", "nothing moved by pid");

	TAP_IS_INT(cg_kill(&c, &e), 0, "kill of an empty cgroup");
	TAP_IS_STR(get("apbox/box-7/cgroup.kill"), "1", "kill writes cgroup.kill");

	/* A missing required file is a clear error. */
	put("apbox/box-7/memory.max", "");
	{
		cleanup_free char *p = xasprintf("%s/apbox/box-7/memory.max", root);
		(void) unlink(p);
	}
	e.msg[0] = '\0';
	tap_ok(cg_prepare(&c, &lim, &e) == -ENOENT, "prepare fails without memory.max");
	tap_ok(strstr(e.msg, "memory.max") != NULL, "message names memory.max: %s", e.msg);
	put("apbox/box-7/memory.max", "max\n");

	cg_free(&c);
	TAP_IS_INT(c.dirfd, -1, "free closes the clone fd");
}

static void
test_kill_procs(void)
{
	struct ap_err e = {0};
	cleanup_free char *dir = xasprintf("%s/apbox/box-7", root);
	cleanup_close int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char buf[32];
	pid_t pid;
	int status = 0;

	/* The caller itself is never killed, even when listed. */
	(void) snprintf(buf, sizeof(buf), "%d\n", (int) getpid());
	put("apbox/box-7/cgroup.procs", buf);
	TAP_IS_INT(cg_kill_procs(fd, dir, &e), 0, "kill_procs skips the caller");

	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	(void) snprintf(buf, sizeof(buf), "%d\n", (int) pid);
	put("apbox/box-7/cgroup.procs", buf);
	TAP_IS_INT(cg_kill_procs(fd, dir, &e), 1, "kill_procs signals one member");
	TAP_IS_INT(waitpid(pid, &status, 0), pid, "member reaped");
	tap_ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "member died of SIGKILL");
	put("apbox/box-7/cgroup.procs", "");
}

static void
test_destroy(void)
{
	struct ap_err e = {0};
	struct cg c;

	/* A box whose cgroup is an empty directory (no control files) can be removed. */
	TAP_IS_INT(cg_open(&c, CG_V2, root, "apbox", 8, &e), 0, "open box 8");
	TAP_IS_INT(cg_create(&c, &e), 0, "create box 8");
	tap_ok(exists("apbox/box-8"), "box 8 cgroup made");
	TAP_IS_INT(cg_destroy(&c, &e), 0, "destroy box 8");
	tap_ok(!exists("apbox/box-8"), "box 8 cgroup removed");
	TAP_IS_INT(cg_destroy(&c, &e), 0, "destroy is idempotent");
	TAP_IS_INT(cg_remove_parent(&c, &e), 0, "remove_parent with other boxes is success");
	tap_ok(exists("apbox"), "busy parent kept");
	cg_free(&c);

	/* prepare re-creates a vanished box cgroup, then reports the missing file. */
	TAP_IS_INT(cg_open(&c, CG_V2, root, "apbox", 9, &e), 0, "open box 9");
	{
		struct cg_limits lim = {.mem = 1 << 20};
		tap_ok(cg_prepare(&c, &lim, &e) < 0, "prepare of an empty fake cgroup fails");
		tap_ok(strstr(e.msg, "memory.max") != NULL, "message names memory.max: %s", e.msg);
	}
	tap_ok(exists("apbox/box-9"), "prepare re-created the box cgroup");
	TAP_IS_INT(cg_destroy(&c, &e), 0, "destroy box 9");
	cg_free(&c);
}

static void
test_missing_controller(void)
{
	struct cg_limits mem = {.mem = 32ULL << 20};
	struct cg_limits pids = {.pids = 10};
	struct ap_err e = {0};
	struct cg c;

	put("cgroup.controllers", "cpuset cpu io pids\n");
	put("apbox/cgroup.controllers", "cpuset cpu io pids\n");
	put("cgroup.subtree_control", "");
	put("apbox/cgroup.subtree_control", "");
	TAP_IS_INT(cg_open(&c, CG_V2, root, "apbox", 7, &e), 0, "open tree without memory");
	tap_ok(!(c.have & CG_MEMORY), "no memory controller seen");
	tap_ok((c.have & CG_PIDS) != 0, "pids still seen");
	TAP_IS_INT(cg_check_limits(&c, &mem, &e), -EOPNOTSUPP, "memory limit refused");
	tap_ok(strstr(e.msg, "memory") != NULL, "message names memory: %s", e.msg);
	tap_ok(strstr(e.msg, "subtree_control") != NULL, "message names the fix");
	TAP_IS_INT(cg_check_limits(&c, &pids, &e), 0, "pids limit allowed");
	TAP_IS_INT(cg_prepare(&c, &mem, &e), -EOPNOTSUPP, "prepare refuses the memory limit");
	TAP_IS_INT(cg_create(&c, &e), 0, "create without memory");
	TAP_IS_STR(get("apbox/cgroup.subtree_control"), "+pids", "only pids enabled");
	cg_free(&c);
}

static void
test_none(void)
{
	struct cg_limits mem = {.mem = 1 << 20};
	struct cg_limits nolim = {0};
	struct cg_stats st;
	struct ap_err e = {0};
	struct cg c;

	TAP_IS_INT(cg_open(&c, CG_NONE, root, "apbox", 3, &e), 0, "open none");
	TAP_IS_INT(c.have, 0, "none has nothing");
	TAP_IS_INT(cg_check_limits(&c, &mem, &e), -EOPNOTSUPP, "none refuses a memory limit");
	tap_ok(strstr(e.msg, "memory") != NULL, "message names memory: %s", e.msg);
	TAP_IS_INT(cg_create(&c, &e), 0, "none create");
	TAP_IS_INT(cg_prepare(&c, &nolim, &e), 0, "none prepare");
	{
		int join[CG_JOIN_MAX];

		TAP_IS_INT(cg_join_open(&c, &nolim, join, &e), 0, "none has nothing to join");
	}
	TAP_IS_INT(cg_stats(&c, &st, &e), 0, "none stats");
	tap_ok(!st.has_mem_peak && !st.has_cpu && !st.oom_killed, "none stats are empty");
	TAP_IS_INT(cg_clone_fd(&c), -1, "none has no clone fd");
	TAP_IS_INT(cg_kill(&c, &e), 0, "none kill");
	TAP_IS_INT(cg_destroy(&c, &e), 0, "none destroy");
	TAP_IS_INT(cg_remove_parent(&c, &e), 0, "none remove_parent");
	cg_free(&c);
}

static void
test_zero_struct(void)
{
	struct cg z = {0};
	struct ap_err e = {0};

	/* Make sure fd 0 is open, so that closing it by mistake would show. */
	if (fcntl(0, F_GETFD) < 0)
		(void) open("/dev/null", O_RDONLY);
	TAP_IS_INT(cg_kill(&z, &e), 0, "kill on a never-opened struct is a no-op");
	TAP_IS_INT(cg_destroy(&z, &e), 0, "destroy on a never-opened struct is a no-op");
	TAP_IS_INT(cg_clone_fd(&z), -1, "never-opened struct has no clone fd");
	cg_free(&z);
	tap_ok(fcntl(0, F_GETFD) >= 0, "cg_free of a zeroed struct leaves fd 0 alone");
}

/* A parent below a cgroup that holds processes: the message names that cgroup. */
static void
test_busy_ancestor(void)
{
	struct cg_limits mem = {.mem = 32ULL << 20};
	struct ap_err e = {0};
	struct cg c;

	put("cgroup.controllers", "cpuset cpu io memory pids\n");
	put("cgroup.subtree_control", "memory pids\n");
	mk("runner");
	put("runner/cgroup.controllers", "memory pids\n");
	put("runner/cgroup.subtree_control", "");
	put("runner/cgroup.procs", "1234\n");
	mk("runner/apbox");
	put("runner/apbox/cgroup.controllers", "");
	put("runner/apbox/cgroup.subtree_control", "");
	TAP_IS_INT(cg_open(&c, CG_V2, root, "runner/apbox", 7, &e), 0, "open below a busy cgroup");
	TAP_IS_INT(cg_check_limits(&c, &mem, &e), -EBUSY, "memory limit refused");
	tap_ok(strstr(e.msg, "/runner\"") != NULL, "message names the busy cgroup: %s", e.msg);
	tap_ok(strstr(e.msg, "holds processes") != NULL, "message names the rule");
	cg_free(&c);
	put("runner/cgroup.procs", "");
	TAP_IS_INT(cg_open(&c, CG_V2, root, "runner/apbox", 7, &e), 0, "open again, runner empty");
	TAP_IS_INT(cg_check_limits(&c, &mem, &e), -EOPNOTSUPP, "still refused, for another reason");
	tap_ok(strstr(e.msg, "holds processes") == NULL, "no busy cgroup blamed");
	cg_free(&c);
}

int
main(void)
{
	if (!mkdtemp(root)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	build_tree("cpuset cpu io memory pids\n");
	test_version_names();
	test_open_bad_parent();
	test_lifecycle();
	test_kill_procs();
	test_destroy();
	test_missing_controller();
	test_busy_ancestor();
	test_none();
	test_zero_struct();
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
