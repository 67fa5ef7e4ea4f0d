"""AMD (the KFD topology in sysfs), Intel (PCI display devices) and Apple (macOS version, Rosetta)."""

import os
import re

from .core import _env, _int


def amd(p):
    base = "/sys/class/kfd/kfd/topology/nodes"
    gpus = []
    try:
        nodes = sorted(os.listdir(p.path(base)), key=lambda n: _int(n, 0))
    except OSError:
        nodes = []
    for node in nodes:
        gpu = p.guard(f"amd-kfd:{node}", kfd_node, None, p, base, node)
        if gpu:
            gpus.append(gpu)
    return {"kfd": os.path.exists(p.path("/dev/kfd")), "gpus": gpus, "visible": _env(("ROCR", "HIP", "HSA"))}


def no_amd():
    return {"kfd": False, "gpus": [], "visible": {}}


def kfd_node(p, base, node):
    """One topology node; None for a CPU node. A bad value is an error for this node only."""
    props = p.read(f"{base}/{node}/properties", f"amd-kfd:{node}") or ""
    kv = dict(line.split(None, 1) for line in props.splitlines() if len(line.split(None, 1)) == 2)
    if kv.get("simd_count", "0").strip() == "0":
        return None
    gtv = _int(kv.get("gfx_target_version", "0"))
    if gtv is None:
        p.fail(f"amd-kfd:{node}", "error", f"gfx_target_version is not a number: {kv['gfx_target_version'].strip()!r}")
        gtv = 0
    return {"node": _int(node, node), "gfx": _gfx(gtv), "gfx_target_version": gtv,
            "device_id": _int(kv.get("device_id"))}


def _gfx(v):
    if not v:
        return None
    return "gfx%d%x%x" % (v // 10000, v // 100 % 100, v % 100)


def intel(p):
    base = "/sys/bus/pci/devices"
    gpus = []
    try:
        devices = sorted(os.listdir(p.path(base)))
    except OSError:
        devices = []
    for dev in devices:
        cls = (p.read(f"{base}/{dev}/class") or "").strip()
        vendor = (p.read(f"{base}/{dev}/vendor") or "").strip().lower()
        if cls.startswith("0x03") and vendor == "0x8086":
            device = (p.read(f"{base}/{dev}/device") or "").strip().lower()
            # Intel integrated graphics always sits at 00:02.0.
            gpus.append({"pci": dev, "device_id": device or None, "discrete": not dev.endswith("00:02.0")})
    return {"gpus": gpus, "affinity": os.environ.get("ZE_AFFINITY_MASK")}


def no_intel():
    return {"gpus": [], "affinity": None}


def apple(p, plat):
    mac = plat.get("macos")
    if not mac:
        return None
    parts = [int(x) for x in re.findall(r"\d+", mac["version"] or "")[:2]] + [0, 0]
    return {"arch": mac["arch"], "rosetta": mac["rosetta"],
            "mps_os_supported": (parts[0], parts[1]) >= (12, 3),
            "apple_silicon": mac["arch"] == "arm64" or bool(mac["rosetta"])}
