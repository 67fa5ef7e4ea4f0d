#!/usr/bin/env python3
"""Write the advice engine's offline snapshot of the indexes (src/advice/data/snapshot.json).

    python scripts/snapshot-index.py                       # PyPI (or --pypi URL), keep the rest
    python scripts/snapshot-index.py --pytorch https://download.pytorch.org/whl
    python scripts/snapshot-index.py --check               # print what changed, write nothing

For torch, torchvision and torchaudio on PyPI (PEP 691 JSON): every release
since --since with its wheel file names (tags), each file's Requires-Python,
and the core metadata's Requires-Python and Requires-Dist lines on torch and
on CUDA (cuda-toolkit, nvidia-cuda-runtime-*) of its Linux wheels. Core
metadata come from PEP 658 `.metadata` files where the index has them, else
from `pip install --dry-run --no-deps --report` (which reads the same
metadata without installing). Every entry records its source and date.

The `pytorch` part lists, per release, the variants download.pytorch.org
serves per platform. With --pytorch it is read from that index (torch's
wheel names under <base>/<variant>/torch/); entries the index could not
give are kept as they were, with their sources and `"read_from_index":
false`. Our build machines cannot reach download.pytorch.org: those entries
come from sourced release material (see src/advice/data/README.md).

Standard library only (and pip for the metadata fallback).
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
from jupyterlab_torch_doctor.probe.index import index_check  # noqa: E402

OUT = os.path.join(REPO, "src", "advice", "data", "snapshot.json")
PROJECTS = {"torch": "2.0.0", "torchvision": "0.15.0", "torchaudio": "2.0.0"}
# The Linux wheels whose metadata say which CUDA PyPI's build carries.
LINUX = {"x86_64": "manylinux_2_28_x86_64", "aarch64": "manylinux_2_28_aarch64"}
WANTED = re.compile(r"^(torch|cuda-toolkit|nvidia-cuda-runtime(-cu\d+)?)\b", re.I)


def key(version):
    return tuple(int(x) for x in version.split("."))


def stable(version):
    return re.fullmatch(r"\d+(\.\d+)*", version) is not None


def pypi_files(index, project, timeout):
    """{version: [{file, requires_python, url}]} of the stable releases on a PEP 691 index."""
    req = urllib.request.Request(index.rstrip("/") + f"/{project}/", headers={
        "Accept": "application/vnd.pypi.simple.v1+json", "User-Agent": "jupyterlab-torch-doctor"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        page = json.load(resp)
    out = {}
    for f in page.get("files", []):
        name = f.get("filename", "")
        parts = name[:-4].split("-") if name.endswith(".whl") else []
        # 6 parts: a build tag (torch-2.10.0-3-cp311-...), which pip prefers.
        if len(parts) not in (5, 6) or not stable(parts[1]) or f.get("yanked"):
            continue
        out.setdefault(parts[1], []).append({
            "file": name, "requires_python": f.get("requires-python") or None,
            "url": f.get("url"), "meta": bool(f.get("core-metadata") or f.get("dist-info-metadata")),
            "uploaded": (f.get("upload-time") or "")[:10] or None})
    return out


def read_metadata(text):
    head = text.replace("\r\n", "\n").split("\n\n", 1)[0]
    rp, reqs = None, []
    for line in head.splitlines():
        k, _, v = line.partition(":")
        if k.lower() == "requires-python":
            rp = v.strip()
        elif k.lower() == "requires-dist" and WANTED.match(v.strip()):
            reqs.append(v.strip())
    return rp, reqs


def metadata(project, version, f, pypi, timeout):
    """(Requires-Python, Requires-Dist lines, source) of one wheel."""
    if f["meta"] and f["url"]:
        with urllib.request.urlopen(f["url"].split("#")[0] + ".metadata", timeout=timeout) as r:
            rp, reqs = read_metadata(r.read().decode("utf-8", "replace"))
        return rp, reqs, "PEP 658 core metadata"
    parts = f["file"][:-4].split("-")[-3:]
    py, plat = parts[0].split(".")[0], parts[2].split(".")[0]
    args = [sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "--ignore-installed",
            "--only-binary=:all:", "--platform", plat, "-q", "--index-url", pypi]
    if py.startswith("cp"):
        args += ["--python-version", py[2] + "." + py[3:], "--abi", parts[1]]
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "r.json")
        args += ["--target", os.path.join(tmp, "t")]  # pip wants it with --platform; nothing is installed
        env = dict(os.environ, PIP_CONFIG_FILE=os.devnull)
        env.pop("PIP_FIND_LINKS", None)
        subprocess.run(args + ["--report", report, f"{project}=={version}"], check=True, env=env,
                       capture_output=True, timeout=300)
        with open(report) as r:
            item = json.load(r)["install"][0]
    got = item["download_info"]["url"].rsplit("/", 1)[1]
    if got != f["file"]:
        raise RuntimeError(f"pip chose {got}, not {f['file']}")
    m = item["metadata"]
    reqs = [r for r in m.get("requires_dist", []) if WANTED.match(r)]
    return m.get("requires_python"), reqs, "pip --dry-run --report (core metadata)"


def build(file):
    """The build number of a wheel file name (0 without a build tag)."""
    parts = file[:-4].split("-")
    return int(re.match(r"\d+", parts[2]).group()) if len(parts) == 6 else 0


def pick(files, arch):
    """The wheel whose metadata to read: a Linux one of this machine, a py3 or cp311 one first."""
    linux = [f for f in files if f["file"].endswith(LINUX[arch] + ".whl")
             or re.search(r"-(manylinux\w*?)_" + arch + r"\.whl$", f["file"])]
    # pip's choice among equal tags: the highest build tag.
    linux.sort(key=lambda f: (not f["file"].split("-")[-3].startswith("py3"), "-cp311-" not in f["file"],
                              -build(f["file"])))
    return linux[0] if linux else None


def snapshot_pypi(pypi, timeout, today, read_meta=True):
    out = {}
    for project, since in PROJECTS.items():
        versions = {v: fs for v, fs in pypi_files(pypi, project, timeout).items() if key(v) >= key(since)}
        jobs = []
        for v, fs in (versions.items() if read_meta else ()):
            arches = ("x86_64", "aarch64") if project == "torch" else ("x86_64",)
            for arch in arches:
                f = pick(fs, arch)
                if f:
                    jobs.append((v, arch, f))

        def one(job):
            v, arch, f = job
            try:
                return job, metadata(project, v, f, pypi, timeout)
            except Exception as e:  # recorded, not fatal: the entry says it is unknown
                return job, (None, None, f"unreadable: {type(e).__name__}: {e}"[:200])

        with ThreadPoolExecutor(max_workers=4) as pool:
            read = list(pool.map(one, jobs))
        entries = {}
        for v in sorted(versions, key=key, reverse=True):
            fs = versions[v]
            rps = sorted({f["requires_python"] or "" for f in fs})
            entry = {
                "files": sorted(f["file"] for f in fs),
                "requires_python": rps[0] or None if len(rps) == 1 else None,
                "uploaded": min((f["uploaded"] for f in fs if f["uploaded"]), default=None),
                "metadata": {},
            }
            if len(rps) > 1:
                entry["requires_python_by_file"] = {f["file"]: f["requires_python"] for f in fs}
            for (jv, arch, f), (rp, reqs, how) in read:
                if jv == v:
                    entry["metadata"][f["file"]] = {"requires_python": rp, "requires_dist": reqs,
                                                    "source": how, "date": today}
            entries[v] = entry
        out[project] = entries
    return {"index": pypi, "source": f"{pypi} (PEP 691 JSON)", "date": today, "projects": out}


def snapshot_pytorch(base, old, timeout, today, variants_hint):
    """Per release: the variants per platform and, per variant, the trio's file names with their
    Requires-Python, as the index lists them; old entries are kept where it did not answer."""
    releases = dict(old.get("releases", {}))
    if not base:
        return {"index": old.get("index", "https://download.pytorch.org/whl"), "releases": releases}
    queries = [{"index": f"{base.rstrip('/')}/{v}", "project": p}
               for v in variants_hint for p in ("torch", "torchvision", "torchaudio")]
    results = []
    for chunk in range(0, len(queries), 16):  # the index check takes 16 queries at a time
        results += index_check(queries[chunk:chunk + 16], timeout)["results"]
    plats_of, files_of = {}, {}
    for res in results:
        if res["files"] is None:
            continue
        variant = res["index"].rsplit("/", 1)[1]
        rps = res.get("requires_python") or [None] * len(res["files"])
        for name, rp in zip(res["files"], rps):
            m = re.match(r"^(torch|torchvision|torchaudio)-(\d+(?:\.\d+)*)\+([\w.]+)-(?:\d[^-]*-)?[^-]+-[^-]+-(.+)\.whl$",
                         name.replace("%2B", "+"))
            if not m or m.group(3) != variant:
                continue
            files_of.setdefault((res["project"], m.group(2)), {}).setdefault(variant, {})[name.replace("%2B", "+")] = rp
            plat = platform_of(m.group(4))
            if res["project"] == "torch" and plat:
                plats_of.setdefault(m.group(2), {}).setdefault(plat, set()).add(variant)
    for version, plats in plats_of.items():
        releases[version] = {"variants": {p: sorted(vs) for p, vs in sorted(plats.items())},
                             "files": files_of.get(("torch", version), {}),
                             "source": f"{base} (PEP 691/503 pages)", "date": today, "read_from_index": True}
    companions = {f"{p} {v}": vs for (p, v), vs in sorted(files_of.items()) if p != "torch"}
    out = {"index": base, "releases": dict(sorted(releases.items(), key=lambda kv: key(kv[0]), reverse=True))}
    if companions:
        out["companions"] = {"files": companions, "source": f"{base} (PEP 691/503 pages)", "date": today}
    return out


def platform_of(tag):
    if "linux" in tag and "x86_64" in tag:
        return "linux-x86_64"
    if "linux" in tag and "aarch64" in tag:
        return "linux-aarch64"
    if tag.startswith("win_amd64"):
        return "windows-x86_64"
    if tag.startswith("macosx") and "arm64" in tag:
        return "macos-arm64"
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pypi", default="https://pypi.org/simple", help="a PEP 691 index (PyPI or its mirror)")
    ap.add_argument("--pytorch", help="the PyTorch index base to read variants from, e.g. https://download.pytorch.org/whl")
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--check", action="store_true", help="print the differences only; exit 1 when any")
    a = ap.parse_args(argv)
    today = datetime.date.today().isoformat()
    old = json.load(open(a.out)) if os.path.exists(a.out) else {}
    hint = sorted({v for r in old.get("pytorch", {}).get("releases", {}).values()
                   for vs in r["variants"].values() for v in vs if v != "default"})
    if a.check:  # only the file lists: which releases PyPI has that the snapshot lacks
        listed = snapshot_pypi(a.pypi, a.timeout, today, read_meta=False)
        changed = [(p, v) for p, vs in listed["projects"].items() for v in vs
                   if v not in old.get("pypi", {}).get("projects", {}).get(p, {})]
        for p, v in changed:
            print(f"new on {a.pypi}: {p} {v}")
        return 1 if changed else 0
    new = {
        "$comment": "Generated by scripts/snapshot-index.py: what the indexes served, with source and date. "
                    "Do not edit by hand, except `pytorch.releases` entries with \"read_from_index\": false, "
                    "which name the release material they come from.",
        "generated": today,
        "pypi": snapshot_pypi(a.pypi, a.timeout, today),
        "pytorch": snapshot_pytorch(a.pytorch, old.get("pytorch", {}), a.timeout, today, hint),
    }
    with open(a.out, "w") as f:
        json.dump(new, f, indent=1, sort_keys=False)
        f.write("\n")
    n = sum(len(v) for v in new["pypi"]["projects"].values())
    print(f"wrote {a.out}: {n} releases from {a.pypi}, {len(new['pytorch']['releases'])} from the PyTorch index part")
    return 0


if __name__ == "__main__":
    sys.exit(main())
