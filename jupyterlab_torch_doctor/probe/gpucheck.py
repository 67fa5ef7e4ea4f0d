"""The optional check after an install, in a job child: do the other frameworks still see the GPU?

For each framework the front end names (jax, cupy), a grandchild process
imports it and asks for its devices, with its own timeout, so one that hangs
or crashes (a CUDA library clash often does) cannot stop the others. Runs
only on the user's click, never in the quick probe.
"""

import json
import subprocess
import sys

GPU_CODE = {
    "jax": ("import json, jax\n"
            "d = jax.devices()\n"
            "print(json.dumps({'version': jax.__version__, 'devices': [str(x) for x in d][:16],"
            " 'gpu': any(x.platform in ('gpu', 'cuda', 'rocm') for x in d)}))\n"),
    "cupy": ("import json, cupy\n"
             "n = cupy.cuda.runtime.getDeviceCount()\n"
             "print(json.dumps({'version': cupy.__version__, 'devices': [str(i) for i in range(n)][:16],"
             " 'gpu': n > 0}))\n"),
}


def gpucheck_job(args):
    """{frameworks, timeout} -> {results: [{framework, ok, gpu, version, devices, error}]}."""
    timeout = float(args.get("timeout") or 20.0)
    results = []
    for name in [f for f in (args.get("frameworks") or []) if f in GPU_CODE][:4]:
        results.append(_gpu_one(name, timeout))
    return {"results": results}


def _gpu_one(name, timeout):
    base = {"framework": name, "ok": False, "gpu": False, "version": None, "devices": [], "error": None}
    try:
        out = subprocess.run([sys.executable, "-c", GPU_CODE[name]], capture_output=True, text=True,
                             timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return dict(base, error=f"{name} did not answer in {timeout:g} s")
    except OSError as e:
        return dict(base, error=f"{type(e).__name__}: {e}")
    if out.returncode != 0:
        return dict(base, error=(out.stderr.strip() or f"exit {out.returncode}")[-800:])
    try:
        data = json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return dict(base, error="unreadable answer: " + out.stdout[-300:])
    return dict(base, ok=True, gpu=bool(data.get("gpu")), version=data.get("version"),
                devices=[str(x) for x in data.get("devices") or []][:16])
