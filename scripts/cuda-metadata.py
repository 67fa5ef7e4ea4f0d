"""Fetch the real core metadata of CUDA-family wheels from PyPI, without downloading the wheels.

    python scripts/cuda-metadata.py [DIR]    # default tests/fixtures/cuda-metadata

For each NAME==VERSION below, `pip install --dry-run --no-deps --ignore-installed
--report` reads the wheel's METADATA from PyPI (PEP 658) and writes it as JSON
(the PEP 566 form). This script writes that header back as a METADATA file in
DIR/<name>-<version>/METADATA, field by field and in the order pip gives them;
the long description is dropped (the probe reads the header only). SOURCES.json
keeps each wheel's file name, URL and sha256 as the report gives them.
Run with PIP_CONFIG_FILE=/dev/null so that pip sees only PyPI.
"""

import json
import os
import subprocess
import sys
import tempfile

WANT = [
    "torch==2.15.0", "torch==2.7.1", "cuda-toolkit==13.2.2",
    "nvidia-cudnn-cu13==9.26.0.51", "nvidia-cudnn-cu13==9.28.1.4", "nvidia-cudnn-cu12==9.28.0.42",
    "nvidia-cublas==13.4.1.3", "nvidia-cublas==13.10.0.20", "nvidia-cublas-cu12==12.9.3.13",
    "nvidia-cuda-runtime==13.5.37", "nvidia-cuda-runtime-cu12==12.9.79", "nvidia-nccl-cu13==2.32.6",
    "nvidia-nvtx-cu12==12.9.79",
    "jax-cuda13-plugin==0.10.2", "jax-cuda13-pjrt==0.10.2", "jax-cuda12-plugin==0.10.2", "jaxlib==0.10.2",
    "cupy-cuda12x==14.2.0", "cupy-cuda13x==14.2.0", "tensorflow==2.21.0", "onnxruntime-gpu==1.31.1",
]
# The PEP 566 JSON keys whose field may repeat, and the header names of all of them.
MULTI = {"classifier", "requires_dist", "provides_extra", "project_url", "platform", "supported_platform",
         "dynamic", "license_file", "requires_external", "provides_dist", "obsoletes_dist"}
SKIP = {"description"}


def field(key):
    special = {"home_page": "Home-page", "download_url": "Download-URL", "project_url": "Project-URL",
               "license_expression": "License-Expression", "license_file": "License-File"}
    return special.get(key) or "-".join(w.capitalize() for w in key.split("_"))


def header(meta):
    lines = []
    for key, value in meta.items():
        if key in SKIP:
            continue
        name = field(key)
        if key == "keywords" and isinstance(value, list):
            value = ",".join(value)
        for v in (value if key in MULTI and isinstance(value, list) else [value]):
            text = str(v).replace("\n", "\n        ")
            lines.append(f"{name}: {text}")
    return "\n".join(lines) + "\n\n"


def main(out):
    os.makedirs(out, exist_ok=True)
    sources = {}
    env = dict(os.environ, PIP_CONFIG_FILE=os.devnull)
    for spec in WANT:
        with tempfile.TemporaryDirectory() as tmp:
            report = os.path.join(tmp, "r.json")
            subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--dry-run", "--no-deps",
                            "--ignore-installed", "--report", report, spec], check=True, env=env)
            with open(report, encoding="utf-8") as f:
                item = json.load(f)["install"][0]
        meta = item["metadata"]
        folder = os.path.join(out, f"{meta['name']}-{meta['version']}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "METADATA"), "w", encoding="utf-8") as f:
            f.write(header(meta))
        info = item["download_info"]
        sources[f"{meta['name']}=={meta['version']}"] = {
            "file": info["url"].rsplit("/", 1)[-1], "url": info["url"],
            "sha256": (info.get("archive_info") or {}).get("hashes", {}).get("sha256")}
    with open(os.path.join(out, "SOURCES.json"), "w", encoding="utf-8") as f:
        json.dump({"read_with": "pip install --dry-run --no-deps --ignore-installed --report (PEP 658 metadata)",
                   "wheels": sources}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests",
                                                            "fixtures", "cuda-metadata"))
