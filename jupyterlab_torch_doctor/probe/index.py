"""The live index check, in a job child: which wheel files do these indexes list for these projects?

It runs in a subprocess of the kernel's interpreter whose watchdog ends it at
its deadline (DNS included), so an index that never answers never holds the
kernel. Each request also has its own timeout.

Each file comes with its Requires-Python (PEP 691 `requires-python`, PEP 503
`data-requires-python`). A query may also ask for the core metadata (PEP 658
`.metadata` files, named `core-metadata` by PEP 714) of a few of the newest
wheels: their Requires-Dist lines on torch (to pair torchvision/torchaudio by
`torch>=X`, `torch==X` or nothing) and on CUDA (`cuda-toolkit==13.2.2`: the
CUDA of PyPI's torch build), and their Requires-Python where the page named
none. The front end decides which versions matter; this only fetches, within
bounds. The same job reads download.pytorch.org and PyPI (or the user's mirror).
"""

import json
import os
import posixpath
import re

from .core import _norm, _read_text

# The requirements the engine reads: torch (pairing) and CUDA (PyPI's build).
_WANTED = re.compile(r"^(torch|cuda-toolkit|nvidia-cuda-runtime(-cu\d+)?)$")

# At most this many .metadata files per query, each at most this many bytes.
MAX_METADATA = 8
METADATA_BYTES = 1024 * 1024


def index_job(args):
    """The job's entry: {queries, timeout} -> {schema_version, results}."""
    return index_check(args.get("queries") or [], float(args.get("timeout") or 3.0))


def index_check(queries, timeout=3.0):
    """For each {index, project[, metadata]}, the file names the index lists (PEP 691 JSON, else PEP 503 HTML).

    The kernel asks, not the browser: cross-origin rules block the browser,
    and the kernel sees the same network, proxies and mirrors pip will use.
    """
    from concurrent.futures import ThreadPoolExecutor
    queries = list(queries)[:16]
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(lambda q: _index_one(q, timeout), queries))
    return {"schema_version": 1, "results": [dict(index=q["index"], project=q["project"], **r)
                                             for q, r in zip(queries, found)]}


def _index_one(q, timeout):
    """One query; anything unexpected is this query's error, not the whole check's."""
    try:
        want = q.get("metadata") if isinstance(q.get("metadata"), dict) else None
        return _index_files(str(q["index"]), str(q["project"]), timeout, want)
    except Exception as e:
        return {"files": None, "format": None, "error": f"{type(e).__name__}: {e}"[:300]}


def project_url(index, project):
    """The project page as pip builds it (posixpath.join, then a slash), so a query string stays where pip puts it."""
    from urllib.parse import quote
    loc = posixpath.join(index, quote(_norm(project)))
    return loc if loc.endswith("/") else loc + "/"


def _fetch(url, timeout, accept, limit):
    """(content type, text) of an http(s) or file URL."""
    import urllib.request
    if url.startswith("file:"):
        from urllib.parse import urlparse
        path = urllib.request.url2pathname(urlparse(url).path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if not os.path.exists(path):
            raise FileNotFoundError(path)
        return "text/html", _read_text(path) or ""
    req = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": "jupyterlab-torch-doctor"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.headers.get("Content-Type", ""), resp.read(limit).decode("utf-8", "replace")


def _index_files(index, project, timeout, want=None):
    import urllib.error
    url = project_url(index, project) if not index.startswith("file:") else \
        index.rstrip("/") + "/" + _norm(project) + "/"
    accept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
    try:
        ctype, body = _fetch(url, timeout, accept, 32 * 1024 * 1024)
    except FileNotFoundError:
        return {"files": [], "format": None, "error": "not found"}
    except urllib.error.HTTPError as e:
        return {"files": [] if e.code == 404 else None, "format": None, "error": f"HTTP {e.code}"}
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        return {"files": None, "format": None, "error": f"{type(reason).__name__}: {reason}"[:300]}
    if "json" in ctype:
        try:
            entries = [(f["filename"], f.get("url") or "", bool(f.get("core-metadata") or f.get("dist-info-metadata")),
                        f.get("requires-python") if isinstance(f.get("requires-python"), str) else None)
                       for f in json.loads(body).get("files", []) if "filename" in f]
        except (ValueError, TypeError, AttributeError) as e:
            return {"files": None, "format": "pep691", "error": f"bad JSON: {e}"[:300]}
        fmt = "pep691"
    else:
        entries, fmt = _anchors(body), "pep503"
    out = {"files": [e[0] for e in entries], "format": fmt, "error": None,
           "requires_python": [e[3] for e in entries]}
    if want:
        found = _metadata(url, entries, want, timeout)
        out["metadata"] = {name: v[0] for name, v in found.items()}
        rp = out["requires_python"]
        for i, e in enumerate(entries):
            if rp[i] is None and found.get(e[0], (None, None))[1]:
                rp[i] = found[e[0]][1]
    return out


def _anchors(body):
    """(text, href, has core metadata, data-requires-python) of each anchor of a PEP 503 page."""
    from html.parser import HTMLParser

    class Anchors(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found, self._a = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "a":
                a = dict(attrs)
                meta = a.get("data-core-metadata") or a.get("data-dist-info-metadata")
                self._a = [a.get("href") or "", bool(meta) and meta != "false", "", a.get("data-requires-python")]

        def handle_endtag(self, tag):
            if tag == "a" and self._a and self._a[2].strip():
                self.found.append((self._a[2].strip(), self._a[0], self._a[1], self._a[3] or None))
            self._a = None

        def handle_data(self, data):
            if self._a is not None:
                self._a[2] += data

    parser = Anchors()
    parser.feed(body)
    return parser.found


def _release(version):
    """The numeric release of a version, or None for a pre, dev or otherwise odd one."""
    public = version.split("+", 1)[0]
    return tuple(int(x) for x in public.split(".")) if re.fullmatch(r"\d+(\.\d+)*", public) else None


def _metadata(page, entries, want, timeout):
    """{wheel file: (its Requires-Dist lines on torch and CUDA, or None when unreadable; its Requires-Python)}.

    Only wheels that announce core metadata, for the Python tag asked, newer
    than `after`, one per version, the newest `max` versions.
    """
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urljoin
    tag, plat = want.get("tag"), want.get("platform") or []
    after = _release(str(want.get("after") or "0")) or (0,)
    limit = max(1, min(int(want.get("max") or 4), MAX_METADATA))
    by_version = {}
    for name, href, has_meta, _rp in entries:
        parts = name[:-4].split("-") if name.endswith(".whl") else []
        if not has_meta or len(parts) < 5:
            continue
        rel = _release(parts[1])
        if rel is None or rel <= after:
            continue
        if tag and parts[-3] not in (tag, "py3", "py2.py3"):
            continue
        if plat and not any(p in parts[-1] for p in plat):
            continue
        by_version.setdefault(rel, (name, href))
    chosen = [by_version[v] for v in sorted(by_version, reverse=True)[:limit]]

    def one(item):
        name, href = item
        try:
            _, text = _fetch(urljoin(page, href).split("#", 1)[0] + ".metadata", timeout, "*/*", METADATA_BYTES)
        except Exception:
            return name, (None, None)
        head = text.replace("\r\n", "\n").split("\n\n", 1)[0]
        lines = head.splitlines()
        reqs = [ln.split(":", 1)[1].strip() for ln in lines if ln.lower().startswith("requires-dist:")]
        rp = next((ln.split(":", 1)[1].strip() for ln in lines if ln.lower().startswith("requires-python:")), None)
        return name, ([r for r in reqs if _WANTED.match(_norm(re.split(r"[\s;(<>=!~\[]", r, 1)[0]))], rp)

    if not chosen:
        return {}
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(one, chosen))
