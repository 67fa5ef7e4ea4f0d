"""Run one cell in a real ipykernel and keep its stream messages as they came.

    .venv/bin/python scripts/capture-kernel-output.py PYTHON OUT.json 'CELL'

PYTHON is the kernel's interpreter (it must have ipykernel). The kernel gets
the caller's environment. OUT.json holds the cell, how it was made, and each
iopub stream message's name and text in order: what JupyterLab receives
while the cell runs (the progress parser's fixtures, src/install/__tests__/progress/).
"""

import json
import os
import sys
import tempfile
import time

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager


def main(python, out, cell):
    root = tempfile.mkdtemp()
    os.makedirs(os.path.join(root, "capture"))
    with open(os.path.join(root, "capture", "kernel.json"), "w") as f:
        json.dump({"argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                   "display_name": "capture", "language": "python"}, f)
    km = KernelManager(kernel_name="capture", kernel_spec_manager=KernelSpecManager(kernel_dirs=[root]))
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    start = time.monotonic()
    msg_id = kc.execute(cell)
    chunks = []
    while True:
        msg = kc.get_iopub_msg(timeout=600)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "stream":
            chunks.append({"t": round(time.monotonic() - start, 3), "name": msg["content"]["name"],
                           "text": msg["content"]["text"]})
        elif kind == "error":
            chunks.append({"t": round(time.monotonic() - start, 3), "error": msg["content"]["ename"]})
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            break
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    with open(out, "w") as f:
        json.dump({"cell": cell, "made_by": " ".join(sys.argv), "chunks": chunks}, f, indent=1,
                  ensure_ascii=False)
        f.write("\n")
    print(f"{out}: {len(chunks)} stream messages in {time.monotonic() - start:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
