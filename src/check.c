/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check: a doctor's note on this host and this caller.  Every answer comes
 * from trying the real thing in a throw-away child (a user namespace with
 * the box's other namespaces, a fresh /proc inside it, the seccomp filter)
 * or from reading the cgroup tree; nothing is assumed from the kernel
 * version.  Nothing outlives the check: the children only touch their own
 * private namespaces.
 */
#include "config.h"

#include "check.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "cgroup.h"
#include "conf.h"
#include "err.h"
#include "landlock.h"
#include "plan.h"
#include "seccomp.h"
#include "util.h"

struct finding {
	bool ok;
	char why[300]; /* when !ok: cause and fix */
};

struct report {
	bool root, cap_sys_admin;
	long max_userns;
	struct finding userns; /* user + pid + mount + ... namespaces */
	struct finding proc;   /* a fresh /proc in them */
	struct finding seccomp;
	enum cg_version cg;
	bool hybrid;
	unsigned cg_have;
	bool cg_writable;
	char cg_where[200];
	struct landlock_info ll; /* the kernel's answer, ll.abi 0 when a domain failed */
	struct finding landlock; /* a real domain, made and enforced in a child */
	struct finding storage;	 /* init mounts each box's storage (box.h) */
	long long storage_free;	 /* bytes free on box_root's filesystem, -1: unknown */
	bool in_pod;		 /* a Kubernetes pod: its ephemeral-storage limit applies */
	struct finding mode[AP_MODE_COUNT];
	char has[AP_MODE_COUNT][160], lacks[AP_MODE_COUNT][160]; /* protections, comma-separated */
};

/*
 * In a child: the namespaces of the process modes, then (if want_proc) a
 * fresh proc mounted on /proc of the child's private mount namespace.
 * Returns 0 or the errno of the first failing step, with *step naming it.
 */
static int
probe_ns(bool want_proc, const char **step)
{
	int flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
		    CLONE_NEWCGROUP | CLONE_NEWNET;
	int pipefd[2];
	pid_t pid;
	int st, err = 0, which = 0;

	if (pipe(pipefd) < 0)
		return errno;
	pid = (pid_t) syscall(SYS_clone, (unsigned long) flags | SIGCHLD, 0, NULL, NULL, 0);
	if (pid < 0) {
		err = errno;
		*step = "creating user, pid, mount, uts, ipc, cgroup and net namespaces";
		(void) close(pipefd[0]);
		(void) close(pipefd[1]);
		return err;
	}
	if (pid == 0) {
		int e = 0;
		int at = 0;
		(void) close(pipefd[0]);
		if (want_proc) {
			/* private first: nothing may propagate back to the host */
			if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
				e = errno;
				at = 1;
			} else if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
					 NULL) < 0) {
				e = errno;
				at = 2;
			}
		}
		if (write(pipefd[1], &at, sizeof(at)) != sizeof(at) ||
		    write(pipefd[1], &e, sizeof(e)) != sizeof(e))
			_exit(1);
		_exit(0);
	}
	(void) close(pipefd[1]);
	if (read(pipefd[0], &which, sizeof(which)) != sizeof(which) ||
	    read(pipefd[0], &err, sizeof(err)) != sizeof(err))
		err = EIO;
	(void) close(pipefd[0]);
	(void) waitpid(pid, &st, 0);
	if (err)
		*step = which == 1 ? "making mounts private in them"
				   : "mounting a fresh /proc in them";
	return err;
}

/*
 * In a child: a real domain (one rule, the scopes this ABI has), enforced
 * after no_new_privs, as a run does; a seccomp profile may allow the probe
 * and refuse the rest.  Returns 0 or the errno of the step that failed.
 */
static int
probe_landlock(int abi)
{
	const struct landlock_rule rule = {"/", LL_READ, false};
	const struct landlock_plan lp = {&rule, 1, true, true};
	pid_t pid;
	int st;

	pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		struct ap_err e;
		int fd;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(errno & 0xff);
		fd = landlock_prepare(&lp, abi, &e);
		if (fd < 0)
			_exit(-fd & 0xff);
		_exit(landlock_enforce(fd, &e) < 0 ? e.errnum & 0xff : 0);
	}
	if (waitpid(pid, &st, 0) < 0)
		return errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : EIO;
}

static void fill_why(struct finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fill_why(struct finding *f, const char *fmt, ...)
{
	va_list ap;

	f->ok = false;
	va_start(ap, fmt);
	(void) vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
}

static void
add_word(char *list, size_t len, const char *w)
{
	size_t n = strlen(list);

	(void) snprintf(list + n, len - n, "%s%s", n ? "," : "", w);
}

/*
 * What mode md needs of this host and caller, from its plan flags, and which
 * protections a box of it gets here: mode.c is the one place that knows
 * what each mode asks for.
 */
static void
mode_verdict(struct report *r, const struct ap_conf *c, const struct mode_desc *md)
{
	struct finding *f = &r->mode[md->mode];
	char *has = r->has[md->mode], *lacks = r->lacks[md->mode];
	unsigned pf = md->plan_flags, ll = landlock_features(r->ll.abi);
	bool limits = (r->cg_have & CG_MEMORY) && r->cg_writable;
	struct ap_err e = {0};

	f->ok = true;
	if ((pf & PLAN_USERNS) && !r->userns.ok)
		*f = r->userns;
	else if ((pf & PLAN_NEW_ROOT) && !r->proc.ok)
		*f = r->proc;
	else if ((pf & PLAN_SECCOMP) && !r->seccomp.ok)
		*f = r->seccomp;
	else if (plan_landlock_verdict(c, md, !r->root, &r->ll, &e) < 0) {
		char line[sizeof(f->why)];
		ap_err_format(&e, line, sizeof(line)); /* as run says it */
		fill_why(f, "%s", line);
	}
	add_word(has, sizeof(r->has[0]), "session");
	add_word(r->storage.ok ? has : lacks, sizeof(r->has[0]), "storage-bound");
	add_word(limits ? has : lacks, sizeof(r->has[0]), "cgroup-limits");
	if (!pf)
		return;
	add_word(r->root || (pf & PLAN_USERNS) ? has : lacks, sizeof(r->has[0]), "own-uid");
	if (pf & PLAN_USERNS)
		add_word(has, sizeof(r->has[0]), "namespaces");
	add_word(r->seccomp.ok ? has : lacks, sizeof(r->has[0]), "seccomp");
	if (c->landlock == LL_POLICY_OFF) {
		add_word(lacks, sizeof(r->has[0]), "landlock(off)");
		return;
	}
	add_word(ll & LL_HAS_FS ? has : lacks, sizeof(r->has[0]), "landlock-fs");
	add_word(ll & LL_HAS_SCOPE ? has : lacks, sizeof(r->has[0]), "landlock-scope");
	if (!(md->ns_flags & CLONE_NEWNET))
		add_word(ll & LL_HAS_TCP ? has : lacks, sizeof(r->has[0]), "landlock-tcp");
}

/*
 * In a child with a private mount namespace, as init would for each box:
 * can this caller mount a tmpfs?  Returns 0 or the errno.
 */
static int
probe_tmpfs(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("apbox", "/", "tmpfs", MS_NOSUID | MS_NODEV, "size=4k,nr_inodes=4") < 0)
			_exit(errno & 0xff);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EIO;
}

/* What bounds a box's storage here: init's tmpfs (root), else box_root's filesystem. */
static void
gather_storage(struct report *r, const struct ap_conf *c)
{
	cleanup_free char *dir = xstrdup(c->box_root);
	struct statvfs sv;
	int err;

	/* box_root may not exist yet: its nearest existing parent holds it. */
	while (statvfs(dir, &sv) < 0 && strrchr(dir, '/') && strcmp(dir, "/") != 0)
		*(strrchr(dir, '/') == dir ? dir + 1 : strrchr(dir, '/')) = '\0';
	r->storage_free =
		statvfs(dir, &sv) == 0 ? (long long) sv.f_bavail * (long long) sv.f_frsize : -1;
	r->in_pod = getenv("KUBERNETES_SERVICE_HOST") != NULL;
	r->storage.ok = false;
	if (!c->storage)
		fill_why(&r->storage, "storage = 0 in the configuration");
	else if (!r->root)
		fill_why(&r->storage, "an ordinary user cannot mount each box's tmpfs");
	else if ((err = probe_tmpfs()) != 0)
		fill_why(&r->storage, "root cannot mount each box's tmpfs here: %s%s",
			 strerror(err), r->cap_sys_admin ? "" : " (no CAP_SYS_ADMIN)");
	else
		r->storage.ok = true;
}

static void
gather(struct report *r, const struct ap_conf *c)
{
	char buf[64];
	const char *step = "";
	struct ap_err e = {0};
	struct cg cg = {0};
	int err;

	r->root = geteuid() == 0;
	r->cap_sys_admin = caps_have(CAP_SYS_ADMIN);
	r->max_userns = -1;
	if (read_file("/proc/sys/user/max_user_namespaces", buf, sizeof(buf)) > 0)
		r->max_userns = strtol(buf, NULL, 10);

	r->userns.ok = r->proc.ok = true;
	err = probe_ns(false, &step);
	if (err) {
		if (r->max_userns == 0)
			fill_why(
				&r->userns,
				"user namespaces are disabled (user.max_user_namespaces = 0): "
				"set it above 0 (sysctl -w user.max_user_namespaces=10000), or run "
				"the container with user namespaces allowed");
		else if (err == EPERM && !r->cap_sys_admin)
			fill_why(&r->userns,
				 "%s: %s: this caller may not create user namespaces and "
				 "has no CAP_SYS_ADMIN (allow unprivileged user namespaces, or in "
				 "Kubernetes/Docker drop the seccomp/AppArmor profile that blocks "
				 "unshare)",
				 step, strerror(err));
		else
			fill_why(&r->userns, "%s: %s", step, strerror(err));
		r->proc = r->userns;
	} else if ((err = probe_ns(true, &step)) != 0 && strstr(step, "private")) {
		fill_why(&r->proc,
			 "%s: %s: mount propagation cannot be changed here (gVisor refuses it "
			 "without CAP_SYS_ADMIN)",
			 step, strerror(err));
	} else if (err) {
		fill_why(&r->proc,
			 "%s: %s: the host's /proc is masked or read-only (a container "
			 "runtime's masked paths); give the container an unmasked /proc "
			 "(Kubernetes: procMount: Unmasked)",
			 step, strerror(err));
	}

	r->seccomp.ok = ap_seccomp_available(&e) == 0;
	if (!r->seccomp.ok) {
		char line[400];
		ap_err_format(&e, line, sizeof(line));
		fill_why(&r->seccomp, "%s", line);
	}

	r->cg = cg_detect(c->cg_root);
	if (c->cg_version != CG_AUTO)
		r->cg = c->cg_version;
	{
		cleanup_free char *unified = xasprintf("%s/unified", c->cg_root);
		r->hybrid = r->cg == CG_V1 && access(unified, F_OK) == 0;
	}
	if (cg_open(&cg, r->cg, c->cg_root, c->cg_parent, 0, &e) == 0) {
		r->cg_have = cg.have;
		r->cg_writable = cg.is_writable;
		(void) snprintf(r->cg_where, sizeof(r->cg_where), "%s/%s%s", c->cg_root,
				r->cg == CG_V1 ? "<controller>/" : "", c->cg_parent);
	}
	cg_free(&cg);

	landlock_probe(&r->ll);
	r->landlock.ok = r->ll.abi >= 1;
	if (!r->landlock.ok)
		fill_why(&r->landlock, "%s",
			 r->ll.err == ENOSYS	   ? "not in this kernel (ENOSYS)"
			 : r->ll.err == EOPNOTSUPP ? "built but disabled at boot (EOPNOTSUPP: add "
						     "landlock to the lsm= list)"
						   : strerror(r->ll.err));
	else if ((err = probe_landlock(r->ll.abi)) != 0)
		fill_why(&r->landlock, "ABI %d answers, but a domain cannot be enforced: %s",
			 r->ll.abi, strerror(err));
	if (!r->landlock.ok)
		r->ll.abi = 0;
	gather_storage(r, c);
	for (int m = 0; m < AP_MODE_COUNT; m++)
		mode_verdict(r, c, mode_desc((enum ap_mode) m));
}

static const char *
controllers(unsigned have, char *buf, size_t len)
{
	(void) snprintf(buf, len, "%s%s%s%s", have & CG_MEMORY ? "memory " : "",
			have & CG_PIDS ? "pids " : "", have & CG_CPU ? "cpu " : "",
			have & CG_KILL ? "kill " : "");
	if (buf[0])
		buf[strlen(buf) - 1] = '\0';
	else
		(void) snprintf(buf, len, "none");
	return buf;
}

static void
json_str(const char *s)
{
	(void) putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			(void) printf("\\%c", *s);
		else if ((unsigned char) *s < 0x20)
			(void) printf("\\u%04x", (unsigned char) *s);
		else
			(void) putchar(*s);
	}
	(void) putchar('"');
}

/* A comma-separated list as a JSON array of strings. */
static void
json_list(const char *list)
{
	(void) putchar('[');
	for (const char *w = list; *w;) {
		size_t n = strcspn(w, ",");
		(void) printf("%s\"%.*s\"", w == list ? "" : ",", (int) n, w);
		w += n + (w[n] == ',');
	}
	(void) putchar(']');
}

static void
print_json(const struct report *r, const struct ap_conf *c, enum ap_mode def)
{
	char ctl[64], feats[96];

	landlock_features_format(landlock_features(r->ll.abi), feats, sizeof(feats));
	(void) printf("{\"root\":%s,\"cap_sys_admin\":%s,\"max_user_namespaces\":%ld,",
		      r->root ? "true" : "false", r->cap_sys_admin ? "true" : "false",
		      r->max_userns);
	(void) printf("\"cgroup\":{\"version\":\"%s\",\"hybrid\":%s,\"controllers\":",
		      cg_version_name(r->cg), r->hybrid ? "true" : "false");
	json_str(controllers(r->cg_have, ctl, sizeof(ctl)));
	(void) printf(",\"writable\":%s,\"path\":", r->cg_writable ? "true" : "false");
	json_str(r->cg_where);
	(void) printf("},\"landlock\":{\"abi\":%d,\"ok\":%s,\"features\":\"%s\"", r->ll.abi,
		      r->landlock.ok ? "true" : "false", feats);
	if (!r->landlock.ok) {
		(void) printf(",\"why\":");
		json_str(r->landlock.why);
	}
	(void) printf("},\"storage\":{\"bounded\":%s,\"size\":%llu,\"inodes\":%llu,"
		      "\"box_root_free\":%lld,\"pod\":%s",
		      r->storage.ok ? "true" : "false", (unsigned long long) c->storage,
		      (unsigned long long) c->storage_inodes, r->storage_free,
		      r->in_pod ? "true" : "false");
	if (!r->storage.ok) {
		(void) printf(",\"why\":");
		json_str(r->storage.why);
	}
	(void) printf("},\"default_mode\":\"%s\",\"modes\":{", mode_name(def));
	for (int m = 0; m < AP_MODE_COUNT; m++) {
		(void) printf("%s\"%s\":{\"ok\":%s", m ? "," : "", mode_name((enum ap_mode) m),
			      r->mode[m].ok ? "true" : "false");
		if (!r->mode[m].ok) {
			(void) printf(",\"why\":");
			json_str(r->mode[m].why);
		}
		(void) printf(",\"has\":");
		json_list(r->has[m]);
		(void) printf(",\"lacks\":");
		json_list(r->lacks[m]);
		(void) putchar('}');
	}
	(void) printf("}}\n");
}

/* A size for people: whole G, M or K when exact, else bytes. */
static const char *
size_words(unsigned long long v, char *buf, size_t len)
{
	static const char units[] = "GMK";

	for (int i = 0; i < 3; i++) {
		unsigned long long u = 1ULL << (10 * (3 - i));
		if (v && v % u == 0) {
			(void) snprintf(buf, len, "%llu%c", v / u, units[i]);
			return buf;
		}
	}
	(void) snprintf(buf, len, "%llu bytes", v);
	return buf;
}

static void
print_storage(const struct report *r, const struct ap_conf *c)
{
	char size[32], free_[32] = "?";

	size_words(c->storage, size, sizeof(size));
	if (r->storage_free >= 0)
		(void) snprintf(free_, sizeof(free_), "%.1fG",
				(double) r->storage_free / (1 << 30));
	if (r->storage.ok) {
		(void) printf("storage:  each box holds at most %s and %llu inodes in /box, /tmp "
			      "and /dev/shm together (a tmpfs init mounts: memory, counted in "
			      "the box's memory limit while it runs)\n",
			      size, (unsigned long long) c->storage_inodes);
		return;
	}
	(void) printf("storage:  not bounded by apbox (%s): /box is on box_root's filesystem "
		      "(%s free)",
		      r->storage.why, free_);
	if (c->storage)
		(void) printf("; each run's /tmp and /dev/shm in the process modes: a tmpfs of %s",
			      size);
	(void) printf("%s\n", r->in_pod ? "; in this pod, its ephemeral-storage limit bounds "
					  "them all (the kubelet evicts the pod past it)"
					: "; a quota of box_root's filesystem, or in a pod its "
					  "ephemeral-storage limit, bounds the rest");
}

static void
print_text(const struct report *r, const struct ap_conf *c, enum ap_mode def)
{
	char ctl[64], feats[96];
	bool limits = (r->cg_have & CG_MEMORY) && r->cg_writable;

	(void) printf("caller:   %s%s\n", r->root ? "root" : "an ordinary user",
		      r->cap_sys_admin ? " with CAP_SYS_ADMIN" : ", no CAP_SYS_ADMIN");
	(void) printf("cgroups:  %s%s, controllers: %s, box cgroups under %s (%s)\n",
		      cg_version_name(r->cg),
		      r->hybrid ? " (hybrid: v1 controllers beside a v2 mount)" : "",
		      controllers(r->cg_have, ctl, sizeof(ctl)), r->cg_where,
		      r->cg_writable ? "writable" : "not writable by this caller");
	if (!limits)
		(void) printf(
			"          memory and process limits cannot be enforced here: runs that "
			"ask for --mem or --processes will be refused (delegate a writable "
			"cgroup with the memory and pids controllers, or run as root)\n");
	(void) printf("seccomp:  %s\n", r->seccomp.ok ? "available" : r->seccomp.why);
	(void) printf("user namespaces: %s\n", r->userns.ok ? "available" : r->userns.why);
	landlock_features_format(landlock_features(r->ll.abi), feats, sizeof(feats));
	if (r->landlock.ok)
		(void) printf("landlock: ABI %d (%s)\n", r->ll.abi, feats);
	else
		(void) printf("landlock: %s\n", r->landlock.why);
	print_storage(r, c);
	for (int m = 0; m < AP_MODE_COUNT; m++) {
		const struct mode_desc *d = mode_desc((enum ap_mode) m);
		(void) printf("%-17s %-3s %s%s%s\n", d->name, r->mode[m].ok ? "yes" : "no",
			      r->mode[m].ok ? d->summary : r->mode[m].why,
			      m == (int) def ? "  [default]" : "",
			      r->mode[m].ok && !r->root && !(d->plan_flags & PLAN_USERNS) &&
					      d->plan_flags
				      ? " (as the caller: boxes share one uid)"
				      : "");
		if (r->lacks[m][0])
			(void) printf("%-21s lacks: %s\n", "", r->lacks[m]);
	}
}

int
check_run(const struct ap_conf *c, enum ap_mode default_mode, bool json)
{
	struct report r;

	memset(&r, 0, sizeof(r));
	gather(&r, c);
	if (json)
		print_json(&r, c, default_mode);
	else
		print_text(&r, c, default_mode);
	(void) fflush(stdout);
	return r.mode[default_mode].ok ? 0 : 1;
}
