"""What the probe's sources may import and which Python they parse as.

The quick probe and its second request (env) run inside the user's kernel: they import only the
stdlib modules report.py declares (QUICK_IMPORTS), checked in the sources and by a real run in a fresh interpreter.
Every module that runs in a kernel or a job child, and every bundle and cell made from them,
parses with Python 3.8's grammar (the oldest Python the probe supports; the tests run it on the
machine's Python, so this is a syntax check, not a run on 3.8).
"""

import ast
import json
import subprocess
import sys

import pytest

from conftest import BUNDLER, PACKAGE

from jupyterlab_torch_doctor.probe.report import QUICK_IMPORTS


def imported_names(source):
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
    return names


def test_the_quick_modules_import_only_what_report_declares():
    used = set()
    for name in BUNDLER.QUICK_MODULES + BUNDLER.ENV_MODULES:
        used |= imported_names(BUNDLER.module_source(name))
    assert used == set(QUICK_IMPORTS)


def fresh(code):
    """Run code in a fresh, isolated interpreter without site-packages (whose import hooks,
    setuptools' for one, load modules of their own); it prints a JSON value."""
    r = subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_a_real_run_loads_nothing_beyond_the_declared_modules(tmp_path):
    quick, env = tmp_path / "quick.py", tmp_path / "env.py"
    quick.write_text(BUNDLER.build("quick"))
    env.write_text(BUNDLER.build("env"))
    ran = set(fresh(
        "import sys\nbefore = set(sys.modules)\nns, ns2 = {'__name__': 'probe'}, {'__name__': 'probe'}\n"
        f"exec(compile(open({str(quick)!r}).read(), 'quick', 'exec'), ns)\n"
        f"exec(compile(open({str(env)!r}).read(), 'env', 'exec'), ns2)\n"
        "report = ns['kernel_quick']({})\nfacts = ns2['kernel_env']({})\n"
        "assert facts['tags'] and not facts['errors'], facts\nnew = sorted(set(sys.modules) - before)\n"
        "import json\nprint(json.dumps(new))\n"))
    declared = set(fresh(
        "import sys\nbefore = set(sys.modules)\n"
        f"for m in {list(QUICK_IMPORTS)!r}:\n    __import__(m)\n"
        # sysconfig reads its build data when asked for paths, as the probe does.
        "sys.modules['sysconfig'].get_paths()\n"
        "import json\nprint(json.dumps(sorted(set(sys.modules) - before)))\n"))
    assert not {"urllib.request", "email", "http.client", "ssl"} & ran
    assert ran <= declared, sorted(ran - declared)


KERNEL_SIDE = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__", "_bundle"))


@pytest.mark.parametrize("name", KERNEL_SIDE)
def test_every_probe_module_parses_as_python_3_8(name):
    ast.parse(BUNDLER.module_source(name), feature_version=(3, 8))


@pytest.mark.parametrize("kind", sorted(BUNDLER.BUNDLES))
def test_every_bundle_parses_as_python_3_8(kind):
    ast.parse(BUNDLER.build(kind), feature_version=(3, 8))


def test_the_protect_cells_parse_as_python_3_8():
    for action in ("protect", "unprotect"):
        ast.parse(BUNDLER.protect_cell(action, ["torch==2.13.0+cpu"]), feature_version=(3, 8))
