"""Shared fixtures: running the probe as a script (the wheel's single file), and the report schema."""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema
import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "jupyterlab_torch_doctor" / "probe"


def _bundler():
    spec = importlib.util.spec_from_file_location("_torch_doctor_bundle", PACKAGE / "_bundle.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUNDLER = _bundler()
# The single-file probe, as the wheel ships it (built fresh for this session).
PROBE = Path(tempfile.mkdtemp(prefix="doctor-probe-")) / "torch_doctor_probe.py"
PROBE.write_text(BUNDLER.build("standalone"))
SCHEMA = json.loads((REPO / "src" / "report" / "probe-report.schema.json").read_text())
ENVS = Path(os.environ.get("TEST_ENVS", REPO / "build" / "test-envs"))


def validate(report):
    jsonschema.validate(report, SCHEMA, cls=jsonschema.Draft7Validator)
    return report


def run_probe(python=sys.executable, *args, env=None, timeout=180):
    """Run the single-file probe as a plain script under `python`: it needs only the stdlib."""
    full_env = dict(os.environ)
    full_env.pop("PYTHONPATH", None)
    full_env.update(env or {})
    proc = subprocess.run([str(python), str(PROBE), *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout)
    assert proc.returncode == 0, proc.stderr
    return validate(json.loads(proc.stdout))


def env_python(name):
    python = ENVS / name / "bin" / "python"
    if not (ENVS / name / ".ready").exists():
        pytest.fail(f"test environment {name} is missing: run scripts/make-test-envs.sh (make test does)")
    return python


@pytest.fixture
def probe_runner():
    return run_probe
