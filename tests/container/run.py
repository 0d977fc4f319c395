#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check-container: apbox inside real containers.

For each variant of variants.py, build an OCI bundle written the way Docker or
containerd writes one, start it with a real runtime (runc, or runsc for
gVisor) and let worker.js, PID 1 of the container, run apbox there: apbox
check, then for each mode init, node, the worker-threat probes, a memory
limit and cleanup.  Then judge each mode by what check said:

  check says it works   init and node must work, the probes the mode claims
                        to stop must all be blocked, a memory limit must be
                        enforced when check says the cgroup can enforce one
                        and refused when it says not, and cleanup must work;
  check says it does not  init or the run must fail, and with check's reason
                        (apbox's message names the layer check's "why"
                        names, with the same errno text).

One row per variant and mode: PASS, FAIL, XFAIL (a failure listed in the
xfail file: counted as skipped, with its reason), XPASS (a listed aspect
that passes: counted as passed, noted so that its line gets deleted), or
SKIP (the runtime cannot start a container on this host, with what it
said).  The last line is
"N passed, N failed, N skipped".

  run.py --apbox PATH [--markdown FILE] [--only VARIANT,...] [--keep]

Needs root (the runtimes run rootful).  Environment:
  APBOX_CT_REQUIRE   runtimes that must start here (e.g. "runc"): one that
                     cannot is a failure, not a skip
  APBOX_CT_TIMEOUT   seconds one container may take (default 150)
Everything it makes lives in one temp dir, private runtime state roots and
one cgroup parent (apbox-ct-PID), all removed on exit, also on failure or a
signal; it signals nothing but its own containers (through the runtime).
"""
import argparse
import errno as errno_mod
import fnmatch
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import variants

HERE = os.path.dirname(os.path.abspath(__file__))
MODES = ["unsandboxed", "code-only", "process", "code-and-process"]
STRENGTH = ["code-and-process", "process", "code-only", "unsandboxed"]
# The probes each mode claims to stop.  Every run gets a session of its own,
# so kill(0) is claimed everywhere; the rest is a sandbox's job.
SANDBOXED = ["code-only", "process", "code-and-process"]
CLAIMS = {
    "secret": SANDBOXED,
    "environ": SANDBOXED,
    "kill0": MODES,
    "killall": SANDBOXED,
}
PROBE_TEXT = {
    "secret": "read the worker's 0600 file",
    "environ": "read the worker's environment (/proc/PID/environ)",
    "kill0": "kill(0) reached the worker's process group",
    "killall": "kill(-1) reached a process of the worker's",
}
RUNTIME_ARGS = {
    "runc": [],
    "crun": [],
    # gVisor's own network stack is not needed: the boxes have none either.
    "runsc": ["--network=none"],
}


class Interrupted(Exception):
    pass


def on_signal(signum, _frame):
    raise Interrupted(f"signal {signum}")


def log(msg):
    print(f"check-container: {msg}", file=sys.stderr, flush=True)


def first_line(text, prefer="apbox:"):
    """The message a person would quote: apbox's own line if there is one."""
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    for ln in lines:
        if ln.startswith(prefer):
            return ln
    return lines[0] if lines else ""


ERRNO_TEXTS = sorted({os.strerror(n) for n in errno_mod.errorcode}, key=len, reverse=True)


def errno_texts(text):
    return {t for t in ERRNO_TEXTS if t and t in (text or "")}


# ---- the world --------------------------------------------------------------

class World:
    def __init__(self, keep):
        self.keep = keep
        self.dir = tempfile.mkdtemp(prefix="apbox-ct.", dir="/tmp")
        # The runtimes' init (in a user namespace: as the pod's root) walks
        # to the bundle: search permission for everyone, listing for nobody.
        os.chmod(self.dir, 0o711)
        self.cg_parent = f"apbox-ct-{os.getpid()}"
        self.containers = []  # (runtime, state root, id)
        self.dev = os.stat(self.dir).st_dev

    def state_root(self, runtime):
        return os.path.join(self.dir, f"state-{runtime}")

    def cgroup_dirs(self):
        """Every directory of our cgroup parent, in each hierarchy."""
        base = "/sys/fs/cgroup"
        roots = [base]
        try:
            roots += [os.path.join(base, d) for d in sorted(os.listdir(base))]
        except OSError:
            pass
        return [os.path.join(r, self.cg_parent) for r in roots
                if os.path.isdir(os.path.join(r, self.cg_parent))]

    def mounts_below(self):
        out = []
        try:
            with open("/proc/self/mountinfo", encoding="utf-8") as f:
                for line in f:
                    point = line.split()[4].replace("\\040", " ")
                    if point == self.dir or point.startswith(self.dir + "/"):
                        out.append(point)
        except OSError:
            pass
        return out

    def rmtree(self, path):
        """rm -rf that never leaves the temp dir's file system: a mount left
        below it (a bind of /usr, say) is never descended into."""
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            return
        if st.st_dev != self.dev:
            raise OSError(f"refusing to remove {path}: another file system")
        if os.path.isdir(path) and not os.path.islink(path):
            for name in os.listdir(path):
                self.rmtree(os.path.join(path, name))
            os.rmdir(path)
        else:
            os.unlink(path)

    def cleanup(self):
        for runtime, root, cid in reversed(self.containers):
            subprocess.run([runtime, "--root", root, "kill", cid, "KILL"],
                           capture_output=True, check=False, timeout=30)
            subprocess.run([runtime, "--root", root, "delete", "--force", cid],
                           capture_output=True, check=False, timeout=60)
        self.containers = []
        for d in self.cgroup_dirs():
            for sub, dirs, _files in sorted(os.walk(d, topdown=False)):
                try:
                    os.rmdir(sub)
                except OSError as e:
                    log(f"cannot remove cgroup {sub}: {e.strerror}")
        left = self.mounts_below()
        for point in sorted(left, key=len, reverse=True):
            subprocess.run(["umount", "-l", point], capture_output=True, check=False)
        if self.mounts_below():
            log(f"mounts left below {self.dir}, not removing it: {self.mounts_below()}")
            return
        if self.keep:
            log(f"kept {self.dir}")
            return
        try:
            self.rmtree(self.dir)
        except OSError as e:
            log(f"cannot remove {self.dir}: {e}")


# ---- runtimes -----------------------------------------------------------------

def run_container(world, runtime, bundle, cid, timeout):
    root = world.state_root(runtime)
    os.makedirs(root, exist_ok=True)
    world.containers.append((runtime, root, cid))
    cmd = [runtime, "--root", root] + RUNTIME_ARGS.get(runtime, []) + \
        ["run", "--bundle", bundle, cid]
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=timeout, check=False)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc = None
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = (e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")) + \
            f"\n[the container did not finish within {timeout} s]"
    subprocess.run([runtime, "--root", root, "kill", cid, "KILL"], capture_output=True,
                   check=False, timeout=30)
    subprocess.run([runtime, "--root", root, "delete", "--force", cid], capture_output=True,
                   check=False, timeout=60)
    world.containers.remove((runtime, root, cid))
    return rc, out, err, time.monotonic() - t0


def smoke(world, runtime):
    """None when the runtime starts a minimal container here, else why not."""
    if not shutil.which(runtime):
        return f"{runtime} is not installed"
    bundle = os.path.join(world.dir, f"smoke-{runtime}")
    v = dict(variants.variant("docker"), user=0, caps=[], seccomp=None, masked=False,
             userns=False, privileged=False)
    variants.rootfs(v, os.path.join(bundle, "rootfs"), {}, "smoke")
    cfg = variants.config(v, ["/bin/true"], ["PATH=/usr/bin:/bin"],
                          f"/{world.cg_parent}/smoke-{runtime}", "smoke")
    with open(os.path.join(bundle, "config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f)
    rc, out, err, _ = run_container(world, runtime, bundle, f"{world.cg_parent}-smoke-{runtime}",
                                    120)
    if rc == 0:
        return None
    return f"{runtime} cannot start a container here: {first_line(err + out, prefer=runtime) or f'exit {rc}'}"


# ---- one variant --------------------------------------------------------------------

def find_node():
    """(node as the container sees it, a host directory to bind read-only
    for it or None).  Debian's and NodeSource's node live in /usr, which
    every container has; a node elsewhere (/opt/node, say) brings its
    installation prefix, bound at the same path."""
    found = shutil.which("node") or shutil.which("nodejs")
    if not found:
        raise SystemExit("check-container: no node on PATH (apt-get install nodejs)")
    real = os.path.realpath(found)
    if found.startswith("/usr/") and real.startswith("/usr/"):
        return found, None
    return real, os.path.dirname(os.path.dirname(real))


def run_variant(world, v, apbox, timeout, node):
    bundle = os.path.join(world.dir, v["name"])
    os.makedirs(bundle)
    os.chmod(bundle, 0o711)
    hostname = f"ct-{v['name']}"
    files = {
        "/opt/apbox/bin/apbox": (apbox, 0o755),
        "/opt/apbox/worker.js": (os.path.join(HERE, "worker.js"), 0o644),
    }
    variants.rootfs(v, os.path.join(bundle, "rootfs"), files, hostname)
    home = "/root" if v["user"] == 0 else "/home/worker"
    token = "ct-" + secrets.token_hex(12)
    env = [
        "PATH=/usr/local/bin:/usr/bin:/bin",
        f"HOME={home}",
        "APBOX=/opt/apbox/bin/apbox",
        f"CT_SECRET_FILE={home}/secret",
        f"CT_TOKEN={token}",
        "BOX=1",
        "MODES=" + " ".join(MODES),
        f"CT_NODE={node[0]}",
    ]
    if node[1]:
        env.append(f"CT_NODE_DIR={node[1]}")
    if v["user"] == 0:
        # As the Debian package has it: boxes in /var/lib (the default of a
        # build from source is under /usr/local, read-only here as /usr is).
        env.append("APBOX_CONFIG=/etc/apbox/apbox.conf")
    cfg = variants.config(v, [node[0], "/opt/apbox/worker.js"], env,
                          f"/{world.cg_parent}/{v['name']}", hostname, node[1])
    with open(os.path.join(bundle, "config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=1)
    rc, out, err, secs = run_container(world, v["runtime"], bundle,
                                       f"{world.cg_parent}-{v['name']}", timeout)
    # What the container printed, for --keep and for a person debugging.
    for name, text in (("stdout", out), ("stderr", err)):
        with open(os.path.join(bundle, name), "w", encoding="utf-8") as f:
            f.write(text)
    recs = []
    for line in out.splitlines():
        if line.startswith("@ct "):
            try:
                recs.append(json.loads(line[4:]))
            except ValueError:
                pass
    return {"rc": rc, "err": err, "secs": secs, "recs": recs, "token": token}


# ---- judging -------------------------------------------------------------------------

def index(recs):
    by = {}
    for r in recs:
        key = (r.get("mode"), r.get("step"), r.get("probe"))
        by[key] = r
    return by


def cgroup_limits(check):
    cg = check.get("cgroup") or {}
    ctl = cg.get("controllers") or ""
    ctl = ctl.split() if isinstance(ctl, str) else list(ctl)
    return bool(cg.get("writable")) and "memory" in ctl


def judge_mode(mode, check, by):
    """{aspect: (ok, detail)} and the summary of what happened."""
    aspects = {}
    m = (check.get("modes") or {}).get(mode) or {}
    says = bool(m.get("ok"))
    why = m.get("why", "")
    init = by.get((mode, "init", None))
    node = by.get((mode, "node", None))
    if init is None or node is None:
        aspects["verdict"] = (False, "no result: the worker died before this mode "
                                     "(or the container timed out)")
        return says, why, aspects
    failed = init if init["rc"] != 0 else node if node["rc"] != 0 else None
    node_ok = node["rc"] == 0 and " says 42" in (node.get("out") or "")
    if says:
        if failed is None and node_ok:
            aspects["verdict"] = (True, (node.get("out") or "").strip().replace(" says 42",
                                                                                  " ran"))
        elif failed is None:
            aspects["verdict"] = (False, f"node ran but printed {node.get('out')!r}")
        else:
            step = "init" if failed is init else "node run"
            aspects["verdict"] = (False, f"{step} failed: "
                                         f"{first_line(failed.get('err')) or 'exit %s' % failed['rc']}")
        # The probes and the limit need a mode that runs: judged once it does.
        if aspects["verdict"][0]:
            for name, modes in CLAIMS.items():
                if mode in modes:
                    aspects[name] = judge_probe(name, by.get((mode, "probe", name)))
            aspects["limits"] = judge_limits(cgroup_limits(check),
                                             by.get((mode, "limits", None)))
    else:
        if failed is None and node_ok:
            aspects["verdict"] = (False, f"check says no ({why}), but init and node ran")
        else:
            line = first_line(failed.get("err")) if failed else f"node printed {node.get('out')!r}"
            if same_reason(line, why):
                aspects["verdict"] = (True, f"fails as check said: {line}")
            else:
                aspects["verdict"] = (False, f"fails, but not for check's reason: {line} "
                                             f"(check: {why})")
    cleanup = by.get((mode, "cleanup", None))
    if cleanup is None:
        aspects["cleanup"] = (False, "no cleanup record")
    else:
        aspects["cleanup"] = (cleanup["rc"] == 0,
                              "ok" if cleanup["rc"] == 0 else first_line(cleanup.get("err")))
    return says, why, aspects


# What check's "why" names as the failing layer, and the words apbox's own
# message has when that layer fails in init or run (spawn.c, ns.c, mounts.c,
# seccomp.c).  A failure counts as check's reason only when it is the same
# layer and the same errno: an EPERM from some other step (an unmount, say)
# does not confirm a verdict about user namespaces.
LAYERS = [
    ("namespaces", ("namespace",)),
    ("mounts private", ("mounts private",)),
    ("/proc", ('"proc"', "/proc")),
    ("seccomp", ("seccomp",)),
    ("cgroup", ("cgroup",)),
]


def same_reason(line, why):
    if not errno_texts(line) & errno_texts(why):
        return False
    step = why.split(": ")[0]
    for key, words in LAYERS:
        if key in step:
            return any(w in line for w in words)
    # A reason outside the known layers: the step's own text must appear.
    return step in line


def judge_probe(name, r):
    if r is None:
        return (False, "no record: the worker died")
    if name in ("secret", "environ"):
        if r.get("leaked"):
            return (False, f"escaped: {PROBE_TEXT[name]}")
        if r["rc"] == 125 or r["rc"] is None:
            return (False, f"the probe did not run: {first_line(r.get('err'))}")
        return (True, "blocked")
    hit = []
    if r.get("group_sentinel"):
        hit.append(f"the worker's process group ({r['group_sentinel']})")
    if name == "killall" and r.get("session_sentinel"):
        hit.append(f"another session of the worker's uid ({r['session_sentinel']})")
    if hit:
        return (False, f"escaped: {PROBE_TEXT[name]}: " + ", ".join(hit))
    if r["rc"] == 125:
        return (False, f"the probe did not run: {first_line(r.get('err'))}")
    return (True, "blocked")


def judge_limits(can, r):
    if r is None:
        return (False, "no record: the worker died")
    meta = r.get("meta") or {}
    if can:
        if meta.get("cg-oom-killed") in (1, "1", True):
            return (True, "--mem 64M enforced (OOM kill)")
        return (False, f"check says the cgroup enforces --mem, but the hog ended with exit "
                       f"{r['rc']}: {first_line(r.get('err')) or (r.get('out') or '').strip()}")
    if r["rc"] == 125:
        return (True, f"--mem refused: {first_line(r.get('err'))}")
    return (False, f"check says --mem cannot be enforced, but the run was not refused "
                   f"(exit {r['rc']}, {first_line(r.get('out'))})")


# ---- expected failures -------------------------------------------------------------------

def read_xfail(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 3)
            if len(parts) < 4:
                raise SystemExit(f"{path}:{n}: want VARIANT MODE ASPECT REASON")
            out.append({"line": n, "variant": parts[0], "mode": parts[1], "aspect": parts[2],
                        "reason": parts[3], "used": False})
    return out


def xfail_for(xf, variant, mode, aspect):
    for e in xf:
        if fnmatch.fnmatchcase(variant, e["variant"]) and fnmatch.fnmatchcase(mode, e["mode"]) \
                and fnmatch.fnmatchcase(aspect, e["aspect"]):
            return e
    return None


# ---- output -------------------------------------------------------------------------------

def row(variant, mode, says, result, detail):
    print(f"{variant:<15} {mode:<17} {says:<5} {result:<6} {detail}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--apbox", required=True)
    ap.add_argument("--xfail", default=os.path.join(HERE, "xfail"))
    ap.add_argument("--markdown", help="also write the matrix there (Markdown)")
    ap.add_argument("--only", help="comma-separated variant names")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("--runtime", choices=["runc", "crun"],
                    default=os.environ.get("APBOX_CT_RUNTIME") or None,
                    help="the OCI runtime of the runc variants (default runc, "
                         "or $APBOX_CT_RUNTIME)")
    a = ap.parse_args()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    xf = read_xfail(a.xfail)
    require = os.environ.get("APBOX_CT_REQUIRE", "").split()
    timeout = int(os.environ.get("APBOX_CT_TIMEOUT", "150"))
    chosen = [v for v in variants.VARIANTS
              if not a.only or v["name"] in a.only.split(",")]
    if a.runtime:
        # crun instead of runc: the same config.json under the other runtime.
        chosen = [dict(v, runtime=a.runtime) if v["runtime"] == "runc" else v for v in chosen]
    counts = {"passed": 0, "failed": 0, "skipped": 0, "xfail": 0, "xpass": 0}
    matrix = []
    t_start = time.monotonic()

    print(f"{'variant':<15} {'mode':<17} {'check':<5} {'result':<6} what happened", flush=True)
    if os.geteuid() != 0:
        for v in chosen:
            for mode in MODES:
                row(v["name"], mode, "-", "SKIP", "needs root (the runtimes run rootful)")
                counts["skipped"] += 1
        print(f"{counts['passed']} passed, {counts['failed']} failed, "
              f"{counts['skipped']} skipped")
        return 0

    node = find_node()
    world = World(a.keep)
    try:
        usable = {}
        for rt in sorted({v["runtime"] for v in chosen}):
            usable[rt] = smoke(world, rt)
            if usable[rt]:
                log(usable[rt])
        for v in chosen:
            why_not = usable[v["runtime"]]
            if why_not:
                fail = v["runtime"] in require
                for mode in MODES:
                    row(v["name"], mode, "-", "FAIL" if fail else "SKIP", why_not)
                    counts["failed" if fail else "skipped"] += 1
                    matrix.append((v, mode, None, "SKIP", why_not))
                continue
            res = run_variant(world, v, a.apbox, timeout, node)
            by = index(res["recs"])
            check_rec = by.get((None, "check", None)) or {}
            check = check_rec.get("json")
            log(f"{v['name']}: {res['secs']:.1f} s ({v['runtime']}, exit {res['rc']})")
            if not by.get((None, "done", None)):
                log(f"{v['name']}: the worker did not finish; the runtime said: "
                    f"{first_line(res['err'], prefer=v['runtime'])}")
            for mode in MODES:
                if not isinstance(check, dict):
                    detail = ("apbox check --json printed no JSON: "
                              f"{first_line(check_rec.get('err')) or first_line(res['err'])}")
                    row(v["name"], mode, "?", "FAIL", detail)
                    counts["failed"] += 1
                    matrix.append((v, mode, None, "FAIL", detail))
                    continue
                says, why, aspects = judge_mode(mode, check, by)
                bad, xfailed, xpass = [], [], []
                for name, (ok, detail) in aspects.items():
                    e = xfail_for(xf, v["name"], mode, name)
                    if e:
                        e["used"] = True
                    if ok and e:
                        xpass.append(f"{name} passes: delete line {e['line']} of xfail")
                    elif not ok and e:
                        xfailed.append(f"{name}: {detail} [xfail: {e['reason']}]")
                    elif not ok:
                        bad.append(f"{name}: {detail}")
                notes = [f"XPASS {x}" for x in xpass]
                if bad:
                    result = "FAIL"
                    counts["failed"] += 1
                    detail = "; ".join(bad + xfailed + notes)
                elif xfailed:
                    result = "XFAIL"
                    counts["skipped"] += 1
                    counts["xfail"] += 1
                    detail = "; ".join(xfailed + notes)
                elif xpass:
                    # Better than expected: a pass, noted so the line gets deleted.
                    result = "XPASS"
                    counts["passed"] += 1
                    counts["xpass"] += 1
                    detail = "; ".join([summary(says, aspects)] + notes)
                else:
                    result = "PASS"
                    counts["passed"] += 1
                    detail = summary(says, aspects)
                row(v["name"], mode, "yes" if says else "no", result, detail)
                matrix.append((v, mode, says, result, detail))
    except Interrupted as e:
        log(f"interrupted ({e}): cleaning up")
        counts["failed"] += 1
    finally:
        world.cleanup()
    for e in xf:
        if not e["used"] and any(fnmatch.fnmatchcase(v["name"], e["variant"]) for v in chosen):
            log(f"xfail line {e['line']} matches no row ({e['variant']} {e['mode']} "
                f"{e['aspect']})")
    log(f"total {time.monotonic() - t_start:.0f} s")
    if a.markdown:
        write_markdown(a.markdown, matrix)
    log(f"{counts['xfail']} expected failures (XFAIL, counted as skipped), "
        f"{counts['xpass']} unexpected passes (XPASS, counted as passed)")
    print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    return 1 if counts["failed"] else 0


def summary(says, aspects):
    if not says or not aspects["verdict"][0]:
        return aspects["verdict"][1]
    probes = [n for n in CLAIMS if n in aspects]
    blocked = [n for n in probes if aspects[n][0]]
    parts = [aspects["verdict"][1] or "node ran",
             f"{len(blocked)}/{len(probes)} probes blocked"
             + (f" ({', '.join(blocked)})" if blocked else "")]
    parts += [aspects[n][1] for n in probes if not aspects[n][0]]
    parts.append(aspects["limits"][1])
    return "; ".join(parts)


def write_markdown(path, matrix):
    """The matrix, per variant: each mode's verdict and result, the strongest
    mode that passed, and the settings that give it."""
    lines = ["<!-- generated by tests/container/run.py (make check-container) -->", ""]
    seen = []
    for v, *_ in matrix:
        if v not in seen:
            seen.append(v)
    for v in seen:
        rows = [(mode, says, result, detail) for vv, mode, says, result, detail in matrix
                if vv is v]
        runs = [mode for mode, says, result, _ in rows if says and result in ("PASS", "XPASS")]
        best = next((m for m in STRENGTH if m in runs), None)
        lines += [f"### {v['title']}", "",
                  f"Runtime: `{v['runtime']}`. Strongest mode that runs and holds: "
                  f"{'`' + best + '`' if best else 'none'}.", "",
                  "| mode | apbox check | result | what happened |", "|---|---|---|---|"]
        for mode, says, result, detail in rows:
            verdict = "-" if says is None else "yes" if says else "no"
            lines.append(f"| `{mode}` | {verdict} | {result} | {detail.replace('|', '/')} |")
        lines += ["", "```sh", v["docker"] + (f" ... apbox run --mode {best} ..." if best else ""),
                  "```", ""]
        if v.get("pod"):
            lines += ["```yaml"]
            if v.get("hostUsers") is False:
                lines += ["spec:", "  hostUsers: false"]
            lines += ["securityContext:"]
            lines += ["  " + ln for ln in to_yaml(v["pod"])]
            lines += ["```", ""]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def to_yaml(obj, indent=0):
    out = []
    pad = "  " * indent
    for k, val in obj.items():
        if isinstance(val, dict):
            out.append(f"{pad}{k}:")
            out += to_yaml(val, indent + 1)
        elif isinstance(val, list):
            out.append(f"{pad}{k}: [{', '.join(val)}]")
        elif isinstance(val, bool):
            out.append(f"{pad}{k}: {'true' if val else 'false'}")
        else:
            out.append(f"{pad}{k}: {val}")
    return out


if __name__ == "__main__":
    sys.exit(main())
