"""Inventories of CUDA-library scenarios, for the engine's jest tests (src/advice/__tests__/cudaLibs.spec.ts).

    python tests/cuda_scenarios.py < scenarios.json > inventories.json

Each scenario builds a site-packages from the REAL METADATA files of tests/fixtures/cuda-metadata
(plus plain dist-infos named in "plain"), a conda-meta with the record names in "conda", and an
LD_LIBRARY_PATH folder outside the environment holding the file names in "system_libs", then runs
the probe's cuda_libs on it. Standard library only.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from jupyterlab_torch_doctor.probe.core import Probe  # noqa: E402
from jupyterlab_torch_doctor.probe.cudalibs import cuda_libs  # noqa: E402
from cudatree import install_meta, plain_dist  # noqa: E402


def build(spec, root):
    prefix = root / "env"
    site = prefix / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    for folder in spec.get("dists", []):
        install_meta(site, folder, record=folder not in spec.get("no_record", []))
    for name, version in spec.get("plain", []):
        plain_dist(site, name, version)
    if "conda" in spec:
        (prefix / "conda-meta").mkdir()
        for n in spec["conda"]:
            (prefix / "conda-meta" / n).write_text("{}")
    ld = []
    if spec.get("system_libs"):
        system = root / "usr" / "local" / "cuda" / "lib64"
        system.mkdir(parents=True)
        for n in spec["system_libs"]:
            (system / n).write_text("")
        ld.append(str(system))
    p = Probe()
    inv = cuda_libs(p, paths=[str(site)], prefix=str(prefix), ld_path=os.pathsep.join(ld))
    # Paths differ per run: the tests see stable ones.
    text = json.dumps(inv).replace(str(root), "/scenario")
    return {"cuda_libs": json.loads(text), "errors": json.loads(json.dumps(p.errors).replace(str(root), "/scenario"))}


def main():
    scenarios = json.load(sys.stdin)
    out = {}
    for name, spec in scenarios.items():
        with tempfile.TemporaryDirectory() as tmp:
            out[name] = build(spec, Path(tmp))
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
