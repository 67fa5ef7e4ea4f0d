"""The wheel tags this interpreter can install, as pip's `packaging.tags.sys_tags()` computes them.

Compact form (report.python.tags): the interpreter, its ABIs and the platform
tags in packaging's order; packaging's cpython_tags(version, abis, platforms)
+ compatible_tags(version, interpreter, platforms) expand it to the full set
(tests/test_probe_tags.py checks that against packaging 26.4 itself). A port
of packaging's tags.py, _manylinux.py and _musllinux.py for CPython, kept
small (it is in every quick probe's request) and free of anything that could
block: glibc from os.confstr (a libc call, as packaging); for musl, packaging
runs the loader named by sys.executable's ELF PT_INTERP and reads its version
from stderr, this reads the same version string from the loader's file.
Left out: the PEP 600 `_manylinux` module (never imported in a kernel),
macOS 10.16 as reported by Pythons built with an SDK before 11 (packaging
re-runs Python to learn the real version), iOS and Android (their sysconfig
platform only), Pythons before 3.8, and interpreters other than CPython or
32-bit ones (tags null). Apart from the `_manylinux` module (a distro's opt-out),
torch ships no wheel for any of these (macOS x86_64 wheels ended with 2.2).
"""

import os
import platform
import re
import struct
import sys
import sysconfig

_LEGACY_MANYLINUX = {(2, 17): "manylinux2014", (2, 12): "manylinux2010", (2, 5): "manylinux1"}


def install_tags(p):
    """report.python.tags: {interpreter, abis, platforms, libc, macos}; None for a non-CPython or 32-bit one."""
    if sys.implementation.name != "cpython" or struct.calcsize("P") == 4:
        return None
    cfg = sysconfig.get_config_var
    cp = "cp%d%d" % sys.version_info[:2]
    # Py_GIL_DISABLED is the build's flag, not the runtime GIL state (PYTHON_GIL=1 keeps the t ABI).
    t = "t" if sys.version_info >= (3, 13) and cfg("Py_GIL_DISABLED") else ""
    # Debug builds (Py_DEBUG, which brings sys.gettotalrefcount) also load release extensions.
    abis = [cp + t + "d", cp + t] if hasattr(sys, "gettotalrefcount") else [cp + t]
    plat = re.sub(r"[-. ]", "_", sysconfig.get_platform())
    platforms, libc, mac = [plat], None, None
    if platform.system() == "Darwin":
        mac, _, arch = platform.mac_ver()
        platforms = _mac_platforms(tuple(int(x) for x in mac.split(".")[:2]), arch)
    elif plat.startswith("linux_"):
        platforms, libc = _linux_platforms(p, plat)
    return {"interpreter": "cp" + str(cfg("py_version_nodot") or cp[2:]), "abis": abis + ["abi3" + t, "none"],
            "platforms": platforms, "libc": libc, "macos": mac}


def _linux_platforms(p, plat):
    arch, out = plat[6:], [plat]
    try:
        m = re.match(r"glibc (\d+)\.(\d+)", os.confstr("CS_GNU_LIBC_VERSION") or "")
    except (ValueError, OSError):
        m = None
    glibc = m and (int(m[1]), int(m[2]))
    libc = glibc and {"name": "glibc", "version": "%d.%d" % glibc}
    low = (2, 4) if arch == "x86_64" else (2, 16)
    # packaging's _have_compatible_abi: these arches need no look at the ELF header.
    ok = glibc and arch in ("x86_64", "aarch64", "ppc64", "ppc64le", "s390x", "loongarch64", "riscv64")
    for major, top in [glibc] + [(n, 50) for n in range(glibc[0] - 1, 1, -1)] if ok else ():
        for minor in range(top, low[1] if major == low[0] else -1, -1):
            out.append(f"manylinux_{major}_{minor}_{arch}")
            if (major, minor) in _LEGACY_MANYLINUX:
                out.append(f"{_LEGACY_MANYLINUX[major, minor]}_{arch}")
    loader = _elf_interpreter(sys.executable) or ""
    if "musl" in loader:
        musl = _musl_version(p, loader)
        libc = {"name": "musl", "version": musl and "%d.%d" % musl}
        out += [f"musllinux_{musl[0]}_{n}_{arch}" for n in range(musl[1], -1, -1)] if musl else []
    return out, libc


def _elf_interpreter(path):
    """The loader an ELF executable names (PT_INTERP), as packaging's _elffile reads it."""
    try:
        with open(path, "rb") as f:
            ident = f.read(16)
            o, w = "<>"[ident[5] - 1], "I" if ident[4] == 1 else "Q"
            h = struct.unpack(o + "HHI3%sI3H" % w, f.read(struct.calcsize(o + "HHI3%sI3H" % w)))
            ph, at = (o + "8I", 1) if w == "I" else (o + "2I6Q", 2)
            for i in range(h[9] * (ident[:4] == b"\x7fELF")):
                f.seek(h[4] + h[8] * i)
                t = struct.unpack(ph, f.read(struct.calcsize(ph)))
                if t[0] == 3:  # PT_INTERP: offset, file size
                    f.seek(t[at])
                    return os.fsdecode(f.read(min(t[at + 3], 4096))).strip("\0")
    except (OSError, IndexError, struct.error):
        return None


def _musl_version(p, loader):
    """musl's version string (src/internal/version.c): the only NUL-delimited x.y.z in the loader's file."""
    try:
        with open(loader, "rb") as f:
            found = set(re.findall(rb"\0(\d+)\.(\d+)\.\d+\0", f.read(8 << 20)))
    except OSError:
        found = ()
    if len(found) != 1:
        p.fail("tags", "error", "no musl version in " + loader)
        return None
    return tuple(int(x) for x in found.pop())


def _mac_platforms(v, arch):
    """packaging's mac_platforms for x86_64 and arm64 (x86_64's formats start at 10.4)."""
    x86 = arch == "x86_64"
    fmts = [arch] + ["intel", "fat64", "fat3"] * x86 + ["universal2"] + ["universal"] * x86
    if v < (11, 0):
        return [f"macosx_10_{m}_{f}" for m in range(v[1], 3 if x86 else -1, -1) for f in fmts]
    return [f"macosx_{m}_0_{f}" for m in range(v[0], 10, -1) for f in fmts] + \
        [f"macosx_10_{m}_{f}" for m in range(16, 3, -1) for f in (fmts if x86 else ["universal2"])]
