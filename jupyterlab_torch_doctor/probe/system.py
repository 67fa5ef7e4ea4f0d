"""The interpreter, the platform, and the kind of environment (venv, conda, container, WSL, Jetson)."""

import os
import platform
import re
import shutil
import socket
import sys
import sysconfig

from .core import _has_module
from .tags import install_tags


def python_info(p):
    impl = sys.implementation.name
    tag = ("cp" if impl == "cpython" else impl[:2]) + "%d%d" % sys.version_info[:2]
    return {"executable": sys.executable, "version": platform.python_version(),
            "implementation": platform.python_implementation(), "tag": tag,
            "bits": 64 if sys.maxsize > 2**32 else 32,
            # The build (what wheels it takes), not whether PYTHON_GIL=1 turned the GIL back on.
            "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
            "prefix": sys.prefix, "base_prefix": sys.base_prefix,
            "tags": p.guard("tags", install_tags, None, p)}


def platform_info(p):
    system, machine = platform.system(), platform.machine()
    info = {"system": system, "machine": machine, "release": platform.release(),
            "glibc": None, "manylinux": None, "macos": None, "windows": None}
    if system == "Linux":
        try:
            libc = os.confstr("CS_GNU_LIBC_VERSION") or ""
        except (ValueError, OSError):
            libc = ""
        m = re.match(r"glibc (\d+)\.(\d+)", libc)
        if m:
            info["glibc"] = f"{m.group(1)}.{m.group(2)}"
            info["manylinux"] = f"manylinux_{m.group(1)}_{m.group(2)}_{machine}"
    elif system == "Darwin":
        info["macos"] = {"version": platform.mac_ver()[0], "arch": machine, "rosetta": _rosetta()}
    elif system == "Windows":
        info["windows"] = {"version": platform.version(), "edition": platform.win32_edition()
                           if hasattr(platform, "win32_edition") else None}
    return info


def _rosetta():
    """sysctl.proc_translated (a libc call that returns at once; macOS only)."""
    import ctypes
    try:
        libc = ctypes.CDLL("/usr/lib/libc.dylib")
        val, size = ctypes.c_int(0), ctypes.c_size_t(4)
        if libc.sysctlbyname(b"sysctl.proc_translated", ctypes.byref(val), ctypes.byref(size), None, 0):
            return False
        return val.value == 1
    except OSError:
        return None


def environment(p):
    prefix = sys.prefix
    conda = os.path.isdir(os.path.join(prefix, "conda-meta"))
    cfg = os.path.join(prefix, "pyvenv.cfg")
    uv_made = False
    if os.path.isfile(cfg):
        text = _read_cfg(p, cfg)
        uv_made = bool(re.search(r"^\s*uv\s*=", text or "", re.M))
    kind = "conda" if conda else "uv" if uv_made else "venv" if prefix != sys.base_prefix else "system"
    bindir = os.path.dirname(sys.executable)
    uv = shutil.which("uv", path=bindir) or shutil.which("uv")
    return {"kind": kind, "prefix": prefix, "conda": conda,
            "conda_env": os.environ.get("CONDA_DEFAULT_ENV"), "uv_made": uv_made,
            "pip_available": _has_module("pip"), "uv_path": uv,
            "hostname": socket.gethostname(), **p.guard("hints", hints, _no_hints, p)}


def _read_cfg(p, cfg):
    try:
        with open(cfg, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError as e:
        p.fail("pyvenv.cfg", "error", e)
        return ""


def _no_hints():
    return {"container": [], "wsl": False, "jetson": None, "managed": None}


def tegra_soc(p):
    """Carrier boards and some dev kits ("NVIDIA Orin Nano Developer Kit") do not say "jetson" in their
    model; the SoC in the device tree's compatible list (NUL-separated) does: nvidia,tegra234."""
    return any(c.startswith("nvidia,tegra") for c in (p.read("/proc/device-tree/compatible") or "").split("\0"))


def hints(p):
    env = os.environ
    container = []
    if os.path.exists(p.path("/.dockerenv")):
        container.append("docker")
    if os.path.exists(p.path("/run/.containerenv")):
        container.append("podman")
    if env.get("KUBERNETES_SERVICE_HOST"):
        container.append("kubernetes")
    cgroup = p.read("/proc/1/cgroup") or ""
    if not container and re.search(r"docker|containerd|kubepods|libpod", cgroup):
        container.append("cgroup")
    osrel = (p.read("/proc/sys/kernel/osrelease") or "").lower()
    wsl = "microsoft" in osrel or "WSL_DISTRO_NAME" in env
    tegra = p.read("/etc/nv_tegra_release")
    model = (p.read("/proc/device-tree/model") or "").strip("\x00\n ")
    jetson = None
    if tegra is not None or "jetson" in model.lower() or tegra_soc(p):
        first = (tegra or "").splitlines()
        jetson = {"model": model or None, "l4t": first[0].strip() if first else None}
    managed = None
    if "COLAB_RELEASE_TAG" in env or "COLAB_GPU" in env:
        managed = "colab"
    elif "KAGGLE_KERNEL_RUN_TYPE" in env or "KAGGLE_URL_BASE" in env:
        managed = "kaggle"
    elif "SM_CURRENT_HOST" in env or os.path.exists(p.path("/opt/ml/metadata/resource-metadata.json")):
        managed = "sagemaker"
    return {"container": container, "wsl": wsl, "jetson": jetson, "managed": managed}
