"""What could override an install cell: index settings in the environment and pip's config files, free disk."""

import configparser
import os
import re
import shutil
import sys

from .core import _read_text

# Also the settings uv does not read (certificates, trusted hosts, proxy, constraints): the front
# end's `auto` installer keeps pip when one is set (src/advice/installer.ts).
INDEX_ENV = ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_NO_INDEX",
             "PIP_CONFIG_FILE", "PIP_CONSTRAINT", "PIP_CERT", "PIP_CLIENT_CERT", "PIP_TRUSTED_HOST",
             "PIP_PROXY", "UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_DEFAULT_INDEX",
             "UV_INDEX", "UV_TORCH_BACKEND")
PIP_KEYS = ("index-url", "extra-index-url", "find-links", "no-index", "constraint", "cert",
            "client-cert", "trusted-host", "proxy")
_CRED = re.compile(r"(//)[^/@\s]+@")


def install_context(p, site):
    env = {k: _redact(os.environ[k]) for k in INDEX_ENV if k in os.environ}
    config = []
    for path in p.guard("pip-config", _pip_config_files, list):
        config += p.guard("pip-config", _pip_config, list, p, path)
    disk = {}
    tmp = os.environ.get("TMPDIR") or os.environ.get("TEMP") or os.environ.get("TMP") or "/tmp"
    for label, path in (("site_packages", site), ("tmp", tmp)):
        try:
            disk[label] = {"path": path, "free_bytes": shutil.disk_usage(path).free}
        except (OSError, TypeError, ValueError) as e:
            disk[label] = {"path": path if isinstance(path, str) else None, "free_bytes": None}
            p.fail(f"disk:{label}", "missing" if isinstance(e, FileNotFoundError) else "error", e)
    return {"env": env, "pip_config": config, "disk": disk,
            "protection": p.guard("protection", protection, None, p)}


def no_install():
    return {"env": {}, "pip_config": [], "disk": {}, "protection": None}


# Protect (a cell the front end inserts) writes this file into sys.prefix and names it in
# pip's per-environment ("site") config; both live and die with the environment.
PROTECT_FILE = "torch-doctor-constraints.txt"


def protection(p):
    """The environment's build protection: its pins, and whether the pip of this kernel applies them."""
    prefix = sys.prefix
    config = os.path.join(prefix, "pip.ini" if sys.platform == "win32" else "pip.conf")
    target = os.path.join(prefix, PROTECT_FILE)
    text = _read_text(target)
    pins = [] if text is None else [
        line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    site = _constraint_layer(p, config)
    registered = _names(_effective([site]), target)
    ignored = None
    env_file = os.environ.get("PIP_CONFIG_FILE")
    if env_file == os.devnull:
        ignored = "PIP_CONFIG_FILE"  # pip then reads no config file at all
    elif os.environ.get("PIP_CONSTRAINT"):
        ignored = "PIP_CONSTRAINT"  # the environment variable beats every config file
    elif registered and env_file and os.path.isfile(env_file):
        # PIP_CONFIG_FILE's file is read after the site file: its setting wins.
        if not _names(_effective([site, _constraint_layer(p, env_file)]), target):
            ignored = "PIP_CONFIG_FILE"
    return {"config": config, "file": target, "exists": text is not None,
            "registered": registered, "pins": pins[:20], "ignored_by": ignored}


def _constraint_layer(p, path):
    """(install.constraint, global.constraint) of one config file; None where unset."""
    if not os.path.isfile(path):
        return (None, None)
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeError) as e:
        p.fail("protection", "error", f"{path}: {e}")
        return (None, None)
    return tuple(parser.get(s, "constraint") if parser.has_option(s, "constraint") else None
                 for s in ("install", "global"))


def _effective(layers):
    """pip's constraint files: [install] beats [global]; a later layer beats an earlier one."""
    for i in (0, 1):
        for layer in reversed(layers):
            if layer[i] is not None:
                return layer[i].split()
    return []


def _names(files, target):
    """Whether a constraint setting names target; Protect writes a file: URL for a path with spaces."""
    key = os.path.normcase(os.path.abspath(target))
    paths = [_file_url_path(f) if f.startswith("file:") else f for f in files]
    return any(os.path.normcase(os.path.abspath(f)) == key for f in paths)


def _file_url_path(url):
    """A file: URL's path, as urllib.request.url2pathname reads it; that module is not imported here
    (it pulls in http, email and ssl: dozens of modules loaded into the user's kernel)."""
    from urllib.parse import unquote, urlsplit
    if os.name == "nt":
        from nturl2path import url2pathname
        return url2pathname(urlsplit(url).path)
    return unquote(urlsplit(url).path)


def _pip_config(p, path):
    """The index settings of one config file; an unreadable or malformed file is an error entry."""
    parser = configparser.RawConfigParser()
    try:
        if not parser.read(path, encoding="utf-8"):
            p.fail("pip-config", "error", f"{path}: not readable")
            return []
    except (configparser.Error, OSError, UnicodeError) as e:
        p.fail("pip-config", "error", f"{path}: {e}")
        return []
    found = []
    for section in parser.sections():
        for key in PIP_KEYS:
            if parser.has_option(section, key):
                found.append({"file": path, "section": section, "key": key,
                              "value": _redact(parser.get(section, key))})
    return found


def _redact(value):
    return _CRED.sub(r"\1***@", value)


def _pip_config_files():
    env = os.environ
    if env.get("PIP_CONFIG_FILE"):
        return [env["PIP_CONFIG_FILE"]] if os.path.exists(env["PIP_CONFIG_FILE"]) else []
    home = os.path.expanduser("~")
    files = [os.path.join(d, "pip", "pip.conf") for d in
             (env.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(os.pathsep)] + ["/etc/pip.conf"]
    if sys.platform == "win32":
        files = [os.path.join(env.get("PROGRAMDATA", "C:\\ProgramData"), "pip", "pip.ini"),
                 os.path.join(env.get("APPDATA", home), "pip", "pip.ini"), os.path.join(home, "pip", "pip.ini")]
    elif sys.platform == "darwin":
        files += [os.path.join(home, "Library", "Application Support", "pip", "pip.conf")]
    files += [os.path.join(home, ".pip", "pip.conf"),
              os.path.join(env.get("XDG_CONFIG_HOME") or os.path.join(home, ".config"), "pip", "pip.conf"),
              os.path.join(sys.prefix, "pip.ini" if sys.platform == "win32" else "pip.conf")]
    return [f for f in files if os.path.isfile(f)]
