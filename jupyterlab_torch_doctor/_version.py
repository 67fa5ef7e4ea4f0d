"""The package version, read from the package.json that ships with it."""

import json
from pathlib import Path

__all__ = ["__version__"]


def _read_version() -> str:
    here = Path(__file__).parent
    # Installed wheel: the built labextension carries package.json.
    # Source checkout: the repository's package.json is one level up.
    for candidate in (here / "labextension" / "package.json", here.parent / "package.json"):
        try:
            data = json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if data.get("name") == "jupyterlab-torch-doctor" and "version" in data:
            return str(data["version"])
    try:
        from importlib.metadata import version

        return version("jupyterlab_torch_doctor")
    except Exception:  # pragma: no cover - metadata missing too
        return "0.0.0+unknown"


__version__ = _read_version()
