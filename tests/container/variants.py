#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The containers apbox is tested in: one OCI config.json per variant, written
the way the engines write them, and the root file system they run on.

Sources of each default (the versions Debian 12 ships):
  Docker 20.10.24   oci/defaults.go DefaultLinuxSpec() (mounts, masked and
                    read-only paths, namespaces, devices), oci/caps/defaults.go
                    (capabilities), daemon/oci_linux.go (--user, --privileged:
                    every capability, no seccomp, no masked or read-only
                    paths, /sys and /sys/fs/cgroup read-write, every device),
                    no_new_privs only with --security-opt no-new-privileges;
                    the cgroup namespace is the host's on a cgroup v1 host.
  containerd 1.6.20 oci/spec.go populateDefaultUnixSpec() and oci/mounts.go
                    (the base of every Kubernetes container), the CRI plugin
                    on top: capabilities from securityContext (drop ALL: none),
                    no_new_privs from allowPrivilegeEscalation: false, the
                    kubelet's masked and read-only /proc paths for procMount:
                    Default and none for Unmasked, /sys/fs/cgroup read-only,
                    the RuntimeDefault profile resolved for the bounding set.
  runsc 2022-12     the same Kubernetes config.json under gVisor (RuntimeClass
                    gvisor), run with --network=none.

What is not reproduced: AppArmor (this kernel has no AppArmor; where it has,
Docker adds docker-default, which does not change what apbox needs), the
engines' /etc/hosts, /etc/resolv.conf and /etc/hostname binds (files in the
root instead), image layers (the host's /usr bound read-only, as a Debian
image would hold it, and a minimal /etc).
"""
import json
import os
import shutil

import seccomp

WORKER_UID = 65532  # the "nonroot" user of distroless images
# Kubernetes gives a hostUsers: false pod 65536 ids at a multiple of 65536.
USERNS_HOST_BASE = 65536 * 40
USERNS_SIZE = 65536

DOCKER_CAPS = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
]
ALL_CAPS = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
    "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
    "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
    "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
    "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
]
# capability(7) numbers, in ALL_CAPS's order.
ALL_CAPS_BITS = {c: i for i, c in enumerate([
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
    "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
    "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
    "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
    "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
])}
assert set(ALL_CAPS_BITS) == set(ALL_CAPS)
# The same list in Docker 20.10 oci/defaults.go, containerd 1.6 oci/spec.go and
# the kubelet's procMount: Default.
MASKED_PATHS = [
    "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
    "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
]
READONLY_PATHS = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]

# What a Localhost profile adds to RuntimeDefault so that an unprivileged
# container may build a user namespace and a new root in it: the engines
# allow these only to CAP_SYS_ADMIN (and pivot_root to nobody).  In a user
# namespace the kernel still checks each against the namespace's own
# capabilities, so the container gains no privilege over the host.
USERNS_SYSCALLS = [
    "clone", "clone3", "unshare", "setns", "mount", "umount2", "pivot_root", "mount_setattr",
    "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "sethostname",
]


def localhost_userns_profile(caps):
    """RuntimeDefault (containerd) for these capabilities, with the
    namespace-gated rules replaced by one rule allowing USERNS_SYSCALLS."""
    base = seccomp.resolve("containerd", caps)
    rules = []
    for r in base["syscalls"]:
        names = [n for n in r["names"] if n not in USERNS_SYSCALLS]
        if names:
            rules.append(dict(r, names=names))
    rules.append({"names": list(USERNS_SYSCALLS), "action": "SCMP_ACT_ALLOW"})
    return dict(base, syscalls=rules)


# Each variant: how it is written, what it stands for, the runtime it needs.
#   engine     docker or containerd: whose defaults
#   user       uid (gid the same); root for the privileged container
#   caps       the bounding set (also permitted and effective, as the engines write it)
#   seccomp    "default" (the engine's, resolved), "localhost-userns", or None
#   masked     the masked and read-only /proc paths
#   userns     run in a user namespace (hostUsers: false)
#   privileged /sys and /sys/fs/cgroup read-write, every device
VARIANTS = [
    {
        "name": "docker",
        "title": "Docker defaults: docker run --user 65532:65532",
        "engine": "docker", "runtime": "runc", "user": WORKER_UID, "caps": DOCKER_CAPS,
        "nnp": False, "seccomp": "default", "masked": True, "userns": False,
        "privileged": False,
        "docker": "docker run --user 65532:65532",
    },
    {
        "name": "k8s-restricted",
        "title": "Kubernetes Pod Security restricted (drop ALL, allowPrivilegeEscalation: "
                 "false, RuntimeDefault)",
        "engine": "containerd", "runtime": "runc", "user": WORKER_UID, "caps": [],
        "nnp": True, "seccomp": "default", "masked": True, "userns": False,
        "privileged": False,
        "docker": "docker run --user 65532:65532 --cap-drop ALL "
                  "--security-opt no-new-privileges",
        "pod": {"runAsNonRoot": True, "runAsUser": 65532, "allowPrivilegeEscalation": False,
                "capabilities": {"drop": ["ALL"]},
                "seccompProfile": {"type": "RuntimeDefault"}},
    },
    {
        "name": "k8s-localhost",
        "title": "Kubernetes restricted with a Localhost seccomp profile that allows "
                 "user namespaces",
        "engine": "containerd", "runtime": "runc", "user": WORKER_UID, "caps": [],
        "nnp": True, "seccomp": "localhost-userns", "masked": True, "userns": False,
        "privileged": False,
        "docker": "docker run --user 65532:65532 --cap-drop ALL "
                  "--security-opt no-new-privileges "
                  "--security-opt seccomp=apbox-userns.json",
        "pod": {"runAsNonRoot": True, "runAsUser": 65532, "allowPrivilegeEscalation": False,
                "capabilities": {"drop": ["ALL"]},
                "seccompProfile": {"type": "Localhost",
                                   "localhostProfile": "apbox-userns.json"}},
    },
    {
        "name": "k8s-userns",
        "title": "Kubernetes user-namespace pod (hostUsers: false, procMount: Unmasked, "
                 "the Localhost profile)",
        "engine": "containerd", "runtime": "runc", "user": WORKER_UID, "caps": [],
        "nnp": True, "seccomp": "localhost-userns", "masked": False, "userns": True,
        "privileged": False,
        "docker": "docker run --user 65532:65532 --cap-drop ALL "
                  "--security-opt no-new-privileges "
                  "--security-opt seccomp=apbox-userns.json "
                  "--security-opt systempaths=unconfined "
                  "(dockerd --userns-remap=default)",
        "hostUsers": False,
        "pod": {"runAsNonRoot": True, "runAsUser": 65532, "allowPrivilegeEscalation": False,
                "capabilities": {"drop": ["ALL"]}, "procMount": "Unmasked",
                "seccompProfile": {"type": "Localhost",
                                   "localhostProfile": "apbox-userns.json"}},
    },
    {
        "name": "privileged",
        "title": "privileged container as root (what isolate needs): "
                 "docker run --privileged",
        "engine": "docker", "runtime": "runc", "user": 0, "caps": ALL_CAPS,
        "nnp": False, "seccomp": None, "masked": False, "userns": False,
        "privileged": True,
        "docker": "docker run --privileged",
        "pod": {"privileged": True, "runAsUser": 0},
    },
    {
        "name": "gvisor",
        "title": "gVisor (runsc): Kubernetes restricted under RuntimeClass gvisor",
        "engine": "containerd", "runtime": "runsc", "user": WORKER_UID, "caps": [],
        "nnp": True, "seccomp": "default", "masked": True, "userns": False,
        "privileged": False,
        "docker": "docker run --runtime=runsc --user 65532:65532 --cap-drop ALL "
                  "--security-opt no-new-privileges",
        "pod": {"runAsNonRoot": True, "runAsUser": 65532, "allowPrivilegeEscalation": False,
                "capabilities": {"drop": ["ALL"]},
                "seccompProfile": {"type": "RuntimeDefault"}},
    },
]


def host_caps(caps):
    """The capabilities of caps that this host's bounding set holds.  A
    runtime cannot give a container a capability its own caller lacks (runc:
    "unable to apply caps"), and Docker's --privileged asks for every
    capability the daemon has; a host that runs the suite in a container of
    its own may lack some."""
    try:
        with open("/proc/self/status", encoding="utf-8") as f:
            bnd = next(int(ln.split()[1], 16) for ln in f if ln.startswith("CapBnd:"))
    except (OSError, StopIteration, ValueError):
        return list(caps)
    return [c for c in caps if bnd >> ALL_CAPS_BITS[c] & 1]


def variant(name):
    for v in VARIANTS:
        if v["name"] == name:
            return v
    raise KeyError(name)


def mounts(v, node_dir=None):
    """The engine's default mounts, in its order, plus /usr from the host
    (and node's directory when it lives outside /usr)."""
    ro = [] if v["privileged"] else ["ro"]
    m = [
        {"destination": "/proc", "type": "proc", "source": "proc",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
         "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
         "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]
         + ([] if v["userns"] else ["gid=5"])},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs",
         "options": ["nosuid", "noexec", "nodev"] + ro},
        {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
         "options": ["nosuid", "noexec", "nodev", "relatime"] + ro},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
         "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
    ]
    if v["engine"] == "containerd":
        m.append({"destination": "/run", "type": "tmpfs", "source": "tmpfs",
                  "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]})
    # The image: Debian's /usr, read-only as an image layer under a
    # read-only root would be (the root itself stays writable, as the
    # engines leave it by default).
    m.append({"destination": "/usr", "type": "bind", "source": "/usr",
              "options": ["rbind", "ro", "nosuid", "nodev"]})
    if node_dir:
        m.append({"destination": node_dir, "type": "bind", "source": node_dir,
                  "options": ["rbind", "ro", "nosuid", "nodev"]})
    return m


def config(v, args, env, cgroups_path, hostname, node_dir=None):
    caps = host_caps(v["caps"])
    uid = v["user"]
    proc = {
        "terminal": False,
        "user": {"uid": uid, "gid": uid},
        "args": args,
        "env": env,
        "cwd": "/",
        "capabilities": {"bounding": caps, "effective": caps, "permitted": caps},
        "noNewPrivileges": v["nnp"],
    }
    if v["engine"] == "containerd":
        proc["rlimits"] = [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]
    linux = {
        "cgroupsPath": cgroups_path,
        "namespaces": [{"type": t} for t in ("pid", "ipc", "uts", "mount", "network")],
        "resources": {"devices": [{"allow": True, "access": "rwm"}] if v["privileged"] else
                      [{"allow": False, "access": "rwm"}]},
    }
    if v["masked"]:
        linux["maskedPaths"] = list(MASKED_PATHS)
        linux["readonlyPaths"] = list(READONLY_PATHS)
    if v["userns"]:
        linux["namespaces"].append({"type": "user"})
        linux["uidMappings"] = [{"containerID": 0, "hostID": USERNS_HOST_BASE,
                                 "size": USERNS_SIZE}]
        linux["gidMappings"] = [{"containerID": 0, "hostID": USERNS_HOST_BASE,
                                 "size": USERNS_SIZE}]
    if v["seccomp"] == "default":
        linux["seccomp"] = seccomp.resolve(v["engine"], caps)
    elif v["seccomp"] == "localhost-userns":
        linux["seccomp"] = localhost_userns_profile(caps)
    return {
        "ociVersion": "1.0.2-dev",
        "process": proc,
        "root": {"path": "rootfs", "readonly": False},
        "hostname": hostname,
        "mounts": mounts(v, node_dir),
        "linux": linux,
    }


ETC = {
    "passwd": "root:x:0:0:root:/root:/bin/sh\n"
              f"worker:x:{WORKER_UID}:{WORKER_UID}:worker:/home/worker:/bin/sh\n"
              "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
    "group": f"root:x:0:\ntty:x:5:\nworker:x:{WORKER_UID}:\nnogroup:x:65534:\n",
    "hosts": "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
    "resolv.conf": "",
    "nsswitch.conf": "passwd: files\ngroup: files\nhosts: files\n",
}


# The Debian package's paths (debian/rules); the rest stays at its default.
APBOX_CONF = "box_root = /var/lib/apbox\nlock_root = /run/apbox\n"


def rootfs(v, root, files, hostname):
    """A root like an image's: the mount points, Debian's merged-/usr links, a
    minimal /etc, the worker's home, and files {inside path: (host path, mode)}.
    In a user namespace every file is shifted to the pod's host ids, as a
    runtime without idmapped mounts does with the image."""
    os.makedirs(root)
    for d in ("usr", "proc", "sys", "dev", "run", "tmp", "var/tmp", "var/lib", "etc",
              "root", "home", "opt/apbox"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    os.chmod(os.path.join(root, "tmp"), 0o1777)
    os.chmod(os.path.join(root, "var/tmp"), 0o1777)
    os.chmod(os.path.join(root, "root"), 0o700)
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        if os.path.islink("/" + name):
            os.symlink(os.readlink("/" + name), os.path.join(root, name))
    etc = os.path.join(root, "etc")
    for name, text in dict(ETC, hostname=hostname + "\n").items():
        with open(os.path.join(etc, name), "w", encoding="utf-8") as f:
            f.write(text)
    if v["user"] == 0:
        os.makedirs(os.path.join(etc, "apbox"))
        with open(os.path.join(etc, "apbox/apbox.conf"), "w", encoding="utf-8") as f:
            f.write(APBOX_CONF)
    if os.path.exists("/etc/ld.so.cache"):
        shutil.copy("/etc/ld.so.cache", etc)
    if os.path.isdir("/etc/alternatives"):
        shutil.copytree("/etc/alternatives", os.path.join(etc, "alternatives"), symlinks=True)
    home = os.path.join(root, "home/worker")
    os.makedirs(home, mode=0o700)
    os.chown(home, WORKER_UID, WORKER_UID)
    for inside, (src, mode) in files.items():
        dst = os.path.join(root, inside.lstrip("/"))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy(src, dst)
        os.chmod(dst, mode)
    if v["userns"]:
        st = os.lstat(root)
        os.lchown(root, USERNS_HOST_BASE + st.st_uid, USERNS_HOST_BASE + st.st_gid)
        for d, dirs, names in os.walk(root):
            for n in [os.path.join(d, x) for x in dirs + names]:
                st = os.lstat(n)
                os.lchown(n, USERNS_HOST_BASE + st.st_uid, USERNS_HOST_BASE + st.st_gid)
