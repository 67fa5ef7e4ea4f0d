"""A local PEP 503 index of PyTorch CPU wheels, for the install tests.

    python scripts/local-index.py build DIR   # wheels from the local store
    python scripts/local-index.py serve DIR PORT
    python scripts/local-index.py blackhole PORT

`serve` also answers under /slow-N/ (N seconds, 1 to 60): the same pages
at once, but each wheel only after N seconds, so that a test can act while
pip downloads. `serve` also answers under /rate-N/ (N MB/s, 1 to 99): each wheel
streamed at that rate, so that pip's and uv's progress bars move. It answers byte ranges (Range:
bytes=a-b, bytes=-n) as a CDN does. `blackhole` accepts connections and never answers: an index
that hangs (each connection is dropped after 120 s).

`build` downloads torch 2.13.0+cpu and its dependencies through pip (which
reads the local wheel store) into DIR/files and writes DIR/cpu/<project>/
index.html, the layout of https://download.pytorch.org/whl/cpu. `serve`
serves DIR on 127.0.0.1 only. Standard library only.
"""

import html
import http.server
import os
import re
import socket
import subprocess
import sys
import time

WANT = ["torch==2.13.0+cpu"]


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def build(root):
    files = os.path.join(root, "files")
    os.makedirs(files, exist_ok=True)
    if not any(f.startswith("torch-") for f in os.listdir(files)):
        env = dict(os.environ, PIP_RETRIES="0", PIP_DISABLE_PIP_VERSION_CHECK="1")
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "-d", files, *WANT],
                       check=True, env=env)
    # "Another version" for the Protect test: a tiny fixture wheel (scripts/fixture_wheel.py), not
    # torch, that pip resolves, refuses under a constraint and installs as any wheel.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.dont_write_bytecode = True
    from fixture_wheel import fixture_wheel
    fixture_wheel(files, "torch", "2.12.0+cpu")
    projects = {}
    for f in sorted(os.listdir(files)):
        if f.endswith(".whl"):
            projects.setdefault(normalize(f.split("-")[0]), []).append(f)
    for variant in ("cpu",):
        base = os.path.join(root, variant)
        for project, wheels in projects.items():
            os.makedirs(os.path.join(base, project), exist_ok=True)
            links = "\n".join(
                f'<a href="../../files/{html.escape(w.replace("+", "%2B"))}">{html.escape(w)}</a><br>'
                for w in wheels)
            with open(os.path.join(base, project, "index.html"), "w") as out:
                out.write(f"<!DOCTYPE html>\n<html><body>\n{links}\n</body></html>\n")
        with open(os.path.join(base, "index.html"), "w") as out:
            out.write("<!DOCTYPE html>\n<html><body>\n" + "\n".join(
                f'<a href="{p}/">{p}</a><br>' for p in sorted(projects)) + "\n</body></html>\n")
    print(f"local index: {len(projects)} projects in {root}/cpu")


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, root=".", **k):
        super().__init__(*a, directory=root, **k)

    rate = 0

    def translate_path(self, path):
        m = re.match(r"^/slow-(\d{1,2})(/.*)$", path)
        if m:
            path = m.group(2)
            if path.startswith("/files/"):
                time.sleep(min(60, max(1, int(m.group(1)))))
        m = re.match(r"^/rate-(\d{1,2})(/.*)$", path)
        if m:
            path = m.group(2)
            if path.startswith("/files/"):
                self.rate = max(1, int(m.group(1))) * 1_000_000
        return super().translate_path(path)

    def send_head(self):
        # Byte ranges, as a CDN serves them (download.pytorch.org does): uv reads a wheel's
        # METADATA from the end of the file instead of downloading it twice.
        m = re.match(r"^bytes=(\d*)-(\d*)$", self.headers.get("Range", ""))
        path = self.translate_path(self.path)
        if not m or not os.path.isfile(path) or m.group(1) == m.group(2) == "":
            return super().send_head()
        size = os.path.getsize(path)
        if m.group(1) == "":
            start, end = max(0, size - int(m.group(2))), size - 1
        else:
            start = int(m.group(1))
            end = min(size - 1, int(m.group(2))) if m.group(2) else size - 1
        if start >= size or start > end:
            self.send_error(416)
            return None
        f = open(path, "rb")
        f.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self._left = end - start + 1
        return f

    def end_headers(self):
        if not getattr(self, "_left", None):
            self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def copyfile(self, source, outputfile):
        left = getattr(self, "_left", None)
        if left is not None:
            self._left = None
            while left > 0:
                data = source.read(min(left, 1 << 20))
                if not data:
                    return
                outputfile.write(data)
                left -= len(data)
            return
        if not self.rate:
            return super().copyfile(source, outputfile)
        # Chunks of 1/20 s at the path's rate, paced against the clock.
        chunk, start, sent = max(1, self.rate // 20), time.monotonic(), 0
        while True:
            data = source.read(chunk)
            if not data:
                return
            outputfile.write(data)
            sent += len(data)
            ahead = sent / self.rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)


def serve(root, port):
    handler = lambda *a, **k: Handler(*a, root=root, **k)
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), handler)
    print(f"serving {root} on http://127.0.0.1:{port}/", flush=True)
    server.serve_forever()


def blackhole(port):
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", int(port)))
    sock.listen(64)
    print(f"accepting and never answering on 127.0.0.1:{port}", flush=True)
    held = []
    while True:
        conn, _ = sock.accept()
        held.append((time.monotonic(), conn))
        # Bounded: a connection is dropped after 120 s.
        while held and time.monotonic() - held[0][0] > 120:
            held.pop(0)[1].close()


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "build":
        build(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "serve":
        serve(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "blackhole":
        blackhole(sys.argv[2])
    else:
        sys.exit(__doc__)
