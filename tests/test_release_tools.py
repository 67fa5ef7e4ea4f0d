"""The release-day tool (scripts/check-matrix.py) and the index check's core metadata, on local indexes."""

import copy
import http.server
import importlib.util
import json
import threading
from pathlib import Path

import pytest

from jupyterlab_torch_doctor.probe.index import index_check, project_url

from conftest import REPO, env_python

spec = importlib.util.spec_from_file_location("check_matrix", REPO / "scripts" / "check-matrix.py")
check_matrix = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_matrix)

DATA = json.loads((REPO / "src" / "advice" / "data" / "matrix.json").read_text())
W = "cp311-cp311-manylinux_2_28_x86_64.whl"


def page(files, meta=()):
    """A PEP 503 page; files in `meta` announce core metadata (PEP 658 and PEP 714 attributes)."""
    links = "\n".join(
        f'<a href="../../files/{f.replace("+", "%2B")}#sha256=00"'
        + (' data-core-metadata="true" data-dist-info-metadata="true"' if f in meta else "") + f">{f}</a>"
        for f in files)
    return f"<!DOCTYPE html><html><body>\n{links}\n</body></html>\n"


def simple_index(root, tree, metadata=None):
    """root/<variant>/<project>/index.html and root/files/<wheel>.metadata."""
    for variant, projects in tree.items():
        for project, files in projects.items():
            d = root / variant / project
            d.mkdir(parents=True, exist_ok=True)
            (d / "index.html").write_text(page(files, (metadata or {}).keys()))
    (root / "files").mkdir(exist_ok=True)
    for wheel, requires in (metadata or {}).items():
        lines = ["Metadata-Version: 2.1", "Name: " + wheel.split("-")[0], "Version: " + wheel.split("-")[1]]
        (root / "files" / (wheel + ".metadata")).write_text(
            "\n".join(lines + [f"Requires-Dist: {r}" for r in requires]) + "\n\nDescription\n")


@pytest.fixture
def served(tmp_path):
    """An HTTP server on 127.0.0.1 over tmp_path that also records each request's path."""
    seen = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):
            super().__init__(*a, directory=str(tmp_path), **k)

        def translate_path(self, path):
            seen.append(path)
            # pip puts the project after the query (posixpath.join): serve it as a path.
            base, _, query = path.partition("?")
            if "/" in query:
                base = base.rstrip("/") + "/" + query.split("/", 1)[1]
            return super().translate_path(base)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()


def test_index_check_reads_core_metadata_of_the_newest_fitting_wheels(tmp_path, served):
    base, seen = served
    vision = [f"torchvision-0.29.1+cpu-{W}", f"torchvision-0.30.0+cpu-{W}", f"torchvision-0.31.0+cpu-{W}",
              "torchvision-0.31.0+cpu-cp312-cp312-manylinux_2_28_x86_64.whl", f"torchvision-0.32.0rc1+cpu-{W}"]
    simple_index(tmp_path, {"cpu": {"torchvision": vision}},
                 {vision[1]: ["torch==2.15.0"], vision[2]: ["numpy", "torch==2.16.0", "pillow!=8.3.*,>=5.3.0"],
                  vision[0]: ["torch (==2.14.1)"]})
    want = {"tag": "cp311", "platform": ["x86_64"], "after": "0.29.1", "max": 4}
    res = index_check([{"index": f"{base}/cpu", "project": "torchvision", "metadata": want}], 3)["results"][0]
    assert res["files"] == vision and res["error"] is None
    # 0.29.1 is not newer than `after`; the rc and the cp312 wheel are skipped.
    assert res["metadata"] == {vision[2]: ["torch==2.16.0"], vision[1]: ["torch==2.15.0"]}
    assert f"/files/{vision[2].replace('+', '%2B')}.metadata" in seen


def test_index_check_builds_project_urls_as_pip_does(served, tmp_path):
    """A base with ?a=1&b=2: pip appends the project after the query, and so does the check."""
    base, seen = served
    simple_index(tmp_path, {"whl/cu130": {"torch": [f"torch-2.14.1+cu130-{W}"]}})
    assert project_url(f"{base}/whl/cu130?a=1&b=2", "Torch") == f"{base}/whl/cu130?a=1&b=2/torch/"
    res = index_check([{"index": f"{base}/whl/cu130?a=1&b=2", "project": "torch"}], 3)["results"][0]
    assert res["files"] == [f"torch-2.14.1+cu130-{W}"]
    assert "/whl/cu130?a=1&b=2/torch/" in seen


def small_matrix():
    data = copy.deepcopy(DATA)
    r = next(r for r in data["releases"] if r["torch"] == "2.14.1")
    r["variants"] = {"linux-x86_64": ["cpu", "cu130"]}
    data["releases"] = [r]
    return data


def test_check_matrix_reports_what_the_index_has_and_the_data_lacks(tmp_path):
    simple_index(tmp_path, {
        "cpu": {"torch": [f"torch-2.14.1+cpu-{W}", f"torch-2.16.0+cpu-{W}",
                          "torch-2.14.1+cpu-cp315-cp315-manylinux_2_28_x86_64.whl"]},
        "cu134": {"torch": [f"torch-2.16.0+cu134-{W}"]},
    })
    lines = []
    diffs = check_matrix.check_index(small_matrix(), f"file://{tmp_path}", out=lines.append)
    text = "\n".join(lines)
    assert "+ index has torch 2.16.0+cpu (linux-x86_64; cp311): not in the data" in text
    assert "+ index has torch 2.16.0+cu134 (linux-x86_64; cp311): not in the data" in text
    assert "+ index has torch 2.14.1+cpu for cp315: beyond the data's Python 3.10-3.14" in text
    assert "- data lists torch 2.14.1+cu130 for linux-x86_64: the index has no such wheel" in text
    assert diffs == 4


def test_check_matrix_compares_the_real_wheels_arch_flags():
    """The real torch 2.14.1 CUDA 13 wheel of the test environment: its flags match; a PTX entry would not."""
    real = check_matrix.capture_arch(str(env_python("torch-cu130")))
    assert real["arch_flags"] == "sm_75 sm_80 sm_86 sm_90 sm_100 sm_120"
    lines = []
    assert check_matrix.check_arch(DATA, real, out=lines.append) == 0
    wrong = copy.deepcopy(DATA)
    wrong["arch_sets"]["cu13x"]["ptx"] = [120]
    lines = []
    assert check_matrix.check_arch(wrong, real, out=lines.append) == 1
    assert "PTX [], the data says [120]" in lines[0]
    # The fixture the jest suite checks is this capture.
    fixture = json.loads((REPO / "src/advice/data/fixtures/torch-2.14.1-cu130-archflags.json").read_text())
    assert (fixture["torch"], fixture["arch_flags"]) == (real["torch"], real["arch_flags"])


def test_index_check_returns_requires_python_per_file_and_cuda_requirements(tmp_path, served):
    """PEP 503 data-requires-python (HTML-escaped), and the core metadata's Requires-Python where the page has none.

    The metadata lines are torch 2.15.0's and torchvision 0.29.2's real ones (PyPI, 2026-12-06).
    """
    base, _ = served
    d = tmp_path / "simple" / "torch"
    d.mkdir(parents=True)
    (tmp_path / "files").mkdir(exist_ok=True)
    torch = "torch-2.15.0-cp311-cp311-manylinux_2_28_x86_64.whl"
    old = "torch-2.14.1-cp311-cp311-manylinux_2_28_x86_64.whl"
    (d / "index.html").write_text(
        f'<a href="../../files/{old}" data-requires-python="&gt;=3.10">{old}</a>\n'
        f'<a href="../../files/{torch}" data-core-metadata="true">{torch}</a>\n')
    (tmp_path / "files" / (torch + ".metadata")).write_text(
        "Metadata-Version: 2.1\nName: torch\nVersion: 2.15.0\nRequires-Python: >=3.11\n"
        "Requires-Dist: filelock\n"
        "Requires-Dist: cuda-toolkit[cublas,cudart,cufft,cufile,cupti,cusolver,cusparse,nvjitlink,nvrtc,nvtx]"
        "==13.2.2; platform_system == \"Linux\"\n\nDescription\n")
    want = {"tag": "cp311", "platform": ["x86_64"], "max": 4}
    res = index_check([{"index": f"{base}/simple", "project": "torch", "metadata": want}], 3)["results"][0]
    assert res["files"] == [old, torch]
    assert res["requires_python"] == [">=3.10", ">=3.11"]
    assert res["metadata"][torch] == [
        "cuda-toolkit[cublas,cudart,cufft,cufile,cupti,cusolver,cusparse,nvjitlink,nvrtc,nvtx]"
        "==13.2.2; platform_system == \"Linux\""]


snap_spec = importlib.util.spec_from_file_location("snapshot_index", REPO / "scripts" / "snapshot-index.py")
snapshot_index = importlib.util.module_from_spec(snap_spec)
snap_spec.loader.exec_module(snapshot_index)


def test_snapshot_reads_files_requires_python_and_core_metadata(tmp_path, served, monkeypatch):
    """scripts/snapshot-index.py on a local PEP 691 index with PEP 658 files (the real 2.15.0 trio's lines)."""
    base, seen = served
    real = {
        "torch": {"2.15.0": (">=3.11", ['cuda-toolkit[cudart]==13.2.2; platform_system == "Linux"', "filelock"]),
                  "2.14.1": (">=3.10", ['cuda-toolkit[cudart]==13.0.3; platform_system == "Linux"'])},
        "torchvision": {"0.29.2": (">=3.10,!=3.14.1", ["numpy", "torch (>=2.14.0)"])},
        "torchaudio": {"2.11.1": (">=3.10", ["torch>=2.11"])},
    }
    (tmp_path / "files").mkdir(exist_ok=True)
    for project, versions in real.items():
        files = []
        for v, (rp, reqs) in versions.items():
            tag = "cp311-cp311" if project == "torch" else "py3-none"
            name = f"{project}-{v}-{tag}-manylinux_2_28_x86_64.whl"
            files.append({"filename": name, "url": f"{base}/files/{name}", "hashes": {}, "requires-python": rp,
                          "core-metadata": True, "upload-time": "2026-10-28T15:16:30Z"})
            (tmp_path / "files" / (name + ".metadata")).write_text(
                f"Metadata-Version: 2.1\nName: {project}\nVersion: {v}\nRequires-Python: {rp}\n"
                + "".join(f"Requires-Dist: {r}\n" for r in reqs) + "\nDescription\n")
        d = tmp_path / "simple" / project
        d.mkdir(parents=True)
        (d / "index.html").write_text(json.dumps({"meta": {"api-version": "1.1"}, "name": project, "files": files}))
    monkeypatch.setattr(snapshot_index, "PROJECTS", {"torch": "2.14.0", "torchvision": "0.29.0", "torchaudio": "2.11.0"})
    out = snapshot_index.snapshot_pypi(f"{base}/simple", 3, "2026-12-06")
    t = out["projects"]["torch"]["2.15.0"]
    assert t["requires_python"] == ">=3.11" and t["uploaded"] == "2026-10-28"
    meta = t["metadata"]["torch-2.15.0-cp311-cp311-manylinux_2_28_x86_64.whl"]
    # Only the lines on torch and CUDA are kept, with their source and date.
    assert meta["requires_dist"] == ['cuda-toolkit[cudart]==13.2.2; platform_system == "Linux"']
    assert (meta["source"], meta["date"]) == ("PEP 658 core metadata", "2026-12-06")
    tv = out["projects"]["torchvision"]["0.29.2"]["metadata"]["torchvision-0.29.2-py3-none-manylinux_2_28_x86_64.whl"]
    assert tv["requires_dist"] == ["torch (>=2.14.0)"] and tv["requires_python"] == ">=3.10,!=3.14.1"
    assert not any(p.endswith(".whl") for p in seen), "no wheel is downloaded"


def test_snapshot_keeps_sourced_variant_lists_the_index_cannot_give(tmp_path):
    old = {"releases": {"2.15.0": {"variants": {"linux-x86_64": ["cpu", "cu130", "cu132"]}, "source": "RFC #190385",
                                   "date": "2026-12-06", "read_from_index": False}}}
    simple_index(tmp_path, {"cpu": {"torch": [f"torch-2.16.0+cpu-{W}"],
                                    "torchvision": ["torchvision-0.31.0+cpu-py3-none-manylinux_2_28_x86_64.whl"]},
                            "cu132": {"torch": [f"torch-2.16.0+cu132-{W}"]}})
    out = snapshot_index.snapshot_pytorch(f"file://{tmp_path}", old, 3, "2026-12-07", ["cpu", "cu132", "cu130"])
    assert out["releases"]["2.15.0"]["source"] == "RFC #190385"  # kept, as it was
    new = out["releases"]["2.16.0"]
    assert new["variants"] == {"linux-x86_64": ["cpu", "cu132"]} and new["read_from_index"] is True
    assert new["files"]["cu132"] == {f"torch-2.16.0+cu132-{W}": None}
    assert out["companions"]["files"]["torchvision 0.31.0"] == {
        "cpu": {"torchvision-0.31.0+cpu-py3-none-manylinux_2_28_x86_64.whl": None}}
