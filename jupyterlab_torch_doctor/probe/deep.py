"""The deep check, in a job child: import torch, run one op on each device, load torchvision's ops.

Only this subprocess of the kernel's interpreter imports torch; the kernel
never does. The job's deadline bounds it, and a crash (a segfault in a CUDA
library) is reported by the kernel side as "crashed" with the child's output.
"""

import os
import re
import time

from .core import _has_module
from .packages import _version_py


def deep_job(args):
    """The job's entry: the facts only an imported torch can give."""
    return deep_child()


def deep_from_job(job):
    """report["deep"] from a finished deep job; the front end does the same (src/probe/jobs.ts)."""
    status = job.get("status")
    base = {"status": status, "duration_ms": job.get("duration_ms") or 0.0, "exit_code": job.get("exit_code")}
    if status == "ok" and isinstance(job.get("result"), dict):
        return {**job["result"], **base, "stderr_tail": job.get("log_tail") or ""}
    return {**base, "error": job.get("error") or job.get("log_tail") or status}


def _diagnose(exc):
    msg = f"{type(exc).__name__}: {exc}"
    lib = re.search(r"(lib[\w.+-]+\.so[.\d]*|[\w.+-]+\.dll|[\w.+-]+\.dylib)", msg)
    if "undefined symbol" in msg:
        kind = "undefined_symbol"
    elif "cannot open shared object" in msg or "DLL load failed" in msg or "Library not loaded" in msg:
        kind = "missing_library"
    elif isinstance(exc, ModuleNotFoundError):
        kind = "module_not_found"
    elif re.search(r"_ARRAY_API|multiarray failed to import|compiled using NumPy|numpy.dtype size changed", msg):
        kind = "numpy_abi"
    else:
        kind = "other"
    return {"kind": kind, "library": lib.group(1) if lib else None, "message": msg[-1500:]}


def _smoke(torch, dev):
    t = time.perf_counter()
    try:
        x = torch.arange(16, dtype=torch.float32, device=dev).reshape(4, 4)
        value = float((x @ x).sum().item())  # .item() synchronises the device
        err = None if value == 3920.0 else f"wrong result {value}"
    except Exception as e:  # "no kernel image is available for execution on the device" lands here
        err = f"{type(e).__name__}: {e}"[-1500:]
    return {"device": dev, "ok": err is None, "error": err, "ms": round((time.perf_counter() - t) * 1000, 2)}


def _companion(name, op):
    """Import a companion package and run one op (torchaudio, or torchvision without its library)."""
    if not _has_module(name):
        return None
    entry = {"loaded": False, "via": "import", "version": None, "op_ok": False, "error": None}
    try:
        mod = __import__(name)
        entry.update(loaded=True, version=getattr(mod, "__version__", None))
        op(mod)
        entry["op_ok"] = True
    except Exception as e:
        entry["error"] = _diagnose(e)
    return entry


def _torchvision(torch, dev):
    """Load torchvision's compiled ops into torch and run nms on the device.

    This is what breaks when torch and torchvision come from different builds
    ("operator torchvision::nms does not exist", undefined symbols), and it
    avoids importing the torchvision package, which doubles the check's time.
    """
    import glob
    import importlib.util
    boxes = torch.tensor([[0.0, 0.0, 10.0, 10.0], [1.0, 1.0, 11.0, 11.0]], device=dev)
    scores = torch.tensor([0.9, 0.8], device=dev)

    def nms(ops):
        if ops(boxes, scores, 0.5).cpu().tolist() != [0]:
            raise RuntimeError("torchvision nms gave a wrong result")

    try:
        spec = importlib.util.find_spec("torchvision")
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return None
    dirs = list(spec.submodule_search_locations or [])
    libs = sorted(p for d in dirs for pat in ("_C*.so", "_C*.pyd") for p in glob.glob(os.path.join(d, pat)))
    if not libs:
        return _companion("torchvision", lambda tv: nms(tv.ops.nms))
    version = _version_py(os.path.join(dirs[0], "version.py")).get("__version__")
    entry = {"loaded": False, "via": "extension", "version": version, "op_ok": False, "error": None}
    try:
        torch.ops.load_library(libs[0])
        entry["loaded"] = True
        nms(torch.ops.torchvision.nms)
        entry["op_ok"] = True
    except Exception as e:
        entry["error"] = _diagnose(e)
    return entry


def deep_child():
    import warnings
    t0 = time.perf_counter()
    out = {"torch": {"imported": False}, "cuda": None, "mps": None, "xpu": None, "smoke": [],
           "torchvision": None, "torchaudio": None}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            import torch
        except BaseException as e:
            out["torch"] = {"imported": False, "error": _diagnose(e),
                            "import_ms": round((time.perf_counter() - t0) * 1000, 1)}
            return out
    v = torch.version
    out["torch"] = {"imported": True, "error": None, "version": torch.__version__,
                    "cuda": getattr(v, "cuda", None), "hip": getattr(v, "hip", None),
                    "xpu": getattr(v, "xpu", None), "import_ms": round((time.perf_counter() - t0) * 1000, 1),
                    "warnings": [str(w.message)[:300] for w in caught][:10]}
    devices = ["cpu"]
    try:
        avail = torch.cuda.is_available()
        count = torch.cuda.device_count() if avail else 0
        out["cuda"] = {"available": avail, "device_count": count, "arch_list": torch.cuda.get_arch_list(),
                       "cudnn": torch.backends.cudnn.version() if avail else None, "error": None,
                       "devices": [{"index": i, "name": torch.cuda.get_device_name(i),
                                    "capability": "%d.%d" % torch.cuda.get_device_capability(i),
                                    "arch": getattr(torch.cuda.get_device_properties(i), "gcnArchName", None),
                                    "total_memory_mib": torch.cuda.get_device_properties(i).total_memory >> 20}
                                   for i in range(count)]}
        devices += [f"cuda:{i}" for i in range(count)]
    except Exception as e:
        out["cuda"] = {"available": False, "device_count": 0, "devices": [], "arch_list": [], "cudnn": None,
                       "error": f"{type(e).__name__}: {e}"[-1500:]}
    mps = getattr(torch.backends, "mps", None)
    if mps is not None:
        out["mps"] = {"built": mps.is_built(), "available": mps.is_available()}
        devices += ["mps"] if out["mps"]["available"] else []
    xpu = getattr(torch, "xpu", None)
    if xpu is not None:
        try:
            n = xpu.device_count() if xpu.is_available() else 0
            out["xpu"] = {"available": n > 0, "device_count": n,
                          "devices": [xpu.get_device_name(i) for i in range(n)]}
            devices += [f"xpu:{i}" for i in range(n)]
        except Exception as e:
            out["xpu"] = {"available": False, "device_count": 0, "devices": [], "error": str(e)[-500:]}
    out["smoke"] = [_smoke(torch, d) for d in devices]
    dev = devices[1] if len(devices) > 1 else "cpu"
    out["torchvision"] = _torchvision(torch, dev)
    out["torchaudio"] = _companion("torchaudio", lambda ta: ta.functional.lfilter(
        torch.zeros(1, 16, device=dev), torch.tensor([1.0, 0.0], device=dev), torch.tensor([1.0, 0.0], device=dev)))
    return out
