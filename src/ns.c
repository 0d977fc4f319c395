/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ns: the small namespace chores.  Maps are single ids: the box uid inside
 * is mapped to the box uid outside (root caller) or to the caller (rootless),
 * never to host root, so no file the box creates or touches can be root's.
 */
#include "config.h"

#include "ns.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "mounts.h"
#include "util.h"

int
ns_write_maps(pid_t pid, uid_t in_uid, uid_t out_uid, gid_t in_gid, gid_t out_gid,
	      bool deny_setgroups, struct ap_err *e)
{
	char path[64], map[64];
	int r;

	if (deny_setgroups) {
		(void) snprintf(path, sizeof(path), "/proc/%d/setgroups", (int) pid);
		r = write_file(path, "deny");
		if (r < 0 && r != -ENOENT)
			return ap_err_set(e, -r, "cannot write \"%s\"", path);
	}
	(void) snprintf(path, sizeof(path), "/proc/%d/gid_map", (int) pid);
	(void) snprintf(map, sizeof(map), "%u %u 1\n", (unsigned) in_gid, (unsigned) out_gid);
	r = write_file(path, map);
	if (r < 0)
		return ap_err_set(e, -r, "cannot write \"%s\"", path);
	(void) snprintf(path, sizeof(path), "/proc/%d/uid_map", (int) pid);
	(void) snprintf(map, sizeof(map), "%u %u 1\n", (unsigned) in_uid, (unsigned) out_uid);
	r = write_file(path, map);
	if (r < 0)
		return ap_err_set(e, -r, "cannot write \"%s\"", path);
	return 0;
}

int
ns_set_hostname(const char *name, struct ap_err *e)
{
	if (sethostname(name, strlen(name)) < 0)
		return ap_err_set(e, errno, "cannot set host name \"%s\"", name);
	return 0;
}

int
ns_loopback_up(struct ap_err *e)
{
	struct ifreq ifr;
	cleanup_close int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return ap_err_set(e, errno, "cannot open a socket to bring up lo");
	memset(&ifr, 0, sizeof(ifr));
	(void) snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return ap_err_set(e, errno, "cannot read the flags of lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return ap_err_set(e, errno, "cannot bring up lo");
	return 0;
}

static int
create_pinned(const char *target, struct ap_err *e)
{
	cleanup_close int home = -1;
	int fd, r;

	fd = open(target, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0444);
	if (fd < 0)
		return ap_err_set(e, errno, "cannot create \"%s\"", target);
	(void) close(fd);
	/*
	 * apbox itself steps into a new namespace, pins it and steps back:
	 * no child process to fork and wait for.  apbox is single-threaded
	 * (setns() of a network namespace needs nothing else) and root here.
	 */
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0) {
		r = ap_err_set(e, errno, "cannot open \"/proc/self/ns/net\"");
		goto fail;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		r = ap_err_set(e, errno, "cannot create a network namespace");
		goto fail;
	}
	r = ns_loopback_up(e);
	if (r >= 0)
		r = mounts_pin_ns("/proc/self/ns/net", target, e);
	if (setns(home, CLONE_NEWNET) < 0)
		/* Reported; init uses no network before it exits anyway. */
		r = ap_err_set(e, errno, "cannot return to the host's network namespace");
	if (r >= 0)
		return 0;
fail:;
	struct ap_err ignore;
	(void) ns_unpin(target, &ignore);
	return r;
}

int
ns_open_pinned(const char *target)
{
	struct statfs sf;
	int fd = open(target, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	/* Only a real namespace file: a plain file left behind is not one. */
	if (fstatfs(fd, &sf) < 0 || sf.f_type != NSFS_MAGIC) {
		(void) close(fd);
		return -ENOENT;
	}
	return fd;
}

int
ns_net_pinned(const char *target, bool *made, struct ap_err *e)
{
	int fd = ns_open_pinned(target), r;

	*made = false;
	if (fd != -ENOENT) {
		if (fd < 0)
			return ap_err_set(e, -fd, "cannot open \"%s\"", target);
		return fd;
	}
	r = create_pinned(target, e);
	if (r < 0)
		return r;
	fd = ns_open_pinned(target);
	if (fd < 0) {
		struct ap_err ignore;
		(void) ns_unpin(target, &ignore);
		return ap_err_set(e, -fd, "cannot open \"%s\"", target);
	}
	*made = true;
	return fd;
}

int
ns_unpin(const char *target, struct ap_err *e)
{
	struct statfs sf;
	int r;

	/*
	 * Unmount only what is pinned: under a container runtime's default
	 * seccomp profile umount2() is refused (EPERM) before the kernel could
	 * say there is nothing to unmount, and an unprivileged caller never
	 * pinned anything.
	 */
	if (statfs(target, &sf) == 0 && sf.f_type == NSFS_MAGIC) {
		r = mounts_unpin_ns(target, e);
		if (r < 0)
			return r;
	}
	if (unlink(target) < 0 && errno != ENOENT)
		return ap_err_set(e, errno, "cannot remove \"%s\"", target);
	return 0;
}
