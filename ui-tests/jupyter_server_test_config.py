"""JupyterLab server configuration for the Galata UI tests."""

import os

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821

c.ServerApp.allow_root = True  # noqa: F821  (CI runs as root)
c.LabApp.extension_manager = "readonly"  # noqa: F821  (no PyPI here)
# The Notebook 7 test drives the app through window.jupyterapp, as Galata does in Lab.
c.JupyterNotebookApp.expose_app_in_browser = True  # noqa: F821
# The port Playwright waits on (playwright.config.js); never another one.
c.ServerApp.port = int(os.environ.get("GALATA_PORT", "18888"))  # noqa: F821
c.ServerApp.port_retries = 0  # noqa: F821
