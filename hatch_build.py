"""Refuse to build a wheel that would ship without the built labextension, and
add the single-file probe, jupyterlab_torch_doctor/torch_doctor_probe.py.

hatch-jupyter-builder normally does the first through `ensured-targets`; it is
not available offline, so this small hook does the same check. The single file
is generated from jupyterlab_torch_doctor/probe/ by its _bundle.py.
"""

import importlib.util
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

REQUIRED = (
    "jupyterlab_torch_doctor/labextension/package.json",
    "jupyterlab_torch_doctor/labextension/static/style.js",
)
STANDALONE = "jupyterlab_torch_doctor/torch_doctor_probe.py"


class LabextensionGuard(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version, build_data):
        # Editable installs link the source tree; `jupyter labextension
        # develop` provides the labextension for them.
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        missing = [p for p in REQUIRED if not (root / p).is_file()]
        if missing:
            raise RuntimeError(
                "jupyterlab_torch_doctor: the labextension has not been built "
                f"(missing {', '.join(missing)}). Run `npm ci && npm run build:prod` "
                "(or `make build`) before building the wheel."
            )
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
