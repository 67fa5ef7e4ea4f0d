"""In-tree build hook, run after hatch-jupyter-builder's npm build.

Standard wheels: ship the labextension and install.json under
share/jupyter/labextensions/jupyterlab-torch-doctor, and add the single-file
probe, jupyterlab_torch_doctor/torch_doctor_probe.py (generated from
jupyterlab_torch_doctor/probe/ by its _bundle.py).

Editable installs get no shared data: `jupyter labextension develop` links
share/jupyter/labextensions/jupyterlab-torch-doctor to the source build, and
a second `pip install -e .` would write install.json through that link into
jupyterlab_torch_doctor/labextension/, where the next wheel build met it twice.
A stale install.json left there by older checkouts is skipped for the same
reason: the repository's install.json is the one that ships.
"""

import importlib.util
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LABEXTENSION = "jupyterlab_torch_doctor/labextension"
DEST = "share/jupyter/labextensions/jupyterlab-torch-doctor"
STANDALONE = "jupyterlab_torch_doctor/torch_doctor_probe.py"


class TorchDoctorBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version, build_data):
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        ext = root / LABEXTENSION
        if not (ext / "package.json").is_file():
            # hatch-jupyter-builder's ensured-targets says the same, later.
            raise RuntimeError(
                "jupyterlab_torch_doctor: the labextension has not been built "
                f"({LABEXTENSION}/package.json is missing). Run `npm ci && npm run build:prod`."
            )
        shared = build_data["shared_data"]
        for f in sorted(ext.rglob("*")):
            rel = f.relative_to(ext).as_posix()
            if f.is_file() and rel != "install.json":
                shared[str(f)] = f"{DEST}/{rel}"
        shared[str(root / "install.json")] = f"{DEST}/install.json"
        build_data["force_include"][self._standalone(root)] = STANDALONE

    def _standalone(self, root):
        spec = importlib.util.spec_from_file_location(
            "_torch_doctor_bundle", root / "jupyterlab_torch_doctor" / "probe" / "_bundle.py")
        bundler = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bundler)
        self._tmp = tempfile.TemporaryDirectory()
        path = Path(self._tmp.name) / "torch_doctor_probe.py"
        path.write_text(bundler.build("standalone"), encoding="utf-8")
        return str(path)

    def finalize(self, version, build_data, artifact_path):
        tmp = getattr(self, "_tmp", None)
        if tmp is not None:
            tmp.cleanup()
