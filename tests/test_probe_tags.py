"""report.python.tags against pip's own rule: packaging.tags (test-only; the probe stays stdlib-only).

Each fixture interpreter sets the inputs packaging reads (sys.version_info,
sysconfig's config vars and platform, platform.system/mac_ver, os.confstr,
sys.executable's ELF, the musl loader's banner) the same way for packaging and
for the probe; the probe's compact form, expanded by the rule of the report
contract (docs: CONTRACT-17, README), must give exactly list(packaging.tags.sys_tags()),
order included.
"""

import os
import platform
import struct
import sys
import sysconfig
import types
from pathlib import Path

import pytest

packaging_tags = pytest.importorskip("packaging.tags")
from packaging import _manylinux, _musllinux  # noqa: E402
from packaging.tags import Tag  # noqa: E402

from jupyterlab_torch_doctor.probe import tags as T  # noqa: E402
from jupyterlab_torch_doctor.probe.core import Probe  # noqa: E402
from jupyterlab_torch_doctor.probe.system import python_info  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# What the real musl loader prints when run (ldso/dynlink.c; the banner is in the fixture excerpt).
MUSL_BANNER = "musl libc (x86_64)\nVersion 1.2.3\nDynamic Program Loader\nUsage: ld [options] [--] pathname [args]\n"


def expand(t):
    """The contract's rule: cpython_tags(version, abis, platforms) + compatible_tags(version, interpreter, platforms)."""
    major, minor = int(t["interpreter"][2]), int(t["interpreter"][3:])
    plats, abis = t["platforms"], t["abis"]
    stable = [a for a in abis if a in ("abi3", "abi3t")]
    cp = f"cp{major}{minor}"
    out = [Tag(cp, a, p) for a in abis if a not in stable and a != "none" for p in plats]
    out += [Tag(cp, a, p) for a in stable for p in plats]
    out += [Tag(cp, "none", p) for p in plats]
    out += [Tag(f"cp{major}{m}", a, p) for m in range(minor - 1, 1, -1) for p in plats for a in stable]
    pys = [f"py{major}{minor}", f"py{major}"] + [f"py{major}{m}" for m in range(minor - 1, -1, -1)]
    out += [Tag(v, "none", p) for v in pys for p in plats]
    out.append(Tag(t["interpreter"], "none", "any"))
    return out + [Tag(v, "none", "any") for v in pys]


def musl_executable(folder, loader):
    """A minimal ELF64 executable whose PT_INTERP names `loader` (as a musl-linked python's does)."""
    path = str(loader).encode() + b"\0"
    ehdr = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + bytes(9), 2, 62, 1, 0, 64, 0, 0, 64, 56, 1,
                       0, 0, 0)
    phdr = struct.pack("<IIQQQQQQ", 3, 4, 120, 0, 0, len(path), len(path), 1)
    exe = Path(folder) / "python3.12"
    exe.write_bytes(ehdr + phdr + path)
    return exe


def interpreter(m, version=(3, 11), system="Linux", plat="linux-x86_64", glibc="2.36", mac=None,
                free_threaded=False, executable=None):
    """Set packaging's inputs (and so the probe's) for one fixture interpreter."""
    nodot = "%d%d" % version
    config = {"py_version_nodot": nodot, "Py_GIL_DISABLED": 1 if free_threaded else 0,
              "Py_DEBUG": None if system == "Windows" else 0}
    real_var = sysconfig.get_config_var
    m.setattr(sysconfig, "get_config_var", lambda name: config[name] if name in config else real_var(name))
    m.setattr(sysconfig, "get_platform", lambda: plat)
    m.setattr(platform, "system", lambda: system)
    m.setattr(platform, "mac_ver", lambda: (mac[0], ("", "", ""), mac[1]) if mac else ("", ("", "", ""), ""))

    def confstr(name):
        if name == "CS_GNU_LIBC_VERSION" and glibc:
            return "glibc " + glibc
        raise ValueError("unrecognized configuration name")
    m.setattr(os, "confstr", confstr)
    m.setattr(_manylinux, "_glibc_version_string_ctypes", lambda: None)
    m.setattr(_manylinux, "_get_manylinux_module", lambda: None)
    _manylinux._get_glibc_version.cache_clear()
    _musllinux._get_musl_version.cache_clear()
    m.setattr(_musllinux.subprocess, "run", lambda argv, **kw: types.SimpleNamespace(stderr=MUSL_BANNER, returncode=1))
    if executable:
        m.setattr(sys, "executable", str(executable))
    m.setattr(sys, "version_info", version + (0, "final", 0))


def both(monkeypatch, **kw):
    """(the probe's tags, its errors, packaging's sys_tags, packaging's platform_tags) for one interpreter."""
    with monkeypatch.context() as m:
        interpreter(m, **kw)
        p = Probe(root="")
        mine = T.install_tags(p)
        theirs, plats = list(packaging_tags.sys_tags()), list(packaging_tags.platform_tags())
        interp = packaging_tags.interpreter_name() + packaging_tags.interpreter_version()
    _manylinux._get_glibc_version.cache_clear()
    _musllinux._get_musl_version.cache_clear()
    return mine, p.errors, theirs, plats, interp


CASES = {
    "manylinux glibc 2.17 x86_64 (CentOS 7)": dict(glibc="2.17"),
    "manylinux glibc 2.28 aarch64 (RHEL 8)": dict(glibc="2.28", plat="linux-aarch64"),
    "manylinux glibc 2.36 x86_64 (Debian 12), Python 3.12": dict(glibc="2.36", version=(3, 12)),
    "free-threaded 3.14t on glibc 2.28": dict(version=(3, 14), glibc="2.28", free_threaded=True),
    "3.14 with the GIL on glibc 2.39": dict(version=(3, 14), glibc="2.39"),
    "macOS 11 arm64": dict(system="Darwin", plat="macosx-11.0-arm64", mac=("11.7.10", "arm64"), glibc=None),
    "macOS 14 arm64": dict(system="Darwin", plat="macosx-11.0-arm64", mac=("14.2.1", "arm64"), glibc=None),
    "macOS 11 x86_64": dict(system="Darwin", plat="macosx-10.9-x86_64", mac=("11.7", "x86_64"), glibc=None),
    "macOS 14 x86_64": dict(system="Darwin", plat="macosx-10.9-x86_64", mac=("14.5", "x86_64"), glibc=None),
    "macOS 10.15 x86_64": dict(system="Darwin", plat="macosx-10.9-x86_64", mac=("10.15.7", "x86_64"), glibc=None),
    "Windows x86_64": dict(system="Windows", plat="win-amd64", glibc=None),
    "Windows arm64, 3.13": dict(system="Windows", plat="win-arm64", glibc=None, version=(3, 13)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_tags_are_packagings(monkeypatch, case):
    mine, errors, theirs, plats, interp = both(monkeypatch, **CASES[case])
    assert errors == []
    assert mine["platforms"] == plats
    assert mine["interpreter"] == interp
    assert expand(mine) == theirs


def test_musllinux_from_the_real_loaders_version_string(monkeypatch, tmp_path):
    loader = tmp_path / "lib" / "ld-musl-x86_64.so.1"
    loader.parent.mkdir()
    loader.write_bytes((FIXTURES / "musl-1.2.3-ld-excerpt.bin").read_bytes())
    exe = musl_executable(tmp_path, loader)
    mine, errors, theirs, plats, interp = both(monkeypatch, glibc=None, version=(3, 12), executable=exe)
    assert errors == []
    assert mine["libc"] == {"name": "musl", "version": "1.2"}
    assert mine["platforms"] == plats == ["linux_x86_64", "musllinux_1_2_x86_64", "musllinux_1_1_x86_64",
                                          "musllinux_1_0_x86_64"]
    assert expand(mine) == theirs


def test_an_unreadable_musl_version_is_an_error_not_a_guess(monkeypatch, tmp_path):
    loader = tmp_path / "ld-musl-x86_64.so.1"
    loader.write_bytes(b"\x7fELF musl libc (x86_64)\0Version %s\0")
    exe = musl_executable(tmp_path, loader)
    with monkeypatch.context() as m:
        interpreter(m, glibc=None, executable=exe)
        p = Probe(root="")
        mine = T.install_tags(p)
    assert mine["libc"] == {"name": "musl", "version": None}
    assert mine["platforms"] == ["linux_x86_64"]
    assert p.errors[0]["source"] == "tags"


def test_the_elf_interpreter_is_packagings(tmp_path):
    from packaging._elffile import ELFFile
    for exe in (sys.executable, "/bin/sh", musl_executable(tmp_path, "/lib/ld-musl-aarch64.so.1")):
        with open(os.path.realpath(exe), "rb") as f:
            assert T._elf_interpreter(os.path.realpath(exe)) == ELFFile(f).interpreter
    assert T._elf_interpreter(__file__) is None


def test_glibc_manylinux_details(monkeypatch):
    mine = both(monkeypatch, glibc="2.17")[0]
    assert mine["libc"] == {"name": "glibc", "version": "2.17"}
    assert mine["platforms"][:3] == ["linux_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"]
    assert mine["platforms"][-1] == "manylinux1_x86_64"
    assert "manylinux_2_28_x86_64" not in mine["platforms"]


def test_free_threaded_abis(monkeypatch):
    mine = both(monkeypatch, version=(3, 14), glibc="2.28", free_threaded=True)[0]
    assert mine["interpreter"] == "cp314"
    assert mine["abis"] == ["cp314t", "abi3t", "none"]


def test_the_real_interpreter(monkeypatch):
    """No fixture: this machine's own Python, as pip sees it."""
    _manylinux._get_glibc_version.cache_clear()
    p = Probe(root="")
    mine = T.install_tags(p)
    assert expand(mine) == list(packaging_tags.sys_tags())
    assert mine["platforms"] == list(packaging_tags.platform_tags())


def test_free_threaded_is_the_build_not_the_runtime_gil(monkeypatch):
    """PYTHON_GIL=1 on a 3.14t build turns the GIL back on; the build still takes only cp314t wheels."""
    monkeypatch.setattr(sys, "_is_gil_enabled", lambda: True, raising=False)
    real_var = sysconfig.get_config_var
    monkeypatch.setattr(sysconfig, "get_config_var", lambda n: 1 if n == "Py_GIL_DISABLED" else real_var(n))
    assert python_info(Probe(root=""))["free_threaded"] is True
    monkeypatch.setattr(sysconfig, "get_config_var", lambda n: 0 if n == "Py_GIL_DISABLED" else real_var(n))
    monkeypatch.setattr(sys, "_is_gil_enabled", lambda: False, raising=False)
    assert python_info(Probe(root=""))["free_threaded"] is False
