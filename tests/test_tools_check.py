"""`make lab` and `make test` stop early, in one line, on a missing or old Node or Python."""

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

SCRIPT = REPO / "scripts" / "check-tools.sh"


def run(env):
    return subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=env)


def bin_without(tmp_path, *names):
    """A PATH folder with links to the usual tools, minus `names`."""
    d = tmp_path / "bin"
    d.mkdir()
    for tool in ("bash", "sh", "node", "npm", "env", "cat", "grep"):
        found = shutil.which(tool)
        if found and tool not in names:
            (d / tool).symlink_to(os.path.realpath(found))
    if "python3" not in names:
        # The real interpreter, not a pyenv shim that needs pyenv on PATH.
        (d / "python3").symlink_to(os.path.realpath(sys.executable))
    return str(d)


def test_passes_on_this_machine():
    out = run(dict(os.environ))
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""


def test_missing_node(tmp_path):
    out = run({"PATH": bin_without(tmp_path, "node", "npm")})
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "jupyterlab-torch-doctor: Node.js >= 20 is required, but 'node' is not on PATH."]


def test_old_node(tmp_path):
    d = Path(bin_without(tmp_path, "node"))
    (d / "node").write_text("#!/bin/sh\ncase \"$1\" in --version) echo v18.19.0;; *) exit 1;; esac\n")
    (d / "node").chmod(0o755)
    out = run({"PATH": str(d)})
    assert out.returncode == 1
    assert "Node.js >= 20 is required, found v18.19.0." in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_old_python(tmp_path):
    old = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.[6-9].*/bin/python")))
    old = [p for p in old if subprocess.run([p, "-c", "pass"], capture_output=True).returncode == 0]
    if not old:
        pytest.skip("no Python older than 3.10 on this machine")
    out = run(dict(os.environ, PYTHON=old[0]))
    assert out.returncode == 1
    assert "Python >= 3.10 is required, found Python 3." in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_missing_python(tmp_path):
    out = run(dict(os.environ, PYTHON="python-that-does-not-exist"))
    assert out.returncode == 1
    assert "Python >= 3.10 is required, but 'python-that-does-not-exist' is not on PATH" in out.stderr
