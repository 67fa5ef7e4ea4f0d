"""The optional check after an install (probe/gpucheck.py): real JAX on this GPU-less machine says it
sees no GPU; a framework that is missing or hangs is reported, with its own deadline."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_torch_doctor.probe.gpucheck import gpucheck_job

REPO = Path(__file__).resolve().parent.parent
JAX_ENV = REPO / "build" / "gpucheck-jax"
WHEELS = Path("/opt/pypi/files")


@pytest.fixture(scope="module")
def jax_python():
    """A venv with the real jax and jaxlib 0.10.2 (CPU) from the machine's wheel store, built once."""
    py = JAX_ENV / "bin" / "python"
    if not (JAX_ENV / ".ready").exists():
        if not (WHEELS / "jax-0.10.2-py3-none-any.whl").exists():
            pytest.skip("the local wheel store has no jax")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(JAX_ENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "jax==0.10.2", "jaxlib==0.10.2"], check=True,
                       timeout=600)
        (JAX_ENV / ".ready").write_text("")
    return py


def run_in(py, args, env=None):
    code = ("import json, sys; sys.path.insert(0, %r)\n"
            "from jupyterlab_torch_doctor.probe.gpucheck import gpucheck_job\n"
            "print(json.dumps(gpucheck_job(json.loads(sys.argv[1]))))" % str(REPO))
    import json
    out = subprocess.run([str(py), "-c", code, json.dumps(args)], capture_output=True, text=True, timeout=180,
                         env=dict(os.environ, **(env or {})))
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["results"]


def test_real_jax_on_a_machine_without_gpu(jax_python):
    [jax] = run_in(jax_python, {"frameworks": ["jax"], "timeout": 120})
    assert jax["ok"] is True and jax["gpu"] is False
    assert jax["version"] == "0.10.2"
    assert jax["devices"] and "cpu" in jax["devices"][0].lower()


def test_missing_and_hanging_frameworks_are_reported(tmp_path):
    hang = tmp_path / "cupy"
    hang.mkdir()
    # A fixture package that hangs on import, as a CUDA library clash can.
    (hang / "__init__.py").write_text("import time\ntime.sleep(60)\n")
    [cupy] = run_in(sys.executable, {"frameworks": ["cupy"], "timeout": 2}, {"PYTHONPATH": str(tmp_path)})
    assert cupy == {"framework": "cupy", "ok": False, "gpu": False, "version": None, "devices": [],
                    "error": "cupy did not answer in 2 s"}
    [jax] = run_in(sys.executable, {"frameworks": ["jax", "tensorflow"], "timeout": 20})
    assert jax["ok"] is False and "No module named 'jax'" in jax["error"]


def test_unknown_frameworks_are_not_run():
    assert gpucheck_job({"frameworks": ["os; rm -rf /", "tensorflow"]}) == {"results": []}
