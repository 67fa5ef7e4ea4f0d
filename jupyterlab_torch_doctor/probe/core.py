"""Plumbing shared by every probe module: constants, the Probe (read/run/fail/guard), helpers.

Bundling rule (see _bundle.py): every module of this package uses only names
defined by the modules listed before it in a bundle, imports its siblings with
single-line `from .x import ...` statements (the bundler drops them), and
defines no top-level name another module defines.
"""

import json
import os
import re
import sys

SCHEMA_VERSION = 1
PROBE_VERSION = "0.1.0"
MIME = "application/vnd.jupyterlab-torch-doctor.probe+json"
INDEX_MIME = "application/vnd.jupyterlab-torch-doctor.index+json"
CMD_TIMEOUT = 3.0
# A libnvidia-ml to load instead of the system's (tests, unusual installs).
NVML_LIB_ENV = "TORCH_DOCTOR_NVML_LIB"
VISIBILITY_ENV = ("CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES",
                  "ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES", "HSA_OVERRIDE_GFX_VERSION",
                  "ZE_AFFINITY_MASK", "PYTORCH_ENABLE_MPS_FALLBACK")


class Probe:
    """One report's state. `root` prefixes every system path (tests use fixture trees).

    Running a command is nvml.py's run_command: only job children run one.
    """

    def __init__(self, root=None, cmd_timeout=CMD_TIMEOUT):
        self.root = root if root is not None else os.environ.get("TORCH_DOCTOR_ROOT", "")
        self.cmd_timeout = cmd_timeout
        self.errors = []

    def path(self, p):
        return self.root.rstrip("/") + p if self.root else p

    def fail(self, source, reason, detail=""):
        if len(self.errors) < 200:
            self.errors.append({"source": str(source), "reason": reason, "detail": str(detail)[:300]})

    def guard(self, source, fn, default, *args):
        """Run one source; any exception becomes an entry in errors and `default` is used."""
        try:
            return fn(*args)
        except Exception as e:
            self.fail(source, "error", f"{type(e).__name__}: {e}")
            return default() if callable(default) else default

    def read(self, p, source=None, limit=None):
        try:
            with open(self.path(p), encoding="utf-8", errors="replace") as f:
                return f.read(limit) if limit else f.read()
        except FileNotFoundError:
            if source:
                self.fail(source, "missing", p)
        except PermissionError as e:
            self.fail(source or p, "permission", e)
        except OSError as e:
            self.fail(source or p, "error", e)
        return None


def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _has_module(name):
    import importlib.util
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _read_text(path, limit=None):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read(limit) if limit else f.read()
    except OSError:
        return None


def _read_json(path):
    text = _read_text(path)
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _int(text, default=None):
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return default


def _env(prefixes):
    return {k: os.environ.get(k) for k in VISIBILITY_ENV if k.startswith(prefixes)}


def _is_linux():
    return sys.platform.startswith("linux")
