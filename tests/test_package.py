"""The Python package: version, entry points, labextension paths, the wheel guard and its shared data."""

import json
import os
import shutil
import subprocess
import sys

import pytest

import jupyterlab_torch_doctor
from conftest import REPO


def test_version_comes_from_package_json():
    expected = json.loads((REPO / "package.json").read_text())["version"]
    assert jupyterlab_torch_doctor.__version__ == expected


def test_labextension_paths():
    paths = jupyterlab_torch_doctor._jupyter_labextension_paths()
    assert paths == [{"src": "labextension", "dest": "jupyterlab-torch-doctor"}]


def test_python_dash_m_prints_the_version():
    out = subprocess.run([sys.executable, "-m", "jupyterlab_torch_doctor"], capture_output=True,
                         text=True, check=True)
    assert f"jupyterlab-torch-doctor {jupyterlab_torch_doctor.__version__}" in out.stdout
    out = subprocess.run([sys.executable, "-m", "jupyterlab_torch_doctor", "--version"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == jupyterlab_torch_doctor.__version__


def test_probe_module_runs_from_the_package():
    out = subprocess.run([sys.executable, "-m", "jupyterlab_torch_doctor.probe"], capture_output=True,
                         text=True, check=True)
    report = json.loads(out.stdout)
    assert report["schema_version"] == 1
    assert report["python"]["executable"] == sys.executable


def test_probe_is_stdlib_only():
    """The kernel's environment need not have anything but the standard library."""
    import ast
    imported = set()
    for path in (REPO / "jupyterlab_torch_doctor" / "probe").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported.add(node.module.split(".")[0])
    third_party = {m for m in imported if m not in sys.stdlib_module_names}
    # IPython is only used inside the kernel, where it always exists; torch only in the deep child.
    assert third_party <= {"IPython", "torch"}, third_party


# hatch-jupyter-builder runs npm unless told not to: these copies have no
# node_modules, and a test never downloads.
NO_NPM = {**os.environ, "HATCH_JUPYTER_BUILDER_SKIP_NPM": "1"}


def _wheel(src, dist):
    return subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "-w", str(dist), str(src)], capture_output=True, text=True, env=NO_NPM)


def test_wheel_build_refuses_without_the_labextension(tmp_path):
    """The build hooks stop a wheel that would ship without the front end."""
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("node_modules", ".venv", "build", "dist", "lib", ".git",
                                    "labextension", "ui-tests", "coverage")
    shutil.copytree(REPO, src, ignore=ignore)
    out = _wheel(src, tmp_path / "dist")
    assert out.returncode != 0
    said = out.stdout + out.stderr
    # hatch-jupyter-builder's ensured-targets, or the in-tree hook's guard.
    assert ('Ensured target "jupyterlab_torch_doctor/labextension/static/style.js" does not exist' in said
            or "the labextension has not been built" in said), said[-2000:]
    assert not list((tmp_path).glob("dist/*.whl"))


def test_wheel_ships_one_install_json_despite_a_stale_copy(tmp_path):
    """A second `pip install -e .` after `jupyter labextension develop` used to write install.json
    through the develop link into the source build; the next wheel then held it twice and failed.
    The wheel now ships the repository's install.json once, whatever the build folder holds."""
    import zipfile
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("node_modules", ".venv", "build", "dist", "lib", ".git",
                                    "labextension", "ui-tests", "coverage")
    shutil.copytree(REPO, src, ignore=ignore)
    ext = src / "jupyterlab_torch_doctor" / "labextension"
    (ext / "static").mkdir(parents=True)
    (ext / "package.json").write_text("{}")
    (ext / "static" / "style.js").write_text("")
    (ext / "install.json").write_text('{"stale": true}')
    out = _wheel(src, tmp_path / "dist")
    assert out.returncode == 0, out.stdout + out.stderr
    with zipfile.ZipFile(next((tmp_path / "dist").glob("*.whl"))) as z:
        names = [n for n in z.namelist() if n.endswith("labextensions/jupyterlab-torch-doctor/install.json")]
        assert len(names) == 1, names
        assert json.loads(z.read(names[0]))["packageName"] == "jupyterlab_torch_doctor"
        assert any(n.endswith("labextensions/jupyterlab-torch-doctor/static/style.js") for n in z.namelist())


def test_wheel_ships_the_single_file_probe(tmp_path):
    """A wheel (with a stand-in labextension) holds torch_doctor_probe.py, and it runs on its own."""
    import zipfile
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("node_modules", ".venv", "build", "dist", "lib", ".git",
                                    "labextension", "ui-tests", "coverage")
    shutil.copytree(REPO, src, ignore=ignore)
    ext = src / "jupyterlab_torch_doctor" / "labextension"
    (ext / "static").mkdir(parents=True)
    (ext / "package.json").write_text("{}")
    (ext / "static" / "style.js").write_text("")
    out = _wheel(src, tmp_path / "dist")
    assert out.returncode == 0, out.stdout + out.stderr
    wheel = next((tmp_path / "dist").glob("*.whl"))
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        assert "jupyterlab_torch_doctor/torch_doctor_probe.py" in names
        assert "jupyterlab_torch_doctor/probe/__main__.py" in names
        single = tmp_path / "torch_doctor_probe.py"
        single.write_bytes(z.read("jupyterlab_torch_doctor/torch_doctor_probe.py"))
    run = subprocess.run([sys.executable, str(single)], capture_output=True, text=True, cwd=tmp_path,
                         env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["schema_version"] == 1


@pytest.mark.parametrize("target", ["install.json"])
def test_install_json(target):
    data = json.loads((REPO / target).read_text())
    assert data["packageManager"] == "python"
    assert data["packageName"] == "jupyterlab_torch_doctor"
