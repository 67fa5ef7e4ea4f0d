"""Jobs started from a real ipykernel, run by jupyter_client as jupyter_server runs kernels.

A job child never imports the user's files beside the notebook (the kernel's working folder),
and a restart of the kernel ends the jobs of the old kernel process: a graceful restart (the
kernel's atexit kills them) and a kernel killed outright (the child sees its parent gone).
Network: 127.0.0.1 only.
"""

import base64
import os
import socket
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest

from conftest import BUNDLER

from jupyterlab_torch_doctor.probe.job import JOB_MIME

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="procfs, POSIX re-parenting")

# A module beside the notebook that leaves a marker when imported, then steps aside for the real one.
SHADOW = '''import os, sys
with open(os.path.join({markers!r}, __name__ + "-" + str(os.getpid())), "w") as f:
    f.write(" ".join(sys.argv))
_here = os.path.dirname(os.path.abspath(__file__))
del sys.modules[__name__]
_saved = sys.path[:]
sys.path[:] = [p for p in sys.path if p not in ("", ".", _here)]
try:
    _real = __import__(__name__)
finally:
    sys.path[:] = _saved
sys.modules[__name__] = _real
'''


@pytest.fixture
def kernel(tmp_path):
    from jupyter_client.manager import KernelManager
    notebooks, markers = tmp_path / "notebooks", tmp_path / "markers"
    notebooks.mkdir()
    markers.mkdir()
    for name in ("json", "email"):
        (notebooks / f"{name}.py").write_text(SHADOW.format(markers=str(markers)))
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(notebooks))
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    try:
        yield km, kc, markers
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def job_request(kc, args):
    """Send the job bundle as the front end does (src/probe/code.ts) and return its reply."""
    code = (f"exec(compile({BUNDLER.build('job')!r}, '<probe>', 'exec'), "
            f"{{'__name__': '__torch_doctor_probe__', '__probe_args__': {args!r}}})")
    replies = []
    kc.execute_interactive(code, timeout=60, output_hook=lambda m: replies.append(
        m["content"].get("data", {}).get(JOB_MIME)) if m["msg_type"] == "display_data" else None)
    assert replies and replies[-1], "no job reply"
    return replies[-1]


def start(kc, kind, args, deadline_s):
    packed = base64.b85encode(zlib.compress(BUNDLER.build(f"{kind}-job").encode())).decode()
    handle = job_request(kc, {"op": "start", "kind": kind, "child": packed, "args": args, "deadline_s": deadline_s})
    assert handle["status"] == "started", handle
    return handle


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_a_job_never_imports_the_users_files_beside_the_notebook(kernel):
    km, kc, markers = kernel
    handle = start(kc, "index", {"queries": [{"index": f"http://127.0.0.1:{closed_port()}/simple",
                                              "project": "torch"}], "timeout": 5}, 30)
    while True:
        out = job_request(kc, {"op": "poll", "id": handle["id"]})
        if out["status"] != "running":
            break
        time.sleep(0.1)
    assert out["status"] == "ok", out
    assert out["result"]["results"][0]["error"], "the index job ran its query (importing urllib, email)"
    assert sorted(p.name for p in markers.iterdir()) == []


@pytest.fixture
def silent_port():
    """A TCP server on 127.0.0.1 that accepts connections and never answers: an index job hangs."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    srv.settimeout(0.2)
    held, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                held.append(srv.accept()[0])
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield srv.getsockname()[1]
    stop.set()
    t.join()
    for c in held:
        c.close()
    srv.close()


def alive(pid):
    """Whether a process runs (a zombie, waiting for init to reap it, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def gone_within(pid, seconds):
    t0 = time.monotonic()
    while alive(pid) and time.monotonic() - t0 < seconds:
        time.sleep(0.1)
    return not alive(pid)


@pytest.mark.parametrize("now", [False, True], ids=["graceful restart", "kernel killed"])
def test_a_restart_ends_the_old_kernels_jobs(kernel, silent_port, now):
    km, kc, _ = kernel
    handle = start(kc, "index", {"queries": [{"index": f"http://127.0.0.1:{silent_port}/simple",
                                              "project": "torch"}], "timeout": 120}, 120)
    assert alive(handle["pid"])
    old_kernel = km.provisioner.process.pid
    km.restart_kernel(now=now)
    assert km.provisioner.process.pid != old_kernel
    assert gone_within(handle["pid"], 10), "the job outlived its kernel"
    assert gone_within(handle["pid"], 0) and not Path(handle["dir"]).exists()
    kc.wait_for_ready(timeout=60)
    assert job_request(kc, {"op": "poll", "id": handle["id"]})["status"] == "error"
