"""Installed packages: the torch trio read from dist-info and version.py as text, never imported."""

import ast
import json
import os
import re
import sys

from .core import _norm, _read_json, _read_text

TRIO = ("torch", "torchvision", "torchaudio")
# Packages whose builds are tied to one CUDA (or ROCm) and break when torch changes.
CUDA_TIED = ("xformers", "flash-attn", "flash_attn", "vllm", "bitsandbytes", "triton",
             "pytorch-triton", "pytorch-triton-rocm", "pytorch-triton-xpu", "cuda-toolkit",
             "cuda-bindings", "onnxruntime-gpu", "deepspeed")


def packages(p):
    dists = _dist_index()
    trio = {name: p.guard("package:" + name, package, None, name, dists.get(_norm(name))) for name in TRIO}
    tied = {_norm(n) for n in CUDA_TIED}
    related = [{"name": key, "version": version} for key, (version, _path) in sorted(dists.items())
               if key in tied or key.startswith("nvidia-")]
    numpy = dists.get("numpy")
    torch_mod = sys.modules.get("torch")
    imported = None
    if torch_mod is not None:
        cuda_mod = sys.modules.get("torch.cuda")
        init = getattr(cuda_mod, "is_initialized", None)
        imported = {"version": str(getattr(torch_mod, "__version__", "")) or None,
                    "cuda_initialized": bool(init()) if callable(init) else None}
    return {"packages": trio, "related": related,
            "numpy": numpy[0] if numpy else None, "torch_imported": imported}


def no_packages():
    return {"packages": {n: None for n in TRIO}, "related": [], "numpy": None, "torch_imported": None}


def package(name, entry):
    if entry is None:
        return None
    version, info_dir = entry
    meta = _read_meta(info_dir)
    site = os.path.dirname(info_dir)
    build = _version_py(os.path.join(site, name, "version.py"))
    installer = _read_text(os.path.join(info_dir, "INSTALLER"))
    full = str(build.get("__version__") or meta.get("Version") or version)
    text = {k: build.get(k) if isinstance(build.get(k), str) else None
            for k in ("cuda", "hip", "rocm", "xpu", "git_version")}
    return {"version": meta.get("Version") or version, "build_version": full,
            "local": full.split("+", 1)[1] if "+" in full else None, **text,
            "version_file": bool(build), "installer": (installer or "").strip() or None,
            "conda": _conda_record(name), "location": site,
            "requires": [r for r in meta.get("Requires-Dist", []) if "extra ==" not in r][:60],
            "variant": _variant(info_dir, full)}


def _variant(info_dir, full):
    """PEP 825 (provisional) *.dist-info/variant.json: its label and 'namespace :: feature :: value' list.

    A wheel's file has one entry, its label; with several, the local tag may name one.
    """
    try:
        v, local = _read_json(os.path.join(info_dir, "variant.json"))["variants"], full.partition("+")[2]
        label = next(iter(v)) if len(v) == 1 else local if local in v else None
        return {"label": label, "properties": [f"{n} :: {f} :: {x}" for n, fs in (v[label] if label else {}).items()
                                               for f, xs in fs.items() for x in xs if isinstance(x, str)][:32]}
    except (TypeError, KeyError, AttributeError, StopIteration):
        return None


def _dist_index():
    """name -> (version, dist-info dir); first on sys.path wins, as importlib does."""
    found = {}
    pattern = re.compile(r"^(.+?)-([^-]+)\.(dist-info|egg-info)$")
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for n in names:
            m = pattern.match(n)
            if m and _norm(m.group(1)) not in found:
                found[_norm(m.group(1))] = (m.group(2), os.path.join(entry or ".", n))
    return found


def _read_meta(info_dir):
    text = _read_text(os.path.join(info_dir, "METADATA")) or _read_text(os.path.join(info_dir, "PKG-INFO")) or ""
    meta = {}
    for line in text.split("\n\n", 1)[0].splitlines():
        key, sep, value = line.partition(": ")
        if not sep:
            continue
        if key == "Requires-Dist":
            meta.setdefault(key, []).append(value.strip())
        elif key in ("Version", "Name"):
            meta[key] = value.strip()
    return meta


def _version_py(path):
    """Literal assignments in a generated version.py, read as text: never import it."""
    text = _read_text(path)
    if text is None:
        return {}
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    values = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else \
            node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(target, ast.Name) and node.value is not None:
            try:
                value = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
            if value is None or isinstance(value, (str, bool, int)):
                values[target.id] = value
    return values


def _conda_record(name):
    meta = os.path.join(sys.prefix, "conda-meta")
    try:
        names = os.listdir(meta)
    except OSError:
        return None
    for cand in (name, "py" + name, "pytorch" if name == "torch" else None):
        for n in names:
            if cand and n.startswith(cand + "-") and n.endswith(".json") and n[len(cand) + 1:][:1].isdigit():
                try:
                    data = json.loads(_read_text(os.path.join(meta, n)) or "{}")
                except ValueError:
                    data = {}
                data = data if isinstance(data, dict) else {}
                return {k: data.get(k) if isinstance(data.get(k), str) else None
                        for k in ("name", "version", "build", "channel")}
    return None
