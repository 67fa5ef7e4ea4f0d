"""The plan preview, in a job child: what an install would change, asked of pip (or uv) itself.

`pip install --dry-run --report - REQS --index-url URL` in the kernel's
interpreter resolves the plan against the environment and installs nothing;
its JSON report lists what would be installed. uv has no report: its
`--dry-run` lines (` + name==v`, ` - name==v`) are read instead. The child
then lists the installed distributions whose Requires-Dist names a planned
package, so the front end can tell which requirement the plan would break.
Runs only as a job: a child of the kernel's interpreter with a hard deadline.
"""

import json
import os
import re
import subprocess
import sys

from .core import _norm

PREVIEW_MAX = 200
PREVIEW_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
UV_LINE = re.compile(r"^\s*([+-])\s+([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def preview_job(args):
    """{requirements, index_url, pre, uv, timeout} -> {tool, installs, removes, requirers, error}."""
    reqs = [str(r) for r in args.get("requirements") or []][:32]
    index = args.get("index_url")
    timeout = float(args.get("timeout") or 20.0)
    uv = args.get("uv")
    extra = (["--pre"] if args.get("pre") else []) + (["--index-url", str(index)] if index else [])
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PYTHONIOENCODING="utf-8",
               NO_COLOR="1", TERM="dumb")
    # ipykernel sets FORCE_COLOR: pip's rich would colour the JSON report.
    for key in ("FORCE_COLOR", "CLICOLOR_FORCE", "PY_COLORS"):
        env.pop(key, None)
    if uv:
        argv = [str(uv), "pip", "install", "--dry-run", "--python", sys.executable, *reqs, *extra]
    else:
        argv = [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--report", "-", *reqs, *extra]
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                             env=env)
    except subprocess.TimeoutExpired:
        return {"tool": "uv" if uv else "pip", "installs": [], "removes": [], "requirers": [],
                "error": f"the dry run did not finish in {timeout:g} s"}
    except OSError as e:
        return {"tool": "uv" if uv else "pip", "installs": [], "removes": [], "requirers": [],
                "error": f"{type(e).__name__}: {e}"}
    if out.returncode != 0:
        text = (out.stderr or out.stdout).strip()
        return {"tool": "uv" if uv else "pip", "installs": [], "removes": [], "requirers": [],
                "error": text[-1500:] or f"exit {out.returncode}"}
    installs, removes = _uv_lines(ANSI.sub("", out.stdout + "\n" + out.stderr)) if uv else (_pip_report(out.stdout), [])
    installed = _installed()
    for item in installs:
        item["before"] = installed.get(item["name"], (None, None))[0]
    planned = {i["name"] for i in installs}
    return {"tool": "uv" if uv else "pip", "installs": installs[:PREVIEW_MAX], "removes": removes[:PREVIEW_MAX],
            "requirers": _requirers(installed, planned), "error": None}


def _pip_report(stdout):
    stdout = ANSI.sub("", stdout)
    start = stdout.find("{")
    data = json.loads(stdout[start:]) if start >= 0 else {}
    out = []
    for item in data.get("install") or []:
        meta = item.get("metadata") or {}
        if meta.get("name") and meta.get("version"):
            out.append({"name": _norm(meta["name"]), "version": str(meta["version"])})
    return out


def _uv_lines(text):
    installs, removes = [], []
    for line in text.splitlines():
        m = UV_LINE.match(line)
        if m:
            (installs if m.group(1) == "+" else removes).append({"name": _norm(m.group(2)), "version": m.group(3)})
    return installs, removes


def _installed():
    """name -> (version, Requires-Dist) of this interpreter's distributions (a child: reading them all is fine)."""
    import importlib.metadata as md
    found = {}
    for dist in md.distributions():
        try:
            name = _norm(dist.metadata["Name"] or "")
        except Exception:
            continue
        if name and name not in found:
            found[name] = (dist.version, list(dist.requires or []))
    return found


def _requirers(installed, planned):
    """Installed distributions (not replaced by the plan) whose requirements name a planned package."""
    out = []
    for name, (version, requires) in sorted(installed.items()):
        if name in planned:
            continue
        hits = [r for r in requires if (PREVIEW_REQ.match(r) and _norm(PREVIEW_REQ.match(r).group(1)) in planned)]
        if hits:
            out.append({"name": name, "version": version, "requires": hits[:20]})
        if len(out) >= PREVIEW_MAX:
            break
    return out
