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
#include <unistd.h>

#include "err.h"
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
