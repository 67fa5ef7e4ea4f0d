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
    device_id = _int(kv.get("device_id"))
    gfx = _gfx(gtv) or GFX_BY_DEVICE_ID.get(device_id)
    return {"node": _int(node, node), "gfx": gfx, "gfx_target_version": gtv, "device_id": device_id}


# Kernels before gfx_target_version (Linux 5.x) give only the PCI device id.
# Device ids: Linux drivers/gpu/drm/amd/amdgpu/amdgpu_drv.c pciidlist
# (CHIP_VEGA10, CHIP_VEGA20); chip to gfx: LLVM AMDGPUUsage (Vega 10 =
# gfx900, Vega 20 = gfx906). Only chips some ROCm build of torch supports.
GFX_BY_DEVICE_ID = {
    **dict.fromkeys((0x6860, 0x6861, 0x6862, 0x6863, 0x6864, 0x6867, 0x6868, 0x6869, 0x686a, 0x686b,
                     0x686c, 0x686d, 0x686e, 0x686f, 0x687f), "gfx900"),
    **dict.fromkeys((0x66a0, 0x66a1, 0x66a2, 0x66a3, 0x66a4, 0x66a7, 0x66af), "gfx906"),
}


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
            # Intel integrated graphics sits at 00:02.0; its SR-IOV virtual functions at 00:02.1-.7.
            gpus.append({"pci": dev, "device_id": device or None, "discrete": not re.search(r"00:02\.[0-7]$", dev)})
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
