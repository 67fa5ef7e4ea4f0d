"""The bundles: one source per request kind, each self-contained, each module under ~400 lines."""

import base64
import json
import re
import subprocess
import sys
import zlib

import pytest

from conftest import BUNDLER, PACKAGE, REPO, validate

KERNEL_KINDS = ["quick", "job", "index-job", "nvidia-job", "deep-job"]

# Stands in for IPython in a plain interpreter: prints what the kernel would display.
FAKE_IPYTHON = (
    "import json, sys, types\n"
    "ip = types.ModuleType('IPython'); ip.display = types.SimpleNamespace(\n"
    "    display=lambda d, raw=False: print(json.dumps(d)))\n"
    "sys.modules['IPython'] = ip\n"
)


def test_every_module_is_small():
    for path in PACKAGE.glob("*.py"):
        assert len(path.read_text().splitlines()) <= 400, path.name


def test_kernel_kinds_and_the_manifest_agree():
    assert BUNDLER.kernel_kinds() == KERNEL_KINDS
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__", "_bundle"}
    assert set(BUNDLER.ALL_MODULES) == modules


@pytest.mark.parametrize("kind", KERNEL_KINDS + ["standalone"])
def test_each_bundle_compiles_alone(kind):
    source = BUNDLER.build(kind)
    compile(source, kind, "exec")
    assert not re.search(r"^from \.", source, re.M)


def test_quick_bundle_is_what_the_kernel_needs_and_no_more():
    quick = BUNDLER.build("quick")
    for name in ("def nvml(", "def index_check(", "def deep_child(", "def start_job(", "ctypes.CDLL(n)"):
        assert name not in quick
    # Running a command is the jobs' (nvml.py's run_command): the quick probe has no way to.
    assert "subprocess" not in quick


def test_quick_bundle_runs_in_a_fresh_namespace_and_binds_nothing():
    """As the front end runs it: exec in a fresh globals dict, with __probe_args__."""
    packed = base64.b64encode(zlib.compress(BUNDLER.build("quick").encode())).decode()
    code = FAKE_IPYTHON + (
        "before = set(globals())\n"
        "(lambda __s, __a: exec(compile(__s, '<probe>', 'exec'), {'__name__': '__torch_doctor_probe__', "
        "'__probe_args__': json.loads(__a)}))("
        f"__import__('zlib').decompress(__import__('base64').b64decode({packed!r})), '{{}}')\n"
        "assert set(globals()) == before | {'before'}, set(globals()) - before\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout.strip().splitlines()[-1])
    report = validate(payload["application/vnd.jupyterlab-torch-doctor.probe+json"])
    assert report["python"]["executable"] == sys.executable


def test_the_embedded_typescript_matches_the_package():
    """src/probe/probeSource.ts is generated; it must be current when the tests run."""
    subprocess.run([sys.executable, str(REPO / "scripts" / "bundle-probe.py")], check=True)
    ts = (REPO / "src" / "probe" / "probeSource.ts").read_text()
    for kind in KERNEL_KINDS:
        assert f'"{kind}": {{ bytes: {len(BUNDLER.build(kind).encode())},' in ts


def test_a_name_clash_between_modules_is_refused(monkeypatch):
    real = BUNDLER.module_source
    monkeypatch.setattr(BUNDLER, "module_source",
                        lambda name: real(name) + ("\n\ndef _norm(x):\n    return x\n" if name == "index" else ""))
    with pytest.raises(ValueError, match="_norm"):
        BUNDLER.build("index-job")
