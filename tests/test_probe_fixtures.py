"""The probe's modules on fixture trees: fake site-packages, fake /sys, /proc and /dev, fake nvidia-smi."""

import json
import sys
import time

import pytest

from jupyterlab_torch_doctor.probe.core import Probe
from jupyterlab_torch_doctor.probe.install import install_context
from jupyterlab_torch_doctor.probe.nvidia import nvcc_files, nvidia
from jupyterlab_torch_doctor.probe.nvml import merge_nvidia, nvidia_job
from jupyterlab_torch_doctor.probe import others
from jupyterlab_torch_doctor.probe.packages import packages
from jupyterlab_torch_doctor.probe import system

from conftest import run_probe, validate
from fixturetree import (NVIDIA_SMI_HANG, NVIDIA_SMI_MISMATCH, NVIDIA_SMI_MULTI, NVIDIA_SMI_OLD,
                         clean_path, dist, fake_command, kfd_node, nvidia_driver, nvidia_procfs_gpu,
                         pci_display, torch_build, torchvision_build, write)

BUILDS = {
    # name: (metadata version, version.py __version__, cuda, hip, rocm, xpu)
    "cpu": ("2.13.0+cpu", "2.13.0+cpu", None, None, None, None),
    "cu126": ("2.9.1+cu126", "2.9.1+cu126", "12.6", None, None, None),
    # PyPI strips the local tag from the metadata; version.py keeps it.
    "cu130-pypi": ("2.14.1", "2.14.1+cu130", "13.0", None, None, None),
    "rocm": ("2.9.1+rocm6.4", "2.9.1+rocm6.4", None, "6.4.43482-0f2d60242", "6.4", None),
    "xpu": ("2.9.1+xpu", "2.9.1+xpu", None, None, None, "20250101"),
}


def full_nvidia(probe):
    """The quick part (files), then the job's part run in this process, merged as the front end does."""
    nv = nvidia(probe)
    if nv["job"]:
        res = nvidia_job({"needs": nv["job"]["needs"], "cmd_timeout": probe.cmd_timeout, "root": probe.root,
                          "nvcc": (nv["nvcc"] or {}).get("path")})
        probe.errors += merge_nvidia(nv, {"status": "ok", "result": res, "duration_ms": 1.0})
    return nv


@pytest.fixture(autouse=True)
def no_nvml_override(monkeypatch):
    monkeypatch.delenv("TORCH_DOCTOR_NVML_LIB", raising=False)


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A fake site-packages first on sys.path."""
    s = tmp_path / "site-packages"
    s.mkdir()
    monkeypatch.setattr(sys, "path", [str(s)] + sys.path)
    return s


@pytest.mark.parametrize("name", sorted(BUILDS))
def test_reads_the_real_build_from_version_py(site, name):
    meta, full, cuda, hip, rocm, xpu = BUILDS[name]
    torch_build(site, meta, full, cuda=cuda, hip=hip, rocm=rocm, xpu=xpu,
                requires=["filelock", "nvidia-cudnn-cu13==9.24.0.43; platform_system == \"Linux\""])
    report = packages(Probe(root="/nonexistent"))
    torch = report["packages"]["torch"]
    assert torch["version"] == meta
    assert torch["build_version"] == full
    assert torch["local"] == full.split("+")[1]
    assert (torch["cuda"], torch["hip"], torch["rocm"], torch["xpu"]) == (cuda, hip, rocm, xpu)
    assert torch["installer"] == "pip"
    assert torch["version_file"] is True
    assert torch["location"] == str(site)
    assert "filelock" in torch["requires"]
    assert "torch" not in sys.modules


def test_macos_build_has_no_local_tag(site):
    torch_build(site, "2.9.1", "2.9.1", macos=True, installer="uv")
    torch = packages(Probe(root="/nonexistent"))["packages"]["torch"]
    assert torch["build_version"] == "2.9.1"
    assert torch["local"] is None
    assert torch["cuda"] is None and torch["xpu"] is None
    assert torch["installer"] == "uv"


def test_trio_related_packages_and_numpy(site):
    torch_build(site, "2.14.1", "2.14.1+cu130", cuda="13.0")
    torchvision_build(site, "0.29.0", "0.29.0+cu130")
    dist(site, "torchaudio", "2.11.0+cu130", installer=None)
    for name, version in [("nvidia_cudnn_cu13", "9.24.0.43"), ("xformers", "0.0.33"),
                          ("bitsandbytes", "0.48.2"), ("triton", "3.8.0"), ("numpy", "2.3.5"),
                          ("requests", "2.32.5")]:
        dist(site, name, version)
    report = packages(Probe(root="/nonexistent"))
    tv = report["packages"]["torchvision"]
    assert tv["build_version"] == "0.29.0+cu130" and tv["local"] == "cu130"
    ta = report["packages"]["torchaudio"]
    assert ta["build_version"] == "2.11.0+cu130" and ta["version_file"] is False
    assert ta["installer"] is None
    names = {r["name"] for r in report["related"]}
    assert names == {"nvidia-cudnn-cu13", "xformers", "bitsandbytes", "triton"}
    assert report["numpy"] == "2.3.5"
    assert report["torch_imported"] is None


def test_first_match_on_sys_path_wins(tmp_path, monkeypatch):
    first, second = tmp_path / "a", tmp_path / "b"
    torch_build(first, "2.13.0+cpu", "2.13.0+cpu")
    torch_build(second, "2.14.1", "2.14.1+cu130", cuda="13.0")
    monkeypatch.setattr(sys, "path", [str(first), str(second)] + sys.path)
    assert packages(Probe(root="/x"))["packages"]["torch"]["local"] == "cpu"


def test_garbled_version_py_falls_back_to_metadata(site):
    torch_build(site, "2.13.0+cpu", "2.13.0+cpu")
    (site / "torch" / "version.py").write_text("__version__ = (\n")
    torch = packages(Probe(root="/x"))["packages"]["torch"]
    assert torch["build_version"] == "2.13.0+cpu" and torch["version_file"] is False


def test_nvidia_driver_from_sysfs_and_multi_gpu_nvidia_smi(tmp_path, monkeypatch):
    root = tmp_path / "root"
    nvidia_driver(root, "580.95.05")
    fake_command(tmp_path / "bin", "nvidia-smi", NVIDIA_SMI_MULTI)
    monkeypatch.setenv("PATH", clean_path(tmp_path / "bin"))
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,2")
    probe = Probe(root=str(root))
    nv = full_nvidia(probe)
    assert nv["driver"] == "580.95.05" and nv["driver_source"] == "sysfs"
    assert nv["cuda_driver_max"] == "13.0"
    assert nv["gpu_source"] == "nvidia-smi"
    assert [(g["index"], g["name"], g["compute_capability"], g["memory_mib"], g["mig"]) for g in nv["gpus"]] == [
        (0, "NVIDIA GeForce RTX 4090", "8.9", 24564, None),
        (1, "NVIDIA GeForce GTX 1080 Ti", "6.1", 11264, None),
        (2, "NVIDIA H100 80GB HBM3", "9.0", 81559, "enabled"),
    ]
    assert nv["dev_nodes"] == ["nvidia-uvm", "nvidia0", "nvidia1", "nvidiactl"]
    assert nv["visible"]["CUDA_VISIBLE_DEVICES"] == "0,2"


def test_nvidia_driver_from_procfs(tmp_path, monkeypatch):
    root = tmp_path / "root"
    nvidia_driver(root, "550.144.03", sysfs=False)
    monkeypatch.setenv("PATH", clean_path(tmp_path / "empty-bin"))
    probe = Probe(root=str(root))
    nv = full_nvidia(probe)
    assert (nv["driver"], nv["driver_source"]) == ("550.144.03", "procfs")
    assert nv["gpus"] == []
    assert {"source": "nvidia-smi", "reason": "missing", "detail": "nvidia-smi not on PATH"} in probe.errors


def test_old_nvidia_smi_without_compute_cap(tmp_path, monkeypatch):
    root = tmp_path / "root"
    nvidia_driver(root, "470.256.02")
    fake_command(tmp_path / "bin", "nvidia-smi", NVIDIA_SMI_OLD)
    monkeypatch.setenv("PATH", clean_path(tmp_path / "bin"))
    probe = Probe(root=str(root))
    nv = full_nvidia(probe)
    assert nv["gpus"] == [{"index": 0, "name": "Tesla K80", "memory_mib": 11441,
                           "compute_capability": None, "mig": None}]
    assert nv["cuda_driver_max"] == "11.4"
    assert not any(e["source"] == "nvidia-smi" for e in probe.errors)


def test_hanging_nvidia_smi_is_bounded_by_the_timeout(tmp_path, monkeypatch):
    root = tmp_path / "root"
    nvidia_driver(root)
    fake_command(tmp_path / "bin", "nvidia-smi", NVIDIA_SMI_HANG)
    monkeypatch.setenv("PATH", clean_path(tmp_path / "bin"))
    probe = Probe(root=str(root), cmd_timeout=0.5)
    start = time.monotonic()
    nv = full_nvidia(probe)
    elapsed = time.monotonic() - start
    assert elapsed < 5, "a hanging nvidia-smi must be cut off by the command timeout"
    assert nv["driver"] == "580.95.05" and nv["gpus"] == []
    assert any(e["source"] == "nvidia-smi" and e["reason"] == "timeout" for e in probe.errors)


def test_nvml_driver_library_mismatch_is_an_error_not_a_crash(tmp_path, monkeypatch):
    root = tmp_path / "root"
    nvidia_driver(root)
    fake_command(tmp_path / "bin", "nvidia-smi", NVIDIA_SMI_MISMATCH)
    monkeypatch.setenv("PATH", clean_path(tmp_path / "bin"))
    probe = Probe(root=str(root))
    nv = full_nvidia(probe)
    assert nv["gpus"] == []
    err = [e for e in probe.errors if e["source"] == "nvidia-smi"]
    assert err and err[0]["reason"] == "error" and "version mismatch" in err[0]["detail"]


def test_no_nvidia_at_all(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", clean_path(tmp_path / "empty-bin"))
    probe = Probe(root=str(tmp_path / "root"))
    nv = full_nvidia(probe)
    assert nv["driver"] is None and nv["gpus"] == [] and nv["dev_nodes"] == []
    assert any(e["source"] == "nvidia" and e["reason"] == "missing" for e in probe.errors)


def test_amd_gfx_targets_skip_cpu_nodes(tmp_path, monkeypatch):
    root = tmp_path / "root"
    kfd_node(root, 0, 0, 0)            # the CPU
    kfd_node(root, 1, 90402, 304)      # MI300X: gfx942
    kfd_node(root, 2, 110000, 96)      # RX 7900 XTX: gfx1100
    kfd_node(root, 3, 90010, 440)      # MI250X: gfx90a
    kfd_node(root, 4, 120001, 64)      # RX 9070: gfx1201
    write(root, "/dev/kfd", "")
    monkeypatch.setenv("HSA_OVERRIDE_GFX_VERSION", "11.0.0")
    amd = others.amd(Probe(root=str(root)))
    assert amd["kfd"] is True
    assert [g["gfx"] for g in amd["gpus"]] == ["gfx942", "gfx1100", "gfx90a", "gfx1201"]
    assert amd["visible"]["HSA_OVERRIDE_GFX_VERSION"] == "11.0.0"


def test_intel_display_devices(tmp_path):
    root = tmp_path / "root"
    pci_display(root, "0000:00:02.0", "0x8086", "0xa7a0")              # Iris Xe (integrated)
    pci_display(root, "0000:03:00.0", "0x8086", "0x56a0")              # Arc A770 (discrete)
    pci_display(root, "0000:01:00.0", "0x10de", "0x2684")              # NVIDIA: not Intel
    pci_display(root, "0000:00:1f.3", "0x8086", "0x51c8", "0x040380")  # audio: not display
    intel = others.intel(Probe(root=str(root)))
    assert intel["gpus"] == [
        {"pci": "0000:00:02.0", "device_id": "0xa7a0", "discrete": False},
        {"pci": "0000:03:00.0", "device_id": "0x56a0", "discrete": True},
    ]


def test_container_wsl_jetson_and_managed_hints(tmp_path, monkeypatch):
    root = tmp_path / "root"
    write(root, "/.dockerenv", "")
    write(root, "/proc/sys/kernel/osrelease", "5.15.167.4-microsoft-standard-WSL2\n")
    write(root, "/etc/nv_tegra_release", "# R36 (release), REVISION: 4.3, GCID: 38968081, BOARD: generic\n")
    write(root, "/proc/device-tree/model", "NVIDIA Jetson AGX Orin Developer Kit\x00")
    monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab_20261101-060000_RC00")
    hints = system.hints(Probe(root=str(root)))
    assert hints["container"] == ["docker"]
    assert hints["wsl"] is True
    assert hints["jetson"] == {"model": "NVIDIA Jetson AGX Orin Developer Kit",
                               "l4t": "# R36 (release), REVISION: 4.3, GCID: 38968081, BOARD: generic"}
    assert hints["managed"] == "colab"


def test_unreadable_and_missing_sources_are_reported(tmp_path, monkeypatch):
    import builtins
    root = tmp_path / "root"
    write(root, "/sys/module/nvidia/version", "580.95.05\n")
    real_open = builtins.open

    def guarded(path, *args, **kwargs):
        # As root every file is readable, so refuse this one the way the kernel would.
        if str(path).endswith("/sys/module/nvidia/version"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    probe = Probe(root=str(root))
    assert probe.read("/sys/module/nvidia/version", "nvidia-sysfs") is None
    assert probe.read("/proc/driver/nvidia/version", "nvidia-procfs") is None
    assert [(e["source"], e["reason"]) for e in probe.errors] == [
        ("nvidia-sysfs", "permission"), ("nvidia-procfs", "missing")]


def test_pip_config_and_index_environment(tmp_path, monkeypatch):
    conf = write(tmp_path, "/pip.conf", "[global]\nindex-url = https://user:secret@mirror.example/simple\n"
                                        "[install]\nextra-index-url = https://download.pytorch.org/whl/cu126\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "https://download.pytorch.org/whl/cpu")
    ctx = install_context(Probe(root="/x"), str(tmp_path))
    assert ctx["env"]["PIP_EXTRA_INDEX_URL"] == "https://download.pytorch.org/whl/cpu"
    assert {"file": str(conf), "section": "global", "key": "index-url",
            "value": "https://***@mirror.example/simple"} in ctx["pip_config"]
    assert any(c["key"] == "extra-index-url" and c["section"] == "install" for c in ctx["pip_config"])
    assert ctx["disk"]["site_packages"]["free_bytes"] > 0
    assert ctx["disk"]["tmp"]["free_bytes"] > 0


@pytest.mark.parametrize("v,gfx", [(90402, "gfx942"), (110000, "gfx1100"), (90010, "gfx90a"),
                                   (120001, "gfx1201"), (100302, "gfx1032"), (0, None)])
def test_gfx_names(v, gfx):
    assert others._gfx(v) == gfx


def test_full_run_on_a_fixture_tree_matches_the_schema(tmp_path):
    """The whole probe, as a subprocess, on a GPU machine made of fixtures."""
    root, site, bindir = tmp_path / "root", tmp_path / "site", tmp_path / "bin"
    nvidia_driver(root)
    kfd_node(root, 0, 0, 0)
    pci_display(root, "0000:00:02.0", "0x8086", "0xa7a0")
    torch_build(site, "2.14.1", "2.14.1+cu130", cuda="13.0")
    fake_command(bindir, "nvidia-smi", NVIDIA_SMI_MULTI)
    report = run_probe(sys.executable, env={"TORCH_DOCTOR_ROOT": str(root), "PYTHONPATH": str(site),
                                            "PATH": clean_path(bindir)})
    validate(report)
    assert report["probe"]["root_override"] is True
    assert report["packages"]["torch"]["build_version"] == "2.14.1+cu130"
    assert len(report["nvidia"]["gpus"]) == 3
    assert report["intel"]["gpus"][0]["discrete"] is False
    assert report["probe"]["duration_ms"] < 5000
    json.dumps(report)  # serialisable as is


def test_nvcc_version_from_the_toolkit_without_running_it(tmp_path, monkeypatch):
    """A system toolkit is found and labelled; version.json saves running nvcc."""
    root = tmp_path / "root"
    home = "/opt/cuda-12.4"
    write(root, home + "/version.json", '{"cuda": {"name": "CUDA SDK", "version": "12.4.1"}, '
                                        '"cuda_nvcc": {"name": "CUDA NVCC", "version": "12.4.131"}}')
    # An nvcc that must not be run: it would fail the test.
    fake_command(tmp_path / "bin", "nvcc", "echo 'ran nvcc' >&2; exit 3\n")
    monkeypatch.setenv("PATH", clean_path(tmp_path / "bin"))
    monkeypatch.setenv("CUDA_HOME", home)
    probe = Probe(root=str(root))
    nvcc = nvcc_files(probe)
    assert nvcc["version"] == "12.4.131"
    assert "need only the driver" in nvcc["note"]
    assert not any(e["source"] == "nvcc" for e in probe.errors)


def test_nvcc_version_from_running_it_in_the_job(tmp_path, monkeypatch):
    """No version file: the kernel only finds nvcc; the NVIDIA job runs `nvcc --version`."""
    fake_command(tmp_path / "bin", "nvcc", "echo 'Cuda compilation tools, release 13.0, V13.0.88'\n")
    monkeypatch.setenv("PATH", clean_path(tmp_path / "bin"))
    monkeypatch.delenv("CUDA_HOME", raising=False)
    monkeypatch.delenv("CUDA_PATH", raising=False)
    probe = Probe(root=str(tmp_path / "root"))
    nv = nvidia(probe)
    assert nv["nvcc"]["version"] is None
    assert nv["job"] == {"status": "pending", "needs": ["nvcc"], "duration_ms": None}
    nv = full_nvidia(Probe(root=str(tmp_path / "root")))
    assert nv["nvcc"]["version"] == "13.0"
    assert nv["job"]["status"] == "ok"


def test_nvcc_version_from_cuda_h(tmp_path, monkeypatch):
    """A toolkit without version.json (as pip-assembled ones): CUDA_VERSION in cuda.h, no job."""
    root = tmp_path / "root"
    write(root, "/opt/cuda/bin/nvcc", "")
    write(root, "/opt/cuda/include/cuda.h", "#ifndef __cuda_cuda_h__\n#define CUDA_VERSION 12080\n")
    monkeypatch.setenv("PATH", clean_path(tmp_path / "empty-bin"))
    monkeypatch.setenv("CUDA_HOME", "/opt/cuda")
    nv = nvidia(Probe(root=str(root)))
    assert nv["nvcc"]["version"] == "12.8"
    assert nv["job"] is None


def test_procfs_gpus_without_nvml(tmp_path, monkeypatch):
    """The kernel names the GPUs from procfs; the job adds what only NVML or nvidia-smi knows."""
    root = tmp_path / "root"
    nvidia_driver(root)
    nvidia_procfs_gpu(root, "0000:41:00.0", "NVIDIA RTX A6000")
    nvidia_procfs_gpu(root, "0000:01:00.0", "NVIDIA GeForce RTX 4090")
    monkeypatch.setenv("PATH", clean_path(tmp_path / "empty-bin"))
    nv = nvidia(Probe(root=str(root)))
    assert nv["gpu_source"] == "procfs"
    assert [(g["index"], g["name"], g["compute_capability"]) for g in nv["gpus"]] == [
        (0, "NVIDIA GeForce RTX 4090", None), (1, "NVIDIA RTX A6000", None)]
    assert "nvml" in nv["job"]["needs"]
    # NVML and nvidia-smi both missing: the procfs names stay, the errors say why.
    probe = Probe(root=str(root))
    nv = full_nvidia(probe)
    assert nv["gpu_source"] == "procfs" and len(nv["gpus"]) == 2
    assert {e["source"] for e in probe.errors} >= {"nvml", "nvidia-smi"}
