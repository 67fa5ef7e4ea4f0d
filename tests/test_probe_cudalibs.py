"""The CUDA library inventory (probe/cudalibs.py) on site-packages built from REAL METADATA files.

tests/fixtures/cuda-metadata/ holds the METADATA headers of real wheels, read from PyPI by
scripts/cuda-metadata.py (pip's --dry-run --report; SOURCES.json names each wheel and its sha256).
"""

import builtins
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_torch_doctor.probe.core import Probe
from jupyterlab_torch_doctor.probe.cudalibs import cuda_libs
from jupyterlab_torch_doctor.probe.report import collect

from conftest import run_probe, validate
from cudatree import install_meta, plain_dist

SCENARIO = ["cuda-toolkit-13.2.2", "nvidia-cudnn-cu13-9.28.1.4", "nvidia-cublas-13.10.0.20",
            "nvidia-cublas-cu12-12.9.3.13", "jax-cuda13-plugin-0.10.2", "jax-cuda13-pjrt-0.10.2",
            "jaxlib-0.10.2", "cupy-cuda12x-14.2.0", "tensorflow-2.21.0", "onnxruntime-gpu-1.31.1",
            "nvidia-cuda-runtime-cu12-12.9.79"]


@pytest.fixture
def site(tmp_path):
    s = tmp_path / "site-packages"
    s.mkdir()
    return s


def by_name(inv):
    return {d["name"]: d for d in inv["dists"]}


def test_reads_every_family_from_real_metadata(site, tmp_path):
    for folder in SCENARIO:
        install_meta(site, folder)
    p = Probe(root="/nonexistent")
    inv = cuda_libs(p, paths=[str(site)], prefix=str(tmp_path), ld_path="")
    dists = by_name(inv)
    assert sorted(dists) == sorted(f.rsplit("-", 1)[0] for f in SCENARIO)
    majors = {n: (d["cuda_major"], d["cuda_from"]) for n, d in dists.items()}
    assert majors == {
        "cuda-toolkit": (13, "version"),             # its requirements are unsuffixed nvidia-* wheels
        "nvidia-cudnn-cu13": (13, "name"),
        "nvidia-cublas": (13, "version"),
        "nvidia-cublas-cu12": (12, "name"),
        "jax-cuda13-plugin": (13, "name"),
        "jax-cuda13-pjrt": (13, "name"),
        "jaxlib": (None, None),
        "cupy-cuda12x": (12, "name"),
        "tensorflow": (12, "requires"),              # Requires-Dist: nvidia-*-cu12 ...; extra == "and-cuda"
        "onnxruntime-gpu": (13, "requires"),         # nvidia-cudnn-cu13~=9.0; extra == "cudnn"
        "nvidia-cuda-runtime-cu12": (12, "name"),
    }
    plugin = dists["jax-cuda13-plugin"]
    assert plugin["version"] == "0.10.2"
    assert "jax-cuda13-pjrt==0.10.2" in plugin["requires"]
    assert 'nvidia-cudnn-cu13<10.0,>=9.12.0.46; sys_platform == "linux" and extra == "with-cuda"' in plugin["requires"]
    # Only requirements on the CUDA families are kept: numpy, ml_dtypes… are not.
    assert all(not r.startswith(("numpy", "ml_dtypes", "protobuf")) for d in dists.values() for r in d["requires"])
    assert dists["nvidia-cudnn-cu13"]["requires"] == ["nvidia-cublas"]
    # cuda-toolkit lists ~70 extra-gated pins; only those on installed targets are kept: nvidia-cublas
    # under its extras all, cublas and cusolver.
    assert [r.split(";")[0] for r in dists["cuda-toolkit"]["requires"]] == ["nvidia-cublas==13.4.1.3.*"] * 3
    assert [r.rsplit("extra == ", 1)[1] for r in dists["cuda-toolkit"]["requires"]] == ["'all'", "'cublas'", "'cusolver'"]
    assert all(d["record"] for d in dists.values())
    assert inv["truncated"] is False and inv["conda"] is None and inv["ld_library_path"] == []
    assert p.errors == []


def test_opens_metadata_of_the_named_families_only(site, tmp_path, monkeypatch):
    install_meta(site, "nvidia-cudnn-cu13-9.26.0.51")
    for i in range(50):
        plain_dist(site, f"unrelated_{i}", "1.0")
    plain_dist(site, "jax", "0.10.2")  # jax itself is not a CUDA family: never read
    opened = []
    real_open = builtins.open

    def spy(path, *a, **k):
        opened.append(str(path))
        return real_open(path, *a, **k)

    monkeypatch.setattr(builtins, "open", spy)
    inv = cuda_libs(Probe(), paths=[str(site)], prefix=str(tmp_path), ld_path="")
    monkeypatch.setattr(builtins, "open", real_open)
    assert [d["name"] for d in inv["dists"]] == ["nvidia-cudnn-cu13"]
    assert opened == [str(site / "nvidia_cudnn_cu13-9.26.0.51.dist-info" / "METADATA")]


def test_first_on_sys_path_wins(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    install_meta(a, "nvidia-cudnn-cu13-9.28.1.4")
    install_meta(b, "nvidia-cudnn-cu13-9.26.0.51")
    inv = cuda_libs(Probe(), paths=[str(a), str(b), str(tmp_path / "missing")], prefix=str(tmp_path), ld_path="")
    assert [(d["name"], d["version"], d["location"]) for d in inv["dists"]] == [
        ("nvidia-cudnn-cu13", "9.28.1.4", str(a))]


def test_bad_metadata_and_missing_record_are_reported_not_raised(site, tmp_path):
    install_meta(site, "nvidia-cublas-cu12-12.9.3.13", record=False)
    broken = site / "nvidia_cudnn_cu12-9.28.0.42.dist-info"
    broken.mkdir()
    (broken / "METADATA").write_text("Metadata-Version: 2.4\nName: nvidia-cudnn-cu12\n\n")  # no Version
    binary = site / "cupy_cuda12x-14.2.0.dist-info"
    binary.mkdir()
    (binary / "METADATA").write_bytes(b"Name: cupy\xff\xfe\x00garbage")
    (site / "jaxlib-0.10.2.dist-info").mkdir()  # no METADATA at all
    p = Probe()
    inv = cuda_libs(p, paths=[str(site)], prefix=str(tmp_path), ld_path="")
    assert [(d["name"], d["record"]) for d in inv["dists"]] == [("nvidia-cublas-cu12", False)]
    errors = {e["source"]: (e["reason"], e["detail"]) for e in p.errors}
    assert errors["cuda-libs:nvidia_cublas_cu12-12.9.3.13.dist-info"][0] == "missing"
    assert "RECORD" in errors["cuda-libs:nvidia_cublas_cu12-12.9.3.13.dist-info"][1]
    assert errors["cuda-libs:nvidia_cudnn_cu12-9.28.0.42.dist-info"] == ("error", "METADATA has no Version field")
    assert "not UTF-8" in errors["cuda-libs:cupy_cuda12x-14.2.0.dist-info"][1]
    assert errors["cuda-libs:jaxlib-0.10.2.dist-info"] == ("missing", "no METADATA file")


def test_conda_records_from_file_names(tmp_path, site):
    meta = tmp_path / "conda-meta"
    meta.mkdir()
    for n in ["libcublas-12.9.1.4-h9ab20c4_0.json", "cudnn-9.10.1.4-haad7af6_0.json",
              "nccl-2.27.3.1-h03a54cd_0.json", "cuda-cudart-12.9.79-h5888daf_0.json",
              "libcurand-10.3.10.19-h9ab20c4_0.json", "python-3.11.14-hd63d673_1_cpython.json",
              "numpy-2.3.2-py311h2e04523_0.json", "history"]:
        (meta / n).write_text("{}")
    p = Probe()
    inv = cuda_libs(p, paths=[str(site)], prefix=str(tmp_path), ld_path="")
    assert inv["conda"]["readable"] is True
    assert [(r["name"], r["version"], r["build"]) for r in inv["conda"]["records"]] == [
        ("cuda-cudart", "12.9.79", "h5888daf_0"), ("cudnn", "9.10.1.4", "haad7af6_0"),
        ("libcublas", "12.9.1.4", "h9ab20c4_0"), ("libcurand", "10.3.10.19", "h9ab20c4_0"),
        ("nccl", "2.27.3.1", "h03a54cd_0")]
    assert p.errors == []


def test_unreadable_conda_meta_is_reported(tmp_path, site):
    (tmp_path / "conda-meta").write_text("not a folder")
    p = Probe()
    inv = cuda_libs(p, paths=[str(site)], prefix=str(tmp_path), ld_path="")
    assert inv["conda"] == {"records": [], "readable": False, "truncated": False}
    assert [e["source"] for e in p.errors] == ["cuda-libs:conda-meta"]


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("runuser"), reason="needs root to drop to nobody")
def test_conda_meta_without_permission_is_reported(tmp_path):
    """As an unprivileged user, a conda-meta folder with mode 000 cannot be listed."""
    import tempfile
    # Outside pytest's 0700 tmp folders, so that nobody can reach the prefix itself.
    prefix = Path(tempfile.mkdtemp(prefix="doctor-conda-"))
    os.chmod(prefix, 0o755)
    (prefix / "conda-meta").mkdir()
    (prefix / "conda-meta" / "cudnn-9.10.1.4-haad7af6_0.json").write_text("{}")
    os.chmod(prefix / "conda-meta", 0)
    repo = Path(__file__).resolve().parent.parent
    code = ("import json,sys; sys.path.insert(0, %r)\n"
            "from jupyterlab_torch_doctor.probe.core import Probe\n"
            "from jupyterlab_torch_doctor.probe.cudalibs import cuda_libs\n"
            "p = Probe(); inv = cuda_libs(p, paths=[], prefix=%r, ld_path='')\n"
            "print(json.dumps([inv['conda'], p.errors]))" % (str(repo), str(prefix)))
    # The system's Python: the probe is stdlib-only, and nobody may not run the venv's.
    out = subprocess.run(["runuser", "-u", "nobody", "--", shutil.which("python3", path="/usr/bin:/bin") or sys.executable, "-I", "-c", code],
                         capture_output=True, text=True, timeout=60)
    os.chmod(prefix / "conda-meta", 0o755)
    shutil.rmtree(prefix)
    if out.returncode != 0 and "Permission denied" in out.stderr and "sys.path" not in out.stderr:
        pytest.skip("nobody cannot run this interpreter: " + out.stderr[-200:])
    assert out.returncode == 0, out.stderr
    import json
    conda, errors = json.loads(out.stdout)
    assert conda == {"records": [], "readable": False, "truncated": False}
    assert errors[0]["source"] == "cuda-libs:conda-meta" and errors[0]["reason"] == "permission"


def test_ld_library_path_lists_cuda_libraries_by_name(tmp_path, site):
    system = tmp_path / "usr-local-cuda" / "lib64"
    system.mkdir(parents=True)
    for n in ["libcublas.so.13", "libcublas.so.13.1.0.3", "libcudart.so.13", "libnvrtc.so.13", "libcudnn.so.9"]:
        (system / n).write_text("")
    inside = tmp_path / "env" / "lib" / "python3.11" / "site-packages" / "nvidia" / "cu13" / "lib"
    inside.mkdir(parents=True)
    (inside / "libcudart.so.13").write_text("")
    empty = tmp_path / "empty"
    empty.mkdir()
    ld = os.pathsep.join([str(system), str(inside), str(empty), str(tmp_path / "missing"), ""])
    inv = cuda_libs(Probe(), paths=[str(site)], prefix=str(tmp_path / "env"), ld_path=ld)
    assert inv["ld_library_path"] == [
        {"path": str(system), "libs": ["libcublas.so.13", "libcublas.so.13.1.0.3", "libcudart.so.13",
                                       "libcudnn.so.9"], "in_env": False},
        {"path": str(inside), "libs": ["libcudart.so.13"], "in_env": True}]


def test_capped(site, tmp_path):
    for i in range(170):
        plain_dist(site, f"nvidia_fake{i:03d}_cu13", "1.0")
    inv = cuda_libs(Probe(), paths=[str(site)], prefix=str(tmp_path), ld_path="")
    assert len(inv["dists"]) == 160 and inv["truncated"] is True


def test_quick_report_carries_the_inventory_and_validates(site, monkeypatch):
    install_meta(site, "nvidia-cudnn-cu13-9.26.0.51")
    install_meta(site, "cupy-cuda12x-14.2.0", record=False)
    monkeypatch.setattr(sys, "path", [str(site)] + sys.path)
    report = validate(collect(Probe(root="/nonexistent")))
    names = [d["name"] for d in report["cuda_libs"]["dists"]]
    assert "nvidia-cudnn-cu13" in names and "cupy-cuda12x" in names
    assert any(e["source"] == "cuda-libs:cupy_cuda12x-14.2.0.dist-info" for e in report["errors"])
    assert "cupy" not in sys.modules


WHEELS = Path("/opt/pypi/files")


@pytest.mark.skipif(not (WHEELS / "nvidia_cuda_runtime-13.0.96-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl").exists(),
                    reason="the local wheel store has no nvidia-cuda-runtime")
def test_real_venv_with_real_nvidia_wheels(tmp_path):
    """pip installs real NVIDIA wheels (from the machine's wheel store) into a fresh venv; the
    single-file probe, run by that venv's Python, inventories them and the real libcudart."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--find-links", str(WHEELS),
                    "nvidia-cuda-runtime==13.0.96", "nvidia-cuda-crt==13.0.88", "jax==0.10.2"],
                   check=True, env=dict(os.environ, PIP_CONFIG_FILE=os.devnull), timeout=300)
    libdirs = sorted(venv.glob("lib/python*/site-packages/nvidia/cu13/lib"))
    assert libdirs and any(n.startswith("libcudart.so.13") for n in os.listdir(libdirs[0]))
    report = run_probe(py, env={"LD_LIBRARY_PATH": str(libdirs[0])})
    dists = by_name(report["cuda_libs"])
    assert sorted(dists) == ["nvidia-cuda-crt", "nvidia-cuda-runtime"]
    assert (dists["nvidia-cuda-runtime"]["version"], dists["nvidia-cuda-runtime"]["cuda_major"]) == ("13.0.96", 13)
    assert dists["nvidia-cuda-runtime"]["record"] is True
    [ld] = report["cuda_libs"]["ld_library_path"]
    assert ld["in_env"] is True and any(n.startswith("libcudart.so.13") for n in ld["libs"])
