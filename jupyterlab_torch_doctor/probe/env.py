"""The quick probe's second request: what this interpreter can install (its wheel tags) and the
CUDA libraries of every framework in the environment.

It follows the quick request at once, in the same probe, so each request stays under 12 kB; both
read files only. The standalone probe (report.collect) computes the same two fields inline.
"""

import os

from .core import Probe
from .cudalibs import cuda_libs
from .tags import install_tags


def env_facts(p):
    """{tags, cuda_libs}, each guarded: a failing source is an error entry and None."""
    return {"tags": p.guard("tags", install_tags, None, p), "cuda_libs": p.guard("cuda-libs", cuda_libs, None, p)}


def kernel_env(args):
    """As the front end asks for it: {tags, cuda_libs, errors}."""
    p = Probe(root=os.environ.get("TORCH_DOCTOR_ROOT", ""))
    return dict(env_facts(p), errors=p.errors)
