"""The probe's report of Protect's constraints file and pip's per-environment config, on fixture trees.

The config files are written as Protect's cell writes them (see src/install/protect.ts) and as
users keep them; the Windows and conda cases set sys.platform and sys.prefix as those
interpreters have them.
"""

import os
import sys

import pytest

from jupyterlab_torch_doctor.probe.core import Probe
from jupyterlab_torch_doctor.probe.install import PROTECT_FILE, install_context, protection

from fixturetree import write

PINS = "# torch-doctor-protect {}\ntorch==2.13.0+cpu\ntorchvision==0.28.0+cpu\n"


@pytest.fixture
def prefix(tmp_path, monkeypatch):
    """A venv-like sys.prefix, with no pip config of the caller in the way."""
    root = tmp_path / "env"
    root.mkdir()
    monkeypatch.setattr(sys, "prefix", str(root))
    for var in ("PIP_CONFIG_FILE", "PIP_CONSTRAINT"):
        monkeypatch.delenv(var, raising=False)
    return root


def test_unprotected_environment(prefix):
    prot = protection(Probe(root="/x"))
    assert prot == {"config": str(prefix / "pip.conf"), "file": str(prefix / PROTECT_FILE), "exists": False,
                    "registered": False, "pins": [], "ignored_by": None}


def test_protected_with_the_users_settings_kept(prefix):
    write(prefix, "/torch-doctor-constraints.txt", PINS)
    write(prefix, "/pip.conf", "# mine\n[global]\nindex-url = https://mirror.example/simple\n"
                               f"[install]\nconstraint = /etc/caps.txt\n    {prefix}/{PROTECT_FILE}\n")
    prot = protection(Probe(root="/x"))
    assert prot["registered"] is True and prot["exists"] is True
    assert prot["pins"] == ["torch==2.13.0+cpu", "torchvision==0.28.0+cpu"]
    assert prot["ignored_by"] is None


def test_install_section_beats_global(prefix):
    """pip takes [install] over [global]: a file named only in [global] is not in force then."""
    write(prefix, "/torch-doctor-constraints.txt", PINS)
    write(prefix, "/pip.conf", f"[global]\nconstraint = {prefix}/{PROTECT_FILE}\n[install]\nconstraint = /etc/caps.txt\n")
    assert protection(Probe(root="/x"))["registered"] is False
    write(prefix, "/pip.conf", f"[global]\nconstraint = {prefix}/{PROTECT_FILE}\n")
    assert protection(Probe(root="/x"))["registered"] is True


def test_file_without_the_setting(prefix):
    """The user removed the setting by hand: the pins are there but pip does not read them."""
    write(prefix, "/torch-doctor-constraints.txt", PINS)
    prot = protection(Probe(root="/x"))
    assert (prot["exists"], prot["registered"], len(prot["pins"])) == (True, False, 2)


@pytest.mark.parametrize("env,why", [
    ({"PIP_CONFIG_FILE": os.devnull}, "PIP_CONFIG_FILE"),
    ({"PIP_CONSTRAINT": "/tmp/other.txt"}, "PIP_CONSTRAINT"),
])
def test_what_makes_pip_ignore_it(prefix, monkeypatch, env, why):
    write(prefix, "/torch-doctor-constraints.txt", PINS)
    write(prefix, "/pip.conf", f"[install]\nconstraint = {prefix}/{PROTECT_FILE}\n")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    prot = protection(Probe(root="/x"))
    assert prot["registered"] is True and prot["ignored_by"] == why


def test_a_config_file_read_after_the_site_one_overrides_it(prefix, tmp_path, monkeypatch):
    write(prefix, "/pip.conf", f"[install]\nconstraint = {prefix}/{PROTECT_FILE}\n")
    env_file = write(tmp_path, "/mine.conf", "[install]\nconstraint = /etc/caps.txt\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(env_file))
    assert protection(Probe(root="/x"))["ignored_by"] == "PIP_CONFIG_FILE"
    # A [global] setting there does not beat the site file's [install] one.
    write(tmp_path, "/mine.conf", "[global]\nconstraint = /etc/caps.txt\n")
    assert protection(Probe(root="/x"))["ignored_by"] is None


def test_windows_uses_pip_ini(prefix, monkeypatch):
    """pip's site config is pip.ini on Windows, pip.conf elsewhere."""
    monkeypatch.setattr(sys, "platform", "win32")
    write(prefix, "/torch-doctor-constraints.txt", PINS)
    write(prefix, "/pip.ini", f"[install]\nconstraint = {prefix}/{PROTECT_FILE}\n")
    write(prefix, "/pip.conf", "[install]\nconstraint = /ignored/on/windows.txt\n")
    prot = protection(Probe(root="/x"))
    assert prot["config"] == str(prefix / "pip.ini") and prot["registered"] is True


def test_conda_environment_uses_its_own_prefix(tmp_path, monkeypatch):
    """A conda env's sys.prefix is the env folder (conda-meta beside the files), not the base install."""
    base = tmp_path / "miniforge3"
    env = base / "envs" / "gpu"
    write(base, "/pip.conf", "[install]\nconstraint = /base/only.txt\n")
    write(env, "/conda-meta/history", "")
    write(env, "/torch-doctor-constraints.txt", PINS)
    write(env, "/pip.conf", f"[global]\nconstraint = {env}/{PROTECT_FILE}\n")
    monkeypatch.setattr(sys, "prefix", str(env))
    monkeypatch.delenv("PIP_CONFIG_FILE", raising=False)
    monkeypatch.delenv("PIP_CONSTRAINT", raising=False)
    prot = protection(Probe(root="/x"))
    assert prot["config"] == str(env / "pip.conf") and prot["registered"] is True


def test_malformed_config_is_an_error_entry_not_a_crash(prefix):
    write(prefix, "/pip.conf", "[install]\nconstraint = a\n[install]\nconstraint = b\n")
    probe = Probe(root="/x")
    assert protection(probe)["registered"] is False
    assert [e["source"] for e in probe.errors] == ["protection"]


def test_in_the_install_context_and_the_schema(prefix):
    write(prefix, "/torch-doctor-constraints.txt", PINS)
    ctx = install_context(Probe(root="/x"), str(prefix))
    assert ctx["protection"]["pins"][0] == "torch==2.13.0+cpu"


def test_a_prefix_with_spaces_is_named_by_file_url(tmp_path, monkeypatch):
    """pip splits the constraint setting on whitespace, so Protect names such a file by a file: URL."""
    env = tmp_path / "My Envs" / "gpu"
    write(env, "/torch-doctor-constraints.txt", PINS)
    url = (env / PROTECT_FILE).as_uri()
    write(env, "/pip.conf", f"[install]\nconstraint = /etc/caps.txt {url}\n")
    monkeypatch.setattr(sys, "prefix", str(env))
    monkeypatch.delenv("PIP_CONFIG_FILE", raising=False)
    monkeypatch.delenv("PIP_CONSTRAINT", raising=False)
    assert protection(Probe(root="/x"))["registered"] is True
