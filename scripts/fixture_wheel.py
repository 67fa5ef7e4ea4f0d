"""Write a tiny, real wheel of a fixture package, for tests that need pip to choose between versions.

    python scripts/fixture_wheel.py DIR NAME VERSION [REQUIREMENT ...]

The wheel (py3-none-any) holds NAME/__init__.py, a torch-style NAME/version.py and a dist-info
with METADATA, WHEEL and a hashed RECORD, so pip installs, uninstalls and resolves it as any
wheel. It is not torch: importing it only tells that it is a fixture. Standard library only.
"""

import base64
import hashlib
import os
import re
import sys
import zipfile


def _hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def fixture_wheel(folder, name, version, requires=()):
    """Write NAME-VERSION-py3-none-any.whl into folder; return its path."""
    escaped = re.sub(r"[-_.]+", "_", name)  # the wheel's file names use this form
    info = f"{escaped}-{version}.dist-info"
    meta = "".join([f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
                    *(f"Requires-Dist: {r}\n" for r in requires)])
    files = {
        f"{escaped}/__init__.py": f'"""A test fixture, not the real {name}."""\n__version__ = {version!r}\n',
        f"{escaped}/version.py": f"__version__ = {version!r}\ncuda = None\n",
        f"{info}/METADATA": meta,
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: fixture-wheel\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{p},{_hash(t.encode())},{len(t.encode())}\n" for p, t in files.items())
    files[f"{info}/RECORD"] = record + f"{info}/RECORD,,\n"
    path = os.path.join(folder, f"{escaped}-{version}-py3-none-any.whl")
    os.makedirs(folder, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for p, t in files.items():
            z.writestr(p, t)
    return path


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    print(fixture_wheel(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]))
