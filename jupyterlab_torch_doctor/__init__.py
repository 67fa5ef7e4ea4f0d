"""jupyterlab-torch-doctor: is the torch in this kernel the right build?"""

from ._version import __version__

__all__ = ["__version__"]


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab-torch-doctor"}]
