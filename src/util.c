/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util: the small helpers every module shares.  The tree walks here are the
 * only code that removes or chowns files under box_root; they use
 * fd-relative calls with O_NOFOLLOW and compare st_dev so that a symlink or
 * mount planted inside a box never leads them outside it.
 */
#include "config.h"

#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "err.h"

void
freep(void *p)
{
	free(*(void **) p);
}

void
closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		(void) close(*fd);
		errno = saved;
	}
}

void
fclosep(FILE **f)
{
	if (*f)
		(void) fclose(*f);
}

static void
oom(void)
{
	static const char m[] = "apbox: out of memory\n";
	ssize_t r = write(2, m, sizeof(m) - 1);
	(void) r;
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		oom();
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r < 0)
		oom();
	return p;
}

int
parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	/* junk is reported as junk, even after more digits than fit */
	if (s[strspn(s, "0123456789")] != '\0')
		return -EINVAL;
	for (; *s; s++) {
		unsigned d;
		if (*s < '0' || *s > '9')
			return -EINVAL;
		d = (unsigned) (*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int
parse_size(const char *s, uint64_t *bytes)
{
	char num[32];
	size_t n = 0;
	uint64_t v, mult = 1024;
	const char *p;
	int r;

	if (!s)
		return -EINVAL;
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		if (n + 1 >= sizeof(num))
			return -ERANGE;
		num[n++] = *p;
	}
	num[n] = '\0';
	r = parse_u64(num, UINT64_MAX, &v);
	if (r < 0)
		return r;
	switch (toupper((unsigned char) *p)) {
	case '\0':
		break;
	case 'B':
		mult = 1;
		p++;
		break;
	case 'K':
		p++;
		break;
	case 'M':
		mult = 1024ULL * 1024;
		p++;
		break;
	case 'G':
		mult = 1024ULL * 1024 * 1024;
		p++;
		break;
	case 'T':
		mult = 1024ULL * 1024 * 1024 * 1024;
		p++;
		break;
	default:
		return -EINVAL;
	}
	if (mult > 1) {
		if (*p == 'i')
			p++;
		if (*p == 'B' || *p == 'b')
			p++;
	}
	if (*p)
		return -EINVAL;
	if (v > UINT64_MAX / mult)
		return -ERANGE;
	*bytes = v * mult;
	return 0;
}

int
parse_seconds(const char *s, uint64_t max_ms, uint64_t *ms)
{
	uint64_t whole = 0, frac = 0;
	unsigned ndec = 0;
	const char *p = s;
	bool digits = false;

	if (!s || !*s)
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		digits = true;
		if (whole > UINT64_MAX / 10 - 1)
			return -ERANGE;
		whole = whole * 10 + (uint64_t) (*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			digits = true;
			if (ndec < 3) {
				frac = frac * 10 + (uint64_t) (*p - '0');
				ndec++;
			}
		}
	}
	if (*p == 's')
		p++;
	if (*p || !digits)
		return -EINVAL;
	while (ndec < 3) {
		frac *= 10;
		ndec++;
	}
	if (whole > (UINT64_MAX - 999) / 1000)
		return -ERANGE;
	whole = whole * 1000 + frac;
	if (whole > max_ms)
		return -ERANGE;
	*ms = whole;
	return 0;
}

int
parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "yes", "true", "on"};
	static const char *const no[] = {"0", "no", "false", "off"};

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

uint64_t
now_ms(void)
{
	struct timespec ts;

	(void) clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

int
write_fileat(int dirfd, const char *name, const char *s)
{
	cleanup_close int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = strlen(s);
	ssize_t w;

	if (fd < 0)
		return -errno;
	w = write(fd, s, len);
	if (w < 0)
		return -errno;
	if ((size_t) w != len)
		return -EIO;
	return 0;
}

int
write_file(const char *path, const char *s)
{
	return write_fileat(AT_FDCWD, path, s);
}

ssize_t
read_fileat(int dirfd, const char *name, char *buf, size_t len)
{
	cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t off = 0;

	if (fd < 0)
		return -errno;
	while (off + 1 < len) {
		ssize_t r = read(fd, buf + off, len - 1 - off);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		off += (size_t) r;
	}
	buf[off] = '\0';
	return (ssize_t) off;
}

ssize_t
read_file(const char *path, char *buf, size_t len)
{
	return read_fileat(AT_FDCWD, path, buf, len);
}

int
mkdirat_nofollow(int dirfd, const char *name, mode_t mode)
{
	int fd;

	if (mkdirat(dirfd, name, mode) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOTDIR ? -ELOOP : -errno;
	return fd;
}

DIR *
opendir_at(int dirfd)
{
	int fd = dup(dirfd);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		int en = errno;
		(void) close(fd);
		errno = en;
	}
	return d;
}

/*
 * Open a directory for listing, even one its owner (an ordinary caller, for
 * a rootless box) left without permissions: make it 0700 first.  The mode
 * is changed through an O_PATH descriptor of that very inode, so a symlink
 * swapped in meanwhile is never followed.
 */
static int
open_dir_owned(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char proc[64];
	int pfd, r;

	if (fd >= 0 || errno != EACCES)
		return fd;
	pfd = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0)
		return -1;
	(void) snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	r = chmod(proc, 0700);
	(void) close(pfd);
	if (r < 0) {
		errno = EACCES;
		return -1;
	}
	return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int
dir_each(int dirfd, int (*fn)(int dirfd, const struct dirent *de, void *arg), void *arg)
{
	DIR *d = opendir_at(dirfd);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		int r;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		r = fn(dirfd, de, arg);
		if (r < 0 && !ret)
			ret = r;
	}
	(void) closedir(d);
	return ret;
}

size_t
proc_children(pid_t pid, pid_t *out, size_t max)
{
	char path[64], buf[4096];
	char *s = buf, *end;
	size_t n = 0;

	(void) snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int) pid, (int) pid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	while (n < max) {
		long c = strtol(s, &end, 10);
		if (end == s)
			break;
		if (c > 0)
			out[n++] = (pid_t) c;
		s = end;
	}
	return n;
}

struct removal {
	dev_t dev;
	unsigned depth;
};

static int remove_entry(int dirfd, const struct dirent *de, void *arg);

/* Depth-first removal of the contents of dirfd (which is on device r->dev). */
static int
remove_contents(int dirfd, const struct removal *r)
{
	struct removal below = {r->dev, r->depth + 1};

	if (r->depth > 256)
		return -ELOOP;
	return dir_each(dirfd, remove_entry, &below);
}

static int
remove_entry(int dirfd, const struct dirent *de, void *arg)
{
	const struct removal *r = arg;
	struct stat st;
	int sub, ret;

	/* What readdir says is no directory is unlinked without a stat (a link itself). */
	if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN) {
		if (unlinkat(dirfd, de->d_name, 0) == 0 || errno == ENOENT)
			return 0;
		if (errno != EISDIR)
			return -errno;
	}
	if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, de->d_name, 0) < 0 && errno != ENOENT ? -errno : 0;
	/* A mount point inside a box: never descend or detach it here. */
	if (st.st_dev != r->dev)
		return -EBUSY;
	sub = open_dir_owned(dirfd, de->d_name);
	if (sub < 0)
		return -errno;
	/* Make sure we can unlink what the box user left read-only. */
	(void) fchmod(sub, 0700);
	ret = remove_contents(sub, &(struct removal){r->dev, r->depth});
	(void) close(sub);
	if (ret < 0)
		return ret;
	if (unlinkat(dirfd, de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

bool
dir_is_empty(int fd)
{
	char buf[1024] __attribute__((aligned(8)));
	long n;

	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < n;) {
			const char *name = buf + off + offsetof(struct dirent64, d_name);
			unsigned short len;

			if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
				return false;
			memcpy(&len, buf + off + offsetof(struct dirent64, d_reclen), sizeof(len));
			off += len;
		}
	return n == 0;
}

int
remove_tree_at(int dirfd, const char *name)
{
	struct stat st, pst;
	int fd, r;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
	if (fstat(dirfd, &pst) < 0)
		return -errno;
	if (pst.st_dev != st.st_dev)
		return -EBUSY;
	/* An empty directory (a box dir whose storage was just unmounted): no walk. */
	if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0)
		return 0;
	if (errno != ENOTEMPTY && errno != EEXIST && errno != EACCES && errno != EPERM)
		return errno == ENOENT ? 0 : -errno;
	fd = open_dir_owned(dirfd, name);
	if (fd < 0)
		return -errno;
	(void) fchmod(fd, 0700);
	r = remove_contents(fd, &(struct removal){st.st_dev, 0});
	(void) close(fd);
	if (r < 0)
		return r;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

const char *
path_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(path, dir, n) != 0 || path[n] != '/')
		return NULL;
	while (path[n] == '/')
		n++;
	return path + n;
}

int
open_guarded(const char *path, const char *guard, int flags, mode_t mode)
{
	cleanup_free char *abs = NULL, *real_guard = NULL;
	const char *rest;
	char cwd[4096];
	int gfd, fd;

	if (path[0] == '/') {
		abs = xstrdup(path);
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return -errno;
		abs = xasprintf("%s/%s", cwd, path);
	}
	if (!path_is_clean_abs(abs))
		return -EINVAL;
	rest = path_below(abs, guard);
	if (!rest) {
		real_guard = realpath(guard, NULL);
		if (real_guard)
			rest = path_below(abs, real_guard);
	}
	if (!rest) {
		fd = open(abs, flags | O_NOFOLLOW | O_CLOEXEC, mode);
		return fd < 0 ? -errno : fd;
	}
	gfd = open(real_guard ? real_guard : guard, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (gfd < 0)
		return -errno;
	fd = openat_beneath(gfd, rest, flags, mode);
	(void) close(gfd);
	return fd;
}

bool
path_is_clean_abs(const char *path)
{
	const char *p = path;

	if (!path || path[0] != '/')
		return false;
	while (*p) {
		const char *c;
		size_t n;
		while (*p == '/')
			p++;
		c = p;
		while (*p && *p != '/')
			p++;
		n = (size_t) (p - c);
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
	}
	return true;
}

int
openat_beneath(int dirfd, const char *rel, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t) (flags | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	cleanup_free char *copy = NULL;
	char *save = NULL, *tok, *next;
	int fd;

	fd = (int) syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
	if (fd >= 0)
		return fd;
	/* EAGAIN: a rename raced with RESOLVE_BENEATH; EPERM: a filter refusing openat2. */
	if (errno != ENOSYS && errno != EAGAIN && errno != EPERM)
		return -errno;
	copy = xstrdup(rel);
	fd = openat(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (tok = strtok_r(copy, "/", &save); tok; tok = next) {
		struct stat st;
		int nfd, en;

		next = strtok_r(NULL, "/", &save);
		nfd = openat(fd, tok, (next ? O_PATH : flags) | O_NOFOLLOW | O_CLOEXEC, mode);
		en = errno;
		(void) close(fd);
		if (nfd < 0)
			return -en;
		fd = nfd;
		/* O_PATH | O_NOFOLLOW opens a symlink itself: refuse it. */
		en = fstat(fd, &st) < 0 ? errno : S_ISLNK(st.st_mode) ? ELOOP : 0;
		if (en) {
			(void) close(fd);
			return -en;
		}
	}
	return fd;
}

int
dl_load(const char *soname, const struct dl_sym *syms, size_t n, struct ap_err *e)
{
	/* RTLD_NOW: a missing symbol fails here, not in the middle of a call. */
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return ap_err_set(e, ENOENT, "cannot load %s: %s", soname, dlerror());
	for (size_t i = 0; i < n; i++) {
		void *p = dlsym(h, syms[i].name);

		if (!p)
			return ap_err_set(e, ENOENT, "cannot find %s in %s", syms[i].name, soname);
		/* POSIX: a function pointer has the size and representation of void *. */
		memcpy(syms[i].fnp, &p, sizeof(p));
	}
	return 0;
}

#ifdef APBOX_TIMELINE
void
timeline_mark(const char *phase)
{
	struct timespec t;
	char buf[128];
	int n;

	(void) clock_gettime(CLOCK_MONOTONIC, &t);
	n = snprintf(buf, sizeof(buf), "apbox-timeline %lld %d %s\n",
		     (long long) t.tv_sec * 1000000000LL + t.tv_nsec, (int) getpid(), phase);
	if (n > 0 && write(2, buf, (size_t) n) < 0)
		return;
}
#endif
