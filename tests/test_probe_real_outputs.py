"""The probe on real outputs that nobody here wrote (tests/fixtures/, each naming its source).

- nvidia-smi from driver 610: "KMD Version" and "CUDA UMD Version" in its banner;
- KFD topology from an older kernel: no gfx_target_version, only the PCI device id;
- Jetson: /proc/driver/nvidia/version carries an L4T release or a Tegra module, never a desktop driver.
"""

from pathlib import Path

import pytest

from jupyterlab_torch_doctor.probe.core import Probe
from jupyterlab_torch_doctor.probe.nvidia import nvidia
from jupyterlab_torch_doctor.probe.nvml import nvidia_job, read_header
from jupyterlab_torch_doctor.probe import others

from fixturetree import clean_path, fake_command, write

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def real(name):
    """A fixture's real lines, without its source note (lines starting with '#: ')."""
    text = (FIXTURES / name).read_text()
    return "\n".join(ln for ln in text.splitlines() if not ln.startswith("#: ")) + "\n"


def test_driver_610_banner_gives_the_cuda_version_and_the_driver():
    out = {"driver": None}
    read_header(real("nvidia-smi-610.57.04.txt"), out)
    assert out == {"driver": "610.57.04", "driver_source": "nvidia-smi", "cuda_driver_max": "13.3"}


def test_the_nvidia_job_on_driver_610s_nvidia_smi(tmp_path, monkeypatch):
    banner = tmp_path / "banner.txt"
    banner.write_text(real("nvidia-smi-610.57.04.txt"))
    query = tmp_path / "query.txt"
    query.write_text(real("nvidia-smi-610.57.04-query.txt"))
    fake_command(tmp_path / "bin", "nvidia-smi", f'case "$*" in *--query-gpu=*) cat {query} ;; *) cat {banner} ;; esac\n')
    monkeypatch.setenv("PATH", clean_path(tmp_path / "bin"))
    monkeypatch.setenv("TORCH_DOCTOR_NVML_LIB", str(tmp_path / "no-such-libnvidia-ml.so"))
    out = nvidia_job({"needs": ["nvml"], "cmd_timeout": 3})
    assert out["gpu_source"] == "nvidia-smi"
    assert out["gpus"] == [{"index": 0, "name": "NVIDIA GeForce RTX 2080 SUPER", "memory_mib": 8192,
                            "compute_capability": "7.5", "mig": None}]
    assert (out["driver"], out["cuda_driver_max"]) == ("610.57.04", "13.3")


def test_older_banners_still_read():
    out = {"driver": None}
    read_header("| NVIDIA-SMI 580.95.05   Driver Version: 580.95.05   CUDA Version: 13.0     |", out)
    assert (out["driver"], out["cuda_driver_max"]) == ("580.95.05", "13.0")


def test_kfd_node_without_gfx_target_version_gets_gfx_from_the_device_id(tmp_path):
    write(tmp_path, "/sys/class/kfd/kfd/topology/nodes/1/properties", real("kfd-vega10-no-gfx-target-version.txt"))
    write(tmp_path, "/dev/kfd", "")
    p = Probe(root=str(tmp_path))
    amd = others.amd(p)
    assert amd["gpus"] == [{"node": 1, "gfx": "gfx900", "gfx_target_version": 0, "device_id": 0x6860}]
    assert p.errors == []


def test_an_unknown_device_id_without_gfx_target_version_stays_unknown(tmp_path):
    text = real("kfd-vega10-no-gfx-target-version.txt").replace("device_id 26720", "device_id 4660")
    write(tmp_path, "/sys/class/kfd/kfd/topology/nodes/1/properties", text)
    assert others.amd(Probe(root=str(tmp_path)))["gpus"][0]["gfx"] is None


@pytest.mark.parametrize("line, version", [(0, "34.1.1"), (1, "540.4.0")])
def test_jetson_driver_is_marked_l4t_never_a_desktop_driver(tmp_path, monkeypatch, line, version):
    monkeypatch.setenv("PATH", clean_path(tmp_path / "bin"))
    lines = [ln for ln in real("jetson-proc-driver-nvidia-version.txt").splitlines() if ln.startswith("NVRM")]
    write(tmp_path, "/proc/driver/nvidia/version", lines[line] + "\n")
    write(tmp_path, "/etc/nv_tegra_release", real("jetson-nv_tegra_release.txt"))
    nv = nvidia(Probe(root=str(tmp_path)))
    assert (nv["driver"], nv["driver_source"]) == (version, "l4t")


def test_the_same_line_without_tegra_is_a_driver(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", clean_path(tmp_path / "bin"))
    write(tmp_path, "/proc/driver/nvidia/version",
          "NVRM version: NVIDIA UNIX Open Kernel Module for aarch64  580.95.05  Release Build  (dvs-builder@U16-I1-N07-05-2)  Thu Sep 25 2025\n")
    nv = nvidia(Probe(root=str(tmp_path)))
    assert (nv["driver"], nv["driver_source"]) == ("580.95.05", "procfs")
