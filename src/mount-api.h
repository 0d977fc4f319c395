/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mount-api: what apbox needs of the new mount API (open_tree, move_mount,
 * mount_setattr) that older headers lack.  Include after <sys/mount.h>.
 */
#pragma once

#include <fcntl.h>
#include <stdint.h>

/*
 * The mount attributes of mount_setattr(2).  Defined here rather than taken
 * from <sys/mount.h> (glibc >= 2.36) or <linux/mount.h> (which clashes with
 * it), so that apbox builds on older headers too.
 */
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV  0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
/* open_tree(2) and move_mount(2) flags (Linux 5.2), for the same reason. */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif

struct setattr_args {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};
