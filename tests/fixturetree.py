"""Build fixture trees that reproduce the real file formats the probe reads.

The formats are copied from real systems: dist-info folders and generated
torch/version.py files from the PyTorch wheels, the sysfs/procfs files of the
NVIDIA driver and the AMD KFD topology, PCI device folders, and nvidia-smi's
CSV output.
"""

import os
import shutil
import stat
import subprocess
import textwrap
from pathlib import Path

VERSION_PY = """\
from typing import Optional

__all__ = ['__version__', 'debug', 'cuda', 'git_version', 'hip', 'rocm', 'xpu']
__version__ = {version!r}
debug = False
cuda: Optional[str] = {cuda!r}
git_version = '5c4886908584029761b579af026dcfb627c84070'
hip: Optional[str] = {hip!r}
rocm: Optional[str] = {rocm!r}
xpu: Optional[str] = {xpu!r}
"""

# macOS wheels carry no local tag.
VERSION_PY_MACOS = """\
from typing import Optional

__all__ = ['__version__', 'debug', 'cuda', 'git_version', 'hip']
__version__ = {version!r}
debug = False
cuda: Optional[str] = None
git_version = 'a8d6afb511a69687bbb2b7e88a3cf67917e1697e'
hip: Optional[str] = None
"""


def dist(site, name, version, requires=(), installer="pip"):
    """A dist-info folder as pip writes it."""
    info = Path(site) / f"{name}-{version}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    lines = ["Metadata-Version: 2.4", f"Name: {name}", f"Version: {version}", "Requires-Python: >=3.10"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    (info / "METADATA").write_text("\n".join(lines) + "\n\nThe description.\n")
    if installer is not None:
        (info / "INSTALLER").write_text(installer + "\n")
    return info


def torch_build(site, meta_version, build_version, cuda=None, hip=None, rocm=None, xpu=None,
                requires=(), installer="pip", macos=False):
    """torch as installed from a wheel: metadata version plus the generated version.py."""
    dist(site, "torch", meta_version, requires, installer)
    pkg = Path(site) / "torch"
    pkg.mkdir(parents=True, exist_ok=True)
    template = VERSION_PY_MACOS if macos else VERSION_PY
    (pkg / "version.py").write_text(template.format(version=build_version, cuda=cuda, hip=hip,
                                                    rocm=rocm, xpu=xpu))
    # The probe must never import torch: this one refuses to be imported.
    (pkg / "__init__.py").write_text("raise SystemExit('the probe imported torch')\n")


def torchvision_build(site, meta_version, build_version):
    dist(site, "torchvision", meta_version)
    pkg = Path(site) / "torchvision"
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / "version.py").write_text(textwrap.dedent(f"""\
        __version__ = {build_version!r}
        git_version = 'fc73f5a8567734ffa4c988b24d5432f0d3005974'
        from torchvision.extension import _check_cuda_version
        if _check_cuda_version() > 0:
            cuda = _check_cuda_version()
        """))


def write(root, path, text):
    p = Path(root) / path.lstrip("/")
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def nvidia_driver(root, version="580.95.05", sysfs=True):
    if sysfs:
        write(root, "/sys/module/nvidia/version", version + "\n")
    write(root, "/proc/driver/nvidia/version",
          f"NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  {version}  Release Build  "
          "(dvs-builder@U22-I3-AF03-09-1)  Thu Sep 18 12:54:41 UTC 2025\n"
          "GCC version:  gcc version 12.3.0 (Ubuntu 12.3.0-1ubuntu1~22.04)\n")
    for node in ("nvidia0", "nvidia1", "nvidiactl", "nvidia-uvm"):
        write(root, f"/dev/{node}", "")


def nvidia_procfs_gpu(root, bus, model):
    """/proc/driver/nvidia/gpus/<bus>/information as the driver writes it."""
    write(root, f"/proc/driver/nvidia/gpus/{bus}/information",
          f"Model: \t\t {model}\nIRQ:   \t\t 180\nGPU UUID: \t GPU-5e7a1c3e-0000-0000-0000-000000000000\n"
          "Video BIOS: \t 95.02.18.00.01\nBus Type: \t PCIe\nDMA Size: \t 47 bits\n"
          f"DMA Mask: \t 0x7fffffffffff\nBus Location: \t {bus}\nDevice Minor: \t 0\nGPU Excluded:\t No\n")


FAKE_NVML_C = Path(__file__).resolve().parent / "fixtures" / "fake_nvml.c"


def fake_nvml(folder):
    """Compile tests/fixtures/fake_nvml.c into a libnvidia-ml.so; None without gcc."""
    gcc = shutil.which("gcc")
    if gcc is None:
        return None
    out = Path(folder) / "libnvidia-ml.so"
    subprocess.run([gcc, "-shared", "-fPIC", "-o", str(out), str(FAKE_NVML_C)], check=True)
    return out


def kfd_node(root, node, gfx_target_version, simd_count, device_id=29772):
    """/sys/class/kfd/kfd/topology/nodes/N/properties ('key value' lines)."""
    props = textwrap.dedent(f"""\
        cpu_cores_count {0 if simd_count else 16}
        simd_count {simd_count}
        mem_banks_count 1
        gfx_target_version {gfx_target_version}
        vendor_id {4098 if simd_count else 0}
        device_id {device_id if simd_count else 0}
        location_id 49920
        drm_render_minor {128 + node if simd_count else 0}
        """)
    write(root, f"/sys/class/kfd/kfd/topology/nodes/{node}/properties", props)


def pci_display(root, address, vendor, device, cls="0x030000"):
    base = f"/sys/bus/pci/devices/{address}"
    write(root, base + "/class", cls + "\n")
    write(root, base + "/vendor", vendor + "\n")
    write(root, base + "/device", device + "\n")


def fake_command(bindir, name, script):
    """An executable shell script on a fake PATH."""
    p = Path(bindir) / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("#!/bin/sh\n" + script)
    p.chmod(p.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return p


NVIDIA_SMI_MULTI = r"""
case "$*" in
  *--query-gpu=*)
    printf '%s\n' \
      '0, NVIDIA GeForce RTX 4090, 24564, 8.9, 580.95.05, [N/A]' \
      '1, NVIDIA GeForce GTX 1080 Ti, 11264, 6.1, 580.95.05, [N/A]' \
      '2, NVIDIA H100 80GB HBM3, 81559, 9.0, 580.95.05, Enabled'
    ;;
  *)
    echo 'Sat Nov 22 10:00:00 2026'
    echo '+-----------------------------------------------------------------------------------------+'
    echo '| NVIDIA-SMI 580.95.05              Driver Version: 580.95.05      CUDA Version: 13.0     |'
    echo '|-----------------------------------------+------------------------+----------------------+'
    ;;
esac
"""

# nvidia-smi before 510 rejects the compute_cap field.
NVIDIA_SMI_OLD = r"""
case "$*" in
  *compute_cap*) echo 'Field "compute_cap" is not a valid field to query.'; exit 2 ;;
  *--query-gpu=*) echo '0, Tesla K80, 11441, 470.256.02, [N/A]' ;;
  *) echo '| NVIDIA-SMI 470.256.02   Driver Version: 470.256.02   CUDA Version: 11.4     |' ;;
esac
"""

NVIDIA_SMI_HANG = "sleep 30\n"

NVIDIA_SMI_MISMATCH = "echo 'Failed to initialize NVML: Driver/library version mismatch'\nexit 18\n"


def clean_path(bindir):
    """PATH with the fake bin first and no real nvidia-smi."""
    keep = [d for d in os.environ.get("PATH", "").split(os.pathsep)
            if d and not (Path(d) / "nvidia-smi").exists()]
    return os.pathsep.join([str(bindir)] + keep)
