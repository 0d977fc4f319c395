/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * seccomp: the default syscall filter, and the only file that uses
 * libseccomp, only to compile the filter (loaded with dl_load(), or linked
 * into a static apbox): once per apbox version; later runs read the
 * compiled program from the cache in lock_root.  The keeper builds the
 * filter with libseccomp and exports it as a plain BPF program (struct
 * sock_fprog) before clone(); the inside process installs that program
 * with a single prctl() as its last step before execve(), so nothing
 * between clone() and execve() allocates or calls into libseccomp.  The
 * filter is a deny list on top of "allow": it removes the kernel interfaces
 * a workflow engine never needs and that are the usual ways out of a
 * sandbox or into the kernel's less-trodden code (namespaces, mounts,
 * tracing, BPF, keyrings, module and kexec loading, io_uring, foreign
 * syscall ABIs).  Capabilities, namespaces and mounts remain the primary
 * walls; this filter is the second one behind them.  It does not decide
 * when it is loaded: the mode's plan does.
 */
#include "config.h"

#include "seccomp.h"

#include <seccomp.h>

#include "err.h"
#include "util.h"

#include <errno.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

struct seccomp_filter {
	struct sock_fprog prog; /* prog.filter points at insns */
	struct sock_filter insns[];
};

/* Syscalls denied whatever their arguments, and the errno they get. */
static const struct denied {
	const char *name;
	int errnum;
} denied[] = {
	/*
	 * Mounts: the box's file system view is built by apbox before the
	 * filter goes in; the program must not rearrange it (over-mounting a
	 * read-only bind, revealing what a mount hides, pivoting out).  The
	 * new mount API (fsopen ... mount_setattr) reaches the same code.
	 */
	{"mount", EPERM},
	{"umount", EPERM},
	{"umount2", EPERM},
	{"pivot_root", EPERM},
	{"move_mount", EPERM},
	{"fsopen", EPERM},
	{"fsmount", EPERM},
	{"fsconfig", EPERM},
	{"fspick", EPERM},
	{"open_tree", EPERM},
	{"mount_setattr", EPERM},
	/*
	 * Namespaces: a new user namespace hands the program a full set of
	 * capabilities over fresh namespaces, which is how most unprivileged
	 * kernel exploits reach code that otherwise needs CAP_SYS_ADMIN, and
	 * setns could join a namespace outside the box.  unshare has no
	 * harmless use here, so all of it goes (clone's flags are checked
	 * separately, because clone also makes threads and processes).
	 */
	{"unshare", EPERM},
	{"setns", EPERM},
	/*
	 * clone3 passes its flags in memory, which a seccomp filter cannot
	 * read, so it cannot be allowed selectively.  ENOSYS, not EPERM: glibc
	 * (2.34+ uses clone3 for threads and posix_spawn) then falls back to
	 * clone, whose flags the filter does check.
	 */
	{"clone3", ENOSYS},
	/*
	 * Another process's memory: ptrace and process_vm_* read and write
	 * it, pidfd_getfd steals its files.  Between processes of one box
	 * they are still a way around rlimits and a classic exploit helper.
	 */
	{"ptrace", EPERM},
	{"process_vm_readv", EPERM},
	{"process_vm_writev", EPERM},
	{"pidfd_getfd", EPERM},
	/*
	 * Large kernel attack surfaces with a long record of privilege
	 * escalations and no use in a workflow engine: BPF programs,
	 * performance counters (also a side channel), userfaultfd (used to
	 * win kernel races), io_uring (libuv falls back to its thread pool
	 * when io_uring_setup fails).
	 */
	{"bpf", EPERM},
	{"perf_event_open", EPERM},
	{"userfaultfd", EPERM},
	{"io_uring_setup", EPERM},
	{"io_uring_enter", EPERM},
	{"io_uring_register", EPERM},
	/* Kernel keyrings are not namespaced: keys could leak across boxes. */
	{"keyctl", EPERM},
	{"add_key", EPERM},
	{"request_key", EPERM},
	/*
	 * Whole-machine administration.  These need capabilities the program
	 * does not have; denying them again guards against a capability
	 * drop that went wrong and keeps the calls off the table entirely.
	 * syslog would read the kernel log (kernel addresses, other users'
	 * events); vhangup would hang up a terminal apbox was started on.
	 */
	{"kexec_load", EPERM},
	{"kexec_file_load", EPERM},
	{"init_module", EPERM},
	{"finit_module", EPERM},
	{"delete_module", EPERM},
	{"reboot", EPERM},
	{"swapon", EPERM},
	{"swapoff", EPERM},
	{"acct", EPERM},
	{"syslog", EPERM},
	{"quotactl", EPERM},
	{"quotactl_fd", EPERM},
	{"lookup_dcookie", EPERM},
	{"vhangup", EPERM},
	{"iopl", EPERM},
	{"ioperm", EPERM},
	/*
	 * File handles bypass path permissions: open_by_handle_at opens any
	 * inode of a mount by handle (the "shocker" container escape), and
	 * name_to_handle_at is its half that makes handles.
	 */
	{"open_by_handle_at", EPERM},
	{"name_to_handle_at", EPERM},
	/* The clock is shared by the whole machine. */
	{"settimeofday", EPERM},
	{"clock_settime", EPERM},
	{"adjtimex", EPERM},
	{"clock_adjtime", EPERM},
};

/*
 * clone flags that create a namespace (see "unshare" above for why).
 * CLONE_NEWTIME is absent: in clone() its bit is part of the exit signal
 * field, and only clone3 and unshare, both denied, can ask for it.
 */
static const uint64_t clone_ns_flags[] = {
	CLONE_NEWNS,  CLONE_NEWUTS, CLONE_NEWIPC,    CLONE_NEWUSER,
	CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP,
};

/*
 * clone's flags are its first argument everywhere but s390, whose clone
 * takes (stack, flags) (CONFIG_CLONE_BACKWARDS2).
 */
#if defined(__s390__) || defined(__s390x__)
#define CLONE_FLAGS_ARG 1
#else
#define CLONE_FLAGS_ARG 0
#endif

/* The libseccomp functions apbox uses, loaded by load_libseccomp(), and the filter. */
struct scmp {
	typeof(seccomp_init) *init;
	typeof(seccomp_release) *release;
	typeof(seccomp_attr_set) *attr_set;
	typeof(seccomp_rule_add) *rule_add;
	typeof(seccomp_syscall_resolve_name) *resolve_name;
	typeof(seccomp_export_bpf) *export_bpf;
	scmp_filter_ctx ctx;
};

#ifndef SECCOMP_SONAME
#define SECCOMP_SONAME "libseccomp.so.2"
#endif

static int
load_libseccomp(struct scmp *s, struct ap_err *e)
{
#ifdef APBOX_STATIC_BINARY
	/* Linked in: a static binary's dlopen() needs the exact C library it was built with. */
	(void) e;
	s->init = seccomp_init;
	s->release = seccomp_release;
	s->attr_set = seccomp_attr_set;
	s->rule_add = seccomp_rule_add;
	s->resolve_name = seccomp_syscall_resolve_name;
	s->export_bpf = seccomp_export_bpf;
	return 0;
#else
	const struct dl_sym syms[] = {
		{"seccomp_init", &s->init},
		{"seccomp_release", &s->release},
		{"seccomp_attr_set", &s->attr_set},
		{"seccomp_rule_add", &s->rule_add},
		{"seccomp_syscall_resolve_name", &s->resolve_name},
		{"seccomp_export_bpf", &s->export_bpf},
	};

	return dl_load(SECCOMP_SONAME, syms, ARRAY_SIZE(syms), e);
#endif
}

static void
release_ctxp(struct scmp *s)
{
	if (s->ctx)
		s->release(s->ctx);
}

#define cleanup_scmp __attribute__((cleanup(release_ctxp)))

/*
 * The syscall number of name on the native architecture, or -1 when this
 * libseccomp does not know it there (an unknown name gives __NR_SCMP_ERROR,
 * a syscall of another architecture a negative pseudo number).
 */
static int
resolve(const struct scmp *s, const char *name)
{
	int nr = s->resolve_name(name);

	return nr < 0 ? -1 : nr;
}

static int
deny(const struct scmp *s, const char *name, int errnum, unsigned n, struct scmp_arg_cmp cmp,
     struct ap_err *e)
{
	int nr = resolve(s, name), r;

	if (nr < 0)
		return 0; /* an older libseccomp does not know a new syscall: skip it */
	r = n ? s->rule_add(s->ctx, SCMP_ACT_ERRNO(errnum), nr, 1, cmp)
	      : s->rule_add(s->ctx, SCMP_ACT_ERRNO(errnum), nr, 0);
	if (r < 0)
		return ap_err_set(e, -r, "cannot add the seccomp rule for %s", name);
	return 0;
}

static int
add_denied(const struct scmp *s, struct ap_err *e)
{
	const struct scmp_arg_cmp any = SCMP_A0(SCMP_CMP_EQ, 0);
	int r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(denied); i++)
		r = deny(s, denied[i].name, denied[i].errnum, 0, any, e);
	return r;
}

static int
add_clone(const struct scmp *s, struct ap_err *e)
{
	size_t i;
	int r;

	/*
	 * One rule per flag: rules for one syscall are or-ed, so clone fails
	 * when any namespace flag is set, whatever else is set with it.
	 * Threads and fork carry none of them and pass.
	 */
	for (i = 0; i < ARRAY_SIZE(clone_ns_flags); i++) {
		uint64_t f = clone_ns_flags[i];

		r = s->rule_add(s->ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				SCMP_CMP(CLONE_FLAGS_ARG, SCMP_CMP_MASKED_EQ, f, f));
		if (r < 0)
			return ap_err_set(e, -r, "cannot add the seccomp rule for clone");
	}
	return 0;
}

static int
add_personality(const struct scmp *s, struct ap_err *e)
{
	unsigned i;
	int r;

	/*
	 * personality() can turn off address space randomisation
	 * (ADDR_NO_RANDOMIZE), make readable memory executable
	 * (READ_IMPLIES_EXEC), map page zero (MMAP_PAGE_ZERO) or select
	 * another execution domain, each a help to an exploit.  Allow only
	 * PER_LINUX (0) and the query (0xffffffff), i.e. refuse every value
	 * whose low 32 bits (all the kernel reads) mix ones and zeros.
	 *
	 * libseccomp 2.5 takes one comparison per argument in a rule, and
	 * rules are or-ed, so "!= 0 && != 0xffffffff" is spelt as a union:
	 * a 32-bit value with both a one and a zero has, going round the bits,
	 * some bit i set whose neighbour i+1 (mod 32) is clear.  One masked
	 * rule per i: 0 and 0xffffffff match none, anything else matches at
	 * least one.  The high 32 bits are not compared, as the kernel ignores
	 * them, so padding the argument cannot slip a value through.
	 */
	for (i = 0; i < 32; i++) {
		uint64_t one = 1ULL << i;
		uint64_t zero = 1ULL << ((i + 1) % 32);

		r = s->rule_add(s->ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 1,
				SCMP_A0_64(SCMP_CMP_MASKED_EQ, one | zero, one));
		if (r < 0)
			return ap_err_set(e, -r, "cannot add the seccomp rule for personality");
	}
	return 0;
}

static int
add_ioctl(const struct scmp *s, struct ap_err *e)
{
	static const uint64_t cmds[] = {TIOCSTI, TIOCLINUX};
	size_t i;
	int r;

	/*
	 * TIOCSTI pushes characters into a terminal's input queue and
	 * TIOCLINUX can paste the console selection: with a terminal
	 * inherited from an interactive "apbox run", the program could type
	 * commands into the user's shell after it exits (CVE-2017-5226 in
	 * bubblewrap).  The kernel reads the command as 32 bits, so compare
	 * only the low 32: a comparison on all 64 would let TIOCSTI with a
	 * high bit set through (CVE-2019-10063 in flatpak).
	 */
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		r = s->rule_add(s->ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
				SCMP_A1_64(SCMP_CMP_MASKED_EQ, 0xffffffffULL, cmds[i]));
		if (r < 0)
			return ap_err_set(e, -r, "cannot add the seccomp rule for ioctl");
	}
	return 0;
}

static int
set_badarch(const struct scmp *s, struct ap_err *e)
{
	int r;

	/*
	 * Only the native architecture is in the filter, so every syscall
	 * made through another ABI takes this action: on x86_64 that is
	 * i386 through int $0x80 (its own syscall numbers, checked by no
	 * rule above) and x32 (same AUDIT_ARCH_X86_64, numbers with
	 * __X32_SYSCALL_BIT set: libseccomp sends those to this action too
	 * when x32 is not in the filter).  A foreign ABI is the classic way
	 * around a syscall filter and has no use for a node engine, so kill
	 * the whole process with SIGSYS: a loud, unambiguous failure, where
	 * an errno would let an exploit keep probing and a 32-bit program
	 * limp on with every call failing.  Kernels before 4.14 lack
	 * KILL_PROCESS; killing the thread is the closest there.
	 */
	r = s->attr_set(s->ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r < 0)
		r = s->attr_set(s->ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_THREAD);
	if (r < 0)
		return ap_err_set(e, -r, "cannot set the seccomp action for foreign architectures");
	return 0;
}

/* Export the compiled filter into a newly allocated struct seccomp_filter. */
static int
export_filter(const struct scmp *s, struct seccomp_filter **out, struct ap_err *e)
{
	cleanup_close int fd = -1;
	cleanup_free struct seccomp_filter *f = NULL;
	struct stat st;
	size_t len, done;
	int r;

	/*
	 * libseccomp 2.5 can only export to a file descriptor
	 * (seccomp_export_bpf_mem() arrived in 2.6): write into an anonymous
	 * memory file and read it back.  Nothing touches the file system.
	 */
	fd = memfd_create("apbox-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return ap_err_set(e, errno, "cannot create a memory file for the seccomp filter");
	r = s->export_bpf(s->ctx, fd);
	if (r < 0)
		return ap_err_set(e, -r, "cannot export the seccomp filter");
	if (fstat(fd, &st) < 0)
		return ap_err_set(e, errno, "cannot stat the exported seccomp filter");
	len = (size_t) st.st_size;
	if (len == 0 || len % sizeof(struct sock_filter) != 0 ||
	    len / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return ap_err_set(e, EINVAL, "exported seccomp filter has a bad size (%zu bytes)",
				  len);

	f = calloc(1, sizeof(*f) + len);
	if (!f)
		return ap_err_set(e, ENOMEM, "cannot allocate the seccomp filter");
	for (done = 0; done < len;) {
		ssize_t n = pread(fd, (char *) f->insns + done, len - done, (off_t) done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ap_err_set(e, errno, "cannot read back the seccomp filter");
		if (n == 0)
			return ap_err_set(e, EIO, "seccomp filter shorter than exported");
		done += (size_t) n;
	}
	f->prog.len = (unsigned short) (len / sizeof(struct sock_filter));
	f->prog.filter = f->insns;
	*out = TAKE_PTR(f);
	return 0;
}

/*
 * A filter whose default is allow (every filter here is a deny list), that
 * kills a foreign ABI: the common start of ap_seccomp_build() and
 * ap_seccomp_build_run().
 */
static int
start_filter(struct scmp *s, struct ap_err *e)
{
	int r = load_libseccomp(s, e);

	if (r < 0)
		return r;
	s->ctx = s->init(SCMP_ACT_ALLOW);
	if (!s->ctx)
		return ap_err_set(e, ENOMEM, "cannot create the seccomp filter");
	/*
	 * libseccomp would set no_new_privs when it loads a filter; it never
	 * loads these (ap_seccomp_load() does, after the caller has set
	 * no_new_privs itself), so keep the exported program free of
	 * assumptions about it.
	 */
	r = s->attr_set(s->ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0)
		return ap_err_set(e, -r, "cannot configure the seccomp filter");
	/*
	 * A binary tree of syscall numbers instead of a list: every syscall
	 * of the box passes O(log n) comparisons instead of all of them, and
	 * loading the filter is cheaper too (the kernel runs it once per
	 * syscall number to find those it always allows).  libseccomp >= 2.5.
	 */
	(void) s->attr_set(s->ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	return set_badarch(s, e);
}

int
ap_seccomp_build(struct seccomp_filter **out, struct ap_err *e)
{
	cleanup_scmp struct scmp s = {0};
	int r;

	*out = NULL;
	r = start_filter(&s, e);
	if (r < 0)
		return r;
	r = add_denied(&s, e);
	if (r < 0)
		return r;
	r = add_clone(&s, e);
	if (r < 0)
		return r;
	r = add_personality(&s, e);
	if (r < 0)
		return r;
	r = add_ioctl(&s, e);
	if (r < 0)
		return r;
	return export_filter(&s, out, e);
}

/* Syscalls that change a file named by path: Landlock does not mediate them. */
static const char *const path_attr_calls[] = {
	"chmod",  "fchmodat",  "fchmodat2", "chown",	 "lchown",	"fchownat",	"utime",
	"utimes", "futimesat", "setxattr",  "lsetxattr", "removexattr", "lremovexattr",
};

/*
 * Newer ones, by number where libseccomp does not know them yet: the one
 * table of system calls every architecture shares since 5.1 (but alpha,
 * which apbox does not build for) gives them these numbers.
 */
static const struct {
	const char *name;
	int nr;
} path_attr_new[] = {
	{"setxattrat", 463},
	{"removexattrat", 466},
};

static int
add_run_rules(const struct scmp *s, unsigned what, struct ap_err *e)
{
	const struct scmp_arg_cmp any = SCMP_A0(SCMP_CMP_EQ, 0);
	int r = 0;

	if (what & AP_SECCOMP_NO_SOCKETS)
		r = deny(s, "socket", EACCES, 0, any, e);
	else if (what & AP_SECCOMP_NO_UNIX)
		r = deny(s, "socket", EACCES, 1, SCMP_A0(SCMP_CMP_EQ, AF_UNIX), e);
	if (r == 0 && (what & AP_SECCOMP_NO_INOTIFY)) {
		r = deny(s, "inotify_init", EMFILE, 0, any, e);
		if (r == 0)
			r = deny(s, "inotify_init1", EMFILE, 0, any, e);
	}
	if (what & AP_SECCOMP_NO_PATH_ATTRS) {
		for (size_t i = 0; r == 0 && i < ARRAY_SIZE(path_attr_calls); i++)
			r = deny(s, path_attr_calls[i], EPERM, 0, any, e);
		for (size_t i = 0; r == 0 && i < ARRAY_SIZE(path_attr_new); i++) {
			int nr = resolve(s, path_attr_new[i].name);
			r = s->rule_add(s->ctx, SCMP_ACT_ERRNO(EPERM),
					nr >= 0 ? nr : path_attr_new[i].nr, 0);
			if (r < 0)
				r = ap_err_set(e, -r, "cannot add the seccomp rule for %s",
					       path_attr_new[i].name);
		}
		/* utimensat(fd, NULL, ...) is futimens() of an open file: allowed */
		if (r == 0)
			r = deny(s, "utimensat", EPERM, 1, SCMP_A1(SCMP_CMP_NE, 0), e);
	}
	return r;
}

int
ap_seccomp_build_run(struct seccomp_filter **out, unsigned what, struct ap_err *e)
{
	cleanup_scmp struct scmp s = {0};
	int r;

	*out = NULL;
	r = start_filter(&s, e);
	if (r < 0)
		return r;
	r = add_run_rules(&s, what, e);
	if (r < 0)
		return r;
	return export_filter(&s, out, e);
}

int
ap_seccomp_load(const struct seccomp_filter *f, struct ap_err *e)
{
	/*
	 * prctl() rather than libseccomp's loader: the program is ready-made,
	 * and this runs between clone() and execve(), where nothing may
	 * allocate.  No SECCOMP_FILTER_FLAG_TSYNC: the inside process is
	 * single-threaded, and the filter is inherited by everything it
	 * forks, clones or executes afterwards; it can never be removed.
	 */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, (unsigned long) &f->prog, 0UL, 0UL) < 0) {
		int en = errno;

		if (en == EACCES)
			return ap_err_set(e, en,
					  "cannot load the seccomp filter "
					  "(no_new_privs is not set)");
		return ap_err_set(e, en, "cannot load the seccomp filter");
	}
	return 0;
}

void
ap_seccomp_free(struct seccomp_filter *f)
{
	free(f);
}

/*
 * The compiled program is the same for every box and every run of an
 * apbox build, and compiling it costs about a millisecond, so it is
 * compiled once and kept in lock_root; init and run read it back.  The
 * header names the apbox version: a cache written by another version is
 * never used.
 */
#define CACHE_MAGIC_FMT "apbox-seccomp-3 " PACKAGE_VERSION " %u\n"

int
ap_seccomp_save(const struct seccomp_filter *f, int dirfd, const char *name, struct ap_err *e)
{
	size_t len = f->prog.len * sizeof(struct sock_filter);
	char hdr[64], tmp[64];
	cleanup_close int fd = -1;
	int n;

	/*
	 * The header carries the instruction count: a file cut short is
	 * refused, never loaded as a shorter (weaker) program.  Written under a
	 * temporary name and renamed, so a concurrent run reads all or nothing.
	 */
	n = snprintf(hdr, sizeof(hdr), CACHE_MAGIC_FMT, (unsigned) f->prog.len);
	(void) snprintf(tmp, sizeof(tmp), "%s.%d", name, (int) getpid());
	(void) unlinkat(dirfd, tmp, 0);
	/* 0600, as every file of lock_root: no box may open (and flock) it. */
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return ap_err_set(e, errno, "cannot create the seccomp cache \"%s\"", tmp);
	if (write(fd, hdr, (size_t) n) != n || write(fd, f->insns, len) != (ssize_t) len ||
	    renameat(dirfd, tmp, dirfd, name) < 0) {
		int en = errno ? errno : EIO;
		(void) unlinkat(dirfd, tmp, 0);
		return ap_err_set(e, en, "cannot write the seccomp cache \"%s\"", name);
	}
	return 0;
}

int
ap_seccomp_read(struct seccomp_filter **out, int dirfd, const char *name)
{
	char buf[64 + BPF_MAXINSNS * sizeof(struct sock_filter) + 1], want[64];
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct seccomp_filter *f;
	unsigned count;
	char *nl;
	size_t hdr, len;
	ssize_t n;

	*out = NULL;
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	nl = memchr(buf, '\n', (size_t) n);
	if (!nl || sscanf(buf, CACHE_MAGIC_FMT, &count) != 1 || count == 0 || count > BPF_MAXINSNS)
		return -EINVAL;
	hdr = (size_t) (nl - buf) + 1;
	/* the whole header must be exactly what this version writes */
	if ((size_t) snprintf(want, sizeof(want), CACHE_MAGIC_FMT, count) != hdr ||
	    memcmp(buf, want, hdr) != 0)
		return -EINVAL;
	len = (size_t) n - hdr;
	if (len != count * sizeof(struct sock_filter))
		return -EINVAL;
	f = malloc(sizeof(*f) + len);
	if (!f)
		return -ENOMEM;
	memcpy(f->insns, buf + hdr, len);
	f->prog.len = (unsigned short) count;
	f->prog.filter = f->insns;
	*out = f;
	return 0;
}

int
ap_seccomp_available(struct ap_err *e)
{
	/* EINVAL: kernel built without CONFIG_SECCOMP. */
	if (prctl(PR_GET_SECCOMP, 0UL, 0UL, 0UL, 0UL) < 0)
		return ap_err_set(e, errno, "seccomp is not supported by this kernel");
	/*
	 * Probe filter mode with a NULL program: the kernel copies the program
	 * before any other check, so a kernel with filter support fails with
	 * EFAULT and installs nothing; without CONFIG_SECCOMP_FILTER it says
	 * EINVAL.
	 */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, 0UL, 0UL, 0UL) == 0)
		return 0; /* cannot happen with a NULL program */
	if (errno == EFAULT)
		return 0;
	return ap_err_set(e, errno, "seccomp filter mode is not supported by this kernel");
}
