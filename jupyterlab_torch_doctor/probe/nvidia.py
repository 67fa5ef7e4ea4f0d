"""NVIDIA, in the kernel: files only (sysfs, procfs, /dev, the toolkit's version files).

Nothing here loads libnvidia-ml or runs a command: that is nvml.py, in a job
(a subprocess with a deadline), started only when this finds an NVIDIA driver
or device, or an nvcc whose version no file tells.
"""

import json
import os
import re
import shutil
import sys

from .core import NVML_LIB_ENV, _env, _is_linux
from .system import tegra_soc


def nvidia(p):
    out = {"driver": None, "driver_source": None, "cuda_driver_max": None, "gpus": [],
           "gpu_source": None, "visible": _env(("CUDA", "NVIDIA")), "dev_nodes": _dev_nodes(p),
           "nvcc": p.guard("nvcc", nvcc_files, None, p), "job": None}
    ver = p.read("/sys/module/nvidia/version")
    if ver and ver.strip():
        out.update(driver=ver.strip(), driver_source="sysfs")
    else:
        proc = p.read("/proc/driver/nvidia/version")
        m = re.search(r"Kernel Module(?: for \S+)?\s+(\d+\.\d+(?:\.\d+)?)", proc or "")
        if m:
            out.update(driver=m.group(1), driver_source="procfs")
    if out["driver"] and (p.read("/etc/nv_tegra_release") is not None or tegra_soc(p)):
        # Jetson: an L4T release (35.3.1) or a Tegra module (540.4.0), never a desktop driver.
        out["driver_source"] = "l4t"
    gpus = p.guard("nvidia-procfs", procfs_gpus, list, p)
    if gpus:
        out.update(gpus=gpus, gpu_source="procfs")
    needs = []
    smi = shutil.which("nvidia-smi")
    if out["driver"] or out["dev_nodes"] or gpus or smi or os.environ.get(NVML_LIB_ENV) \
            or _nvml_installed(p):
        needs.append("nvml")
    elif _is_linux():
        p.fail("nvidia", "missing", "no NVIDIA kernel module, device nodes or nvidia-smi")
    if out["nvcc"] and out["nvcc"]["version"] is None:
        needs.append("nvcc")
    if needs:
        out["job"] = {"status": "pending", "needs": needs, "duration_ms": None}
    return out


def _dev_nodes(p):
    try:
        return sorted(n for n in os.listdir(p.path("/dev")) if n.startswith("nvidia"))
    except OSError:
        return []


def _nvml_installed(p):
    if sys.platform == "win32":
        return os.path.exists(os.path.join(os.environ.get("SystemRoot", "C:\\Windows"), "System32", "nvml.dll"))
    # WSL 2 exposes the Windows driver's libraries here, with no /proc/driver/nvidia.
    return os.path.exists(p.path("/usr/lib/wsl/lib/libnvidia-ml.so.1"))


def procfs_gpus(p):
    """/proc/driver/nvidia/gpus/<bus>/information: the model of each GPU, in PCI bus order (as NVML)."""
    base = "/proc/driver/nvidia/gpus"
    try:
        buses = sorted(os.listdir(p.path(base)))
    except OSError:
        return []
    gpus = []
    for bus in buses:
        text = p.read(f"{base}/{bus}/information", "nvidia-procfs") or ""
        fields = dict((k.strip(), v.strip()) for k, _, v in (ln.partition(":") for ln in text.splitlines()) if v)
        if fields.get("Model"):
            gpus.append({"index": len(gpus), "name": fields["Model"], "memory_mib": None,
                         "compute_capability": None, "mig": None})
    return gpus


def nvcc_files(p):
    """Where nvcc is, and its version from the toolkit's files (running it is the job's)."""
    env = os.environ
    nvcc = shutil.which("nvcc")
    homes = [env.get("CUDA_HOME"), env.get("CUDA_PATH"), "/usr/local/cuda"]
    if nvcc is None:
        for home in filter(None, homes):
            cand = os.path.join(home, "bin", "nvcc")
            if os.path.isfile(p.path(cand)):
                nvcc = cand
                break
    if nvcc is None:
        return None
    version = None
    # The toolkit's version.json (CUDA >= 11.1), else CUDA_VERSION in cuda.h, saves running nvcc.
    tops = [os.path.dirname(os.path.dirname(os.path.realpath(nvcc)))] + [h for h in homes if h]
    for top in tops:
        text = p.read(os.path.join(top, "version.json"))
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = {}
        if isinstance(data, dict):
            entry = data.get("cuda_nvcc") or data.get("cuda") or {}
            version = entry.get("version") if isinstance(entry, dict) else None
        if version:
            break
        header = p.read(os.path.join(top, "include", "cuda.h"), limit=65536) or ""
        m = re.search(r"#define\s+CUDA_VERSION\s+(\d+)", header)
        if m:
            v = int(m.group(1))
            version = f"{v // 1000}.{v % 1000 // 10}"
            break
    return {"path": nvcc, "version": str(version) if version else None,
            "note": "system CUDA toolkit; pip wheels bundle their own CUDA runtime and need only the driver"}
