"""The NVIDIA job on a fake libnvidia-ml.so (tests/fixtures/fake_nvml.c, built with gcc).

The quick probe only reads files; NVML is loaded by the job's child, never by
the process that probes.
"""

import json
import os
import subprocess
import sys
import time

import pytest

from jupyterlab_torch_doctor.probe.core import Probe
from jupyterlab_torch_doctor.probe.nvml import nvidia_job

from conftest import PROBE, validate
from fixturetree import NVIDIA_SMI_MULTI, clean_path, fake_command, fake_nvml, nvidia_driver

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a Linux .so")

H100 = {"index": 0, "name": "NVIDIA H100 80GB HBM3", "memory_mib": 81559, "compute_capability": "9.0",
        "mig": "enabled"}
RTX5090 = {"index": 1, "name": "NVIDIA GeForce RTX 5090", "memory_mib": 32607, "compute_capability": "12.0",
           "mig": None}


@pytest.fixture(scope="module")
def libnvml(tmp_path_factory):
    lib = fake_nvml(tmp_path_factory.mktemp("nvml"))
    if lib is None:
        pytest.skip("no gcc to build the fake libnvidia-ml")
    return str(lib)


def test_nvml_answers_in_the_job(libnvml, monkeypatch):
    monkeypatch.setenv("TORCH_DOCTOR_NVML_LIB", libnvml)
    out = nvidia_job({"needs": ["nvml"], "cmd_timeout": 2})
    assert out["gpu_source"] == "nvml"
    assert out["gpus"] == [H100, RTX5090]
    assert (out["driver"], out["driver_source"], out["cuda_driver_max"]) == ("580.95.05", "nvml", "13.0")
    assert out["errors"] == []


def test_nvml_library_mismatch_falls_back_to_nvidia_smi(libnvml, tmp_path, monkeypatch):
    """nvmlInit fails (18: driver/library version mismatch): an error entry, then nvidia-smi."""
    monkeypatch.setenv("TORCH_DOCTOR_NVML_LIB", libnvml)
    monkeypatch.setenv("FAKE_NVML_INIT_RC", "18")
    fake_command(tmp_path / "bin", "nvidia-smi", NVIDIA_SMI_MULTI)
    monkeypatch.setenv("PATH", clean_path(tmp_path / "bin"))
    out = nvidia_job({"needs": ["nvml"], "cmd_timeout": 2})
    assert {"source": "nvml", "reason": "error", "detail": "nvmlInit failed (NVML error 18)"} in out["errors"]
    assert out["gpu_source"] == "nvidia-smi" and len(out["gpus"]) == 3


def test_a_hung_nvml_init_is_bounded(libnvml, tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_DOCTOR_NVML_LIB", libnvml)
    monkeypatch.setenv("FAKE_NVML_HANG", "1")
    monkeypatch.setenv("PATH", clean_path(tmp_path / "empty-bin"))
    t0 = time.monotonic()
    out = nvidia_job({"needs": ["nvml"], "cmd_timeout": 0.5})
    assert time.monotonic() - t0 < 3
    assert any(e["source"] == "nvml" and e["reason"] == "timeout" for e in out["errors"])


def test_cli_report_carries_nvml_gpus_and_never_maps_nvml_in_the_probing_process(libnvml, tmp_path):
    """The whole probe in a process that then reads its own /proc/self/maps."""
    root = tmp_path / "root"
    nvidia_driver(root)
    code = (
        "import json, runpy, sys\n"
        f"g = runpy.run_path({str(PROBE)!r}, run_name='probe_under_test')\n"
        "report = g['probe']()\n"
        "maps = open('/proc/self/maps').read()\n"
        "print(json.dumps({'report': report, 'mapped': 'libnvidia-ml' in maps}))\n"
    )
    env = dict(os.environ, TORCH_DOCTOR_NVML_LIB=libnvml, TORCH_DOCTOR_ROOT=str(root),
               PATH=clean_path(tmp_path / "empty-bin"))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    report = validate(data["report"])
    nv = report["nvidia"]
    assert nv["gpus"] == [H100, RTX5090] and nv["gpu_source"] == "nvml"
    assert nv["driver_source"] == "sysfs" and nv["cuda_driver_max"] == "13.0"
    assert nv["job"]["status"] == "ok" and nv["job"]["duration_ms"] > 0
    assert data["mapped"] is False


def test_quick_probe_marks_the_job_and_leaves_the_gpus_to_it(libnvml, tmp_path, monkeypatch):
    """The quick probe (what the kernel runs); that it maps nothing is checked in a fresh process above."""
    from jupyterlab_torch_doctor.probe.report import collect
    root = tmp_path / "root"
    nvidia_driver(root)
    monkeypatch.setenv("TORCH_DOCTOR_NVML_LIB", libnvml)
    report = validate(collect(Probe(root=str(root))))
    assert report["nvidia"]["job"]["status"] == "pending"
    assert report["nvidia"]["gpus"] == []
