"""Derive golden expectations from the real PyPI data, never from the engine.

    .venv/bin/python src/advice/golden/derive.py

For each kernel described below it builds the tag set pip would use
(packaging.tags, the oracle), then reads src/advice/data/snapshot.json (PyPI's
file names, Requires-Python and core metadata, see scripts/snapshot-index.py)
and prints: the newest torch with a fitting wheel whose Requires-Python admits
the kernel's Python, the newest torchvision/torchaudio whose own Requires-Dist
admits that torch and that fits, and the `report.python.tags` value (report
contract of issue #17) to put in the case. packaging is a test-only tool here.
"""

import json
import pathlib
import sys

from packaging import tags
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import parse_wheel_filename
from packaging.version import Version

SNAP = json.loads((pathlib.Path(__file__).parents[1] / "data" / "snapshot.json").read_text())


def manylinux(glibc, arch):
    major, top = (int(x) for x in glibc.split("."))
    out = []
    for minor in range(top, 4, -1):
        out.append(f"manylinux_{major}_{minor}_{arch}")
        legacy = {17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}.get(minor)
        if legacy and arch in ("x86_64", "i686") or (legacy == "manylinux2014" and arch == "aarch64"):
            out.append(f"{legacy}_{arch}")
    return out + [f"linux_{arch}"]


def kernel(python, *, glibc=None, arch="x86_64", macos=None, threaded=False):
    major, minor = (int(x) for x in python.split(".")[:2])
    interp = f"cp{major}{minor}"
    # packaging's order; a free-threaded build has abi3t (PEP 803), not abi3.
    abis = [interp + "t", "abi3t", "none"] if threaded else [interp, "abi3", "none"]
    plats = list(tags.mac_platforms(tuple(int(x) for x in macos.split(".")), arch)) if macos \
        else manylinux(glibc, arch)
    tagset = set(tags.cpython_tags((major, minor), abis, plats)) \
        | set(tags.compatible_tags((major, minor), interp, plats))
    contract = {"interpreter": interp, "abis": abis, "platforms": plats,
                "libc": {"name": "glibc", "version": glibc} if glibc else None, "macos": macos}
    return python, tagset, contract


def fits(entry, f, py, tagset):
    _, _, _, ftags = parse_wheel_filename(f)
    rp = (entry.get("requires_python_by_file") or {}).get(f) or entry["requires_python"]
    return bool(ftags & tagset) and (not rp or Version(py) in SpecifierSet(rp))


def requires(entry):
    for m in entry["metadata"].values():
        if m["requires_dist"] is not None:
            return m["requires_dist"]
    return None


def derive(python, tagset):
    proj = SNAP["pypi"]["projects"]
    torch = next((v for v in proj["torch"] if any(fits(proj["torch"][v], f, python, tagset)
                                                    for f in proj["torch"][v]["files"])), None)
    out = {"torch": torch}
    for comp in ("torchvision", "torchaudio"):
        best = None
        for v, e in proj[comp].items():
            reqs = requires(e)
            if reqs is None or not any(fits(e, f, python, tagset) for f in e["files"]):
                continue
            spec = next((Requirement(r).specifier for r in reqs if Requirement(r).name == "torch"), None)
            if spec is None:
                # Names no torch (torchaudio 2.11.0): built for the torch of its day, not an older one.
                up, tup = e.get("uploaded"), proj["torch"].get(torch or "", {}).get("uploaded")
                from datetime import date, timedelta
                spec = SpecifierSet() if not (up and tup) or \
                    date.fromisoformat(tup) >= date.fromisoformat(up) - timedelta(days=3) else SpecifierSet("<0")
            if torch and Version(torch) in spec and (best is None or Version(v) > Version(best)):
                best = v
        out[comp] = best
    return out


KERNELS = {
    "glibc-2.17-py311": kernel("3.11.7", glibc="2.17"),
    "glibc-2.26-aarch64-py311": kernel("3.11.7", glibc="2.26", arch="aarch64"),
    "macos-13.6-arm64-py311": kernel("3.11.7", macos="13.6", arch="arm64"),
    "macos-14.2-arm64-py312": kernel("3.12.4", macos="14.2", arch="arm64"),
    "py3.14t": kernel("3.14.0", glibc="2.36", threaded=True),
    "py3.13t": kernel("3.13.5", glibc="2.36", threaded=True),
    "py3.9": kernel("3.9.18", glibc="2.36"),
    "py3.10": kernel("3.10.12", glibc="2.35"),
    "py3.12": kernel("3.12.3", glibc="2.39"),
    "py3.14.0": kernel("3.14.0", glibc="2.36"),
    "py3.14.1": kernel("3.14.1", glibc="2.36"),
    "py3.16": kernel("3.16.0", glibc="2.36"),
}

def oracle(out_path):
    """Write, for each kernel above, which of a set of wheel file names packaging says it installs.

    The files: every torch/torchvision/torchaudio wheel in the snapshot, plus compressed and
    abi3/any names that PyPI's torch files lack. src/advice/__tests__/tags.spec.ts checks the
    engine's KernelTags against it.
    """
    proj = SNAP["pypi"]["projects"]
    files = sorted({f for p in proj.values() for e in p.values() for f in e["files"]})
    files += ["six-1.16.0-py2.py3-none-any.whl", "numpy-2.1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
              "cryptography-43.0.0-cp39-abi3-manylinux_2_28_x86_64.whl", "cryptography-43.0.0-cp39-abi3-macosx_10_9_universal2.whl",
              "orjson-3.10.0-cp313-cp313t-musllinux_1_2_x86_64.whl", "x-1.0-cp311-none-any.whl", "x-1.0-py311-none-any.whl",
              "x-1.0-py3-none-linux_x86_64.whl", "x-1.0-cp312-abi3-manylinux_2_17_x86_64.whl", "x-1.0-cp314-abi3-manylinux_2_17_x86_64.whl",
              "x-1.0-cp313-abi3t-manylinux_2_17_x86_64.whl", "x-1.0-cp314-abi3t-manylinux_2_17_x86_64.whl",
              "x-1.0-cp315-abi3t-manylinux_2_17_x86_64.whl"]
    result = {}
    for name, (py, tagset, contract) in KERNELS.items():
        result[name] = {"tags": contract, "python": py,
                        "fits": [f for f in files if parse_wheel_filename(f)[3] & tagset]}
    pathlib.Path(out_path).write_text(json.dumps({"$comment": "Generated by src/advice/golden/derive.py --oracle "
                                                  "(packaging " + __import__("packaging").__version__ + " as the oracle)",
                                                  "files": files, "kernels": result}, indent=1) + "\n")


if __name__ == "__main__" and sys.argv[1:2] == ["--oracle"]:
    oracle(sys.argv[2])
    sys.exit(0)

if __name__ == "__main__":
    only = sys.argv[1:]
    for name, (py, tagset, contract) in KERNELS.items():
        if only and name not in only:
            continue
        print(name, json.dumps(derive(py, tagset)))
        if "--tags" in only:
            print(json.dumps(contract))
