"""`python -m jupyterlab_torch_doctor.probe [--deep]`, and the same from the wheel's single file.

The terminal's run follows the kernel's rules: the quick probe in this
process, NVML/nvidia-smi and the deep check in job children with deadlines.
"""

import json
import sys

from .core import CMD_TIMEOUT, Probe, _read_text
from .report import collect
from .index import index_job
from .nvml import merge_nvidia, nvidia_job
from .deep import deep_from_job, deep_job
from .job import job_child_main, run_job

JOB_ENTRIES = {"index": index_job, "nvidia": nvidia_job, "deep": deep_job}


def nvidia_deadline(cmd_timeout):
    """NVML (bounded by cmd_timeout), then up to two nvidia-smi runs and nvcc, plus start-up."""
    return 4 * cmd_timeout + 2


def _self_source():
    """The source a job child runs: this whole bundle (or the package, bundled now)."""
    if __package__:
        from ._bundle import build
        return build("standalone")
    return _read_text(__file__)


def probe(deep=False, deep_timeout=120.0, cmd_timeout=CMD_TIMEOUT, root=None):
    p = Probe(root=root, cmd_timeout=cmd_timeout)
    report = collect(p)
    nv = report["nvidia"]
    source = None
    if nv.get("job"):
        source = _self_source()
        args = {"needs": nv["job"]["needs"], "cmd_timeout": cmd_timeout, "root": p.root,
                "nvcc": (nv.get("nvcc") or {}).get("path")}
        report["errors"] += merge_nvidia(nv, run_job("nvidia", source, args, nvidia_deadline(cmd_timeout)))
    if deep:
        report["deep"] = deep_from_job(run_job("deep", source or _self_source(), {}, deep_timeout))
    return report


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if "--job-child" in argv:
        job_child_main(argv[argv.index("--job-child") + 1], JOB_ENTRIES)
    timeout = float(argv[argv.index("--deep-timeout") + 1]) if "--deep-timeout" in argv else 120.0
    report = probe(deep="--deep" in argv or "--deep-timeout" in argv, deep_timeout=timeout)
    print(json.dumps(report, indent=2, sort_keys=True))
    return 0
