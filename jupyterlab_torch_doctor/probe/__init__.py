"""The kernel-side probe, one module per concern (stdlib only).

- core: constants and the Probe (read, fail, guard, run)
- system, packages, nvidia (files only), others (AMD, Intel, Apple), install: the quick probe's sources
- report: the quick probe, run in the kernel
- job: background jobs (a child of the kernel's interpreter with a hard deadline)
- nvml (NVML, nvidia-smi), index (the live index check), deep (the deep check): what jobs run
- cli: `python -m jupyterlab_torch_doctor.probe [--deep]`
- _bundle: joins exactly the modules each request needs into one source

The front end never imports this package: it sends the bundles (built into the
JS by scripts/bundle-probe.py) to the kernel, so the kernel's environment
needs only the standard library. The wheel also ships the whole probe as one
file, jupyterlab_torch_doctor/torch_doctor_probe.py.
"""

from .core import CMD_TIMEOUT, INDEX_MIME, MIME, Probe
from .report import collect
from .job import poll_job, start_job, run_job
from .cli import main, probe

__all__ = ["CMD_TIMEOUT", "INDEX_MIME", "MIME", "Probe", "collect", "main", "poll_job", "probe", "run_job",
           "start_job"]
