"""The kernel-side probe: what this interpreter's torch is, and what hardware it can see.

Stdlib only. The front end sends this file's source to the kernel (it is
embedded in the JS bundle at build time), so the kernel's environment does
not need this package. It also runs in a terminal:

    python -m jupyterlab_torch_doctor.probe [--deep]

Rules: never import torch in the calling process, write no files, bind no
names in the caller's namespace, and bound every external command by a
timeout. The report's format is src/report/probe-report.schema.json.
"""

import ast
import configparser
import ctypes
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time

SCHEMA_VERSION = 1
PROBE_VERSION = "0.1.0"
MIME = "application/vnd.jupyterlab-torch-doctor.probe+json"
INDEX_MIME = "application/vnd.jupyterlab-torch-doctor.index+json"
TRIO = ("torch", "torchvision", "torchaudio")
# Packages whose builds are tied to one CUDA (or ROCm) and break when torch changes.
CUDA_TIED = ("xformers", "flash-attn", "flash_attn", "vllm", "bitsandbytes", "triton",
             "pytorch-triton", "pytorch-triton-rocm", "pytorch-triton-xpu", "cuda-toolkit",
             "cuda-bindings", "onnxruntime-gpu", "deepspeed")
INDEX_ENV = ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_NO_INDEX",
             "PIP_CONFIG_FILE", "UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_DEFAULT_INDEX",
             "UV_INDEX", "UV_TORCH_BACKEND")
VISIBILITY_ENV = ("CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES",
                  "ROCR_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES", "HSA_OVERRIDE_GFX_VERSION",
                  "ZE_AFFINITY_MASK", "PYTORCH_ENABLE_MPS_FALLBACK")
CMD_TIMEOUT = 3.0
_CRED = re.compile(r"(//)[^/@\s]+@")


class Probe:
    """Collects one report. `root` prefixes every system path (tests use fixture trees)."""

    def __init__(self, root=None, cmd_timeout=CMD_TIMEOUT):
        self.root = root if root is not None else os.environ.get("TORCH_DOCTOR_ROOT", "")
        self.cmd_timeout = cmd_timeout
        self.errors = []

    # -- helpers -----------------------------------------------------------
    def path(self, p):
        return self.root.rstrip("/") + p if self.root else p

    def fail(self, source, reason, detail=""):
        self.errors.append({"source": source, "reason": reason, "detail": str(detail)[:300]})

    def read(self, p, source=None):
        try:
            with open(self.path(p), encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            if source:
                self.fail(source, "missing", p)
        except PermissionError as e:
            self.fail(source or p, "permission", e)
        except OSError as e:
            self.fail(source or p, "error", e)
        return None

    def run(self, argv, source):
        """Run a command with a timeout; return stdout or None with the reason recorded."""
        exe = shutil.which(argv[0])
        if exe is None:
            self.fail(source, "missing", f"{argv[0]} not on PATH")
            return None
        try:
            out = subprocess.run([exe] + argv[1:], capture_output=True, text=True,
                                 timeout=self.cmd_timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            self.fail(source, "timeout", f"{argv[0]} did not answer in {self.cmd_timeout:g} s")
            return None
        except PermissionError as e:
            self.fail(source, "permission", e)
            return None
        except OSError as e:
            self.fail(source, "error", e)
            return None
        if out.returncode != 0:
            self.fail(source, "error", (out.stdout + out.stderr).strip() or f"exit {out.returncode}")
            return None
        return out.stdout

    # -- interpreter and platform -------------------------------------------
    def python(self):
        impl = sys.implementation.name
        tag = ("cp" if impl == "cpython" else impl[:2]) + "%d%d" % sys.version_info[:2]
        return {"executable": sys.executable, "version": platform.python_version(),
                "implementation": platform.python_implementation(), "tag": tag,
                "bits": 64 if sys.maxsize > 2**32 else 32,
                "free_threaded": bool(getattr(sys, "_is_gil_enabled", lambda: True)() is False),
                "prefix": sys.prefix, "base_prefix": sys.base_prefix}

    def platform_info(self):
        system, machine = platform.system(), platform.machine()
        info = {"system": system, "machine": machine, "release": platform.release(),
                "glibc": None, "manylinux": None, "macos": None, "windows": None}
        if system == "Linux":
            try:
                libc = os.confstr("CS_GNU_LIBC_VERSION") or ""
            except (ValueError, OSError):
                libc = ""
            m = re.match(r"glibc (\d+)\.(\d+)", libc)
            if m:
                info["glibc"] = f"{m.group(1)}.{m.group(2)}"
                info["manylinux"] = f"manylinux_{m.group(1)}_{m.group(2)}_{machine}"
        elif system == "Darwin":
            info["macos"] = {"version": platform.mac_ver()[0], "arch": machine,
                             "rosetta": self._rosetta()}
        elif system == "Windows":
            info["windows"] = {"version": platform.version(), "edition": platform.win32_edition()
                               if hasattr(platform, "win32_edition") else None}
        return info

    def _rosetta(self):
        try:
            libc = ctypes.CDLL("/usr/lib/libc.dylib")
            val, size = ctypes.c_int(0), ctypes.c_size_t(4)
            if libc.sysctlbyname(b"sysctl.proc_translated", ctypes.byref(val), ctypes.byref(size), None, 0):
                return False
            return val.value == 1
        except OSError:
            return None

    def environment(self):
        prefix = sys.prefix
        conda = os.path.isdir(os.path.join(prefix, "conda-meta"))
        cfg = os.path.join(prefix, "pyvenv.cfg")
        uv_made = False
        if os.path.isfile(cfg):
            with open(cfg, encoding="utf-8", errors="replace") as f:
                uv_made = bool(re.search(r"^\s*uv\s*=", f.read(), re.M))
        kind = "conda" if conda else "uv" if uv_made else "venv" if prefix != sys.base_prefix else "system"
        bindir = os.path.dirname(sys.executable)
        uv = shutil.which("uv", path=bindir) or shutil.which("uv")
        return {"kind": kind, "prefix": prefix, "conda": conda,
                "conda_env": os.environ.get("CONDA_DEFAULT_ENV"), "uv_made": uv_made,
                "pip_available": _has_module("pip"), "uv_path": uv,
                "hostname": socket.gethostname(), **self.hints()}

    def hints(self):
        env = os.environ
        container = []
        if os.path.exists(self.path("/.dockerenv")):
            container.append("docker")
        if os.path.exists(self.path("/run/.containerenv")):
            container.append("podman")
        if env.get("KUBERNETES_SERVICE_HOST"):
            container.append("kubernetes")
        cgroup = self.read("/proc/1/cgroup") or ""
        if not container and re.search(r"docker|containerd|kubepods|libpod", cgroup):
            container.append("cgroup")
        osrel = (self.read("/proc/sys/kernel/osrelease") or "").lower()
        wsl = "microsoft" in osrel or "WSL_DISTRO_NAME" in env
        tegra = self.read("/etc/nv_tegra_release")
        model = (self.read("/proc/device-tree/model") or "").strip("\x00\n ")
        jetson = None
        if tegra is not None or "jetson" in model.lower():
            jetson = {"model": model or None, "l4t": (tegra or "").splitlines()[0].strip() if tegra else None}
        managed = None
        if "COLAB_RELEASE_TAG" in env or "COLAB_GPU" in env:
            managed = "colab"
        elif "KAGGLE_KERNEL_RUN_TYPE" in env or "KAGGLE_URL_BASE" in env:
            managed = "kaggle"
        elif "SM_CURRENT_HOST" in env or os.path.exists(self.path("/opt/ml/metadata/resource-metadata.json")):
            managed = "sagemaker"
        return {"container": container, "wsl": wsl, "jetson": jetson, "managed": managed}

    # -- packages ------------------------------------------------------------
    def packages(self):
        dists = _dist_index()
        trio = {name: self.package(name, dists.get(_norm(name))) for name in TRIO}
        related = []
        for key, (version, _path) in sorted(dists.items()):
            if key in {_norm(n) for n in CUDA_TIED} or key.startswith("nvidia-"):
                related.append({"name": key, "version": version})
        numpy = dists.get("numpy")
        torch_mod = sys.modules.get("torch")
        imported = None
        if torch_mod is not None:
            cuda_mod = sys.modules.get("torch.cuda")
            init = getattr(cuda_mod, "is_initialized", None)
            imported = {"version": str(getattr(torch_mod, "__version__", "")) or None,
                        "cuda_initialized": bool(init()) if callable(init) else None}
        return {"packages": trio, "related": related,
                "numpy": numpy[0] if numpy else None, "torch_imported": imported}

    def package(self, name, entry):
        if entry is None:
            return None
        version, info_dir = entry
        meta = _read_meta(info_dir)
        site = os.path.dirname(info_dir)
        build = _version_py(os.path.join(site, name, "version.py"))
        installer = _read_text(os.path.join(info_dir, "INSTALLER"))
        conda_rec = _conda_record(name)
        full = build.get("__version__") or meta.get("Version") or version
        return {"version": meta.get("Version") or version, "build_version": full,
                "local": full.split("+", 1)[1] if "+" in full else None,
                "cuda": build.get("cuda"), "hip": build.get("hip"), "rocm": build.get("rocm"),
                "xpu": build.get("xpu"), "git_version": build.get("git_version"),
                "version_file": bool(build), "installer": (installer or "").strip() or None,
                "conda": conda_rec, "location": site,
                "requires": [r for r in meta.get("Requires-Dist", []) if "extra ==" not in r][:60]}

    # -- NVIDIA ----------------------------------------------------------------
    def nvidia(self):
        env = os.environ
        out = {"driver": None, "driver_source": None, "cuda_driver_max": None, "gpus": [],
               "gpu_source": None, "visible": {k: env.get(k) for k in VISIBILITY_ENV if k.startswith(("CUDA", "NVIDIA"))},
               "dev_nodes": self._dev_nodes(), "nvcc": self._nvcc()}
        ver = self.read("/sys/module/nvidia/version")
        if ver and ver.strip():
            out.update(driver=ver.strip(), driver_source="sysfs")
        else:
            proc = self.read("/proc/driver/nvidia/version")
            m = re.search(r"Kernel Module(?: for \S+)?\s+(\d+\.\d+(?:\.\d+)?)", proc or "")
            if m:
                out.update(driver=m.group(1), driver_source="procfs")
        if not self.root and self._nvml(out):
            return out
        if out["driver"] is None and sys.platform.startswith("linux") and not out["dev_nodes"] \
                and not shutil.which("nvidia-smi"):
            self.fail("nvidia", "missing", "no NVIDIA kernel module, device nodes or nvidia-smi")
            return out
        self._smi(out)
        return out

    def _dev_nodes(self):
        try:
            return sorted(n for n in os.listdir(self.path("/dev")) if n.startswith("nvidia"))
        except OSError:
            return []

    def _nvml(self, out):
        names = {"win32": ["nvml.dll"], "darwin": []}.get(sys.platform, ["libnvidia-ml.so.1"])
        lib = None
        for n in names:
            try:
                lib = ctypes.CDLL(n)
                break
            except OSError:
                continue
        if lib is None:
            self.fail("nvml", "missing", "libnvidia-ml not loadable")
            return False
        if lib.nvmlInit_v2() != 0:
            self.fail("nvml", "error", "nvmlInit failed")
            return False
        try:
            buf = ctypes.create_string_buffer(96)
            if lib.nvmlSystemGetDriverVersion(buf, 96) == 0 and not out["driver"]:
                out.update(driver=buf.value.decode(), driver_source="nvml")
            cv = ctypes.c_int(0)
            if lib.nvmlSystemGetCudaDriverVersion_v2(ctypes.byref(cv)) == 0 and cv.value:
                out["cuda_driver_max"] = f"{cv.value // 1000}.{cv.value % 1000 // 10}"
            count = ctypes.c_uint(0)
            lib.nvmlDeviceGetCount_v2(ctypes.byref(count))
            for i in range(count.value):
                h = ctypes.c_void_p()
                if lib.nvmlDeviceGetHandleByIndex_v2(i, ctypes.byref(h)) != 0:
                    continue
                name = ctypes.create_string_buffer(96)
                lib.nvmlDeviceGetName(h, name, 96)
                major, minor = ctypes.c_int(0), ctypes.c_int(0)
                cc = None
                if lib.nvmlDeviceGetCudaComputeCapability(h, ctypes.byref(major), ctypes.byref(minor)) == 0:
                    cc = f"{major.value}.{minor.value}"
                mem = (ctypes.c_ulonglong * 3)()
                mib = mem[0] // (1 << 20) if lib.nvmlDeviceGetMemoryInfo(h, ctypes.byref(mem)) == 0 else None
                cur, pend = ctypes.c_uint(0), ctypes.c_uint(0)
                mig = None
                if lib.nvmlDeviceGetMigMode(h, ctypes.byref(cur), ctypes.byref(pend)) == 0:
                    mig = "enabled" if cur.value else "disabled"
                out["gpus"].append({"index": i, "name": name.value.decode(errors="replace"),
                                    "memory_mib": mib, "compute_capability": cc, "mig": mig})
            out["gpu_source"] = "nvml"
        finally:
            lib.nvmlShutdown()
        return True

    def _smi(self, out):
        q = "index,name,memory.total,compute_cap,driver_version,mig.mode.current"
        text = self.run(["nvidia-smi", f"--query-gpu={q}", "--format=csv,noheader,nounits"], "nvidia-smi")
        if text is None and self.errors and "compute_cap" in self.errors[-1]["detail"]:
            # nvidia-smi before 510 has no compute_cap field.
            self.errors.pop()
            q = "index,name,memory.total,driver_version,mig.mode.current"
            text = self.run(["nvidia-smi", f"--query-gpu={q}", "--format=csv,noheader,nounits"], "nvidia-smi")
        if text is None:
            return
        fields = q.split(",")
        for line in text.splitlines():
            cells = [c.strip() for c in line.split(",")]
            if len(cells) != len(fields):
                continue
            row = dict(zip(fields, cells))
            na = ("[N/A]", "N/A", "[Not Supported]", "")
            mem = row.get("memory.total", "")
            out["gpus"].append({
                "index": int(row["index"]) if row["index"].isdigit() else len(out["gpus"]),
                "name": row["name"], "memory_mib": int(float(mem)) if re.match(r"^\d+(\.\d+)?$", mem) else None,
                "compute_capability": row.get("compute_cap") if row.get("compute_cap") not in na else None,
                "mig": row["mig.mode.current"].lower() if row["mig.mode.current"] not in na else None})
            if not out["driver"] and row.get("driver_version") not in na:
                out.update(driver=row["driver_version"], driver_source="nvidia-smi")
        out["gpu_source"] = "nvidia-smi"
        header = self.run(["nvidia-smi"], "nvidia-smi")
        m = re.search(r"CUDA Version:\s*(\d+\.\d+)", header or "")
        if m:
            out["cuda_driver_max"] = m.group(1)

    def _nvcc(self):
        env = os.environ
        nvcc = shutil.which("nvcc")
        homes = [env.get("CUDA_HOME"), env.get("CUDA_PATH"), "/usr/local/cuda"]
        if nvcc is None:
            for home in filter(None, homes):
                cand = os.path.join(home, "bin", "nvcc")
                if os.path.isfile(self.path(cand)):
                    nvcc = cand
                    break
        if nvcc is None:
            return None
        version = None
        # The toolkit's version.json (CUDA >= 11.1) saves running nvcc, which may be a wrapper.
        tops = [os.path.dirname(os.path.dirname(os.path.realpath(nvcc)))] + [h for h in homes if h]
        for top in tops:
            text = self.read(os.path.join(top, "version.json"))
            try:
                data = json.loads(text) if text else {}
            except ValueError:
                continue
            version = (data.get("cuda_nvcc") or data.get("cuda") or {}).get("version") if isinstance(data, dict) else None
            if version:
                break
        if version is None:
            text = self.run([nvcc, "--version"], "nvcc") or ""
            m = re.search(r"release (\d+\.\d+)", text)
            version = m.group(1) if m else None
        return {"path": nvcc, "version": version,
                "note": "system CUDA toolkit; pip wheels bundle their own CUDA runtime and need only the driver"}

    # -- AMD, Intel, Apple -----------------------------------------------------
    def amd(self):
        base = "/sys/class/kfd/kfd/topology/nodes"
        gpus = []
        try:
            nodes = sorted(os.listdir(self.path(base)), key=lambda n: int(n) if n.isdigit() else 0)
        except OSError:
            nodes = []
        for node in nodes:
            props = self.read(f"{base}/{node}/properties") or ""
            kv = dict(line.split(None, 1) for line in props.splitlines() if len(line.split(None, 1)) == 2)
            if kv.get("simd_count", "0").strip() == "0":
                continue  # a CPU node
            gtv = int(kv.get("gfx_target_version", "0") or 0)
            gpus.append({"node": int(node) if node.isdigit() else node, "gfx": _gfx(gtv),
                         "gfx_target_version": gtv,
                         "device_id": int(kv["device_id"]) if kv.get("device_id", "").strip().isdigit() else None})
        env = {k: os.environ.get(k) for k in VISIBILITY_ENV if k.startswith(("ROCR", "HIP", "HSA"))}
        return {"kfd": os.path.exists(self.path("/dev/kfd")), "gpus": gpus, "visible": env}

    def intel(self):
        base = "/sys/bus/pci/devices"
        gpus = []
        try:
            devices = sorted(os.listdir(self.path(base)))
        except OSError:
            devices = []
        for dev in devices:
            cls = (self.read(f"{base}/{dev}/class") or "").strip()
            vendor = (self.read(f"{base}/{dev}/vendor") or "").strip().lower()
            if cls.startswith("0x03") and vendor == "0x8086":
                device = (self.read(f"{base}/{dev}/device") or "").strip().lower()
                # Intel integrated graphics always sits at 00:02.0.
                gpus.append({"pci": dev, "device_id": device or None, "discrete": not dev.endswith("00:02.0")})
        return {"gpus": gpus, "affinity": os.environ.get("ZE_AFFINITY_MASK")}

    def apple(self, plat):
        mac = plat.get("macos")
        if not mac:
            return None
        parts = [int(p) for p in re.findall(r"\d+", mac["version"] or "")[:2]] + [0, 0]
        return {"arch": mac["arch"], "rosetta": mac["rosetta"],
                "mps_os_supported": (parts[0], parts[1]) >= (12, 3),
                "apple_silicon": mac["arch"] == "arm64" or bool(mac["rosetta"])}

    # -- what could override an install cell ---------------------------------
    def install_context(self, site):
        env = {k: _redact(os.environ[k]) for k in INDEX_ENV if k in os.environ}
        config = []
        for path in _pip_config_files():
            parser = configparser.RawConfigParser()
            try:
                if not parser.read(path, encoding="utf-8"):
                    continue
            except (configparser.Error, OSError, UnicodeError) as e:
                self.fail("pip-config", "error", f"{path}: {e}")
                continue
            for section in parser.sections():
                for key in ("index-url", "extra-index-url", "find-links", "no-index", "constraint"):
                    if parser.has_option(section, key):
                        config.append({"file": path, "section": section, "key": key,
                                       "value": _redact(parser.get(section, key))})
        disk = {}
        tmp = os.environ.get("TMPDIR") or os.environ.get("TEMP") or os.environ.get("TMP") or "/tmp"
        for label, path in (("site_packages", site), ("tmp", tmp)):
            try:
                disk[label] = {"path": path, "free_bytes": shutil.disk_usage(path).free}
            except (OSError, TypeError) as e:
                disk[label] = {"path": path, "free_bytes": None}
                self.fail(f"disk:{label}", "missing" if isinstance(e, FileNotFoundError) else "error", e)
        return {"env": env, "pip_config": config, "disk": disk}

    def collect(self, deep=False, deep_timeout=120.0):
        t0 = time.perf_counter()
        plat = self.platform_info()
        pkgs = self.packages()
        torch = pkgs["packages"]["torch"]
        site = torch["location"] if torch else _site_packages()
        report = {
            "schema_version": SCHEMA_VERSION, "mime": MIME,
            "probe": {"version": PROBE_VERSION, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                      "duration_ms": None, "root_override": bool(self.root)},
            "python": self.python(), "platform": plat, "environment": self.environment(), **pkgs,
            "nvidia": self.nvidia(), "amd": self.amd(), "intel": self.intel(), "apple": self.apple(plat),
            "install": self.install_context(site), "errors": self.errors, "deep": None}
        if deep:
            report["deep"] = run_deep(deep_timeout)
        report["probe"]["duration_ms"] = round((time.perf_counter() - t0) * 1000, 2)
        return report


# -- module-level helpers (pure, no state) -----------------------------------
def _norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _has_module(name):
    import importlib.util
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def _dist_index():
    """name -> (version, dist-info dir); first on sys.path wins, as importlib does."""
    found = {}
    pattern = re.compile(r"^(.+?)-([^-]+)\.(dist-info|egg-info)$")
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for n in names:
            m = pattern.match(n)
            if m and _norm(m.group(1)) not in found:
                found[_norm(m.group(1))] = (m.group(2), os.path.join(entry or ".", n))
    return found


def _read_meta(info_dir):
    text = _read_text(os.path.join(info_dir, "METADATA")) or _read_text(os.path.join(info_dir, "PKG-INFO")) or ""
    meta = {}
    for line in text.split("\n\n", 1)[0].splitlines():
        key, sep, value = line.partition(": ")
        if not sep:
            continue
        if key == "Requires-Dist":
            meta.setdefault(key, []).append(value.strip())
        elif key in ("Version", "Name"):
            meta[key] = value.strip()
    return meta


def _version_py(path):
    """Literal assignments in a generated version.py, read as text: never import it."""
    text = _read_text(path)
    if text is None:
        return {}
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return {}
    values = {}
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else \
            node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(target, ast.Name) and node.value is not None:
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue
            if value is None or isinstance(value, (str, bool, int)):
                values[target.id] = value
    return values


def _conda_record(name):
    meta = os.path.join(sys.prefix, "conda-meta")
    try:
        names = os.listdir(meta)
    except OSError:
        return None
    for cand in (name, "py" + name, "pytorch" if name == "torch" else None):
        for n in names:
            if cand and n.startswith(cand + "-") and n.endswith(".json") and n[len(cand) + 1:][:1].isdigit():
                try:
                    data = json.loads(_read_text(os.path.join(meta, n)) or "{}")
                except ValueError:
                    data = {}
                return {"name": data.get("name"), "version": data.get("version"), "build": data.get("build"),
                        "channel": data.get("channel")}
    return None


def _site_packages():
    import sysconfig
    return sysconfig.get_paths().get("purelib")


def _gfx(v):
    if not v:
        return None
    return "gfx%d%x%x" % (v // 10000, v // 100 % 100, v % 100)


def _redact(value):
    return _CRED.sub(r"\1***@", value)


def _pip_config_files():
    env = os.environ
    if env.get("PIP_CONFIG_FILE"):
        return [env["PIP_CONFIG_FILE"]]
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


# -- deep check: a subprocess of this interpreter imports torch, never the kernel --
def run_deep(timeout=120.0):
    """Run this module again as `python - --deep-child` and return its JSON result."""
    src = globals().get("__probe_source__")
    if src is None and globals().get("__file__"):
        src = _read_text(__file__)
    if not src:
        return {"status": "error", "error": "probe source unavailable for the deep check"}
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    t0 = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, "-", "--deep-child"], input=src, capture_output=True,
                           text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "error": f"the deep check did not finish in {timeout:g} s",
                "duration_ms": round((time.perf_counter() - t0) * 1000, 1)}
    except OSError as e:
        return {"status": "error", "error": str(e)}
    ms = round((time.perf_counter() - t0) * 1000, 1)
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    try:
        result = json.loads(lines[-1])
    except (IndexError, ValueError):
        # The interpreter itself died (a segfault in a CUDA library, say).
        return {"status": "crashed", "exit_code": p.returncode, "duration_ms": ms,
                "error": (p.stderr or p.stdout)[-2000:]}
    result.update(status="ok", exit_code=p.returncode, duration_ms=ms, stderr_tail=p.stderr[-2000:])
    return result


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


# -- live index check: does the index have the planned wheels? --------------
def index_check(queries, timeout=3.0):
    """For each {index, project}, the file names the index lists (PEP 691 JSON, else PEP 503 HTML).

    The kernel asks, not the browser: cross-origin rules block the browser,
    and the kernel sees the same network, proxies and mirrors pip will use.
    """
    from concurrent.futures import ThreadPoolExecutor
    queries = list(queries)[:16]
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(lambda q: _index_files(str(q["index"]), str(q["project"]), timeout), queries))
    return {"schema_version": 1, "results": [dict(index=q["index"], project=q["project"], **r)
                                             for q, r in zip(queries, found)]}


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


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if "--deep-child" in argv:
        print(json.dumps(deep_child()))
        return 0
    timeout = float(argv[argv.index("--deep-timeout") + 1]) if "--deep-timeout" in argv else 120.0
    report = Probe().collect(deep="--deep" in argv or "--deep-timeout" in argv, deep_timeout=timeout)
    print(json.dumps(report, indent=2, sort_keys=True))
    return 0


def _kernel_entry(args):
    """Called by the front end's wrapper: emit the report as one vendor-MIME display_data."""
    from IPython.display import display
    if "index_check" in args:
        display({INDEX_MIME: index_check(args["index_check"], float(args.get("index_timeout", 3.0)))}, raw=True)
        return
    report = Probe(root="", cmd_timeout=float(args.get("cmd_timeout", CMD_TIMEOUT))).collect(
        deep=bool(args.get("deep")), deep_timeout=float(args.get("deep_timeout", 120)))
    display({MIME: report}, raw=True)


if __name__ == "__main__":
    sys.exit(main())
elif __name__ == "__torch_doctor_probe__":
    _kernel_entry(globals().get("__probe_args__") or {})
