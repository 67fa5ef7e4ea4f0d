"""`python -m jupyterlab_torch_doctor`: print the version and where to go next."""

import argparse
import sys

from . import __version__


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m jupyterlab_torch_doctor",
        description="jupyterlab-torch-doctor: is the torch in this environment the right build?",
    )
    parser.add_argument("--version", action="version", version=__version__)
    parser.parse_args(argv)
    print(f"jupyterlab-torch-doctor {__version__}")
    print(f"Python: {sys.executable}")
    print("Probe this interpreter: python -m jupyterlab_torch_doctor.probe [--deep]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
