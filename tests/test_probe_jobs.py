"""Background jobs: a child of this interpreter with a hard deadline, polled, reaped and cleaned.

Network tests talk only to 127.0.0.1.
"""

import http.server
import os
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

from jupyterlab_torch_doctor.probe import job as J

from conftest import BUNDLER


def child(kind):
    return BUNDLER.build(kind)


@pytest.fixture
def silent_port():
    """A TCP server on 127.0.0.1 that accepts connections and never answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    held = []
    stop = threading.Event()

    def accept():
        srv.settimeout(0.2)
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


@pytest.fixture
def simple_index():
    """A PEP 503 page for torch on 127.0.0.1."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.rstrip("/").endswith("/torch"):
                body = b'<a href="x">torch-2.14.1+cpu-cp311-cp311-manylinux_2_28_x86_64.whl</a>'
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/simple"
    srv.shutdown()
    srv.server_close()


def zombies_of(pid):
    """Zombie children of a process, from procfs."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] == "Z" and fields[1] == str(pid):
            out.append(int(entry))
    return out


def test_index_job_reads_a_local_index(simple_index):
    out = J.run_job("index", child("index-job"),
                    {"queries": [{"index": simple_index, "project": "torch"},
                                 {"index": simple_index, "project": "nothing"}], "timeout": 3}, 10)
    assert out["status"] == "ok", out
    results = out["result"]["results"]
    assert results[0]["files"] == ["torch-2.14.1+cpu-cp311-cp311-manylinux_2_28_x86_64.whl"]
    assert results[1]["files"] == [] and results[1]["error"] == "HTTP 404"
    assert out["duration_ms"] > 0 and out["exit_code"] == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="procfs")
def test_deadline_kills_a_child_stuck_on_an_index_that_never_answers(silent_port):
    """The per-request timeout is far away; only the child's deadline ends it."""
    before = set(os.listdir(J.tempfile.gettempdir()))
    t0 = time.monotonic()
    handle = J.start_job("index", child("index-job"),
                         {"queries": [{"index": f"http://127.0.0.1:{silent_port}", "project": "torch"}],
                          "timeout": 60}, 1.0)
    assert handle["status"] == "started"
    assert time.monotonic() - t0 < 1.0, "starting a job must not wait for it"
    folder = Path(handle["dir"])
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert oct((folder / "child.py").stat().st_mode & 0o777) == "0o600"
    assert J.poll_job(handle["id"])["status"] == "running"
    while True:
        out = J.poll_job(handle["id"])
        if out["status"] != "running":
            break
        time.sleep(0.05)
    elapsed = time.monotonic() - t0
    assert out["status"] == "timeout"
    assert out["error"] == "the index check did not finish in 1 s"
    assert elapsed < 1.0 + J.GRACE_S + 2
    assert not folder.exists(), "the job's folder is removed"
    assert zombies_of(os.getpid()) == [], "the child is reaped"
    assert handle["id"] not in sys.modules[J.REGISTRY].jobs
    with pytest.raises(ProcessLookupError):
        os.kill(handle["pid"], 0)
    leftovers = {n for n in os.listdir(folder.parent) if n.startswith(J.JOB_PREFIX)} - before
    assert leftovers == set()


def test_poll_past_the_deadline_kills_a_child_whose_watchdog_cannot_run(tmp_path):
    """A child stuck with the GIL held (or its watchdog broken): the poll kills it."""
    source = "import time\nwhile True:\n    time.sleep(1)\n"  # no job_child_main: no watchdog
    handle = J.start_job("deep", source, {}, 0.2)
    time.sleep(0.2 + J.GRACE_S + 0.1)
    out = J.poll_job(handle["id"])
    assert out["status"] == "timeout"
    assert "did not finish in 0.2 s" in out["error"]
    assert not Path(handle["dir"]).exists()
    assert zombies_of(os.getpid()) == []


def test_a_child_that_dies_without_a_result_is_crashed():
    handle = J.start_job("deep", "import os, sys\nsys.stderr.write('Segmentation fault\\n')\nos._exit(139)\n", {}, 10)
    while (out := J.poll_job(handle["id"]))["status"] == "running":
        time.sleep(0.02)
    assert out["status"] == "crashed" and out["exit_code"] == 139
    assert "Segmentation fault" in out["log_tail"] and "Segmentation fault" in out["error"]
    assert not Path(handle["dir"]).exists()


def test_a_job_that_raises_is_an_error_not_a_crash():
    source = child("deep-job").replace('{"deep": deep_job}', '{"deep": lambda a: 1 / 0}')
    out = J.run_job("deep", source, {}, 10)
    assert out["status"] == "error" and "ZeroDivisionError" in out["error"]


def test_kill_on_request_and_unknown_ids():
    handle = J.start_job("deep", "import time\ntime.sleep(30)\n", {}, 30)
    out = J.poll_job(handle["id"], kill=True)
    assert out["status"] == "timeout"
    assert not Path(handle["dir"]).exists()
    assert J.poll_job(handle["id"])["status"] == "error"
    assert zombies_of(os.getpid()) == []


def test_sweep_reaps_jobs_nobody_polls(monkeypatch):
    handle = J.start_job("deep", "pass\n", {}, 0.1)
    jobs = sys.modules[J.REGISTRY].jobs
    jobs[handle["id"]]["proc"].wait(10)
    monkeypatch.setattr(J, "FORGET_S", 0.0)
    time.sleep(0.2)
    J.sweep(jobs)
    assert handle["id"] not in jobs and not Path(handle["dir"]).exists()
    assert zombies_of(os.getpid()) == []


def test_start_failure_is_an_error(monkeypatch):
    monkeypatch.setattr(J.sys, "executable", "/nonexistent/python")
    out = J.start_job("index", "pass\n", {}, 1)
    assert out["status"] == "error" and "could not start" in out["error"]


def test_kernel_request_shape():
    import base64
    import zlib
    z = base64.b85encode(zlib.compress(b"print('hi')\n")).decode()
    handle = J.job_kernel({"op": "start", "kind": "deep", "child": z, "args": {}, "deadline_s": 5})
    assert handle["status"] == "started"
    while (out := J.job_kernel({"op": "poll", "id": handle["id"]}))["status"] == "running":
        time.sleep(0.02)
    assert out["status"] == "crashed" and out["exit_code"] == 0 and "hi" in out["log_tail"]
    assert J.job_kernel({"op": "start", "kind": "x", "child": "!!", "deadline_s": 1})["status"] == "error"
