"""NVIDIA, in a job child: NVML through ctypes, else nvidia-smi; nvcc --version when no file told.

This runs in a subprocess of the kernel's interpreter with a hard deadline, so
libnvidia-ml is never mapped in the kernel and a hanging driver call never
holds the user's next cell. Each step is bounded by the command timeout too.
"""

import os
import re
import shutil
import subprocess
import sys
import threading

from .core import NVML_LIB_ENV, Probe

NA = ("[N/A]", "N/A", "[Not Supported]", "")


def nvidia_job(args):
    """The job's entry: {needs, cmd_timeout, root} -> the facts to merge into report["nvidia"]."""
    p = Probe(root=args.get("root"), cmd_timeout=float(args.get("cmd_timeout") or 3.0))
    needs = args.get("needs") or ["nvml"]
    out = {"driver": None, "driver_source": None, "cuda_driver_max": None, "gpus": [], "gpu_source": None,
           "nvcc_version": None, "smi_warning": None}
    if "nvml" in needs:
        done = p.guard("nvml", nvml_bounded, False, p, out)
        if not done:
            p.guard("nvidia-smi", smi, None, p, out)
    if "nvcc" in needs and args.get("nvcc"):
        text = run_command(p, [args["nvcc"], "--version"], "nvcc") or ""
        m = re.search(r"release (\d+\.\d+)", text)
        out["nvcc_version"] = m.group(1) if m else None
    out["errors"] = p.errors
    return out


def nvml_bounded(p, out):
    """NVML in a thread, joined with the command timeout: a hung nvmlInit does not stop nvidia-smi."""
    box, res = {}, {}

    def work():
        try:
            box["ok"] = nvml(p, res)
        except Exception as e:
            p.fail("nvml", "error", f"{type(e).__name__}: {e}")
            box["ok"] = False

    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(p.cmd_timeout)
    if t.is_alive():
        p.fail("nvml", "timeout", f"NVML did not answer in {p.cmd_timeout:g} s")
        return False
    out.update(res)
    return box.get("ok", False)


def _load_nvml(p):
    import ctypes
    override = os.environ.get(NVML_LIB_ENV)
    names = [override] if override else \
        {"win32": ["nvml.dll"], "darwin": []}.get(sys.platform, ["libnvidia-ml.so.1", "/usr/lib/wsl/lib/libnvidia-ml.so.1"])
    for n in names:
        try:
            return ctypes.CDLL(n)
        except OSError:
            continue
    p.fail("nvml", "missing", "libnvidia-ml not loadable")
    return None


def nvml(p, out):
    import ctypes
    lib = _load_nvml(p)
    if lib is None:
        return False
    rc = lib.nvmlInit_v2()
    if rc != 0:
        p.fail("nvml", "error", f"nvmlInit failed (NVML error {rc})")
        return False
    try:
        buf = ctypes.create_string_buffer(96)
        if lib.nvmlSystemGetDriverVersion(buf, 96) == 0:
            out.update(driver=buf.value.decode(errors="replace"), driver_source="nvml")
        cv = ctypes.c_int(0)
        if lib.nvmlSystemGetCudaDriverVersion_v2(ctypes.byref(cv)) == 0 and cv.value:
            out["cuda_driver_max"] = f"{cv.value // 1000}.{cv.value % 1000 // 10}"
        count = ctypes.c_uint(0)
        if lib.nvmlDeviceGetCount_v2(ctypes.byref(count)) != 0:
            p.fail("nvml", "error", "nvmlDeviceGetCount failed")
            return False
        gpus = []
        for i in range(count.value):
            h = ctypes.c_void_p()
            if lib.nvmlDeviceGetHandleByIndex_v2(i, ctypes.byref(h)) != 0:
                p.fail("nvml", "error", f"no handle for GPU {i}")
                continue
            name = ctypes.create_string_buffer(96)
            lib.nvmlDeviceGetName(h, name, 96)
            major, minor = ctypes.c_int(0), ctypes.c_int(0)
            cc = None
            if lib.nvmlDeviceGetCudaComputeCapability(h, ctypes.byref(major), ctypes.byref(minor)) == 0:
                cc = f"{major.value}.{minor.value}"
            mem = (ctypes.c_ulonglong * 3)()
            mib = int(mem[0] // (1 << 20)) if lib.nvmlDeviceGetMemoryInfo(h, ctypes.byref(mem)) == 0 else None
            cur, pend = ctypes.c_uint(0), ctypes.c_uint(0)
            mig = None
            if lib.nvmlDeviceGetMigMode(h, ctypes.byref(cur), ctypes.byref(pend)) == 0:
                mig = "enabled" if cur.value else "disabled"
            gpus.append({"index": i, "name": name.value.decode(errors="replace"),
                         "memory_mib": mib, "compute_capability": cc, "mig": mig})
        out.update(gpus=gpus, gpu_source="nvml")
    finally:
        lib.nvmlShutdown()
    return True


def run_command(p, argv, source, warn_codes=()):
    """Run a command with the probe's timeout; its stdout, or None with the reason recorded.

    Only job children call this: the kernel process never waits on a command.
    An exit status in warn_codes still gives the output (nvidia-smi's 14); p.last_exit keeps it.
    """
    p.last_exit = None
    exe = shutil.which(argv[0])
    if exe is None:
        p.fail(source, "missing", f"{argv[0]} not on PATH")
        return None
    try:
        out = subprocess.run([exe] + argv[1:], capture_output=True, text=True,
                             timeout=p.cmd_timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        p.fail(source, "timeout", f"{argv[0]} did not answer in {p.cmd_timeout:g} s")
        return None
    except PermissionError as e:
        p.fail(source, "permission", e)
        return None
    except OSError as e:
        p.fail(source, "error", e)
        return None
    p.last_exit = out.returncode
    if out.returncode != 0 and out.returncode not in warn_codes:
        p.fail(source, "error", (out.stdout + out.stderr).strip() or f"exit {out.returncode}")
        return None
    return out.stdout


# nvidia-smi's exit status 14: "infoROM is corrupted", printed with a valid table (nvidia-smi(1)).
SMI_WARNINGS = {14: "infoROM warning"}
SMI_FIELDS = ["index", "name", "memory.total", "compute_cap", "driver_version", "mig.mode.current"]


def smi(p, out):
    """GPUs from --query-gpu, dropping the fields an older nvidia-smi rejects one by one
    (compute_cap came with 510, mig.mode.current with 450), then the banner's driver and CUDA."""
    fields, text = list(SMI_FIELDS), None
    while text is None:
        text = _smi_query(p, out, fields)
        bad = re.search(r'Field "([\w.]+)" is not a valid field', p.errors[-1]["detail"]) if text is None \
            and p.errors and p.errors[-1]["source"] == "nvidia-smi" else None
        if not bad or bad.group(1) not in fields[2:]:
            break
        p.errors.pop()
        fields.remove(bad.group(1))
    gpus = []
    for line in (text or "").splitlines():
        cells = [c.strip() for c in line.split(",")]
        if len(cells) != len(fields):
            if line.strip() and not line.startswith("WARNING:"):
                p.fail("nvidia-smi", "error", f"unexpected line: {line}")
            continue
        row = dict(zip(fields, cells))
        mem = row.get("memory.total", "")
        gpus.append({
            "index": int(row["index"]) if row["index"].isdigit() else len(gpus),
            "name": row["name"], "memory_mib": int(float(mem)) if re.match(r"^\d+(\.\d+)?$", mem) else None,
            "compute_capability": row.get("compute_cap") if row.get("compute_cap") not in NA else None,
            "mig": {"enabled": "enabled", "disabled": "disabled"}.get(row.get("mig.mode.current", "").lower())})
        if not out["driver"] and row.get("driver_version") not in NA:
            out.update(driver=row["driver_version"], driver_source="nvidia-smi")
    if gpus:
        out.update(gpus=gpus, gpu_source="nvidia-smi")
    header = run_command(p, ["nvidia-smi"], "nvidia-smi", tuple(SMI_WARNINGS)) or ""
    _smi_warning(p, header, out)
    read_header(header, out)


def _smi_query(p, out, fields):
    q = ",".join(fields)
    text = run_command(p, ["nvidia-smi", f"--query-gpu={q}", "--format=csv,noheader,nounits"], "nvidia-smi",
                       tuple(SMI_WARNINGS))
    _smi_warning(p, text or "", out)
    return text


def _smi_warning(p, text, out):
    """'nvidia-smi exited 14 (infoROM warning): infoROM is corrupted at gpu 0000:B3:00.0'."""
    if p.last_exit in SMI_WARNINGS and not out.get("smi_warning"):
        m = re.search(r"^WARNING: (.+)$", text, re.M)
        out["smi_warning"] = f"nvidia-smi exited {p.last_exit} ({SMI_WARNINGS[p.last_exit]})" + \
            (f": {m.group(1).strip()[:200]}" if m else "")


def read_header(header, out):
    """The driver's CUDA version (and the driver, if the query lacked it) from nvidia-smi's banner.

    Driver 610 prints "KMD Version" and "CUDA UMD Version" where older ones
    printed "Driver Version" and "CUDA Version" (tests/fixtures/nvidia-smi-610.57.04.txt).
    """
    m = re.search(r"CUDA (?:UMD )?Version:\s*(\d+\.\d+)", header)
    if m:
        out["cuda_driver_max"] = m.group(1)
    d = re.search(r"(?:KMD|Driver) Version:\s*(\d+(?:\.\d+)+)", header)
    if d and not out.get("driver"):
        out.update(driver=d.group(1), driver_source="nvidia-smi")


def merge_nvidia(nv, job):
    """Merge a finished nvidia job ({status, result, error, duration_ms}) into report["nvidia"]; return its errors.

    The front end does the same in src/probe/jobs.ts (mergeNvidia).
    """
    status = job.get("status")
    res = job.get("result") if status == "ok" else None
    errors = []
    if isinstance(res, dict):
        if res.get("gpus") or res.get("gpu_source"):
            nv.update(gpus=res["gpus"], gpu_source=res.get("gpu_source"))
        if res.get("driver") and not nv.get("driver"):
            nv.update(driver=res["driver"], driver_source=res.get("driver_source"))
        if res.get("cuda_driver_max"):
            nv["cuda_driver_max"] = res["cuda_driver_max"]
        if res.get("smi_warning"):
            nv["smi_warning"] = res["smi_warning"]
        if res.get("nvcc_version") and nv.get("nvcc"):
            nv["nvcc"]["version"] = res["nvcc_version"]
        errors = [e for e in res.get("errors") or [] if isinstance(e, dict)]
    else:
        errors = [{"source": "nvidia-job", "reason": "timeout" if status == "timeout" else "error",
                   "detail": str(job.get("error") or status)[:300]}]
    nv["job"] = {"status": status, "needs": (nv.get("job") or {}).get("needs", []),
                 "duration_ms": job.get("duration_ms")}
    return errors
