"""The CUDA library inventory's cost in the quick probe, on an environment of 300 distributions.

    .venv/bin/python benchmarks/cudalibs_bench.py [RUNS]

Builds a site-packages of 300 dist-info folders and times the quick probe's collect() (what runs in
the kernel) with and without the inventory, interleaved, RUNS times each (default 200): medians, the
difference and the ratio. Two environments: 300 unrelated distributions; and 275 unrelated plus 25
of the CUDA families with REAL METADATA (tests/fixtures/cuda-metadata), the worst case the limit
speaks of. Prints a Markdown table; never fails on a time.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from jupyterlab_torch_doctor.probe import report as report_module  # noqa: E402
from jupyterlab_torch_doctor.probe.core import Probe  # noqa: E402
from cudatree import META, install_meta, plain_dist  # noqa: E402

REAL = sorted(p.name for p in META.iterdir() if p.is_dir() and not p.name.startswith("torch-"))


def build(site, cuda):
    site.mkdir(parents=True)
    chosen = []
    seen = set()
    for folder in REAL:
        name = folder.rsplit("-", 1)[0]
        if cuda and name not in seen:
            seen.add(name)
            chosen.append(folder)
    for folder in chosen:
        install_meta(site, folder)
    # Unrelated distributions with a METADATA of a realistic size (the probe must not open them).
    for i in range(300 - len(chosen)):
        info = plain_dist(site, f"package_{i:03d}", "1.0.0")
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: x\nVersion: 1.0.0\n" +
                                       "Requires-Dist: numpy\n" * 20 + "\n" + "description\n" * 200)
    return len(chosen)


def timed(runs, site):
    real = report_module.cuda_libs
    saved = list(sys.path)
    sys.path[:] = [str(site)] + [p for p in saved if "site-packages" not in p]
    with_inv, without = [], []
    try:
        for _ in range(runs):
            for variant in ("with", "without"):
                report_module.cuda_libs = real if variant == "with" else (lambda p: None)
                t = time.perf_counter()
                report_module.collect(Probe(root="/nonexistent"))
                (with_inv if variant == "with" else without).append((time.perf_counter() - t) * 1000)
    finally:
        report_module.cuda_libs = real
        sys.path[:] = saved
    return statistics.median(without), statistics.median(with_inv)


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for cuda in (False, True):
            site = Path(tmp) / ("cuda" if cuda else "plain") / "site-packages"
            n = build(site, cuda)
            base, with_inv = timed(runs, site)
            rows.append((f"300 distributions, {n} of them CUDA families", base, with_inv))
    print(f"\nquick probe collect(), median of {runs}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    print("| environment | without inventory | with inventory | difference | ratio |")
    print("|---|---|---|---|---|")
    for label, base, with_inv in rows:
        print(f"| {label} | {base:.2f} ms | {with_inv:.2f} ms | {with_inv - base:+.2f} ms | {with_inv / base:.3f} |")


if __name__ == "__main__":
    main()
