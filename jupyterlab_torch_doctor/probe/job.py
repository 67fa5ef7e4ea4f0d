"""Background jobs: work that could block runs in a child of the kernel's interpreter, never in the kernel.

Kernel side (each call returns at once):
- start_job writes the child's source and arguments into a private folder
  (mkdtemp: mode 0700, files 0600), starts `sys.executable - --job-child DIR` in a
  session of its own, and returns a handle {id, pid, dir, deadline_s};
- poll_job reads the result once the child has renamed result.json.part to
  result.json, reaps the child, deletes the folder; past the deadline (plus a
  grace) it kills the child's process group and reports a timeout.
The Popen objects live in a private module, sys.modules[REGISTRY], so no name
is bound in the user's namespace and no child is left a zombie; every start and
poll also sweeps jobs that nobody polled.

Child side: job_child_main runs one job under a watchdog thread that writes a
timeout result and calls os._exit at the deadline. That bounds DNS lookups and
hung driver calls too, and works on Windows.

This module is self-contained (stdlib only, no sibling imports): the front end
sends it alone with each start or poll request.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zlib

JOB_MIME = "application/vnd.jupyterlab-torch-doctor.job+json"
REGISTRY = "_jupyterlab_torch_doctor_jobs"
JOB_PREFIX = "torch-doctor-job-"
GRACE_S = 2.0
FORGET_S = 60.0
LABELS = {"index": "index check", "nvidia": "NVIDIA query", "deep": "deep check"}


def _jobs():
    mod = sys.modules.get(REGISTRY)
    if mod is None:
        import types
        mod = types.ModuleType(REGISTRY, "jupyterlab-torch-doctor: the background jobs of this process")
        mod.jobs = {}
        sys.modules[REGISTRY] = mod
    return mod.jobs


def _write_private(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)


def start_job(kind, source, args, deadline_s):
    """Start one job; return its handle, or {status: error} if it could not start."""
    jobs = _jobs()
    sweep(jobs)
    folder = None
    try:
        folder = tempfile.mkdtemp(prefix=JOB_PREFIX)
        child = os.path.join(folder, "child.py")
        _write_private(child, source)
        _write_private(os.path.join(folder, "args.json"),
                       json.dumps({"kind": kind, "args": args, "deadline_s": deadline_s, "parent": os.getpid()}))
        _write_private(os.path.join(folder, "log"), b"")
        extra = {"start_new_session": True} if os.name == "posix" else \
            {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0) |
             getattr(subprocess, "CREATE_NO_WINDOW", 0)}
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="utf-8")
        with open(child, "rb") as stdin, open(os.path.join(folder, "log"), "ab") as log:
            proc = subprocess.Popen([sys.executable, "-", "--job-child", folder], stdin=stdin, stdout=log,
                                    stderr=subprocess.STDOUT, env=env, close_fds=True, **extra)
    except Exception as e:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
        return {"status": "error", "error": f"the {LABELS.get(kind, kind)} could not start: {type(e).__name__}: {e}"}
    job_id = os.path.basename(folder)
    jobs[job_id] = {"proc": proc, "dir": folder, "kind": kind, "deadline_s": float(deadline_s),
                    "t0": time.monotonic(), "wall0": time.time()}
    return {"status": "started", "id": job_id, "pid": proc.pid, "dir": folder, "deadline_s": float(deadline_s)}


def poll_job(job_id, kill=False):
    """{status: running} while the child works; else its final state, once. Never waits more than ~0.5 s."""
    jobs = _jobs()
    job = jobs.get(job_id)
    if job is None:
        sweep(jobs)
        return {"status": "error", "error": "this kernel has no such job (was it restarted?)"}
    proc, folder = job["proc"], job["dir"]
    elapsed = time.monotonic() - job["t0"]
    result = _read_result(folder)
    code = proc.poll()
    if result is None and code is None:
        if not kill and elapsed < job["deadline_s"] + GRACE_S:
            return {"status": "running", "elapsed_ms": round(elapsed * 1000, 1)}
        _kill(proc)
        result = _read_result(folder) or {"status": "timeout"}
    elif code is None:
        # The child renamed its result and is calling os._exit: reap it.
        try:
            proc.wait(0.5)
        except subprocess.TimeoutExpired:
            _kill(proc)
    out = _finish(job, result, proc.returncode)
    del jobs[job_id]
    shutil.rmtree(folder, ignore_errors=True)
    sweep(jobs)
    return out


def _finish(job, result, code):
    label = LABELS.get(job["kind"], job["kind"])
    log = _tail(os.path.join(job["dir"], "log"))
    done = os.path.join(job["dir"], "result.json")
    try:
        ms = round((os.stat(done).st_mtime - job["wall0"]) * 1000, 1)
    except OSError:
        ms = round((time.monotonic() - job["t0"]) * 1000, 1)
    out = {"status": "crashed", "duration_ms": max(ms, 0.0), "exit_code": code, "log_tail": log,
           "result": None, "error": None}
    if result is None:
        out["error"] = f"the {label} exited with code {code} and no result" + (f": {log[-500:]}" if log else "")
    elif result.get("status") == "timeout":
        out.update(status="timeout", error=f"the {label} did not finish in {job['deadline_s']:g} s")
    elif result.get("status") == "ok":
        out.update(status="ok", result=result.get("result"))
    else:
        out.update(status="error", error=f"the {label} failed: {result.get('error')}")
    return out


def _read_result(folder):
    try:
        with open(os.path.join(folder, "result.json"), encoding="utf-8") as f:
            data = json.load(f)
        return data if isinstance(data, dict) else {"status": "error", "error": "malformed result"}
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        return {"status": "error", "error": f"unreadable result: {e}"}


def _tail(path, n=2000):
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - n))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _kill(proc):
    try:
        if os.name == "posix":
            import signal
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (OSError, ValueError):
        pass
    try:
        proc.wait(1.0)
    except subprocess.TimeoutExpired:
        pass


def sweep(jobs):
    """Reap and clean jobs nobody polled: past their deadline, or finished long ago."""
    now = time.monotonic()
    for job_id, job in list(jobs.items()):
        age = now - job["t0"]
        running = job["proc"].poll() is None
        if running and age > job["deadline_s"] + GRACE_S:
            _kill(job["proc"])
        elif running or age < job["deadline_s"] + FORGET_S:
            continue
        shutil.rmtree(job["dir"], ignore_errors=True)
        del jobs[job_id]


def job_kernel(a):
    """The kernel-side request: {op: start, kind, child (zlib+base85), args, deadline_s} or {op: poll, id, kill}."""
    if a.get("op") == "start":
        try:
            source = zlib.decompress(base64.b85decode(a["child"])).decode("utf-8")
        except Exception as e:
            return {"status": "error", "error": f"bad job source: {e}"}
        return start_job(a["kind"], source, a.get("args") or {}, float(a["deadline_s"]))
    return poll_job(str(a.get("id")), bool(a.get("kill")))


def job_child_main(folder, entries):
    """Run in the child: one job under a watchdog; write the result atomically; exit at once."""
    with open(os.path.join(folder, "args.json"), encoding="utf-8") as f:
        spec = json.load(f)
    lock, state = threading.Lock(), {"done": False}

    def finish(payload):
        with lock:
            if state["done"]:
                return
            state["done"] = True
            try:
                text = json.dumps(payload, default=str)
            except (TypeError, ValueError) as e:
                text = json.dumps({"status": "error", "error": f"result not serialisable: {e}"})
            part = os.path.join(folder, "result.json.part")
            _write_private(part, text)
            os.replace(part, os.path.join(folder, "result.json"))
            if spec.get("parent") and os.getppid() != spec["parent"]:
                shutil.rmtree(folder, ignore_errors=True)  # the kernel is gone: nobody will poll

    def watchdog():
        finish({"status": "timeout"})
        os._exit(124)

    timer = threading.Timer(float(spec["deadline_s"]), watchdog)
    timer.daemon = True
    timer.start()
    try:
        payload = {"status": "ok", "result": entries[spec["kind"]](spec.get("args") or {})}
    except BaseException as e:
        payload = {"status": "error", "error": f"{type(e).__name__}: {e}"[:1500]}
    finish(payload)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(0)


def run_job(kind, source, args, deadline_s):
    """Start a job and wait for it (the terminal's CLI; the front end polls instead)."""
    handle = start_job(kind, source, args, deadline_s)
    if handle["status"] != "started":
        return dict(handle, duration_ms=None, exit_code=None, log_tail="", result=None)
    delay = 0.01
    while True:
        out = poll_job(handle["id"])
        if out["status"] != "running":
            return out
        time.sleep(delay)
        delay = min(delay * 2, 0.2)
