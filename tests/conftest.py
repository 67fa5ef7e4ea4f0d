"""Shared fixtures: running the probe as a script, and the report schema."""

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

REPO = Path(__file__).resolve().parent.parent
PROBE = REPO / "jupyterlab_torch_doctor" / "probe.py"
SCHEMA = json.loads((REPO / "src" / "report" / "probe-report.schema.json").read_text())
ENVS = Path(os.environ.get("TEST_ENVS", REPO / "build" / "test-envs"))


def validate(report):
    jsonschema.validate(report, SCHEMA, cls=jsonschema.Draft7Validator)
    return report


def run_probe(python=sys.executable, *args, env=None, timeout=180):
    """Run probe.py as a plain script under `python`: it needs only the stdlib."""
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
