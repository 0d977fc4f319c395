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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "cgroup.h"
#include "conf.h"
#include "err.h"
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
	struct finding mode[AP_MODE_COUNT];
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
	int st, err = 0;

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
		(void) close(pipefd[0]);
		if (want_proc) {
			/* private first: nothing may propagate back to the host */
			if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
				e = errno;
			else if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
				       NULL) < 0)
				e = errno;
		}
		if (write(pipefd[1], &e, sizeof(e)) != sizeof(e))
			_exit(1);
		_exit(0);
	}
	(void) close(pipefd[1]);
	if (read(pipefd[0], &err, sizeof(err)) != sizeof(err))
		err = EIO;
	(void) close(pipefd[0]);
	(void) waitpid(pid, &st, 0);
	if (err)
		*step = "mounting a fresh /proc in them";
	return err;
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
	} else if ((err = probe_ns(true, &step)) != 0) {
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

	/* Per mode: what it needs. */
	r->mode[AP_MODE_UNSANDBOXED].ok = true;
	r->mode[AP_MODE_CODE_ONLY] = r->seccomp;
	if (r->seccomp.ok && !r->root)
		r->mode[AP_MODE_CODE_ONLY].ok = true; /* runs as the caller: no per-box uid */
	for (int m = AP_MODE_PROCESS; m <= AP_MODE_CODE_AND_PROCESS; m++) {
		if (!r->userns.ok)
			r->mode[m] = r->userns;
		else if (!r->proc.ok)
			r->mode[m] = r->proc;
		else
			r->mode[m] = r->seccomp;
	}
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

static void
print_json(const struct report *r, enum ap_mode def)
{
	char ctl[64];

	(void) printf("{\"root\":%s,\"cap_sys_admin\":%s,\"max_user_namespaces\":%ld,",
		      r->root ? "true" : "false", r->cap_sys_admin ? "true" : "false",
		      r->max_userns);
	(void) printf("\"cgroup\":{\"version\":\"%s\",\"hybrid\":%s,\"controllers\":",
		      cg_version_name(r->cg), r->hybrid ? "true" : "false");
	json_str(controllers(r->cg_have, ctl, sizeof(ctl)));
	(void) printf(",\"writable\":%s,\"path\":", r->cg_writable ? "true" : "false");
	json_str(r->cg_where);
	(void) printf("},\"default_mode\":\"%s\",\"modes\":{", mode_name(def));
	for (int m = 0; m < AP_MODE_COUNT; m++) {
		(void) printf("%s\"%s\":{\"ok\":%s", m ? "," : "", mode_name((enum ap_mode) m),
			      r->mode[m].ok ? "true" : "false");
		if (!r->mode[m].ok) {
			(void) printf(",\"why\":");
			json_str(r->mode[m].why);
		}
		(void) putchar('}');
	}
	(void) printf("}}\n");
}

static void
print_text(const struct report *r, enum ap_mode def)
{
	char ctl[64];
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
	for (int m = 0; m < AP_MODE_COUNT; m++) {
		const struct mode_desc *d = mode_desc((enum ap_mode) m);
		(void) printf("%-17s %-3s %s%s%s\n", d->name, r->mode[m].ok ? "yes" : "no",
			      r->mode[m].ok ? d->summary : r->mode[m].why,
			      m == (int) def ? "  [default]" : "",
			      r->mode[m].ok && m == AP_MODE_CODE_ONLY && !r->root
				      ? " (as the caller: boxes share one uid)"
				      : "");
	}
}

int
check_run(const struct ap_conf *c, enum ap_mode default_mode, bool json)
{
	struct report r;

	memset(&r, 0, sizeof(r));
	gather(&r, c);
	if (json)
		print_json(&r, default_mode);
	else
		print_text(&r, default_mode);
	(void) fflush(stdout);
	return r.mode[default_mode].ok ? 0 : 1;
}
