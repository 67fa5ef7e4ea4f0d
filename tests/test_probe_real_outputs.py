"""The probe on real outputs that nobody here wrote (tests/fixtures/, each naming its source).

- nvidia-smi from driver 610: "KMD Version" and "CUDA UMD Version" in its banner;
- KFD topology from an older kernel: no gfx_target_version, only the PCI device id;
- Jetson: /proc/driver/nvidia/version carries an L4T release or a Tegra module, never a desktop driver;
  a Jetson whose device-tree model lacks "jetson" is known by its compatible list (nvidia,tegra*);
- nvidia-smi before 510 / 450 rejects compute_cap / mig.mode.current: dropped field by field;
  nvidia-smi's exit status 14 (infoROM warning) still comes with a valid table;
- Intel SR-IOV virtual functions of the integrated GPU (00:02.1-.7) are integrated, not discrete.
"""

from pathlib import Path

import pytest

from jupyterlab_torch_doctor.probe.core import Probe
from jupyterlab_torch_doctor.probe.nvidia import nvidia
from jupyterlab_torch_doctor.probe.nvml import nvidia_job, read_header
from jupyterlab_torch_doctor.probe import others

from fixturetree import clean_path, fake_command, write

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def real(name):
    """A fixture's real lines, without its source note (lines starting with '#: ')."""
    text = (FIXTURES / name).read_text()
    return "\n".join(ln for ln in text.splitlines() if not ln.startswith("#: ")) + "\n"


def test_driver_610_banner_gives_the_cuda_version_and_the_driver():
    out = {"driver": None}
    read_header(real("nvidia-smi-610.57.04.txt"), out)
    assert out == {"driver": "610.57.04", "driver_source": "nvidia-smi", "cuda_driver_max": "13.3"}


def test_the_nvidia_job_on_driver_610s_nvidia_smi(tmp_path, monkeypatch):
    banner = tmp_path / "banner.txt"
    banner.write_text(real("nvidia-smi-610.57.04.txt"))
    query = tmp_path / "query.txt"
    query.write_text(real("nvidia-smi-610.57.04-query.txt"))
    fake_command(tmp_path / "bin", "nvidia-smi", f'case "$*" in *--query-gpu=*) cat {query} ;; *) cat {banner} ;; esac\n')
    monkeypatch.setenv("PATH", clean_path(tmp_path / "bin"))
    monkeypatch.setenv("TORCH_DOCTOR_NVML_LIB", str(tmp_path / "no-such-libnvidia-ml.so"))
    out = nvidia_job({"needs": ["nvml"], "cmd_timeout": 3})
    assert out["gpu_source"] == "nvidia-smi"
    assert out["gpus"] == [{"index": 0, "name": "NVIDIA GeForce RTX 2080 SUPER", "memory_mib": 8192,
                            "compute_capability": "7.5", "mig": None}]
    assert (out["driver"], out["cuda_driver_max"]) == ("610.57.04", "13.3")


def test_older_banners_still_read():
    out = {"driver": None}
    read_header("| NVIDIA-SMI 580.95.05   Driver Version: 580.95.05   CUDA Version: 13.0     |", out)
    assert (out["driver"], out["cuda_driver_max"]) == ("580.95.05", "13.0")


def test_kfd_node_without_gfx_target_version_gets_gfx_from_the_device_id(tmp_path):
    write(tmp_path, "/sys/class/kfd/kfd/topology/nodes/1/properties", real("kfd-vega10-no-gfx-target-version.txt"))
    write(tmp_path, "/dev/kfd", "")
    p = Probe(root=str(tmp_path))
    amd = others.amd(p)
    assert amd["gpus"] == [{"node": 1, "gfx": "gfx900", "gfx_target_version": 0, "device_id": 0x6860}]
    assert p.errors == []


def test_an_unknown_device_id_without_gfx_target_version_stays_unknown(tmp_path):
    text = real("kfd-vega10-no-gfx-target-version.txt").replace("device_id 26720", "device_id 4660")
    write(tmp_path, "/sys/class/kfd/kfd/topology/nodes/1/properties", text)
    assert others.amd(Probe(root=str(tmp_path)))["gpus"][0]["gfx"] is None


@pytest.mark.parametrize("line, version", [(0, "34.1.1"), (1, "540.4.0")])
def test_jetson_driver_is_marked_l4t_never_a_desktop_driver(tmp_path, monkeypatch, line, version):
    monkeypatch.setenv("PATH", clean_path(tmp_path / "bin"))
    lines = [ln for ln in real("jetson-proc-driver-nvidia-version.txt").splitlines() if ln.startswith("NVRM")]
    write(tmp_path, "/proc/driver/nvidia/version", lines[line] + "\n")
    write(tmp_path, "/etc/nv_tegra_release", real("jetson-nv_tegra_release.txt"))
    nv = nvidia(Probe(root=str(tmp_path)))
    assert (nv["driver"], nv["driver_source"]) == (version, "l4t")


def test_the_same_line_without_tegra_is_a_driver(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", clean_path(tmp_path / "bin"))
    write(tmp_path, "/proc/driver/nvidia/version",
          "NVRM version: NVIDIA UNIX Open Kernel Module for aarch64  580.95.05  Release Build  (dvs-builder@U16-I1-N07-05-2)  Thu Sep 25 2025\n")
    nv = nvidia(Probe(root=str(tmp_path)))
    assert (nv["driver"], nv["driver_source"]) == ("580.95.05", "procfs")


def smi_from(tmp_path, monkeypatch, table, rejects, row, status=0):
    """A fake nvidia-smi: rejects the named --query-gpu fields as the real one does (exit 2), else
    prints `row` (the query's answer, built from the real table's values); its table is real."""
    (tmp_path / "table.txt").write_text(table)
    cases = "".join(f"  *{f}*) printf '%s\\n\\n' 'Field \"{f}\" is not a valid field to query.'; exit 2 ;;\n"
                    for f in rejects)
    warning = "\n".join(ln for ln in table.splitlines() if ln.startswith("WARNING:"))
    fake_command(tmp_path / "bin", "nvidia-smi",
                 f'case "$*" in\n{cases}  *--query-gpu=*) echo \'{row}\'; '
                 f'{"echo " + repr(warning) + "; " if warning else ""}exit {status} ;;\n'
                 f'  *) cat {tmp_path / "table.txt"}; exit {status} ;;\nesac\n')
    monkeypatch.setenv("PATH", clean_path(tmp_path / "bin"))
    monkeypatch.setenv("TORCH_DOCTOR_NVML_LIB", str(tmp_path / "no-such-libnvidia-ml.so"))


def test_nvidia_smi_470_without_compute_cap_keeps_the_tables_driver_and_cuda(tmp_path, monkeypatch):
    text = real("nvidia-smi-470.256.02-snap.txt")
    assert text.splitlines()[0] == 'Field "compute_cap" is not a valid field to query.'
    table = text.split("\n", 2)[2]
    smi_from(tmp_path, monkeypatch, table, ["compute_cap"], "0, NVIDIA RTX PRO ..., 8151, 580.95.05, [N/A]")
    out = nvidia_job({"needs": ["nvml"], "cmd_timeout": 3})
    assert out["gpus"] == [{"index": 0, "name": "NVIDIA RTX PRO ...", "memory_mib": 8151,
                            "compute_capability": None, "mig": None}]
    assert (out["driver"], out["cuda_driver_max"], out["smi_warning"]) == ("580.95.05", "13.0", None)
    assert [e for e in out["errors"] if e["source"] == "nvidia-smi"] == []


def test_nvidia_smi_before_450_drops_each_field_it_rejects_and_reads_a_table_despite_status_14(tmp_path, monkeypatch):
    """384.130 knows neither compute_cap nor mig.mode.current, and exits 14 for its corrupted infoROM."""
    smi_from(tmp_path, monkeypatch, real("nvidia-smi-384.130-inforom.txt"), ["compute_cap", "mig.mode.current"],
             "0, Quadro P4000, 8105, 384.130", status=14)
    out = nvidia_job({"needs": ["nvml"], "cmd_timeout": 3})
    assert out["gpu_source"] == "nvidia-smi"
    assert out["gpus"] == [{"index": 0, "name": "Quadro P4000", "memory_mib": 8105,
                            "compute_capability": None, "mig": None}]
    assert (out["driver"], out["driver_source"]) == ("384.130", "nvidia-smi")
    assert out["cuda_driver_max"] is None  # 384's banner has no CUDA version: nothing guessed
    assert out["smi_warning"] == "nvidia-smi exited 14 (infoROM warning): infoROM is corrupted at gpu 0000:B3:00.0"
    assert [e for e in out["errors"] if e["source"] == "nvidia-smi"] == []


def test_status_14_table_alone_gives_driver_and_cuda(tmp_path, monkeypatch):
    """The query fails outright (an unknown field this code does not drop): the banner still counts."""
    table = real("nvidia-smi-470.256.02-snap.txt").split("\n", 2)[2] + "WARNING: infoROM is corrupted at gpu 0000:01:00.0\n"
    smi_from(tmp_path, monkeypatch, table, ["index"], "", status=14)
    out = nvidia_job({"needs": ["nvml"], "cmd_timeout": 3})
    assert (out["driver"], out["cuda_driver_max"]) == ("580.95.05", "13.0")
    assert out["smi_warning"].startswith("nvidia-smi exited 14 (infoROM warning)")
    assert any('"index" is not a valid field' in e["detail"] for e in out["errors"])


def test_the_warning_reaches_the_report(tmp_path, monkeypatch):
    from jupyterlab_torch_doctor.probe.nvml import merge_nvidia
    nv = {"driver": None, "gpus": [], "job": {"needs": ["nvml"]}}
    merge_nvidia(nv, {"status": "ok", "result": {"gpus": [], "smi_warning": "nvidia-smi exited 14 (infoROM warning)",
                                                 "errors": []}})
    assert nv["smi_warning"] == "nvidia-smi exited 14 (infoROM warning)"


def test_intel_sriov_virtual_functions_are_the_integrated_gpu(tmp_path):
    from fixturetree import pci_display
    import re as _re
    for line in real("intel-sriov-lspci.txt").splitlines():
        m = _re.match(r"(\S+) VGA compatible controller \[(\w+)\]: .* \[(\w+):(\w+)\]", line)
        if m:
            pci_display(tmp_path, "0000:" + m[1], "0x" + m[3], "0x" + m[4], cls=f"0x{m[2]}00")
    pci_display(tmp_path, "0000:03:00.0", "0x8086", "0x56a0")  # a discrete Arc A770 beside it
    gpus = others.intel(Probe(root=str(tmp_path)))["gpus"]
    assert [g["pci"] for g in gpus if not g["discrete"]] == [f"0000:00:02.{n}" for n in range(8)]
    assert [g["pci"] for g in gpus if g["discrete"]] == ["0000:03:00.0"]
    assert {g["device_id"] for g in gpus if not g["discrete"]} == {"0x4680"}


def device_tree():
    fields = dict(ln.split(": ", 1) for ln in real("jetson-orin-device-tree.txt").splitlines() if ": " in ln)
    # Device-tree strings end with NUL; compatible is a NUL-separated list.
    return fields["model"] + "\x00", "\x00".join(fields["compatible"].split()) + "\x00"


@pytest.mark.parametrize("files", ["compatible", "both"])
def test_jetson_from_the_device_trees_compatible_list(tmp_path, files):
    from jupyterlab_torch_doctor.probe.system import hints
    model, compatible = device_tree()
    write(tmp_path, "/proc/device-tree/compatible", compatible)
    if files == "both":
        write(tmp_path, "/proc/device-tree/model", model)
    jetson = hints(Probe(root=str(tmp_path)))["jetson"]
    assert jetson == {"model": "NVIDIA Orin Nano Developer Kit" if files == "both" else None, "l4t": None}


def test_a_model_without_jetson_and_no_tegra_compatible_is_not_a_jetson(tmp_path):
    from jupyterlab_torch_doctor.probe.system import hints
    model, _ = device_tree()
    write(tmp_path, "/proc/device-tree/model", model)
    write(tmp_path, "/proc/device-tree/compatible", "raspberrypi,5-model-b\x00brcm,bcm2712\x00")
    assert hints(Probe(root=str(tmp_path)))["jetson"] is None


def test_a_jetson_known_by_its_compatible_list_has_an_l4t_driver(tmp_path, monkeypatch):
    """No /etc/nv_tegra_release (a container without L4T's files): the Tegra module is still no desktop driver."""
    monkeypatch.setenv("PATH", clean_path(tmp_path / "bin"))
    line = [ln for ln in real("jetson-proc-driver-nvidia-version.txt").splitlines() if ln.startswith("NVRM")][1]
    write(tmp_path, "/proc/driver/nvidia/version", line + "\n")
    write(tmp_path, "/proc/device-tree/compatible", device_tree()[1])
    nv = nvidia(Probe(root=str(tmp_path)))
    assert (nv["driver"], nv["driver_source"]) == ("540.4.0", "l4t")
