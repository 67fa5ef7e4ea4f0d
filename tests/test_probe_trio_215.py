"""The real installed 2.15.0 trio, probed from its own dist-info and version.py files.

tests/fixtures/site-torch-2.15.0-trio/ holds the files PyPI's wheels installed (SOURCE.txt there says
how): torch 2.15.0+cu132, torchvision 0.29.2+cu132 and torchaudio 2.11.1+cu132 for Linux x86_64 cp311.
Also PEP 825's variant.json (tests/fixtures/torch-variant-cu129.variant.json, from WheelNext's index).

`python tests/test_probe_trio_215.py --write-base FILE`, then `npx prettier --write FILE`, writes the
golden base of this trio on a fixture RTX 4090 (driver 580.95.05: sysfs, procfs and nvidia-smi as the
driver writes them).
"""

import json
import shutil
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
sys.path[:0] = [str(TESTS), str(TESTS.parent)]

from fixturetree import clean_path, fake_command, nvidia_driver, nvidia_procfs_gpu  # noqa: E402
from jupyterlab_torch_doctor.probe.core import Probe  # noqa: E402
from jupyterlab_torch_doctor.probe.packages import packages  # noqa: E402

TRIO = TESTS / "fixtures" / "site-torch-2.15.0-trio"
VARIANT = TESTS / "fixtures" / "torch-variant-cu129.variant.json"
# What nvidia-smi 580 prints for one RTX 4090 (format as tests/fixturetree.py NVIDIA_SMI_MULTI).
SMI_4090 = r"""
case "$*" in
  *--query-gpu=*) echo '0, NVIDIA GeForce RTX 4090, 24564, 8.9, 580.95.05, [N/A]' ;;
  *) echo '| NVIDIA-SMI 580.95.05              Driver Version: 580.95.05      CUDA Version: 13.0     |' ;;
esac
"""


def trio_site(folder):
    """A copy of the fixture, with torch, torchvision and torchaudio that refuse to be imported."""
    site = Path(folder) / "site-packages"
    shutil.copytree(TRIO, site, ignore=shutil.ignore_patterns("SOURCE.txt"))
    for pkg in ("torch", "torchvision", "torchaudio"):
        (site / pkg / "__init__.py").write_text("raise SystemExit('the probe imported %s')\n" % pkg)
    return site


def test_the_real_trio_as_pypi_installed_it(tmp_path, monkeypatch):
    site = trio_site(tmp_path)
    monkeypatch.setattr(sys, "path", [str(site)] + sys.path)
    p = Probe(root=str(tmp_path))
    out = packages(p)["packages"]
    torch, vision, audio = out["torch"], out["torchvision"], out["torchaudio"]
    assert (torch["version"], torch["build_version"], torch["local"], torch["cuda"]) == \
        ("2.15.0", "2.15.0+cu132", "cu132", "13.2")
    assert (vision["version"], vision["build_version"], vision["local"]) == ("0.29.2", "0.29.2+cu132", "cu132")
    assert (audio["version"], audio["build_version"], audio["local"]) == ("2.11.1", "2.11.1+cu132", "cu132")
    assert 'cuda-toolkit[cublas,cudart,cufft,cufile,cupti,cusolver,cusparse,nvjitlink,nvrtc,nvtx]==13.2.2; ' \
           'platform_system == "Linux"' in torch["requires"]
    assert vision["requires"] == ["numpy", "torch (>=2.14.0)", "pillow (!=8.3.*,>=5.3.0)"]
    assert audio["requires"] == ["torch>=2.11"]
    assert {b["installer"] for b in out.values()} == {"pip"}
    assert {b["variant"] for b in out.values()} == {None}
    assert p.errors == []


def test_variant_json_gives_the_label_and_the_properties(tmp_path, monkeypatch):
    site = trio_site(tmp_path)
    shutil.copy(VARIANT, site / "torch-2.15.0.dist-info" / "variant.json")
    monkeypatch.setattr(sys, "path", [str(site)] + sys.path)
    variant = packages(Probe(root=str(tmp_path)))["packages"]["torch"]["variant"]
    assert variant == {"label": "cu129", "properties": [
        "nvidia :: cuda_version_lower_bound :: 12.9", "nvidia :: sm_arch :: 100_real",
        "nvidia :: sm_arch :: 120_real", "nvidia :: sm_arch :: 120_virtual", "nvidia :: sm_arch :: 75_real",
        "nvidia :: sm_arch :: 80_real", "nvidia :: sm_arch :: 86_real", "nvidia :: sm_arch :: 90_real"]}


def test_an_index_level_variants_file_names_its_label_by_the_local_tag(tmp_path, monkeypatch):
    """Several labels (the index's own file, copied in by hand): the build's local tag picks one, or none."""
    site = trio_site(tmp_path)
    data = json.loads(VARIANT.read_text())
    data["variants"] = {"cu126": {"nvidia": {"cuda_version_lower_bound": ["12.6"]}},
                        "cu132": {"nvidia": {"cuda_version_lower_bound": ["13.2"]}}}
    (site / "torch-2.15.0.dist-info" / "variant.json").write_text(json.dumps(data))
    (site / "torchvision-0.29.2.dist-info" / "variant.json").write_text("{not json")
    monkeypatch.setattr(sys, "path", [str(site)] + sys.path)
    out = packages(Probe(root=str(tmp_path)))["packages"]
    assert out["torch"]["variant"] == {"label": "cu132",
                                       "properties": ["nvidia :: cuda_version_lower_bound :: 13.2"]}
    assert out["torchvision"]["variant"] is None


def rtx4090_root(root):
    nvidia_driver(root, "580.95.05")
    nvidia_procfs_gpu(root, "0000:01:00.0", "NVIDIA GeForce RTX 4090")
    fake_command(Path(root) / "bin", "nvidia-smi", SMI_4090)


def probe_trio_on_4090(folder, env):
    """The whole probe (quick part and the nvidia job, as the CLI runs them) on the fixture trio."""
    from jupyterlab_torch_doctor.probe.cli import probe
    site = trio_site(folder)
    rtx4090_root(folder)
    env["PATH"] = clean_path(Path(folder) / "bin")
    env["TORCH_DOCTOR_NVML_LIB"] = str(Path(folder) / "no-such-libnvidia-ml.so")
    sys.path.insert(0, str(site))
    try:
        return probe(root=str(folder)), str(site)
    finally:
        sys.path.remove(str(site))


def test_the_trio_on_an_rtx_4090_with_driver_580(tmp_path, monkeypatch):
    from conftest import validate
    site = trio_site(tmp_path / "a")
    rtx4090_root(tmp_path / "a")
    monkeypatch.setenv("PATH", clean_path(tmp_path / "a" / "bin"))
    monkeypatch.setenv("TORCH_DOCTOR_NVML_LIB", str(tmp_path / "no-such-libnvidia-ml.so"))
    monkeypatch.setattr(sys, "path", [str(site)] + sys.path)
    from jupyterlab_torch_doctor.probe.cli import probe
    report = validate(probe(root=str(tmp_path / "a")))
    nv = report["nvidia"]
    assert (nv["driver"], nv["cuda_driver_max"], nv["gpu_source"]) == ("580.95.05", "13.0", "nvidia-smi")
    assert nv["gpus"][0]["name"] == "NVIDIA GeForce RTX 4090" and nv["gpus"][0]["compute_capability"] == "8.9"
    assert report["packages"]["torch"]["build_version"] == "2.15.0+cu132"
    assert report["python"]["tags"]["interpreter"].startswith("cp3")


if __name__ == "__main__" and "--write-base" in sys.argv:
    import os
    import tempfile
    target = Path(sys.argv[sys.argv.index("--write-base") + 1])
    with tempfile.TemporaryDirectory(prefix="trio-215-") as tmp:
        report, site = probe_trio_on_4090(tmp, os.environ)
        # The fixture's temporary paths become the paths of a plain venv, as on a user's machine.
        text = json.dumps(report, indent=2, sort_keys=True).replace(site, "/home/user/venv/lib/python3.11/site-packages")
        text = text.replace(tmp, "")
    target.write_text(text + "\n")
    print(f"wrote {target}")
