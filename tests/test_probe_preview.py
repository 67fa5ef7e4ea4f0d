"""The plan preview job (probe/preview.py) with real pip and real uv on a file:// index of tiny real wheels."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_torch_doctor.probe.preview import _pip_report, preview_job

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
from fixture_wheel import fixture_wheel  # noqa: E402

UV = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")


@pytest.fixture
def world(tmp_path):
    """A venv holding cuDNN 9.30.0 and a plugin that needs >=9.30; an index serving 9.26.0.51."""
    have = tmp_path / "have"
    wheels = [fixture_wheel(str(have), "nvidia-cudnn-cu13", "9.30.0"),
              fixture_wheel(str(have), "jax-cuda13-plugin", "0.8.1", ["nvidia-cudnn-cu13>=9.30"])]
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    env = dict(os.environ, PIP_CONFIG_FILE=os.devnull)
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", *wheels], check=True, env=env)
    served = fixture_wheel(str(tmp_path / "index" / "files"), "nvidia-cudnn-cu13", "9.26.0.51")
    page = tmp_path / "index" / "simple" / "nvidia-cudnn-cu13"
    page.mkdir(parents=True)
    (page / "index.html").write_text(f'<a href="../../files/{os.path.basename(served)}">x</a>\n')
    return py, (tmp_path / "index" / "simple").as_uri(), env


def run_in(py, args, env):
    code = ("import json, sys; sys.path.insert(0, %r)\n"
            "from jupyterlab_torch_doctor.probe.preview import preview_job\n"
            "print(json.dumps(preview_job(json.loads(sys.argv[1]))))" % str(REPO))
    import json
    out = subprocess.run([str(py), "-c", code, json.dumps(args)], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_pip_dry_run_lists_the_downgrade_and_the_requirers(world):
    py, index, env = world
    env = dict(env, FORCE_COLOR="1")  # as ipykernel sets it: the report must still be plain JSON
    res = run_in(py, {"requirements": ["nvidia-cudnn-cu13==9.26.0.51"], "index_url": index, "timeout": 60}, env)
    assert res["error"] is None and res["tool"] == "pip"
    assert res["installs"] == [{"name": "nvidia-cudnn-cu13", "version": "9.26.0.51", "before": "9.30.0"}]
    assert res["requirers"] == [{"name": "jax-cuda13-plugin", "version": "0.8.1",
                                 "requires": ["nvidia-cudnn-cu13>=9.30"]}]


@pytest.mark.skipif(UV is None, reason="uv is not installed")
def test_uv_dry_run(world):
    py, index, env = world
    res = run_in(py, {"requirements": ["nvidia-cudnn-cu13==9.26.0.51"], "index_url": index, "uv": UV,
                      "timeout": 60}, env)
    assert res["error"] is None and res["tool"] == "uv"
    assert res["installs"] == [{"name": "nvidia-cudnn-cu13", "version": "9.26.0.51", "before": "9.30.0"}]
    assert res["removes"] == [{"name": "nvidia-cudnn-cu13", "version": "9.30.0"}]
    assert res["requirers"][0]["name"] == "jax-cuda13-plugin"


def test_a_plan_pip_cannot_resolve_says_why(world):
    py, index, env = world
    res = run_in(py, {"requirements": ["nvidia-cudnn-cu13==9.99"], "index_url": index, "timeout": 60}, env)
    assert res["installs"] == [] and "nvidia-cudnn-cu13==9.99" in res["error"]


def test_a_missing_tool_is_an_error_not_a_throw():
    res = preview_job({"requirements": ["x==1"], "uv": "/nonexistent/uv", "timeout": 5})
    assert res["tool"] == "uv" and res["error"].startswith("FileNotFoundError")


def test_coloured_report_is_read():
    assert _pip_report('\x1b[1m{\x1b[0m\n  \x1b[1;34m"install"\x1b[0m: []\n}\n') == []
