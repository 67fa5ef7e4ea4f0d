"""The quick probe: one report from files and the interpreter, run in the kernel.

Each section of collect() runs under Probe.guard: a source that raises becomes
an entry in report["errors"] and the section takes its fallback, a
schema-valid empty value, so one odd value does not lose the other sections.
The quick probe starts no process and opens no socket; its only native call is
macOS's sysctl through libc (Rosetta). It does read files (/proc, /sys,
site-packages): a read from a hung network filesystem can still block, and the
front end then reports a timeout. The parts that may
block by design (NVML, nvidia-smi, the index check, the deep check) are jobs
(job.py), subprocesses with a deadline.
"""

import os
import platform
import sys
import time

from .core import MIME, PROBE_VERSION, SCHEMA_VERSION, Probe
from .system import environment, platform_info, python_info
from .packages import no_packages, packages
from .nvidia import nvidia
from .others import amd, apple, intel, no_amd, no_intel
from .install import install_context, no_install
from .env import env_facts

# Every module the quick probe may import: it runs in the user's kernel, so it loads no more
# than it needs. tests/test_probe_imports.py holds the sources and a real run to this list.
QUICK_IMPORTS = ("ast", "configparser", "ctypes", "importlib.util", "json", "nturl2path", "os", "platform",
                 "re", "shutil", "socket", "struct", "sys", "sysconfig", "time", "urllib.parse")


def collect(p=None, libs=True):
    """The report; without libs, the wheel tags and the CUDA library inventory are left to the second request (env.kernel_env)."""
    p = p or Probe()
    t0 = time.perf_counter()
    plat = p.guard("platform", platform_info, lambda: _bare_platform(), p)
    pkgs = p.guard("packages", packages, no_packages, p)
    torch = pkgs["packages"].get("torch")
    site = torch["location"] if torch else p.guard("site-packages", _site_packages, None)
    report = {
        "schema_version": SCHEMA_VERSION, "mime": MIME,
        "probe": {"version": PROBE_VERSION, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                  "duration_ms": None, "root_override": bool(p.root)},
        "python": p.guard("python", python_info, lambda: _bare_python(), p),
        "platform": plat,
        "environment": p.guard("environment", environment, lambda: _bare_environment(), p),
        **pkgs,
        "nvidia": p.guard("nvidia", nvidia, lambda: _bare_nvidia(), p),
        "amd": p.guard("amd", amd, no_amd, p),
        "intel": p.guard("intel", intel, no_intel, p),
        "apple": p.guard("apple", apple, None, p, plat),
        "install": p.guard("install", install_context, no_install, p, site),
        "errors": p.errors, "deep": None}
    if libs:
        facts = env_facts(p)
        report["python"]["tags"] = facts["tags"]
        report["cuda_libs"] = facts["cuda_libs"]
    report["probe"]["duration_ms"] = round((time.perf_counter() - t0) * 1000, 2)
    return report


def kernel_quick(args):
    """The quick probe as the front end asks for it (cmd_timeout is the nvidia job's, later)."""
    return collect(Probe(root=os.environ.get("TORCH_DOCTOR_ROOT", "")), libs=False)


def _site_packages():
    import sysconfig
    return sysconfig.get_paths().get("purelib")


def _bare_platform():
    return {"system": platform.system(), "machine": platform.machine(), "release": platform.release(),
            "glibc": None, "manylinux": None, "macos": None, "windows": None}


def _bare_python():
    return {"executable": sys.executable or "", "version": "%d.%d.%d" % sys.version_info[:3],
            "implementation": sys.implementation.name, "tag": "", "bits": 64 if sys.maxsize > 2**32 else 32,
            "free_threaded": False, "prefix": sys.prefix, "base_prefix": sys.base_prefix}


def _bare_environment():
    return {"kind": "venv" if sys.prefix != sys.base_prefix else "system", "prefix": sys.prefix,
            "conda": False, "conda_env": None, "uv_made": False, "pip_available": False, "uv_path": None,
            "hostname": "", "container": [], "wsl": False, "jetson": None, "managed": None}


def _bare_nvidia():
    return {"driver": None, "driver_source": None, "cuda_driver_max": None, "gpus": [], "gpu_source": None,
            "visible": {}, "dev_nodes": [], "nvcc": None, "job": None}
