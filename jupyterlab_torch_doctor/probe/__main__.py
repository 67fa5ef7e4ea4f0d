"""python -m jupyterlab_torch_doctor.probe [--deep]: print this interpreter's report as JSON."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
