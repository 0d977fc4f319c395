#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Resolve a container engine's default seccomp profile for one container.

The engines do not put their default profile into config.json as it is
stored: they resolve it for the container's capability bounding set, the
machine's architecture and the kernel, and write what is left as the OCI
"linux.seccomp" object.  This module does the same with the upstream
files kept verbatim in seccomp/ (see seccomp/PROVENANCE):

  docker      moby profiles/seccomp/default.json, resolved as moby's
              setupSeccomp() does (profiles/seccomp/seccomp_linux.go):
              a rule is dropped when one of its excludes matches (an
              excluded arch, any excluded capability in the bounding set,
              a kernel at least minKernel) or one of its includes does not
              (an arch not listed, a listed capability missing, a kernel
              older than minKernel).
  containerd  containerd contrib/seccomp/seccomp_default.go, the Go source
              of DefaultProfile(): a small interpreter runs that function
              (composite literals, append, switch on runtime.GOARCH and on
              each bounding capability, the kernel-version test), as the
              CRI plugin calls it for seccompProfile: RuntimeDefault.

Anything in the Go source outside that subset stops the interpreter with an
error, so a new upstream copy is either resolved the way it is written or
not at all.  Each file is checked against the SHA-256 in PROVENANCE before
use: the copies are not to be edited by hand (update-profiles.sh refreshes
them from Debian's packages).

  seccomp.py resolve docker|containerd [--caps CAP_A,CAP_B] [--arch GOARCH] [--kernel X.Y]
  seccomp.py verify
"""
import argparse
import hashlib
import json
import os
import platform
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PROFILE_DIR = os.path.join(HERE, "seccomp")
FILES = {
    "docker": "docker-default.json",
    "containerd": "containerd-seccomp_default.go",
}

# uname -m -> Go's GOARCH, the name both engines branch on.
GOARCH = {
    "x86_64": "amd64", "i686": "386", "i386": "386", "aarch64": "arm64", "armv7l": "arm",
    "ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64", "mips64": "mips64",
}
# moby's goToNative: GOARCH -> the libseccomp-style name its JSON uses in "arches".
GO_TO_NATIVE = {
    "386": "x86", "amd64": "amd64", "arm": "arm", "arm64": "arm64", "mips64": "mips64",
    "mips64p32": "mips64n32", "mips64le": "mipsel64", "mips64p32le": "mips3l64n32",
    "mipsle": "mipsel", "ppc": "ppc", "ppc64": "ppc64", "ppc64le": "ppc64le", "s390": "s390",
    "s390x": "s390x",
}
NATIVE_TO_SECCOMP = {
    "x86": "SCMP_ARCH_X86", "amd64": "SCMP_ARCH_X86_64", "arm": "SCMP_ARCH_ARM",
    "arm64": "SCMP_ARCH_AARCH64", "mips64": "SCMP_ARCH_MIPS64", "mips64n32": "SCMP_ARCH_MIPS64N32",
    "mipsel64": "SCMP_ARCH_MIPSEL64", "mips3l64n32": "SCMP_ARCH_MIPSEL64N32",
    "mipsle": "SCMP_ARCH_MIPSEL", "ppc": "SCMP_ARCH_PPC", "ppc64": "SCMP_ARCH_PPC64",
    "ppc64le": "SCMP_ARCH_PPC64LE", "s390": "SCMP_ARCH_S390", "s390x": "SCMP_ARCH_S390X",
}


class ProfileError(Exception):
    pass


def host_goarch():
    m = platform.machine()
    if m not in GOARCH:
        raise ProfileError(f"no GOARCH known for machine {m!r}")
    return GOARCH[m]


def host_kernel():
    """(kernel, major) as both engines parse the release: "%d.%d"."""
    m = re.match(r"(\d+)\.(\d+)", platform.release())
    if not m:
        raise ProfileError(f"cannot parse kernel release {platform.release()!r}")
    return int(m.group(1)), int(m.group(2))


def provenance():
    """{file name: sha256} from seccomp/PROVENANCE ("sha256: HEX  FILE" lines)."""
    sums = {}
    with open(os.path.join(PROFILE_DIR, "PROVENANCE"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"sha256:\s+([0-9a-f]{64})\s+(\S+)\s*$", line)
            if m:
                sums[m.group(2)] = m.group(1)
    return sums


def read_profile(engine):
    name = FILES[engine]
    path = os.path.join(PROFILE_DIR, name)
    with open(path, "rb") as f:
        data = f.read()
    want = provenance().get(name)
    got = hashlib.sha256(data).hexdigest()
    if want != got:
        raise ProfileError(f"{path}: sha256 {got} is not the one PROVENANCE records ({want}): "
                           "the copy was edited; refresh it with update-profiles.sh")
    return data.decode("utf-8")


# ---- Docker: moby's setupSeccomp() ------------------------------------------------

def parse_min_kernel(s):
    m = re.fullmatch(r"(\d+)\.(\d+)", s or "")
    if not m:
        raise ProfileError(f"invalid minKernel {s!r}")
    return int(m.group(1)), int(m.group(2))


def resolve_docker(caps, goarch, kernel):
    prof = json.loads(read_profile("docker"))
    arch = GO_TO_NATIVE.get(goarch)
    out = {"defaultAction": prof["defaultAction"]}
    if "defaultErrnoRet" in prof:
        out["defaultErrnoRet"] = prof["defaultErrnoRet"]
    if prof.get("architectures") and prof.get("archMap"):
        raise ProfileError("'architectures' and 'archMap' were both given")
    if prof.get("architectures"):
        out["architectures"] = list(prof["architectures"])
    sarch = NATIVE_TO_SECCOMP.get(arch)
    for a in prof.get("archMap") or []:
        if sarch and a["architecture"] == sarch:
            out["architectures"] = [a["architecture"]] + list(a.get("subArchitectures") or [])
            break
    calls = []
    for call in prof["syscalls"]:
        inc, exc = call.get("includes") or {}, call.get("excludes") or {}
        if arch in (exc.get("arches") or []):
            continue
        if any(c in caps for c in exc.get("caps") or []):
            continue
        if exc.get("minKernel") and kernel >= parse_min_kernel(exc["minKernel"]):
            continue
        if inc.get("arches") and arch not in inc["arches"]:
            continue
        if any(c not in caps for c in inc.get("caps") or []):
            continue
        if inc.get("minKernel") and kernel < parse_min_kernel(inc["minKernel"]):
            continue
        if call.get("name") and call.get("names"):
            raise ProfileError("'name' and 'names' were both given")
        new = {"names": [call["name"]] if call.get("name") else list(call["names"]),
               "action": call["action"]}
        if call.get("errnoRet") is not None:
            new["errnoRet"] = call["errnoRet"]
        if call.get("args"):
            new["args"] = call["args"]
        calls.append(new)
    out["syscalls"] = calls
    return out


# ---- containerd: DefaultProfile() in Go ----------------------------------------

TOKEN = re.compile(r"""
    (?P<ws>\s+) | (?P<comment>//[^\n]*|/\*.*?\*/) |
    (?P<str>"(?:[^"\\\n]|\\.)*") |
    (?P<num>0[xX][0-9a-fA-F]+|\d+) |
    (?P<ident>[A-Za-z_][A-Za-z0-9_]*) |
    (?P<op>:=|==|!=|&&|\|\||[{}()\[\],;:.=!&|*])
""", re.S | re.X)

# The values of the names DefaultProfile() uses from specs-go and x/sys/unix.
SPECS = {
    "ActAllow": "SCMP_ACT_ALLOW", "ActErrno": "SCMP_ACT_ERRNO", "ActKill": "SCMP_ACT_KILL",
    "ActTrap": "SCMP_ACT_TRAP", "ActTrace": "SCMP_ACT_TRACE", "ActLog": "SCMP_ACT_LOG",
    "OpEqualTo": "SCMP_CMP_EQ", "OpNotEqual": "SCMP_CMP_NE", "OpLessThan": "SCMP_CMP_LT",
    "OpLessEqual": "SCMP_CMP_LE", "OpGreaterThan": "SCMP_CMP_GT",
    "OpGreaterEqual": "SCMP_CMP_GE", "OpMaskedEqual": "SCMP_CMP_MASKED_EQ",
    "ArchX86": "SCMP_ARCH_X86", "ArchX86_64": "SCMP_ARCH_X86_64", "ArchX32": "SCMP_ARCH_X32",
    "ArchARM": "SCMP_ARCH_ARM", "ArchAARCH64": "SCMP_ARCH_AARCH64",
    "ArchMIPS": "SCMP_ARCH_MIPS", "ArchMIPS64": "SCMP_ARCH_MIPS64",
    "ArchMIPS64N32": "SCMP_ARCH_MIPS64N32", "ArchMIPSEL": "SCMP_ARCH_MIPSEL",
    "ArchMIPSEL64": "SCMP_ARCH_MIPSEL64", "ArchMIPSEL64N32": "SCMP_ARCH_MIPSEL64N32",
    "ArchPPC": "SCMP_ARCH_PPC", "ArchPPC64": "SCMP_ARCH_PPC64",
    "ArchPPC64LE": "SCMP_ARCH_PPC64LE", "ArchS390": "SCMP_ARCH_S390",
    "ArchS390X": "SCMP_ARCH_S390X", "ArchRISCV64": "SCMP_ARCH_RISCV64",
}
UNIX = {
    "ENOSYS": 38, "EPERM": 1,
    "CLONE_NEWNS": 0x00020000, "CLONE_NEWCGROUP": 0x02000000, "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000, "CLONE_NEWUSER": 0x10000000, "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
}
# Go field names -> the JSON names of specs-go (omitempty where specs-go has it).
FIELDS = {
    "Names": "names", "Action": "action", "ErrnoRet": "errnoRet", "Args": "args",
    "Index": "index", "Value": "value", "ValueTwo": "valueTwo", "Op": "op",
    "DefaultAction": "defaultAction", "Architectures": "architectures", "Syscalls": "syscalls",
    "Kernel": "Kernel", "Major": "Major",
}


class Ref:
    """&x: a pointer, which becomes its value in JSON."""

    def __init__(self, value):
        self.value = value


class Go:
    """A recursive-descent reader and evaluator for the statements of
    DefaultProfile() and arches(); anything else is an error."""

    def __init__(self, src, goarch, caps, kernel):
        self.toks = []
        pos = 0
        while pos < len(src):
            m = TOKEN.match(src, pos)
            if not m:
                raise ProfileError(f"containerd profile: cannot read Go at {src[pos:pos + 30]!r}")
            pos = m.end()
            if m.lastgroup not in ("ws", "comment"):
                self.toks.append((m.lastgroup, m.group()))
        self.i = 0
        self.goarch, self.caps, self.kernel = goarch, caps, kernel
        self.funcs = {}

    # -- tokens
    def peek(self, k=0):
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else ("eof", "")

    def take(self, want=None):
        t = self.peek()
        if want is not None and t[1] != want:
            raise ProfileError(f"containerd profile: expected {want!r}, found {t[1]!r} "
                               f"(token {self.i})")
        self.i += 1
        return t

    def skip_balanced(self, open_, close):
        depth = 0
        while True:
            t = self.take()[1]
            if t == open_:
                depth += 1
            elif t == close:
                depth -= 1
                if depth == 0:
                    return
            elif t == "":
                raise ProfileError("containerd profile: unbalanced source")

    # -- file: find the two functions, remember where their bodies start
    def index_funcs(self):
        while self.peek()[0] != "eof":
            if self.peek()[1] == "func":
                self.take()
                name = self.take()[1]
                self.skip_balanced("(", ")")
                while self.peek()[1] != "{":
                    self.take()
                self.funcs[name] = self.i
                self.skip_balanced("{", "}")
            else:
                self.take()

    def call(self, name, env):
        if name not in self.funcs:
            raise ProfileError(f"containerd profile: no function {name}()")
        saved = self.i
        self.i = self.funcs[name]
        try:
            ret = self.block(env, run=True)
        finally:
            self.i = saved
        if not isinstance(ret, tuple) or ret[0] != "return":
            raise ProfileError(f"containerd profile: {name}() returned nothing")
        return ret[1]

    # -- statements; run=False parses without effect (a branch not taken)
    def block(self, env, run):
        self.take("{")
        ret = None
        while self.peek()[1] != "}":
            r = self.stmt(env, run and ret is None)
            if r is not None and ret is None:
                ret = r
        self.take("}")
        return ret

    def stmt(self, env, run):
        t = self.peek()[1]
        if t == ";":
            self.take()
            return None
        if t == "return":
            self.take()
            v = self.expr(env, run)
            return ("return", v) if run else None
        if t == "switch":
            return self.switch(env, run)
        if t == "for":
            return self.for_range(env, run)
        if t == "if":
            return self.if_(env, run)
        # assignment: a[, b] (:=|=) expr
        names = [self.lvalue()]
        while self.peek()[1] == ",":
            self.take()
            names.append(self.lvalue())
        op = self.take()[1]
        if op not in (":=", "="):
            raise ProfileError(f"containerd profile: unsupported statement at {names} {op}")
        v = self.expr(env, run)
        if run:
            if len(names) == 1:
                self.assign(env, names[0], v)
            else:
                if not isinstance(v, tuple) or len(v) != len(names):
                    raise ProfileError("containerd profile: multiple assignment mismatch")
                for n, x in zip(names, v):
                    self.assign(env, n, x)
        return None

    def lvalue(self):
        parts = [self.take()[1]]
        while self.peek()[1] == ".":
            self.take()
            parts.append(self.take()[1])
        return ".".join(parts)

    def assign(self, env, name, v):
        if name == "_":
            return
        if "." in name:
            obj, field = name.rsplit(".", 1)
            target = self.lookup(env, obj)
            if isinstance(target, Ref):
                target = target.value
            target[FIELDS[field]] = v
        else:
            env[name] = v

    def switch(self, env, run):
        self.take("switch")
        subject = self.expr(env, run, header=True)
        self.take("{")
        done, ret, default_at = False, None, None
        while self.peek()[1] != "}":
            if self.peek()[1] == "default":
                # taken only when no case matched: parse now, run after the cases
                self.take()
                self.take(":")
                default_at = self.i
                self.case_body(env, False)
                continue
            self.take("case")
            values = [self.expr(env, run, header=True)]
            while self.peek()[1] == ",":
                self.take()
                values.append(self.expr(env, run, header=True))
            self.take(":")
            hit = run and not done and subject in values
            r = self.case_body(env, hit)
            if hit:
                done, ret = True, r
        self.take("}")
        if run and not done and default_at is not None:
            end, self.i = self.i, default_at
            ret = self.case_body(env, True)
            self.i = end
        return ret

    def case_body(self, env, run):
        ret = None
        while self.peek()[1] not in ("case", "default", "}"):
            r = self.stmt(env, run and ret is None)
            if r is not None and ret is None:
                ret = r
        return ret

    def for_range(self, env, run):
        self.take("for")
        self.take("_")
        self.take(",")
        var = self.take()[1]
        self.take(":=")
        self.take("range")
        seq = self.expr(env, run, header=True)
        start = self.i
        ret = None
        for x in seq if run else []:
            self.i = start
            env[var] = x
            r = self.block(env, ret is None)
            if r is not None and ret is None:
                ret = r
        self.i = start
        self.block(env, False)  # to its end, also when it ran no time
        return ret

    def if_(self, env, run):
        self.take("if")
        # optional init statement "a, b := expr;"
        j, depth = self.i, 0
        while True:
            t = self.toks[j][1]
            if t in "([":
                depth += 1
            elif t in ")]":
                depth -= 1
            elif t == "{" and depth == 0:
                has_init = False
                break
            elif t == ";" and depth == 0:
                has_init = True
                break
            j += 1
        if has_init:
            self.stmt(env, run)
            self.take(";")
        cond = self.expr(env, run, header=True)
        ret = self.block(env, run and bool(cond))
        if self.peek()[1] == "else":
            self.take()
            if self.peek()[1] == "if":
                r = self.if_(env, run and not cond)
            else:
                r = self.block(env, run and not cond)
            ret = ret if ret is not None else r
        return ret

    # -- expressions
    def expr(self, env, run, header=False):
        left = self.and_expr(env, run, header)
        while self.peek()[1] == "||":
            self.take()
            right = self.and_expr(env, run, header)
            left = run and (left or right)
        return left

    def and_expr(self, env, run, header):
        left = self.cmp_expr(env, run, header)
        while self.peek()[1] == "&&":
            self.take()
            right = self.cmp_expr(env, run, header)
            left = run and (left and right)
        return left

    def cmp_expr(self, env, run, header):
        left = self.or_expr(env, run, header)
        if self.peek()[1] in ("==", "!="):
            op = self.take()[1]
            right = self.or_expr(env, run, header)
            if run:
                return (left == right) if op == "==" else (left != right)
        return left

    def or_expr(self, env, run, header):
        left = self.unary(env, run, header)
        while self.peek()[1] == "|":
            self.take()
            right = self.unary(env, run, header)
            if run:
                left = left | right
        return left

    def unary(self, env, run, header):
        t = self.peek()[1]
        if t == "!":
            self.take()
            v = self.unary(env, run, header)
            return run and not v
        if t == "&":
            self.take()
            v = self.unary(env, run, header)
            return Ref(v) if run else None
        return self.primary(env, run, header)

    def type_name(self):
        """[]pkg.T, pkg.T or T, as a string; the caller saw it starts a type."""
        s = ""
        if self.peek()[1] == "[":
            self.take("[")
            self.take("]")
            s = "[]"
        s += self.take()[1]
        while self.peek()[1] == ".":
            self.take()
            s += "." + self.take()[1]
        return s

    def primary(self, env, run, header):
        kind, t = self.peek()
        if kind == "str":
            self.take()
            return json.loads(t)
        if kind == "num":
            self.take()
            return int(t, 0)
        if t == "(":
            self.take()
            v = self.expr(env, run)
            self.take(")")
            return v
        if t == "[":
            typ = self.type_name()
            return self.literal(typ, env, run)
        if t == "{":
            return self.literal("", env, run)  # element of a slice literal, type elided
        if kind != "ident":
            raise ProfileError(f"containerd profile: unexpected {t!r}")
        name = self.lvalue()
        if self.peek()[1] == "(":
            return self.call_expr(name, env, run)
        if self.peek()[1] == "{" and not header:
            return self.literal(name, env, run)
        return self.lookup(env, name) if run else None

    def call_expr(self, name, env, run):
        self.take("(")
        args = []
        while self.peek()[1] != ")":
            args.append(self.expr(env, run))
            if self.peek()[1] == ",":
                self.take()
        self.take(")")
        if not run:
            return None
        if name == "append":
            return args[0] + args[1:]
        if name in ("uint", "uint32", "uint64", "int"):
            return int(args[0])
        if name == "kernelversion.GreaterEqualThan":
            want = args[0]
            return (self.kernel >= (want.get("Kernel", 0), want.get("Major", 0)), None)
        if name in self.funcs and not args:
            return self.call(name, {})
        raise ProfileError(f"containerd profile: unknown call {name}()")

    def literal(self, typ, env, run):
        self.take("{")
        is_slice = typ.startswith("[]")
        items, fields = [], {}
        while self.peek()[1] != "}":
            if not is_slice and self.peek()[0] == "ident" and self.peek(1)[1] == ":":
                key = self.take()[1]
                self.take(":")
                v = self.expr(env, run)
                if run:
                    if key not in FIELDS:
                        raise ProfileError(f"containerd profile: unknown field {key}")
                    fields[FIELDS[key]] = v
            else:
                v = self.expr(env, run)
                items.append(v)
            if self.peek()[1] == ",":
                self.take()
        self.take("}")
        if not run:
            return None
        if is_slice:
            return items
        if items:
            raise ProfileError(f"containerd profile: positional fields in {typ}")
        return fields

    def lookup(self, env, name):
        head, _, rest = name.partition(".")
        if head == "specs" and rest in SPECS:
            return SPECS[rest]
        if head == "unix" and rest in UNIX:
            return UNIX[rest]
        if name == "runtime.GOARCH":
            return self.goarch
        if name == "sp.Process.Capabilities.Bounding":
            return list(self.caps)
        if name in ("true", "false"):
            return name == "true"
        if name == "nil":
            return None
        if head in env:
            v = env[head]
            for part in rest.split(".") if rest else []:
                if isinstance(v, Ref):
                    v = v.value
                v = v[FIELDS[part]]
            return v
        raise ProfileError(f"containerd profile: unknown name {name}")


def plain(v):
    """Pointers become their values; empty "args" lists go, as omitempty does."""
    if isinstance(v, Ref):
        return plain(v.value)
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items() if not (k == "args" and not x)}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def resolve_containerd(caps, goarch, kernel):
    go = Go(read_profile("containerd"), goarch, caps, kernel)
    go.index_funcs()
    prof = plain(go.call("DefaultProfile", {}))
    if not prof.get("architectures"):
        prof.pop("architectures", None)
    return prof


def resolve(engine, caps, goarch=None, kernel=None):
    goarch = goarch or host_goarch()
    kernel = kernel or host_kernel()
    if engine == "docker":
        return resolve_docker(set(caps), goarch, kernel)
    if engine == "containerd":
        return resolve_containerd(list(caps), goarch, kernel)
    raise ProfileError(f"unknown engine {engine!r}")


def allowed(profile, name):
    """Whether a syscall has an unconditional ALLOW rule (for reports and self-tests)."""
    return any(name in r["names"] and r["action"] == "SCMP_ACT_ALLOW" and not r.get("args")
               for r in profile["syscalls"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("resolve")
    r.add_argument("engine", choices=sorted(FILES))
    r.add_argument("--caps", default="", help="the bounding set, comma-separated")
    r.add_argument("--arch", help="GOARCH (default: this machine's)")
    r.add_argument("--kernel", help="X.Y (default: this kernel)")
    sub.add_parser("verify")
    a = ap.parse_args()
    try:
        if a.cmd == "verify":
            for e in FILES:
                read_profile(e)
                print(f"{FILES[e]}: as recorded in PROVENANCE")
            return 0
        caps = [c for c in a.caps.split(",") if c]
        kernel = parse_min_kernel(a.kernel) if a.kernel else None
        json.dump(resolve(a.engine, caps, a.arch, kernel), sys.stdout, indent=1)
        print()
    except ProfileError as e:
        print(f"seccomp.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
