"""One odd value never loses the report: every failing source becomes an entry in report["errors"]."""

import sys

import pytest

from jupyterlab_torch_doctor.probe import install, nvidia, others, packages, report, system
from jupyterlab_torch_doctor.probe.core import Probe
from jupyterlab_torch_doctor.probe.report import collect
from jupyterlab_torch_doctor.probe.nvml import nvidia_job

from conftest import validate
from fixturetree import clean_path, fake_command, kfd_node, nvidia_driver, nvidia_procfs_gpu, torch_build, write


def boom(*args, **kwargs):
    raise RuntimeError("odd value")


# (module, function the report calls, the source named in errors)
SOURCES = [
    (system, "platform_info", "platform"),
    (system, "python_info", "python"),
    (system, "environment", "environment"),
    (system, "hints", "hints"),
    (packages, "packages", "packages"),
    (packages, "package", "package:torch"),
    (nvidia, "nvidia", "nvidia"),
    (nvidia, "procfs_gpus", "nvidia-procfs"),
    (nvidia, "nvcc_files", "nvcc"),
    (others, "amd", "amd"),
    (others, "kfd_node", "amd-kfd:1"),
    (others, "intel", "intel"),
    (others, "apple", "apple"),
    (install, "install_context", "install"),
    (install, "_pip_config_files", "pip-config"),
]


@pytest.mark.parametrize("module,name,source", SOURCES, ids=[s[2] for s in SOURCES])
def test_a_raising_source_is_an_error_entry(module, name, source, tmp_path, monkeypatch):
    root = tmp_path / "root"
    nvidia_driver(root)
    nvidia_procfs_gpu(root, "0000:01:00.0", "NVIDIA GeForce RTX 4090")
    kfd_node(root, 1, 90402, 304)
    site = tmp_path / "site"
    torch_build(site, "2.13.0+cpu", "2.13.0+cpu")
    monkeypatch.setattr(sys, "path", [str(site)] + sys.path)
    # The report module holds its own references to the section functions.
    monkeypatch.setattr(module, name, boom)
    if hasattr(report, name):
        monkeypatch.setattr(report, name, boom)
    if module is system and name == "hints":
        monkeypatch.setattr(system, "hints", boom)
    out = validate(collect(Probe(root=str(root))))
    assert {"source": source, "reason": "error", "detail": "RuntimeError: odd value"} in out["errors"]


def test_non_numeric_kfd_property_spoils_one_node_only(tmp_path):
    root = tmp_path / "root"
    kfd_node(root, 1, 90402, 304)
    kfd_node(root, 2, 110000, 96)
    props = root / "sys/class/kfd/kfd/topology/nodes/2/properties"
    props.write_text(props.read_text().replace("gfx_target_version 110000", "gfx_target_version gfx1100?"))
    p = Probe(root=str(root))
    amd = others.amd(p)
    assert [g["gfx"] for g in amd["gpus"]] == ["gfx942", None]
    assert any(e["source"] == "amd-kfd:2" and "not a number" in e["detail"] for e in p.errors)


def test_unreadable_pip_config_is_an_error_entry(tmp_path, monkeypatch):
    folder = tmp_path / "pip.conf"
    folder.mkdir()  # a folder where a file should be: open() fails
    monkeypatch.setenv("PIP_CONFIG_FILE", str(folder))
    p = Probe(root="/x")
    ctx = install.install_context(p, str(tmp_path))
    assert ctx["pip_config"] == []
    assert any(e["source"] == "pip-config" for e in p.errors)


def test_malformed_pip_config_is_an_error_entry(tmp_path, monkeypatch):
    conf = write(tmp_path, "/pip.conf", "index-url = no section header\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    p = Probe(root="/x")
    assert install.install_context(p, str(tmp_path))["pip_config"] == []
    assert any(e["source"] == "pip-config" and "pip.conf" in e["detail"] for e in p.errors)


def test_odd_version_py_and_conda_record(tmp_path, monkeypatch):
    site = tmp_path / "site"
    torch_build(site, "2.13.0+cpu", "2.13.0+cpu")
    (site / "torch" / "version.py").write_text("__version__ = 2.13\ncuda = ['12.6']\nhip = 1 +\n")
    monkeypatch.setattr(sys, "path", [str(site)] + sys.path)
    conda = tmp_path / "prefix" / "conda-meta"
    conda.mkdir(parents=True)
    (conda / "pytorch-2.13.0-py3.11_cpu.json").write_text("[1, 2]")
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "prefix"))
    out = validate(collect(Probe(root=str(tmp_path / "root"))))
    torch = out["packages"]["torch"]
    assert torch["build_version"] == "2.13.0+cpu" and torch["cuda"] is None
    assert torch["conda"] == {"name": None, "version": None, "build": None, "channel": None}


def test_garbled_nvidia_smi_rows_are_errors_not_crashes(tmp_path, monkeypatch):
    fake_command(tmp_path / "bin", "nvidia-smi",
                 "case \"$*\" in *--query-gpu=*) printf '0, Tesla T4, lots, 7.5, 535.1, Disabled\\ngarbage\\n' ;;"
                 " *) echo 'no header' ;; esac\n")
    monkeypatch.setenv("PATH", clean_path(tmp_path / "bin"))
    monkeypatch.setenv("TORCH_DOCTOR_NVML_LIB", str(tmp_path / "missing.so"))
    out = nvidia_job({"needs": ["nvml"], "cmd_timeout": 2})
    assert out["gpus"] == [{"index": 0, "name": "Tesla T4", "memory_mib": None, "compute_capability": "7.5",
                            "mig": "disabled"}]
    assert any(e["source"] == "nvidia-smi" and "garbage" in e["detail"] for e in out["errors"])
    assert any(e["source"] == "nvml" and e["reason"] == "missing" for e in out["errors"])


def test_garbage_in_procfs_is_ignored(tmp_path, monkeypatch):
    root = tmp_path / "root"
    write(root, "/proc/driver/nvidia/version", "\x00\x01 not a driver\n")
    write(root, "/proc/driver/nvidia/gpus/0000:01:00.0/information", "nonsense without colons\n")
    monkeypatch.setenv("PATH", clean_path(tmp_path / "empty-bin"))
    out = validate(collect(Probe(root=str(root))))
    assert out["nvidia"]["driver"] is None and out["nvidia"]["gpus"] == []
