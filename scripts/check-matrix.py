#!/usr/bin/env python3
"""Release-day check of src/advice/data/matrix.json against real artefacts.

    python scripts/check-matrix.py --index https://download.pytorch.org/whl
    python scripts/check-matrix.py --torch-python /path/to/env/bin/python
    python scripts/check-matrix.py --torch-python PY --capture src/advice/data/fixtures/NAME.json

--index lists torch on <index>/<variant>/ for every variant the data names
(plus the next CUDA minors, to spot a new variant) and prints where the
index and the data disagree: releases the index serves that the data lacks
or has not seen, variants missing on either side, Python tags beyond the
data's range. --torch-python imports torch in that interpreter and compares
its arch flags (torch._C._cuda_getArchFlags(), no GPU needed) with the arch
set the data gives its release and variant. Exit status 1 when anything
differs. Standard library only; the index is read with the same code as the
kernel's live check (jupyterlab_torch_doctor/probe/index.py).
"""

import argparse
import json
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
from jupyterlab_torch_doctor.probe.index import index_check  # noqa: E402

MATRIX = os.path.join(REPO, "src", "advice", "data", "matrix.json")
WHEEL = re.compile(r"^torch-(\d+(?:\.\d+)*)(?:\+([A-Za-z0-9.]+))?-(cp\d+t?)-[^-]+-(.+)\.whl$")


def release_key(version):
    return tuple(int(x) for x in version.split("."))


def next_cuda(variants):
    """cu132 -> cu133, cu134: a variant newer than the data shows up here first."""
    out = []
    for major in {v[2:4] for v in variants if re.fullmatch(r"cu1\d\d", v)}:
        top = max(int(v[4]) for v in variants if v.startswith("cu" + major) and len(v) == 5)
        out += [f"cu{major}{m}" for m in range(top + 1, min(top + 5, 10))]
    return out


def platform_of(tag):
    if "x86_64" in tag and "linux" in tag:
        return "linux-x86_64"
    if "aarch64" in tag:
        return "linux-aarch64"
    if tag.startswith("win_amd64"):
        return "windows-x86_64"
    if tag.startswith("macosx") and "arm64" in tag:
        return "macos-arm64"
    return None


SNAPSHOT = os.path.join(REPO, "src", "advice", "data", "snapshot.json")


def complete(data, snapshot=SNAPSHOT):
    """The release lines with what the snapshot says (variants, Python range, seen), as the engine reads them."""
    with open(snapshot, encoding="utf-8") as f:
        snap = json.load(f)
    for r in data["releases"]:
        pt = snap["pytorch"]["releases"].get(r["torch"], {})
        r.setdefault("variants", pt.get("variants", {}))
        files = snap["pypi"]["projects"]["torch"].get(r["torch"], {}).get("files", [])
        minors = sorted(int(m.group(1)) for m in (re.search(r"-cp3(\d+)-cp3\d+-", f) for f in files) if m)
        if minors:
            r.setdefault("python", {"min": f"3.{minors[0]}", "max": f"3.{minors[-1]}"})
        r.setdefault("seen_on_index", bool(files) or pt.get("read_from_index", False))
    return data


def check_index(data, base, timeout=10.0, out=print):
    """Print the differences between the data and the index; return how many."""
    releases = complete(data)["releases"]
    variants = sorted({v for r in releases for vs in r["variants"].values() for v in vs if v != "default"})
    variants += [v for v in next_cuda(variants) if v not in variants]
    queries = [{"index": f"{base.rstrip('/')}/{v}", "project": "torch"} for v in variants]
    found = {}  # variant -> {version: {"platforms": set, "python": set}}
    for chunk in range(0, len(queries), 16):
        for res in index_check(queries[chunk:chunk + 16], timeout)["results"]:
            v = res["index"].rsplit("/", 1)[1]
            if res["files"] is None:
                out(f"! {res['index']}: not readable ({res['error']})")
                continue
            for f in res["files"]:
                m = WHEEL.match(f.replace("%2B", "+"))
                if m and (m.group(2) or "") == v:
                    entry = found.setdefault(v, {}).setdefault(m.group(1), {"platforms": set(), "python": set()})
                    entry["platforms"].add(platform_of(m.group(4)))
                    entry["python"].add(m.group(3))
    diffs = 0
    known = {r["torch"]: r for r in releases}
    for r in releases:
        for alias in r.get("also", []):
            known.setdefault(alias, r)
    newest = max((r for r in releases if r.get("seen_on_index") is not False), key=lambda r: release_key(r["torch"]))
    for v, versions in sorted(found.items()):
        for ver, info in sorted(versions.items(), key=lambda x: release_key(x[0])):
            r = known.get(ver)
            plats = sorted(p for p in info["platforms"] if p)
            if r is None:
                if release_key(ver) > release_key(newest["torch"]):
                    out(f"+ index has torch {ver}+{v} ({', '.join(plats)}; {', '.join(sorted(info['python']))}): not in the data")
                    diffs += 1
                continue
            if r.get("seen_on_index") is False:
                out(f"+ index has torch {ver}+{v}: the data lists {r['torch']} as not seen on an index (set seen_on_index)")
                diffs += 1
            for p in plats:
                if v not in r["variants"].get(p, []):
                    out(f"+ index has torch {ver}+{v} for {p}: the data does not list {v} there")
                    diffs += 1
            if "python" not in r:
                continue
            lo, hi = (int(x.split(".")[1]) for x in (r["python"]["min"], r["python"]["max"]))
            extra = sorted(t for t in info["python"] if not lo <= int(re.sub(r"\D", "", t)[1:]) <= hi)
            if extra:
                out(f"+ index has torch {ver}+{v} for {', '.join(extra)}: beyond the data's Python {r['python']['min']}-{r['python']['max']}")
                diffs += 1
    for r in releases:
        if r.get("seen_on_index") is False:
            continue
        for p, vs in r["variants"].items():
            for v in vs:
                info = found.get(v, {}).get(r["torch"])
                if v != "default" and v in variants and (info is None or p not in info["platforms"]):
                    out(f"- data lists torch {r['torch']}+{v} for {p}: the index has no such wheel")
                    diffs += 1
    return diffs


PROBE = """
import json, platform, sys, torch
print(json.dumps({"torch": torch.__version__, "cuda": torch.version.cuda, "machine": platform.machine(),
                  "python_tag": "cp%d%d" % sys.version_info[:2],
                  "arch_flags": torch._C._cuda_getArchFlags() if torch.version.cuda else "",
                  "arch_list": torch.cuda.get_arch_list()}))
"""


def capture_arch(python):
    """The arch flags of the torch installed for `python` (imports torch there; needs no GPU)."""
    proc = subprocess.run([python, "-c", PROBE], capture_output=True, text=True, timeout=600)
    if proc.returncode:
        raise SystemExit(f"could not import torch in {python}: {proc.stderr.strip()[-500:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def check_arch(data, real, out=print):
    """Print the differences between a real build's arch flags and the data's arch set; return how many."""
    base, _, local = real["torch"].partition("+")
    variant = local or ("cu" + real["cuda"].replace(".", "") if real.get("cuda") else "")
    release = next((r for r in data["releases"] if r["torch"] == base or base in r.get("also", [])), None)
    if release is None or not variant.startswith("cu"):
        out(f"! torch {real['torch']}: no CUDA release of the data to compare with")
        return 1
    if real["machine"] == "aarch64":
        arch = data["arch_aarch64"].get(variant)
    else:
        arch = data["arch_sets"].get(release["arch"].get(variant, ""))
    if arch is None:
        out(f"! torch {real['torch']}: the data has no arch set for {variant}")
        return 1
    flags = real["arch_flags"].split()
    sass = sorted(int(f[3:]) for f in flags if f.startswith("sm_"))
    ptx = sorted(int(f[8:]) for f in flags if f.startswith("compute_"))
    diffs = 0
    for what, mine, theirs in (("SASS", sorted(arch["sass"]), sass), ("PTX", sorted(arch["ptx"]), ptx)):
        if mine != theirs:
            out(f"- torch {real['torch']} ({real['machine']}): {what} {theirs}, the data says {mine}")
            diffs += 1
    if not diffs:
        out(f"= torch {real['torch']} ({real['machine']}): arch flags match the data ({real['arch_flags']})")
    return diffs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--matrix", default=MATRIX)
    ap.add_argument("--index", help="an index base such as https://download.pytorch.org/whl")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per index request")
    ap.add_argument("--torch-python", help="an interpreter with the torch to compare")
    ap.add_argument("--capture", help="with --torch-python: also write its arch flags to this JSON file")
    args = ap.parse_args(argv)
    if not args.index and not args.torch_python:
        ap.error("give --index, --torch-python or both")
    with open(args.matrix, encoding="utf-8") as f:
        data = json.load(f)
    diffs = 0
    if args.index:
        diffs += check_index(data, args.index, args.timeout)
    if args.torch_python:
        real = capture_arch(args.torch_python)
        diffs += check_arch(data, real)
        if args.capture:
            with open(args.capture, "w", encoding="utf-8") as f:
                json.dump(real, f, indent=2)
                f.write("\n")
    print(f"{diffs} difference(s) with {os.path.relpath(args.matrix)} (data as of {data['data_as_of']})")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
