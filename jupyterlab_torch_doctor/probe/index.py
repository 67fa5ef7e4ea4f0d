"""The live index check, in a job child: which wheel files do these indexes list for these projects?

It runs in a subprocess of the kernel's interpreter whose watchdog ends it at
its deadline (DNS included), so an index that never answers never holds the
kernel. Each request also has its own timeout.
"""

import json
import os

from .core import _norm, _read_text


def index_job(args):
    """The job's entry: {queries, timeout} -> {schema_version, results}."""
    return index_check(args.get("queries") or [], float(args.get("timeout") or 3.0))


def index_check(queries, timeout=3.0):
    """For each {index, project}, the file names the index lists (PEP 691 JSON, else PEP 503 HTML).

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
        return _index_files(str(q["index"]), str(q["project"]), timeout)
    except Exception as e:
        return {"files": None, "format": None, "error": f"{type(e).__name__}: {e}"[:300]}


def _index_files(index, project, timeout):
    import urllib.error
    import urllib.request
    from html.parser import HTMLParser
    url = index.rstrip("/") + "/" + _norm(project) + "/"
    accept = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
    try:
        if url.startswith("file:"):
            from urllib.parse import urlparse
            page = os.path.join(urllib.request.url2pathname(urlparse(url).path), "index.html")
            if not os.path.exists(page):
                return {"files": [], "format": None, "error": "not found"}
            ctype, body = "text/html", _read_text(page) or ""
        else:
            req = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": "jupyterlab-torch-doctor"})
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                ctype = resp.headers.get("Content-Type", "")
                body = resp.read(32 * 1024 * 1024).decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return {"files": [] if e.code == 404 else None, "format": None, "error": f"HTTP {e.code}"}
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        return {"files": None, "format": None, "error": f"{type(reason).__name__}: {reason}"[:300]}
    if "json" in ctype:
        try:
            files = [f["filename"] for f in json.loads(body).get("files", []) if "filename" in f]
        except (ValueError, TypeError, AttributeError) as e:
            return {"files": None, "format": "pep691", "error": f"bad JSON: {e}"[:300]}
        return {"files": files, "format": "pep691", "error": None}

    class Anchors(HTMLParser):
        def __init__(self):
            super().__init__()
            self.names, self._in = [], False

        def handle_starttag(self, tag, attrs):
            self._in = tag == "a"

        def handle_endtag(self, tag):
            self._in = False

        def handle_data(self, data):
            if self._in and data.strip():
                self.names.append(data.strip())

    parser = Anchors()
    parser.feed(body)
    return {"files": parser.names, "format": "pep503", "error": None}
