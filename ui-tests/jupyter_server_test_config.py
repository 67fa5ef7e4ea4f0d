"""JupyterLab server configuration for the Galata UI tests."""

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

c.ServerApp.allow_root = True  # noqa: F821  (CI runs as root)
c.LabApp.extension_manager = "readonly"  # noqa: F821  (no PyPI here)
# The Notebook 7 test drives the app through window.jupyterapp, as Galata does in Lab.
c.JupyterNotebookApp.expose_app_in_browser = True  # noqa: F821
