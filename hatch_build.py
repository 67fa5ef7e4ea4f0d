"""Refuse to build a wheel that would ship without the built labextension.

hatch-jupyter-builder normally does this through `ensured-targets`; it is not
available offline, so this small hook does the same check.
"""

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

REQUIRED = (
    "jupyterlab_torch_doctor/labextension/package.json",
    "jupyterlab_torch_doctor/labextension/static/style.js",
)


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
