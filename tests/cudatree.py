"""Fixture site-packages for the CUDA library inventory, from REAL METADATA files.

tests/fixtures/cuda-metadata/ holds the METADATA headers of real wheels, read from PyPI by
scripts/cuda-metadata.py (pip's --dry-run --report; SOURCES.json names each wheel and its sha256).
"""

from pathlib import Path

META = Path(__file__).parent / "fixtures" / "cuda-metadata"


def install_meta(site, folder, record=True, installer="pip"):
    """A dist-info as pip writes it, with the real METADATA of `folder` (name-version)."""
    text = (META / folder / "METADATA").read_text(encoding="utf-8")
    fields = dict(line.split(": ", 1) for line in text.split("\n\n")[0].splitlines()[:3])
    escaped = fields["Name"].replace("-", "_")
    info = Path(site) / f"{escaped}-{fields['Version']}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(text, encoding="utf-8")
    if installer:
        (info / "INSTALLER").write_text(installer + "\n")
    if record:
        (info / "RECORD").write_text(f"{info.name}/METADATA,,\n")
    return info


def plain_dist(site, name, version):
    info = Path(site) / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n")
    (info / "RECORD").write_text("")
    return info


