/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main: parse, load the configuration, look the command up in a table and
 * call it.  The commands are thin: they sequence box.c, cgroup.c, plan.c and
 * spawn.c, and are the only place (with the keeper) that exits.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "box.h"
#include "cache.h"
#include "cgroup.h"
#include "check.h"
#include "cli.h"
#include "compat.h"
#include "conf.h"
#include "err.h"
#include "landlock.h"
#include "meta.h"
#include "plan.h"
#include "prepare.h"
#include "spawn.h"
#include "template.h"
#include "util.h"

struct ctx {
	struct ap_opts o;
	struct ap_conf c;
	struct ap_err e;
};

typedef int (*cmd_fn)(struct ctx *x);

static int
fail(struct ctx *x)
{
	ap_err_print(&x->e);
	if (x->o.compat)
		return AP_ISO_EXIT_INTERNAL;
	return x->e.exitcode ? x->e.exitcode : AP_EXIT_FAIL;
}

static int
open_box(struct ctx *x, struct box *b)
{
	int r = box_open(b, &x->c, x->o.has_box_id ? x->o.box_id : 0, &x->e);

	if (r < 0)
		return r;
	b->may_repair = true;
	return box_lock(b, x->o.wait, &x->e);
}

/* Does the run ask for a limit only a cgroup enforces (memory, processes, CPU time)? */
static bool
run_has_cg_limit(const struct ctx *x)
{
	struct ap_limits l;

	plan_limits(&x->o, &x->c, &l);
	return l.mem || l.processes || l.time_ms;
}

/*
 * Kill and remove the box cgroups the lock record does not rule out, in
 * the layout it names (none recorded: a cleanup finished, or an init was
 * killed midway: the configuration's).  cleanup and init's reset.
 */
static int
remove_box_cgroups(struct ctx *x, const struct box *b)
{
	struct cg cg = {0};
	int r;

	if (!box_may_have_cgroups(b))
		return 0;
	r = cg_open(&cg, b->state.initialized ? b->state.cg : x->c.cg_version, x->c.cg_root,
		    x->c.cg_parent, b->id, &x->e);
	if (r >= 0)
		r = cg_destroy(&cg, &x->e);
	cg_free(&cg);
	return r;
}

static int
cmd_init(struct ctx *x)
{
	struct box b;
	struct cg cg = {0};
	enum ap_mode mode;
	enum cg_version layout, left = CG_AUTO; /* left: a half-made cgroup's layout */
	bool created = false, want_cg;
	int r;

	r = open_box(x, &b);
	if (r < 0)
		goto out;
	r = plan_mode(&x->o, &x->c, NULL, &mode, &x->e);
	if (r < 0)
		goto out;
	TIMELINE("init: box locked");
	r = box_check_searchable(&b, &x->e);
	if (r < 0)
		goto out;
	/* Re-init resets the box: its old cgroup goes too. */
	r = remove_box_cgroups(x, &b);
	if (r < 0)
		goto out;
	/*
	 * The box cgroups now only for a mode whose every run needs them (no
	 * pid namespace of its own, or a limit in the configuration); for the
	 * others the layout is only recorded, and a run that needs a cgroup
	 * makes what is missing (and says what it cannot have).
	 */
	want_cg = plan_wants_cgroup(&x->o, &x->c, mode);
	layout = x->c.cg_version == CG_AUTO && !want_cg ? cg_detect(x->c.cg_root) : x->c.cg_version;
	r = cg_open(&cg, want_cg ? x->c.cg_version : CG_NONE, x->c.cg_root, x->c.cg_parent, b.id,
		    &x->e);
	if (r < 0)
		goto out;
	TIMELINE("init: cgroup opened");
	if (x->o.has_storage) {
		b.storage_asked = true;
		b.storage = x->o.storage;
		if (x->o.storage_inodes)
			b.storage_inodes = x->o.storage_inodes;
	}
	r = box_create(&b, &x->e);
	if (r < 0)
		goto out;
	created = true;
	TIMELINE("init: box dirs made");
	cache_seccomp_save(&x->c);
	TIMELINE("init: seccomp cache");
	{
		/* Only a speed-up: without it, run makes the copy (or binds each file). */
		struct ap_err ee;
		if (plan_prepare_etc(&x->c, &b, &ee) < 0)
			ap_log(1, "box %d: no copy of /etc yet: %s", b.id, ee.msg);
		if (cache_make_dev(&b, &ee) < 0)
			ap_log(1, "box %d: /dev is built at every run: %s", b.id, ee.msg);
	}
	TIMELINE("init: /etc and /dev");
	if (cg.version != CG_NONE && b.state.initialized &&
	    (b.state.no_cgroup || b.state.cg != cg.version)) {
		/* The old record must not hide them while they are made (see box_state). */
		b.state.no_cgroup = false;
		b.state.cg = cg.version;
		r = box_save_state(&b, &x->e);
		if (r < 0)
			goto out;
	}
	if (cg.version != CG_NONE && cg_create(&cg, &x->e) < 0) {
		struct ap_err de;

		/* No usable cgroup (e.g. rootless without delegation): run refuses limits. */
		ap_log(1, "no cgroup for box %d: %s", b.id, x->e.msg);
		/* What it made before it failed goes, or stays on record for cleanup. */
		if (cg_destroy(&cg, &de) < 0)
			left = cg.version;
		cg_free(&cg);
		r = cg_open(&cg, CG_NONE, x->c.cg_root, x->c.cg_parent, b.id, &x->e);
		if (r < 0)
			goto out;
	}
	TIMELINE("init: cgroups made");
	b.state.initialized = true;
	b.state.owner = geteuid();
	b.state.mode = mode;
	b.state.cg = left != CG_AUTO ? left : want_cg ? cg.version : layout;
	b.state.no_cgroup = cg.version == CG_NONE && left == CG_AUTO;
	b.state.no_host_ipc = true; /* nothing has run yet */
	r = box_save_state(&b, &x->e);
	if (r < 0)
		goto out;
	(void) printf("%s\n", b.dir);
	r = 0;
out:
	if (r < 0 && created) {
		struct ap_err e2;
		/* Recorded as removed only when it is: else cleanup must look again. */
		if (cg_destroy(&cg, &e2) == 0)
			(void) box_remove(&b, false, &e2);
	}
	cg_free(&cg);
	box_close(&b);
	return r < 0 ? fail(x) : 0;
}

static int
cmd_cleanup(struct ctx *x)
{
	struct box b;
	int r;

	if (x->o.templates)
		return template_remove_all(x->c.box_root, &x->e) < 0 ? fail(x) : 0;
	if (x->o.shared)
		return cache_remove_all(&x->c, &x->e) < 0 ? fail(x) : 0;
	r = open_box(x, &b);
	if (r < 0)
		goto out;
	TIMELINE("cleanup: box locked");
	/* A box cleaned up already (the first step of every job of a worker's). */
	if (box_is_gone(&b))
		goto out;
	r = remove_box_cgroups(x, &b);
	TIMELINE("cleanup: cgroup removed");
	if (r < 0)
		goto out;
	r = box_remove(&b, true, &x->e);
	TIMELINE("cleanup: box removed");
out:
	box_close(&b);
	return r < 0 ? fail(x) : 0;
}

/*
 * Open a caller-named output file for writing.  Such a file often lies in
 * the box (isolate's users put meta.txt there), where the box's program may
 * have planted a symlink or a hard link to a host file: never follow a
 * symlink in the last component, never write to anything but a regular file
 * with one link, and truncate only after checking.
 */
static int
open_output(const char *path, const char *box_root, struct ap_err *e)
{
	struct stat st;
	int fd = open_guarded(path, box_root, O_WRONLY | O_CREAT | O_NONBLOCK, 0644);

	if (fd < 0)
		return ap_err_set(e, -fd, "cannot open \"%s\"%s", path,
				  fd == -ELOOP || fd == -EXDEV ? " (a symlink below box_root)"
							       : "");
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink > 1) {
		(void) close(fd);
		return ap_err_set(e, EPERM, "cannot write \"%s\": not a plain file", path);
	}
	if (ftruncate(fd, 0) < 0 || fcntl(fd, F_SETFL, 0) < 0) {
		int en = errno;
		(void) close(fd);
		return ap_err_set(e, en, "cannot truncate \"%s\"", path);
	}
	return fd;
}

/* Does fd's file lie below dir (both resolved)?  In doubt, yes. */
static bool
fd_below(int fd, const char *dir)
{
	cleanup_free char *real = realpath(dir, NULL);
	char link[64], buf[4096];
	ssize_t n;

	(void) snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0 || !real)
		return true;
	buf[n] = '\0';
	return path_below(buf, real) != NULL;
}

/*
 * Open the caller-named --stdin file.  O_NONBLOCK first: opening a FIFO
 * for reading blocks until a writer comes, and a box's program may have
 * left one where the caller reads (BOXDIR/in), stalling apbox for good.
 * Only a regular file or a character device is read; a FIFO only outside
 * box_root, where no box can have made it: the caller's own, which is then
 * opened again without O_NONBLOCK, waiting for its writer as a shell would.
 */
static int
open_input(const char *path, const char *box_root, struct ap_err *e)
{
	struct stat st;
	int fd = open_guarded(path, box_root, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);

	if (fd < 0)
		return ap_err_set(e, -fd, "cannot open \"%s\"%s", path,
				  fd == -ELOOP || fd == -EXDEV ? " (a symlink below box_root)"
							       : "");
	if (fstat(fd, &st) < 0) {
		int en = errno;
		(void) close(fd);
		return ap_err_set(e, en, "cannot stat \"%s\"", path);
	}
	if (S_ISFIFO(st.st_mode) && !fd_below(fd, box_root)) {
		char self[64];
		int fifo;

		(void) snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
		fifo = open(self, O_RDONLY | O_NOCTTY | O_CLOEXEC);
		(void) close(fd);
		if (fifo < 0)
			return ap_err_set(e, errno, "cannot open \"%s\"", path);
		return fifo;
	}
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
		(void) close(fd);
		return ap_err_set(e, 0, "cannot read \"%s\": %s", path,
				  S_ISFIFO(st.st_mode)
					  ? "a FIFO below box_root (a box may have made it)"
					  : "not a regular file nor a device");
	}
	if (fcntl(fd, F_SETFL, 0) < 0) {
		int en = errno;
		(void) close(fd);
		return ap_err_set(e, en, "cannot open \"%s\"", path);
	}
	return fd;
}

/* Open the meta file; "-" is our stdout. */
static FILE *
open_meta(const char *path, const char *box_root, struct ap_err *e)
{
	FILE *f;
	int fd;

	if (strcmp(path, "-") == 0) {
		fd = dup(1);
		if (fd < 0 || !(f = fdopen(fd, "w"))) {
			(void) ap_err_set(e, errno,
					  "cannot write the meta file to standard output");
			return NULL;
		}
		return f;
	}
	fd = open_output(path, box_root, e);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f) {
		(void) ap_err_set(e, errno, "cannot open meta file \"%s\"", path);
		(void) close(fd);
	}
	return f;
}

static int
open_stdio(struct ctx *x, struct run_plan *p)
{
	const struct ap_opts *o = &x->o;

	if (o->stdio_inside) {
		p->stdin_inside = o->stdin_path;
		p->stdout_inside = o->stdout_path;
		p->stderr_inside = o->stderr_path;
	} else {
		if (o->stdin_path &&
		    (p->stdin_fd = open_input(o->stdin_path, x->c.box_root, &x->e)) < 0)
			return p->stdin_fd;
		if (o->stdout_path &&
		    (p->stdout_fd = open_output(o->stdout_path, x->c.box_root, &x->e)) < 0)
			return p->stdout_fd;
		if (o->stderr_path &&
		    (p->stderr_fd = open_output(o->stderr_path, x->c.box_root, &x->e)) < 0)
			return p->stderr_fd;
	}
	if (o->stderr_to_stdout) {
		p->stderr_to_stdout = true;
		p->stderr_fd = p->stdout_fd >= 0 ? p->stdout_fd : 1;
		p->stderr_inside = NULL;
	}
	return 0;
}

static void
close_stdio(struct run_plan *p)
{
	if (p->stdin_fd >= 0)
		(void) close(p->stdin_fd);
	if (p->stdout_fd >= 0)
		(void) close(p->stdout_fd);
	if (p->stderr_fd >= 0 && p->stderr_fd != p->stdout_fd && p->stderr_fd != 1)
		(void) close(p->stderr_fd);
}

static void
status_line(const struct ctx *x, const struct meta *m)
{
	if (x->o.silent || ap_verbosity < 0)
		return;
	if (!x->o.compat && ap_verbosity < 1)
		return;
	if (m->status == META_OK)
		(void) fprintf(stderr, "OK (%llu.%03llu sec real, %llu.%03llu sec wall)\n",
			       (unsigned long long) m->time_ms / 1000,
			       (unsigned long long) m->time_ms % 1000,
			       (unsigned long long) m->wall_ms / 1000,
			       (unsigned long long) m->wall_ms % 1000);
	else if (m->status != META_XX)
		(void) fprintf(stderr, "%s\n", m->message);
}

/* -v: what is about to happen; -vv: every directory rule too. */
static void
log_plan(const struct box *b, const struct cg *cg, const struct run_plan *p)
{
	const struct ap_limits *l = &p->limits;

	ap_log(1, "box %d: mode %s, work dir \"%s\", uid %u, cgroup %s", b->id, p->mode_name,
	       b->work, (unsigned) p->uid, cg_version_name(cg->version));
	ap_log(1,
	       "limits: mem %llu KiB, processes %llu, open files %llu, time %llu ms, wall %llu ms",
	       (unsigned long long) l->mem / 1024, (unsigned long long) l->processes,
	       (unsigned long long) l->open_files, (unsigned long long) l->time_ms,
	       (unsigned long long) l->wall_ms);
	if (p->plan_flags & PLAN_NEW_ROOT) {
		for (size_t i = 0; i < p->mounts.rules->n; i++) {
			cleanup_free char *r = rules_format(&p->mounts.rules->v[i]);
			ap_log(2, "dir %s", r);
		}
	}
}

/* What the meta file says of the run's Landlock domain (sandboxed modes only). */
static void
meta_landlock(struct meta *m, const struct run_plan *p, const struct ap_conf *c)
{
	if (!(p->plan_flags & PLAN_LANDLOCK))
		return;
	if (!p->landlock.n) {
		(void) snprintf(m->landlock, sizeof(m->landlock), "%s",
				c->landlock == LL_POLICY_OFF ? "off" : "none");
		return;
	}
	(void) snprintf(m->landlock, sizeof(m->landlock), "%d", p->landlock_abi);
	landlock_features_format(landlock_features(p->landlock_abi) &
					 (p->landlock.deny_tcp ? ~0U : ~(unsigned) LL_HAS_TCP),
				 m->landlock_features, sizeof(m->landlock_features));
}

static int
cmd_run(struct ctx *x)
{
	struct box b;
	struct cg cg = {0};
	struct plan_store ps = {0};
	struct prepared pr = {.netns_fd = -1, .tpl = {.fd = -1}};
	struct meta m = {.box_id = -1, .isolate_text = x->o.compat};
	cleanup_fclose FILE *meta = NULL;
	enum ap_mode mode;
	bool ran = false;
	int r, status;

	r = box_open(&b, &x->c, x->o.has_box_id ? x->o.box_id : 0, &x->e);
	if (r < 0)
		return fail(x);
	m.box_id = b.id;
	/* The caller's files first: a meta file must exist whatever happens next. */
	if (x->o.meta_path) {
		meta = open_meta(x->o.meta_path, x->c.box_root, &x->e);
		if (!meta) {
			box_close(&b);
			return fail(x);
		}
	}
	TIMELINE("run: options and config read");
	r = box_lock(&b, x->o.wait, &x->e);
	if (r < 0)
		goto out;
	if (!b.state.initialized) {
		r = ap_err_set(&x->e, 0, "box %d is not initialised (run 'apbox init -b %d' first)",
			       b.id, b.id);
		goto out;
	}
	r = box_check_work(&b, &x->e);
	if (r < 0)
		goto out;
	r = plan_mode(&x->o, &x->c, &b, &mode, &x->e);
	if (r < 0)
		goto out;
	m.mode = mode_name(mode);
	/* A run that needs nothing of a cgroup stays out of one (plan_wants_cgroup()). */
	r = cg_open(&cg, plan_wants_cgroup(&x->o, &x->c, mode) ? b.state.cg : CG_NONE, x->c.cg_root,
		    x->c.cg_parent, b.id, &x->e);
	if (r >= 0 && cg.version != CG_NONE && !cg.is_writable && !run_has_cg_limit(x)) {
		/* Wanted, not needed (no limit): where none can be made, run without (as init). */
		cg_free(&cg);
		r = cg_open(&cg, CG_NONE, x->c.cg_root, x->c.cg_parent, b.id, &x->e);
	}
	if (r >= 0 && cg.version != CG_NONE && cg.is_writable && b.state.no_cgroup) {
		/* Recorded before this run makes them, so that cleanup looks for them. */
		b.state.no_cgroup = false;
		r = box_save_state(&b, &x->e);
	}
	if (r < 0)
		goto out;
	TIMELINE("run: box locked, cgroup opened");
	r = plan_build(&ps, &x->o, &x->c, &b, &cg, mode, &x->e);
	if (r < 0)
		goto out;
	if (b.state.no_host_ipc && box_run_touches_host_ipc(&b, ps.run.ns_flags, &ps.rules)) {
		/* Recorded before the program starts, so that cleanup sweeps. */
		b.state.no_host_ipc = false;
		r = box_save_state(&b, &x->e);
		if (r < 0)
			goto out;
	}
	log_plan(&b, &cg, &ps.run);
	meta_landlock(&m, &ps.run, &x->c);
	TIMELINE("run: plan built");
	r = prepare_run(&pr, &ps.run, &x->c, &x->e);
	if (r < 0)
		goto out;
	r = open_stdio(x, &ps.run);
	if (r < 0)
		goto out;
	ran = true;
	r = spawn_run(&ps.run, &pr, &m, &x->e);
	TIMELINE("run: box done");
	close_stdio(&ps.run);
out:
	if (r < 0 && !ran)
		m.status = META_XX;
	prepare_release(&pr, &b, r >= 0 && m.status != META_XX);
	if (m.status == META_XX && !m.message[0])
		ap_err_format(&x->e, m.message, sizeof(m.message));
	if (meta) {
		/* A result nobody can read is a failure: the caller would see no fate at all. */
		int wr = meta_write(meta, &m, x->o.meta_format);
		if (fclose(TAKE_PTR(meta)) != 0 && wr == 0)
			wr = -errno;
		if (wr < 0 && r >= 0)
			r = ap_err_set(&x->e, -wr, "cannot write the meta file \"%s\"",
				       x->o.meta_path);
	}
	plan_free(&ps);
	cg_free(&cg);
	box_close(&b);
	if (r < 0)
		return fail(x);
	status_line(x, &m);
	status = spawn_exit_status(&m, x->o.compat);
	if (!x->o.compat && (m.status == META_RE) && m.exitcode >= AP_EXIT_NOEXEC &&
	    m.exitcode <= AP_EXIT_NOTFOUND && m.message[0] && ap_verbosity >= 0 && x->e.msg[0])
		ap_err_print(&x->e);
	return status;
}

static int
cmd_check(struct ctx *x)
{
	enum ap_mode mode;

	if (plan_mode(&x->o, &x->c, NULL, &mode, &x->e) < 0)
		return fail(x);
	return check_run(&x->c, mode, x->o.json);
}

static const struct {
	enum ap_cmd cmd;
	cmd_fn fn;
} commands[] = {
	{CMD_INIT, cmd_init},
	{CMD_RUN, cmd_run},
	{CMD_CLEANUP, cmd_cleanup},
	{CMD_CHECK, cmd_check},
};

int
main(int argc, char **argv)
{
	TIMELINE("main");
	struct ctx x;
	const char *cfg;
	int r, status = -1;

	/*
	 * Nothing running as our uid (a box of an ordinary user's, say) may
	 * read our environment or memory, or ptrace us: /proc/self is root's.
	 * An ordinary user writes the id maps of its proxy as their owner,
	 * which needs us dumpable until then (start_box() clears it after).
	 */
	if (geteuid() == 0)
		(void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	memset(&x, 0, sizeof(x));
	if (compat_detect(argc, argv)) {
		r = compat_parse(argc, argv, &x.o, &x.e);
		x.o.compat = true;
	} else {
		r = cli_parse(argc, argv, &x.o, &x.e);
	}
	if (r < 0)
		goto out;
	if (x.o.cmd == CMD_HELP) {
		if (x.o.compat)
			compat_usage();
		else
			cli_usage(stdout);
		status = 0;
		goto out;
	}
	if (x.o.cmd == CMD_VERSION) {
		(void) printf("apbox %s\n", PACKAGE_VERSION);
		status = 0;
		goto out;
	}

	conf_defaults(&x.c);
	cfg = x.o.config ? x.o.config : getenv("APBOX_CONFIG");
	if (cfg && !*cfg)
		cfg = NULL;
	r = conf_load(&x.c, cfg ? cfg : conf_default_path(), cfg != NULL, &x.e);
	if (r < 0)
		goto out;

	(void) ap_err_set(&x.e, 0, "internal: no such command");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (commands[i].cmd == x.o.cmd)
			status = commands[i].fn(&x);
out:
	if (status < 0)
		status = fail(&x);
	cli_opts_free(&x.o);
	conf_free(&x.c);
	return status;
}
