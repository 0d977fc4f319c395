/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plan: turn what the caller asked for into one struct run_plan.  The mode
 * table (mode.c) gives the namespaces and hardening; this file adds the
 * default directory rules, the environment, ids and limits.  It reads the
 * host (whether /bin is a link) and changes nothing but the shared /etc
 * copy, which it refreshes when a host file changed (cache.c); prepare.c
 * makes every other side effect.
 */
#include "config.h"

#include "plan.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "box.h"
#include "cache.h"
#include "cgroup.h"
#include "cli.h"
#include "conf.h"
#include "err.h"
#include "landlock.h"
#include "limit.h"
#include "mode.h"
#include "seccomp.h"
#include "util.h"

extern char **environ;

int
plan_mode(const struct ap_opts *o, const struct ap_conf *c, const struct box *b, enum ap_mode *out,
	  struct ap_err *e)
{
	const char *env = getenv("AP_EXECUTION_MODE");

	*out = c->mode;
	if (env && *env) {
		if (mode_parse(env, out) < 0)
			return ap_err_set(e, 0,
					  "AP_EXECUTION_MODE: unknown mode \"%s\" (one of %s)", env,
					  mode_names());
	}
	if (b && b->state.initialized)
		*out = b->state.mode;
	if (o->has_mode)
		*out = o->mode;
	return 0;
}

void
plan_limits(const struct ap_opts *o, const struct ap_conf *c, struct ap_limits *out)
{
	const struct ap_limits *cl = &c->limits, *ol = &o->limits;

	*out = *cl;
#define TAKE(bit, field)           \
	if (o->limits_set & (bit)) \
		out->field = ol->field;
	TAKE(LIM_MEM, mem);
	TAKE(LIM_PROCESSES, processes);
	TAKE(LIM_OPEN_FILES, open_files);
	TAKE(LIM_FSIZE, fsize);
	TAKE(LIM_STACK, stack);
	TAKE(LIM_CORE, core);
	TAKE(LIM_TIME, time_ms);
	TAKE(LIM_WALL, wall_ms);
	TAKE(LIM_EXTRA, extra_ms);
#undef TAKE
	/* isolate's default stack is unlimited; apbox's own keeps the inherited one. */
	if (o->compat && !out->stack)
		out->stack = LIMIT_STACK_UNLIMITED;
}

bool
plan_wants_cgroup(const struct ap_opts *o, const struct ap_conf *c, enum ap_mode mode)
{
	struct ap_limits l;

	if (!(mode_desc(mode)->ns_flags & CLONE_NEWPID))
		return true; /* the cgroup is how it finds and kills them all */
	plan_limits(o, c, &l);
	/*
	 * A memory or process limit, the CPU time of all the box's processes
	 * (a time limit), or isolate's --cg, which asks for the cgroup's
	 * figures (cg-mem) in the meta file.
	 */
	return l.mem || l.processes || l.time_ms || o->compat_cg;
}

/*
 * The names in etc_files (etc, modified) as a vector of pointers into it:
 * a minimal /etc, named entries only, never the whole host /etc (shadow,
 * keys).  A name with "/", "." or ".." is skipped.
 */
static char **
etc_names(char *etc, size_t *n)
{
	char **names = xcalloc(strlen(etc) / 2 + 1, sizeof(*names));
	char *save = NULL, *tok;

	*n = 0;
	for (tok = strtok_r(etc, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		if (strchr(tok, '/') || strcmp(tok, "..") == 0 || strcmp(tok, ".") == 0)
			continue;
		names[(*n)++] = tok;
	}
	return names;
}

int
plan_prepare_etc(const struct ap_conf *c, const struct box *b, struct ap_err *e)
{
	cleanup_free char *etc = xstrdup(c->etc_files);
	size_t n;
	cleanup_free char **names = etc_names(etc, &n);
	cleanup_free char *dir = NULL;

	if (!cache_trusted(c))
		return 0; /* runs bind the host's files one by one */
	/* Every run that uses the copy refreshes it: init only makes a missing one. */
	if (cache_has_etc(b, names, n))
		return 0;
	return cache_sync_etc(b, c, names, n, NULL, &dir, e);
}

/*
 * The /etc rules: the box's copy of the etc_files bound on /etc, plus a bind
 * of each name that is a directory (cache.h says why), or, when the copy is
 * not wanted or cannot be made, one bind per name: a
 * caller's rule below /etc needs its mount point in /etc, which the copy
 * (read-only, made before the caller's rules are known) does not have.
 */
static void
etc_rules(struct dir_rules *rs, const struct ap_conf *c, const struct box *b, bool may_copy)
{
	cleanup_free char *etc = xstrdup(c->etc_files);
	cleanup_free char **names = NULL;
	cleanup_free bool *is_bind = NULL;
	cleanup_free char *dir = NULL;
	struct ap_err ce = {0};
	bool copied;
	size_t n = 0;

	names = etc_names(etc, &n);
	is_bind = xcalloc(n + 1, sizeof(*is_bind));
	/* Refreshed here when a host file changed since init: the box sees today's /etc. */
	copied = may_copy && n > 0 && cache_trusted(c) &&
		 cache_sync_etc(b, c, names, n, is_bind, &dir, &ce) == 0;
	if (copied)
		rules_put(rs, "/etc", dir, RULE_STATIC);
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *p = NULL;

		if (copied && !is_bind[i])
			continue;
		p = xasprintf("/etc/%s", names[i]);
		rules_put(rs, p, p, RULE_MAYBE | (copied ? RULE_STATIC : 0));
	}
}

/*
 * /bin, /lib, /lib64 and the like: on a merged-/usr host (Debian 12, Fedora,
 * Arch...) /bin is the link usr/bin, and the box gets the same link into its
 * own /usr instead of a second bind of /usr/bin: fewer mounts to make and to
 * tear down, and the host's layout.  Only when nothing is mounted below it
 * or over /usr (may_link), since a link cannot hold mount points.
 */
static void
system_dir(struct dir_rules *rs, const char *dir, unsigned flags, bool may_link)
{
	char target[64];
	ssize_t n = may_link ? readlink(dir, target, sizeof(target) - 1) : -1;

	if (n > 0) {
		const char *t = target;

		target[n] = '\0';
		if (*t == '/')
			t++;
		if (strncmp(t, "usr/", 4) == 0 && strcmp(t + 4, dir + 1) == 0) {
			rules_put(rs, dir, target, RULE_SYMLINK | RULE_STATIC);
			return;
		}
	}
	rules_put(rs, dir, dir, flags | RULE_STATIC);
}

static void
default_rules(struct dir_rules *rs, const struct ap_conf *c, const struct box *b, bool may_copy_etc,
	      bool may_link)
{
	rules_put(rs, "/box", b->work, RULE_RW);
	system_dir(rs, "/bin", 0, may_link);
	system_dir(rs, "/lib", 0, may_link);
	system_dir(rs, "/lib64", RULE_MAYBE, may_link);
	rules_put(rs, "/usr", "/usr", RULE_STATIC);
	etc_rules(rs, c, b, may_copy_etc);
	rules_put(rs, "/tmp", NULL, RULE_TMP | RULE_RW);
	rules_put(rs, "/proc", "proc", RULE_FS);
	if (cache_has_dev(b)) {
		/*
		 * init's device nodes (cache_make_dev()), read-only, devices allowed,
		 * nothing executable, and a private devpts (ptys of this box only).
		 * /dev/shm (the host's would be a channel between boxes) is a link
		 * to the run's own /tmp: one tmpfs fewer to make and tear down.
		 */
		rules_put(rs, "/dev", b->dev, RULE_DEV | RULE_NOEXEC | RULE_STATIC);
		rules_put(rs, "/dev/pts", "devpts", RULE_FS | RULE_RW | RULE_DEV | RULE_NOEXEC);
	} else {
		rules_put(rs, "/dev", NULL, RULE_MINIDEV);
	}
}

/*
 * Every box of a process mode gets a private, writable /dev/shm (POSIX
 * shared memory: headless Chromium needs it), never the host's, which is a
 * channel between boxes, whatever its /dev rule.  apbox's own /dev (the
 * shared device directory or the minimal one) has shm as a link to the
 * run's private /tmp; any other /dev (a caller's bind of the host's /dev,
 * read-only with its /dev/shm, or none at all) gets a tmpfs of tmp_size
 * on /dev/shm, after every other rule.  A caller's own /dev/shm rule stays.
 */
static void
shm_rule(struct dir_rules *rs, const struct box *b)
{
	const struct dir_rule *dev = NULL;

	for (size_t i = 0; i < rs->n; i++) {
		if (strcmp(rs->v[i].inside, "/dev/shm") == 0)
			return;
		if (strcmp(rs->v[i].inside, "/dev") == 0)
			dev = &rs->v[i];
	}
	if (dev && ((dev->flags & RULE_MINIDEV) || ((dev->flags & RULE_STATIC) && dev->outside &&
						    strcmp(dev->outside, b->dev) == 0)))
		return;
	rules_put(rs, "/dev/shm", NULL, RULE_TMP | RULE_RW);
}

/*
 * A box with storage of its own (box.h) keeps its /tmp and /dev/shm there,
 * under the one bound of /box: each tmp rule becomes a bind of a directory
 * of the storage, made empty for the run and emptied after it, where apbox
 * makes the mount points of rules below it as in a tmpfs of its own.
 * Returns how many.
 */
static size_t
storage_tmp_rules(struct dir_rules *rs, const struct box *b)
{
	size_t k = 0;

	for (size_t i = 0; i < rs->n; i++) {
		struct dir_rule *r = &rs->v[i];

		if (!(r->flags & RULE_TMP))
			continue;
		free(r->outside);
		r->outside = box_tmp_path(b, k++);
		r->flags = (r->flags & ~RULE_TMP) | RULE_RW | RULE_SCRATCH;
	}
	return k;
}

/*
 * Walk path's components from "/" with st_fn (stat() or lstat()): can every
 * user reach it, each directory on the way searchable by others and path
 * readable?  1 yes, 0 no, -1 a link (with lstat(); errno 0) or a missing
 * component (errno).
 */
static int
walk_reachable(char *p, int (*st_fn)(const char *, struct stat *))
{
	struct stat st;

	for (char *s = p + 1;; s++) {
		char c = *s;
		int r;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		r = st_fn(p, &st);
		*s = c;
		if (r < 0)
			return -1;
		if (S_ISLNK(st.st_mode)) {
			errno = 0;
			return -1;
		}
		if (!(st.st_mode & S_IXOTH) || (!c && !(st.st_mode & S_IROTH)))
			return 0;
		if (!c)
			return 1;
	}
}

/*
 * A shared rule's source as resolved (malloc'd; NULL and errno when it
 * cannot be), and whether every user can reach it.  The rules' host paths
 * are normalised (rules.c: no "//", "." or "..", no trailing "/"), so only
 * a link makes one differ from its real path: one lstat() per component,
 * realpath() and a second walk only where a link lies on the way, so that
 * no link hides a directory the box uid could not enter.
 */
static char *
resolve_reachable(const char *path, bool *reachable)
{
	char *p = xstrdup(path);
	int r = walk_reachable(p, lstat), en = errno;

	*reachable = r == 1;
	if (r >= 0)
		return p;
	free(p);
	if (en) {
		errno = en;
		return NULL;
	}
	p = realpath(path, NULL);
	if (p)
		*reachable = walk_reachable(p, stat) == 1;
	return p;
}

/*
 * A caller's rules that every box of box_root shares go into the mount
 * template too (template.h), not only apbox's defaults: an isolate worker
 * gives its whole tree as --dir rules (Activepieces: /bin, /lib*, /usr/...,
 * /etc from its assets, the host's /dev), and each run would otherwise bind
 * them all again.  Shared: a read-only bind (devices allowed) into a system
 * directory, of a source out of box_root that every user can reach (so the
 * template, made by root, binds nothing the box uid could not have bound
 * itself).  The job's own rules (/box, /root/..., anything writable) stay
 * the run's.  A source replaced or a rule changed gives a new template.
 */
static void
shared_caller_rules(struct dir_rules *rs, const char *guard)
{
	static const char *const system_dirs[] = {"/bin",    "/sbin", "/lib", "/lib32", "/lib64",
						  "/libx32", "/usr",  "/etc", "/opt",	"/dev"};
	const unsigned run_only = RULE_STATIC | RULE_RW | RULE_FS | RULE_TMP | RULE_NOREC |
				  RULE_MINIDEV | RULE_SYMLINK;
	cleanup_free char *guard_real = realpath(guard, NULL);

	if (!guard_real)
		return; /* no box_root yet: no template either */
	for (size_t i = 0; i < rs->n; i++) {
		struct dir_rule *r = &rs->v[i];
		bool system = false, reachable;
		cleanup_free char *real = NULL;

		if ((r->flags & run_only) || !r->outside || r->outside[0] != '/')
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(system_dirs); k++)
			system |= strcmp(r->inside, system_dirs[k]) == 0 ||
				  path_below(r->inside, system_dirs[k]);
		if (!system)
			continue;
		/*
		 * As resolved: a link on the way must not hide a directory the
		 * box uid could not enter, nor box_root.  A missing source
		 * ("maybe"): nothing to bind, the template notes it as missing.
		 */
		real = resolve_reachable(r->outside, &reachable);
		if (!real) {
			if (errno == ENOENT && !path_below(r->outside, guard))
				r->flags |= RULE_STATIC;
			continue;
		}
		/*
		 * Nothing of box_root, nor anything holding it: a template that
		 * held the boxes' storage mounts would keep their memory after
		 * cleanup (and show one box's tree to every other).
		 */
		if (strcmp(real, "/") == 0 || path_below(real, guard_real) ||
		    strcmp(real, guard_real) == 0 || path_below(guard_real, real))
			continue;
		if (reachable)
			r->flags |= RULE_STATIC;
	}
}

/*
 * Which defaults the caller's rules (or the engine and code dirs) allow to
 * be more than plain binds: the /etc copy when nothing lies below /etc,
 * the /bin-style links when nothing lies below them or on /usr.
 */
static void
caller_rules_allow(const struct ap_opts *o, const struct ap_conf *c, bool *may_copy_etc,
		   bool *may_link)
{
	static const char *const linked[] = {"/bin", "/lib", "/lib64", "/usr"};
	const char *extra[2] = {o->engine_dir ? c->engine_path : NULL,
				o->code_dir ? c->code_path : NULL};

	*may_copy_etc = *may_link = true;
	for (size_t i = 0; i < o->ndir_specs + 2; i++) {
		struct ap_err pe = {0};
		struct dir_rule r = {0};
		bool del;
		const char *in;

		if (i < 2) {
			in = extra[i];
		} else {
			if (rules_parse(o->dir_specs[i - 2], &r, &del, &pe) < 0)
				continue; /* reported by plan_build() */
			in = r.inside;
		}
		if (in && rules_path_covers("/etc", in) && strcmp(in, "/etc") != 0)
			*may_copy_etc = false;
		for (size_t k = 0; in && k < ARRAY_SIZE(linked); k++)
			if (rules_path_covers(linked[k], in))
				*may_link = false;
		rules_free_rule(&r);
	}
}

/* ---- the Landlock domain: the same rules, as the proxy sees their paths ---- */

static void
ll_put(struct plan_store *ps, const char *path, unsigned access, bool maybe)
{
	ps->ll = xrealloc(ps->ll, (ps->nll + 1) * sizeof(*ps->ll));
	ps->ll[ps->nll++] = (struct landlock_rule){xstrdup(path), access, maybe};
}

/* The device nodes a box may write (a rule on /dev grants reading only). */
static void
ll_dev_nodes(struct plan_store *ps, const char *dev)
{
	static const char *const writable[] = {"null", "zero", "full", "random", "urandom", "tty"};

	for (size_t i = 0; i < ARRAY_SIZE(writable); i++) {
		cleanup_free char *p = xasprintf("%s/%s", dev, writable[i]);
		ll_put(ps, p, LL_READ | LL_WRITE | LL_DEV, true);
	}
}

/* A directory rule as a Landlock rule on path (its inside or, in code-only, its source). */
static void
ll_from_rule(struct plan_store *ps, const struct dir_rule *r, const char *path)
{
	unsigned acc = LL_READ;

	if (r->flags & RULE_SYMLINK)
		return; /* the link's target has a rule of its own */
	if (!(r->flags & (RULE_NOEXEC | RULE_FS)))
		acc |= LL_EXEC;
	if (r->flags & (RULE_RW | RULE_TMP))
		acc |= LL_WRITE;
	if (r->flags & (RULE_DEV | RULE_MINIDEV)) {
		acc |= LL_DEV;
		if (strcmp(r->inside, "/dev") == 0 && !(r->flags & RULE_RW))
			ll_dev_nodes(ps, path);
	}
	ll_put(ps, path, acc, r->flags & RULE_MAYBE);
}

/*
 * code-only has no root of its own: the program sees the host's paths.  It
 * may execute and read the system directories, read the etc_files and /proc
 * (Landlock's ptrace rule keeps every process outside the box out of reach
 * there), use the usual device nodes, write its box directory, and reach
 * the sources of --engine, --code and --dir at their own paths.
 */
static void
ll_code_only(struct plan_store *ps, const struct ap_conf *c, const struct box *b)
{
	static const char *const sys[] = {"/usr",   "/bin",   "/sbin",	"/lib",
					  "/lib64", "/lib32", "/libx32"};
	cleanup_free char *etc = xstrdup(c->etc_files);
	cleanup_free char **names = NULL;
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(sys); i++)
		ll_put(ps, sys[i], LL_READ | LL_EXEC, true);
	names = etc_names(etc, &n);
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *p = xasprintf("/etc/%s", names[i]);
		ll_put(ps, p, LL_READ, true);
	}
	ll_put(ps, "/proc", LL_READ, false);
	ll_dev_nodes(ps, "/dev");
	ll_put(ps, b->work, LL_READ | LL_WRITE | LL_EXEC, false);
	for (size_t i = 0; i < ps->rules.n; i++)
		ll_from_rule(ps, &ps->rules.v[i], ps->rules.v[i].outside);
}

int
plan_landlock_verdict(const struct ap_conf *c, const struct mode_desc *md, bool rootless,
		      const struct landlock_info *li, struct ap_err *e)
{
	/* Started by an ordinary user, code-only has no other wall between boxes and caller. */
	bool only_wall = !(md->plan_flags & PLAN_USERNS) && rootless;

	if (!(md->plan_flags & PLAN_LANDLOCK) || c->landlock == LL_POLICY_OFF ||
	    c->landlock == LL_POLICY_OPTIONAL)
		return 0;
	if (li->abi < 1 && (only_wall || c->landlock == LL_POLICY_REQUIRE))
		return ap_err_set(e, li->err,
				  "%s needs Landlock, which this kernel does not give (set "
				  "landlock = optional in the configuration to run without it)",
				  md->name);
	if (li->abi >= 1 && li->abi < 6 && c->landlock == LL_POLICY_REQUIRE)
		return ap_err_set(e, 0,
				  "landlock = require, and this kernel's Landlock ABI is %d: "
				  "scoping signals and abstract sockets needs 6 (Linux 6.12)",
				  li->abi);
	return 0;
}

/*
 * Decide the run's Landlock domain by the mode, the kernel's ABI and the
 * configuration's policy; a run that may not go without it is refused here.
 */
static int
landlock_plan(struct plan_store *ps, const struct ap_opts *o, const struct ap_conf *c,
	      const struct box *b, const struct mode_desc *md, bool newroot, struct ap_err *e)
{
	struct run_plan *p = &ps->run;
	struct landlock_info li;
	int r;

	if (!(md->plan_flags & PLAN_LANDLOCK) || c->landlock == LL_POLICY_OFF)
		return 0;
	landlock_probe(&li);
	r = plan_landlock_verdict(c, md, b->rootless, &li, e);
	if (r < 0)
		return r;
	if (li.abi < 1)
		return 0;
	p->landlock_abi = li.abi;
	if (newroot) {
		/*
		 * The new root holds nothing but the rules' mount points: listing
		 * and reading it (and so below it) takes nothing the binds do not
		 * give; writing and executing stay per rule.
		 */
		ll_put(ps, "/", LL_READ, false);
		for (size_t i = 0; i < ps->rules.n; i++)
			ll_from_rule(ps, &ps->rules.v[i], ps->rules.v[i].inside);
	} else {
		ll_code_only(ps, c, b);
	}
	p->landlock.rules = ps->ll;
	p->landlock.n = ps->nll;
	p->landlock.deny_tcp = !(md->ns_flags & CLONE_NEWNET) && !o->share_net;
	p->landlock.scope = true;
	return 0;
}

/*
 * code-only: --engine, --code and --dir grant their sources, at their own
 * paths (there is no root to bind them into).  Only binds of host paths.
 * Without a domain (landlock = off, or none in this kernel) the box reaches
 * them anyway: the rules are accepted all the same.
 */
static int
code_only_rules(struct plan_store *ps, const struct ap_opts *o, struct ap_err *e)
{
	if (o->no_default_dirs)
		return ap_err_set(e, 0, "--no-default-dirs needs a mode with its own root");
	if (o->engine_dir)
		rules_put(&ps->rules, o->engine_dir, o->engine_dir, 0);
	if (o->code_dir)
		rules_put(&ps->rules, o->code_dir, o->code_dir, 0);
	for (size_t i = 0; i < o->ndir_specs; i++) {
		struct dir_rule r = {0};
		bool del;
		int ret = rules_parse(o->dir_specs[i], &r, &del, e);

		if (ret < 0)
			return ap_err_prefix(e, "--dir");
		if (del || !r.outside || (r.flags & (RULE_FS | RULE_TMP)) || r.outside[0] != '/') {
			rules_free_rule(&r);
			return ap_err_set(e, 0,
					  "--dir \"%s\": code-only grants host directories only "
					  "(no filesystems, tmp or deletions)",
					  o->dir_specs[i]);
		}
		rules_put(&ps->rules, r.outside, r.outside, r.flags);
		rules_free_rule(&r);
	}
	return 0;
}

static void
env_set(struct plan_store *ps, const char *name, const char *value)
{
	size_t nlen = strlen(name);

	for (size_t i = 0; i < ps->nenv; i++) {
		if (strncmp(ps->envp[i], name, nlen) == 0 && ps->envp[i][nlen] == '=') {
			free(ps->envp[i]);
			ps->envp[i] = xasprintf("%s=%s", name, value);
			return;
		}
	}
	ps->envp = xrealloc(ps->envp, (ps->nenv + 2) * sizeof(char *));
	ps->envp[ps->nenv++] = xasprintf("%s=%s", name, value);
	ps->envp[ps->nenv] = NULL;
}

static void
env_unset(struct plan_store *ps, const char *name)
{
	size_t nlen = strlen(name);

	for (size_t i = 0; i < ps->nenv; i++) {
		if (strncmp(ps->envp[i], name, nlen) == 0 && ps->envp[i][nlen] == '=') {
			free(ps->envp[i]);
			memmove(&ps->envp[i], &ps->envp[i + 1], (ps->nenv - i) * sizeof(char *));
			ps->nenv--;
			return;
		}
	}
}

/*
 * The caller's own AP_EXECUTION_MODE, from its --env rules (the last one
 * naming it, with the value it gives or apbox's own), or NULL.
 */
static const char *
caller_mode_value(const struct ap_opts *o)
{
	const char *v = NULL;

	for (size_t i = 0; i < o->nenv; i++) {
		const struct env_rule *r = &o->env[i];
		if (strcmp(r->name, "AP_EXECUTION_MODE") != 0)
			continue;
		v = r->remove ? NULL : r->value ? r->value : getenv(r->name);
	}
	return v && *v ? v : NULL;
}

static int
build_env(struct plan_store *ps, const struct ap_opts *o, const struct ap_conf *c,
	  const struct box *b, bool newroot, enum ap_mode mode, struct ap_err *e)
{
	const struct mode_desc *md = mode_desc(mode);
	const char *claim = caller_mode_value(o);

	ps->envp = xcalloc(1, sizeof(char *));
	env_set(ps, "PATH", c->path);
	env_set(ps, "HOME", newroot ? "/box" : b->work);
	env_set(ps, "TMPDIR", newroot ? "/tmp" : b->work);
	if (o->full_env) {
		for (char **ev = environ; *ev; ev++) {
			char *eq = strchr(*ev, '=');
			cleanup_free char *name = NULL;
			if (!eq)
				continue;
			name = strndup(*ev, (size_t) (eq - *ev));
			if (name)
				env_set(ps, name, eq + 1);
		}
	}
	/*
	 * isolate's one default variable: glibc's fatal messages (a heap
	 * corruption) go to stderr, not to a /dev/tty the box may lack.  A rule
	 * may change it, as in isolate.
	 */
	if (o->compat)
		env_set(ps, "LIBC_FATAL_STDERR_", "1");
	for (size_t i = 0; i < o->nenv; i++) {
		const struct env_rule *r = &o->env[i];
		if (r->remove) {
			env_unset(ps, r->name);
		} else if (r->value) {
			env_set(ps, r->name, r->value);
		} else {
			const char *v = getenv(r->name);
			if (v)
				env_set(ps, r->name, v);
			else
				env_unset(ps, r->name);
		}
	}
	/*
	 * The engine is told the truth about its sandbox.  A caller (an
	 * isolate worker passes --env=AP_EXECUTION_MODE=...) may name the mode
	 * itself, and its value reaches the program unchanged when the box
	 * gives that mode's isolation: the same mode, process for
	 * code-and-process and back (the same box), or a weaker mode, which
	 * only makes the engine do more of its own isolating.  A mode the box
	 * does not give would have the engine rely on isolation it lacks:
	 * refused.
	 */
	if (claim) {
		enum ap_mode want;

		if (mode_parse(claim, &want) < 0)
			return ap_err_set(
				e, 0, "--env: AP_EXECUTION_MODE=\"%s\" is not a mode (one of %s)",
				claim, mode_names());
		if (!mode_gives(mode, want))
			return ap_err_set(
				e, 0,
				"--env: AP_EXECUTION_MODE=%s asks for isolation that mode %s "
				"does not give (use --mode, or init the box in that mode)",
				claim, md->name);
		env_set(ps, "AP_EXECUTION_MODE", claim);
		return 0;
	}
	env_set(ps, "AP_EXECUTION_MODE", md->ap_name);
	return 0;
}

int
plan_build(struct plan_store *ps, const struct ap_opts *o, const struct ap_conf *c,
	   const struct box *b, struct cg *cg, enum ap_mode mode, struct ap_err *e)
{
	const struct mode_desc *md = mode_desc(mode);
	struct run_plan *p = &ps->run;
	bool newroot = md->plan_flags & PLAN_NEW_ROOT;
	int r;

	memset(ps, 0, sizeof(*ps));
	p->mode_name = md->name;
	p->ns_flags = md->ns_flags;
	if (o->share_net)
		p->ns_flags &= ~CLONE_NEWNET;
	p->plan_flags = md->plan_flags;
	p->box = b;
	p->cg = cg;
	plan_limits(o, c, &p->limits);
	p->extra_is_absolute = o->extra_time_is_absolute;
	p->rootless = b->rootless;
	p->uid = b->uid;
	p->gid = b->gid;
	p->map_uid = b->host_uid;
	p->map_gid = b->host_gid;
	p->stdin_fd = p->stdout_fd = p->stderr_fd = -1;
	p->argv = o->argv;

	if (newroot) {
		if (!o->no_default_dirs) {
			bool may_copy_etc, may_link;
			caller_rules_allow(o, c, &may_copy_etc, &may_link);
			default_rules(&ps->rules, c, b, may_copy_etc, may_link);
			TIMELINE("run: default rules, /etc checked");
		}
		if (o->engine_dir)
			rules_put(&ps->rules, c->engine_path, o->engine_dir, 0);
		if (o->code_dir)
			rules_put(&ps->rules, c->code_path, o->code_dir, 0);
		/* A caller's rule for a directory replaces the defaults below it. */
		for (size_t i = 0; i < o->ndir_specs; i++) {
			r = rules_merge(&ps->rules, o->dir_specs[i], e);
			if (r < 0)
				return ap_err_prefix(e, "--dir");
		}
		shm_rule(&ps->rules, b);
		if (box_has_storage(b))
			p->tmp_dirs = storage_tmp_rules(&ps->rules, b);
		shared_caller_rules(&ps->rules, c->box_root);
		p->mounts.newroot = b->newroot;
		p->mounts.guard = c->box_root;
		p->mounts.rules = &ps->rules;
		p->mounts.tmp_size = c->storage;
		p->mounts.tmp_inodes = c->storage_inodes;
		p->mounts.hidepid = c->hidepid;
	} else if (md->plan_flags & PLAN_LANDLOCK) {
		r = code_only_rules(ps, o, e);
		if (r < 0)
			return r;
	} else if (o->engine_dir || o->code_dir || o->ndir_specs || o->no_default_dirs) {
		return ap_err_set(e, 0,
				  "--engine, --code and --dir need a mode with its own root "
				  "or a Landlock domain, not %s",
				  md->name);
	}

	if (o->hostname)
		ps->hostname = xstrdup(o->hostname);
	else
		ps->hostname = xasprintf("apbox-%d", b->id);
	p->hostname = ps->hostname;
	if (o->chdir) {
		ps->cwd = xstrdup(o->chdir);
	} else if (newroot) {
		/* /box when a rule provides it (--no-default-dirs may drop it), else "/". */
		bool has_box = false;
		for (size_t i = 0; i < ps->rules.n; i++)
			has_box |= strcmp(ps->rules.v[i].inside, "/box") == 0;
		ps->cwd = xstrdup(has_box ? "/box" : "/");
	} else {
		ps->cwd = xstrdup(b->work);
	}
	p->cwd = ps->cwd;
	r = build_env(ps, o, c, b, newroot, mode, e);
	p->envp = ps->envp;
	if (r < 0)
		return r;

	p->want_seccomp = (md->plan_flags & PLAN_SECCOMP) &&
			  (o->seccomp == 1 || (o->seccomp < 0 && c->seccomp));
	r = landlock_plan(ps, o, c, b, md, newroot, e);
	if (r < 0)
		return r;
	/*
	 * Without a network namespace of its own a box without --share-net gets
	 * no sockets (socket pairs and pipes stay).  With the host's network it
	 * gets no unix sockets where it could reach the host's: pathname ones
	 * without a root of its own (Landlock mediates them from ABI 9 only),
	 * abstract ones without Landlock's scope (ABI 6).  Without a uid of its
	 * own (code-only of an ordinary user), what the kernel counts or checks
	 * per user and Landlock does not mediate: inotify instances, and the
	 * mode, owner, times and xattrs of files named by path.  Filters like
	 * the others: --seccomp=off drops them.
	 */
	if (p->want_seccomp && !(md->ns_flags & CLONE_NEWNET) && !o->share_net)
		p->run_filter = AP_SECCOMP_NO_SOCKETS;
	else if (p->want_seccomp && o->share_net &&
		 (!newroot || !p->landlock.n ||
		  !(landlock_features(p->landlock_abi) & LL_HAS_SCOPE)))
		p->run_filter = AP_SECCOMP_NO_UNIX;
	if (p->want_seccomp && !(md->plan_flags & PLAN_USERNS) && b->rootless)
		p->run_filter |= AP_SECCOMP_NO_INOTIFY | AP_SECCOMP_NO_PATH_ATTRS;

	/*
	 * Limits the host cannot enforce are refused, never silently dropped.
	 * The proxy is one of the box's processes (in its cgroup, and under the
	 * box uid when it shares the program's user namespace): the program
	 * gets the N processes it asked for.
	 */
	if (p->limits.processes) {
		bool own_uid = (md->plan_flags & PLAN_BOX_UID) && !b->rootless;
		bool proxy_is_box_uid = md->plan_flags & PLAN_USERNS;

		if (cg->have & CG_PIDS)
			p->pids = p->limits.processes + 1;
		else if (own_uid) /* the box uid is the box's alone: RLIMIT_NPROC works */
			p->nproc = p->limits.processes + (proxy_is_box_uid ? 1 : 0);
	}
	{
		struct cg_limits cl = {.mem = p->limits.mem,
				       .pids = p->nproc ? 0 : p->limits.processes};
		r = cg_check_limits(cg, &cl, e);
		if (r < 0)
			return r;
	}
	return 0;
}

void
plan_free(struct plan_store *ps)
{
	rules_free(&ps->rules);
	for (size_t i = 0; i < ps->nll; i++)
		free((char *) ps->ll[i].path);
	free(ps->ll);
	for (size_t i = 0; i < ps->nenv; i++)
		free(ps->envp[i]);
	free(ps->envp);
	free(ps->hostname);
	free(ps->cwd);

	memset(ps, 0, sizeof(*ps));
}
