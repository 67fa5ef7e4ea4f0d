"""The probe against real torch wheels from the local wheel store.

Environments come from scripts/make-test-envs.sh (make test builds them).
"""

import os
import subprocess

import pytest

from conftest import PROBE, env_python, run_probe


def test_cpu_build():
    report = run_probe(env_python("torch-cpu"))
    torch = report["packages"]["torch"]
    assert torch["version"] == "2.13.0+cpu"
    assert torch["build_version"] == "2.13.0+cpu"
    assert (torch["local"], torch["cuda"], torch["hip"], torch["xpu"]) == ("cpu", None, None, None)
    assert torch["installer"] == "pip"
    assert report["numpy"] is not None
    assert report["environment"]["kind"] == "venv"
    assert report["python"]["tag"].startswith("cp3")
    assert report["deep"] is None


def test_cpu_build_deep_check():
    deep = run_probe(env_python("torch-cpu"), "--deep")["deep"]
    assert deep["status"] == "ok"
    assert deep["torch"]["imported"] is True
    assert deep["torch"]["version"] == "2.13.0+cpu"
    assert deep["torch"]["cuda"] is None
    assert deep["cuda"]["available"] is False and deep["cuda"]["device_count"] == 0
    assert deep["smoke"] == [{"device": "cpu", "ok": True, "error": None, "ms": deep["smoke"][0]["ms"]}]
    assert deep["torchvision"] is None and deep["torchaudio"] is None


def test_pypi_cuda13_build_metadata_lies_version_py_tells():
    """PyPI strips +cu130 from the metadata; version.py keeps the truth."""
    report = run_probe(env_python("torch-cu130"))
    torch = report["packages"]["torch"]
    assert torch["version"] == "2.14.1"
    assert torch["build_version"] == "2.14.1+cu130"
    assert torch["local"] == "cu130" and torch["cuda"] == "13.0"
    assert report["packages"]["torchvision"]["build_version"] == "0.29.1+cu130"
    related = {r["name"] for r in report["related"]}
    assert {"triton", "cuda-toolkit", "nvidia-cudnn-cu13", "nvidia-nccl-cu13"} <= related
    assert any(r.startswith("nvidia-cudnn-cu13") for r in torch["requires"])


def test_pypi_cuda13_build_deep_check_on_a_machine_without_gpu():
    deep = run_probe(env_python("torch-cu130"), "--deep")["deep"]
    assert deep["status"] == "ok"
    assert deep["torch"]["imported"] is True
    assert deep["torch"]["version"] == "2.14.1+cu130" and deep["torch"]["cuda"] == "13.0"
    # A CUDA build on a machine with no driver: it works, on the CPU only.
    assert deep["cuda"]["available"] is False
    assert "sm_90" in deep["cuda"]["arch_list"] or deep["cuda"]["arch_list"] == []
    assert [s["device"] for s in deep["smoke"]] == ["cpu"] and deep["smoke"][0]["ok"] is True
    tv = deep["torchvision"]
    assert (tv["loaded"], tv["via"], tv["op_ok"], tv["error"]) == (True, "extension", True, None)
    assert tv["version"] == "0.29.1+cu130"


def test_cuda13_build_without_its_nvidia_libraries_is_diagnosed():
    report = run_probe(env_python("cu130-broken"), "--deep")
    assert report["packages"]["torch"]["build_version"] == "2.14.1+cu130"
    assert not any(r["name"].startswith("nvidia-") for r in report["related"])
    err = report["deep"]["torch"]["error"]
    assert report["deep"]["torch"]["imported"] is False
    assert err["kind"] == "missing_library"
    assert err["library"].startswith("lib") and ".so" in err["library"]


def test_no_torch():
    report = run_probe(env_python("no-torch"), "--deep")
    assert report["packages"] == {"torch": None, "torchvision": None, "torchaudio": None}
    assert report["deep"]["torch"]["error"]["kind"] == "module_not_found"


def test_deep_check_timeout_is_clean():
    deep = run_probe(env_python("torch-cpu"), "--deep-timeout", "0.05")["deep"]
    assert deep["status"] == "timeout"
    assert "did not finish" in deep["error"]


def test_quick_probe_never_imports_torch():
    """Run the probe in-process in the torch env and look at sys.modules after."""
    code = (
        "import runpy, sys\n"
        f"g = runpy.run_path({str(PROBE)!r}, run_name='probe_under_test')\n"
        "report = g['collect']()\n"
        "assert report['packages']['torch']['build_version'] == '2.13.0+cpu'\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'torchvision', 'numpy')))\n"
    )
    out = subprocess.run([str(env_python("torch-cpu")), "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", ["torch-cpu", "torch-cu130", "cu130-broken", "no-torch"])
def test_every_real_report_matches_the_schema(name):
    run_probe(env_python(name))  # run_probe validates


def _interpreter(version):
    """A working Python of that version, if this machine has one (pyenv shims may not work)."""
    import glob
    import shutil
    candidates = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python")))
    candidates += [c for c in (shutil.which(f"python{version}"),) if c]
    for exe in candidates:
        if subprocess.run([exe, "-c", "pass"], capture_output=True).returncode == 0:
            return exe
    return None


@pytest.mark.parametrize("version", ["3.8", "3.9", "3.10", "3.12", "3.13"])
def test_probe_runs_on_older_and_newer_pythons(version):
    exe = _interpreter(version)
    if exe is None:
        pytest.skip(f"no Python {version} on this machine")
    report = run_probe(exe)
    assert report["python"]["version"].startswith(version + ".")
