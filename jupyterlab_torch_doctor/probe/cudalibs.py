"""CUDA libraries of every framework in the environment, read from metadata: never imported, never loaded.

Three sources, each bounded:
- dist-info METADATA of the CUDA families only (nvidia-*, cuda-*, cupy-cuda*,
  jax-cuda*-plugin/pjrt, jaxlib, tensorflow*, onnxruntime-gpu): the names are
  filtered from directory names before any file is opened, so an environment
  of 300 distributions costs one listdir per sys.path entry;
- conda-meta records libcu*, cudnn, nccl, cuda-*: parsed from the file names
  (name-version-build.json), never opened;
- LD_LIBRARY_PATH folders holding libcudart, libcublas or libcudnn: file names only.
A broken METADATA, a missing RECORD or an unreadable conda-meta becomes an
entry in report["errors"], never an exception.
"""

import os
import re
import sys

from .core import _norm

CL_PREFIXES = ("nvidia-", "cuda-", "cupy-cuda", "jax-cuda", "tensorflow", "onnxruntime-gpu", "jaxlib")
CL_CONDA = ("libcu", "cudnn", "nccl", "cuda-", "libnccl")
CL_LIBS = ("libcudart.so", "libcublas.so", "libcudnn.so")
CL_MAX_DISTS = 160
CL_MAX_REQUIRES = 48
CL_MAX_CONDA = 120
CL_MAX_LD = 24
CL_TEXT = 200
CL_REQ_TEXT = 400
# "-cu12", "-cuda12x", "-cuda12-plugin", "-cuda120" (DALI): the CUDA major in a name.
CL_SUFFIX = re.compile(r"-cu(?:da)?(\d{2})(?:\d|x)?(?:-|$)")
CL_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
CL_DIST_DIR = re.compile(r"^(.+?)-([^-]+)\.dist-info$")
# Unsuffixed NVIDIA wheels whose own version is the CUDA version (cuda-toolkit 13.2.2, nvidia-cublas 13.1.0.3).
CL_VERSION_IS_CUDA = ("cuda-toolkit", "nvidia-cublas", "nvidia-cuda-runtime", "nvidia-cuda-nvrtc",
                      "nvidia-cuda-cupti", "nvidia-nvjitlink", "nvidia-cuda-nvcc", "nvidia-nvtx",
                      "nvidia-cuda-crt", "nvidia-cuda-cccl", "cuda-bindings", "cuda-python")


def cuda_libs(p, paths=None, prefix=None, ld_path=None):
    """The inventory: {dists, conda, ld_library_path, truncated}."""
    prefix = sys.prefix if prefix is None else prefix
    dists, truncated = _cl_dists(p, sys.path if paths is None else paths)
    return {"dists": dists, "conda": _cl_conda(p, prefix),
            "ld_library_path": _cl_ld(os.environ.get("LD_LIBRARY_PATH", "") if ld_path is None else ld_path, prefix),
            "truncated": truncated}


def _cl_wanted(key):
    return key.startswith(CL_PREFIXES)


def _cl_dists(p, paths):
    """Names first, from directory names; then the METADATA of the wanted ones."""
    found, truncated = {}, False
    for entry in paths:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for n in names:
            # Cheap test on the raw name first: most distributions stop here.
            if not n.endswith(".dist-info") or not _cl_wanted(n.lower().replace("_", "-")):
                continue
            m = CL_DIST_DIR.match(n)
            key = _norm(m.group(1)) if m else None
            if key is None or key in found or not _cl_wanted(key):
                continue
            if len(found) >= CL_MAX_DISTS:
                truncated = True
                continue
            found[key] = os.path.join(entry or ".", n)
    out = []
    for key, info in sorted(found.items()):
        item = p.guard("cuda-libs:" + os.path.basename(info), _cl_dist, None, p, info, key, found)
        if item:
            out.append(item)
    return out, truncated


def _cl_dist(p, info, key, installed):
    source = "cuda-libs:" + os.path.basename(info)
    try:
        with open(os.path.join(info, "METADATA"), encoding="utf-8") as f:
            head = f.read(65536).split("\n\n", 1)[0]
    except FileNotFoundError:
        p.fail(source, "missing", "no METADATA file")
        return None
    except UnicodeDecodeError as e:
        p.fail(source, "error", f"METADATA is not UTF-8: {e}")
        return None
    except OSError as e:
        p.fail(source, "permission" if isinstance(e, PermissionError) else "error", e)
        return None
    name = version = None
    family, requires = [], []
    for line in head.splitlines():
        k, sep, v = line.partition(":")
        if not sep:
            continue
        v = v.strip()
        if k == "Name":
            name = v
        elif k == "Version":
            version = v
        elif k == "Requires-Dist":
            req = CL_REQ_NAME.match(v)
            target = _norm(req.group(1)) if req else ""
            if not _cl_wanted(target):
                continue
            family.append(target)
            # An extra's requirement matters only when its target is installed (cuda-toolkit
            # lists ~70 of them, one per extra): the others are left out.
            if len(requires) < CL_MAX_REQUIRES and ("extra" not in v.partition(";")[2] or target in installed):
                requires.append(v[:CL_REQ_TEXT])
    if not name or not version:
        p.fail(source, "error", "METADATA has no " + ("Name" if not name else "Version") + " field")
        return None
    has_record = os.path.exists(os.path.join(info, "RECORD"))
    if not has_record:
        p.fail(source, "missing", "no RECORD: pip cannot uninstall or upgrade this distribution cleanly")
    major, how = _cl_major(key, version, family)
    return {"name": key[:CL_TEXT], "version": version[:64], "cuda_major": major, "cuda_from": how,
            "requires": requires, "record": has_record, "location": os.path.dirname(info)[:CL_TEXT]}


def _cl_major(key, version, targets):
    """The CUDA major a distribution is built for: from its name, its Requires-Dist or its own version."""
    m = CL_SUFFIX.search(key)
    if m:
        return int(m.group(1)), "name"
    majors = set()
    for target in targets:
        rm = CL_SUFFIX.search(target)
        if rm:
            majors.add(int(rm.group(1)))
    if len(majors) == 1:
        return majors.pop(), "requires"
    if key in CL_VERSION_IS_CUDA:
        lead = version.split(".", 1)[0]
        if lead.isdigit():
            return int(lead), "version"
    return None, None


def _cl_conda(p, prefix):
    meta = os.path.join(prefix, "conda-meta")
    if not os.path.lexists(meta):
        return None
    try:
        names = sorted(os.listdir(meta))
    except OSError as e:
        p.fail("cuda-libs:conda-meta", "permission" if isinstance(e, PermissionError) else "error", e)
        return {"records": [], "readable": False, "truncated": False}
    records = []
    for n in names:
        if not n.endswith(".json") or not n.startswith(CL_CONDA):
            continue
        # conda names its records name-version-build.json; the name may hold dashes, the others do not.
        parts = n[:-5].rsplit("-", 2)
        if len(parts) != 3:
            p.fail("cuda-libs:conda-meta", "error", f"unexpected record name {n[:CL_TEXT]}")
            continue
        if len(records) >= CL_MAX_CONDA:
            return {"records": records, "readable": True, "truncated": True}
        records.append({"name": parts[0][:CL_TEXT], "version": parts[1][:CL_TEXT], "build": parts[2][:64]})
    return {"records": records, "readable": True, "truncated": False}


def _cl_ld(value, prefix):
    out = []
    for entry in [e for e in value.split(os.pathsep) if e][:CL_MAX_LD]:
        try:
            names = os.listdir(entry)
        except OSError:
            continue
        libs = sorted(n for n in names if n.startswith(CL_LIBS))[:12]
        if libs:
            real = os.path.realpath(entry)
            inside = real.startswith(os.path.realpath(prefix) + os.sep)
            out.append({"path": entry[:CL_TEXT], "libs": libs, "in_env": inside})
    return out

