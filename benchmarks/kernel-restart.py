"""The kernel's own restart time: restart to ready through jupyter_client, no JupyterLab, no
extension. The baseline of the panel's restart phase (benchmarks/install-click.sh).

    .venv/bin/python benchmarks/kernel-restart.py KERNEL_NAME [runs]

Prints each restart (request to the kernel answering kernel_info) and the median.
"""

import statistics
import sys
import time

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager


def main(name, runs=5):
    km = KernelManager(kernel_name=name,
                       kernel_spec_manager=KernelSpecManager(kernel_dirs=[".venv/share/jupyter/kernels"]))
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        km.restart_kernel()
        kc.wait_for_ready(timeout=60)
        times.append(time.perf_counter() - t0)
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    print("kernel restart (jupyter_client, to kernel_info):", " ".join(f"{t:.2f}" for t in times),
          f"median {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5)
