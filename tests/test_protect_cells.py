"""The Protect and Unprotect cells, exactly as the front end makes them, run by a real Python in
real (pip-less, hence quick) venvs, with the real pip run after every step of every case.

The cells come from _bundle.protect_cell, which src/install/protect.ts reproduces byte for byte
(src/install/__tests__/protect.spec.ts compares the two). Set PROTECT_CELLS to a JSON file of
{"protect": template, "unprotect": text} to run these tests on other cells (an older release's).
After each step: `pip config list` must succeed, `pip install --dry-run` of the pinned torch must
succeed, and one of another torch must fail exactly while the build is protected. Every run of a
cell must leave no name in its namespace, also when it raises.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUNDLER, REPO

PROTECT_FILE = "torch-doctor-constraints.txt"
PINS = ["torch==2.13.0+cpu"]


def cell(action, pins=None):
    override = os.environ.get("PROTECT_CELLS")
    if not override:
        return BUNDLER.protect_cell(action, pins)
    cells = json.loads(Path(override).read_text())
    return cells[action].replace(BUNDLER.PINS_PLACEHOLDER, json.dumps(pins, separators=(",", ":")))


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Fixture wheels, a HOME without pip settings, and a folder holding only pip (for the venvs' .pth)."""
    root = tmp_path_factory.mktemp("protect")
    wheels = root / "wheels"
    for args in (["torch", "2.13.0+cpu"], ["torch", "2.12.0+cpu"]):
        subprocess.run([sys.executable, str(REPO / "scripts" / "fixture_wheel.py"), str(wheels), *args], check=True)
    import pip
    pipdir = root / "pip-only"
    pipdir.mkdir()
    (pipdir / "pip").symlink_to(Path(pip.__file__).parent)
    (root / "home").mkdir()
    return {"root": root, "wheels": wheels, "pipdir": pipdir, "home": root / "home"}


def child_env(world):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env.update(HOME=str(world["home"]), XDG_CONFIG_DIRS=str(world["root"] / "no-xdg"),
               PIP_DISABLE_PIP_VERSION_CHECK="1", TMPDIR=str(world["root"]))
    return env


def make_env(world, path):
    """A venv at path whose pip is the test runner's (by a .pth): sys.prefix is path."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, env=child_env(world))
    site = next(path.glob("lib/python3*/site-packages"))
    (site / "pip-only.pth").write_text(str(world["pipdir"]) + "\n")
    return path


class Env:
    def __init__(self, world, path):
        self.world, self.path = world, Path(path)
        self.python = self.path / "bin" / "python"
        self.conf = self.path / "pip.conf"
        self.pins = self.path / PROTECT_FILE

    def run(self, *args, check=False):
        return subprocess.run([str(self.python), *args], capture_output=True, text=True,
                              env=child_env(self.world), cwd=str(self.world["root"]), timeout=120, check=check)

    def cell(self, action, pins=PINS):
        """Run a cell as the kernel would: in a namespace that must hold no new name afterwards."""
        src = self.world["root"] / f"cell-{os.getpid()}-{action}.py"
        src.write_text(cell(action, pins if action == "protect" else None))
        r = self.run("-c", (
            "import json, sys\nns = {'__name__': '__main__'}\n"
            f"try:\n    exec(compile(open({str(src)!r}).read(), 'cell', 'exec'), ns)\n"
            "finally:\n    print('LEFT=' + json.dumps(sorted(k for k in ns if k != '__builtins__' and k != '__name__')),"
            " file=sys.stderr)\n"))
        left = [l for l in r.stderr.splitlines() if l.startswith("LEFT=")]
        assert left and json.loads(left[-1][5:]) == [], f"the cell left names behind: {left} {r.stderr}"
        return r

    def pip_works(self, protected):
        """The real pip reads the config, installs the pinned build, and refuses another one iff protected."""
        listed = self.run("-m", "pip", "config", "list")
        assert listed.returncode == 0 and not listed.stderr.strip(), listed.stderr
        links = ["install", "--dry-run", "--no-cache-dir", "--no-index", "--find-links", str(self.world["wheels"])]
        same = self.run("-m", "pip", *links, "torch==2.13.0+cpu")
        assert same.returncode == 0, same.stdout + same.stderr
        other = self.run("-m", "pip", *links, "torch==2.12.0+cpu")
        assert (other.returncode != 0) == protected, other.stdout + other.stderr
        if protected:
            assert "torch==2.13.0+cpu" in other.stdout + other.stderr  # refused by our pin, nothing else
        return listed.stdout

    def bytes(self):
        return {p.name: p.read_bytes() for p in (self.conf, self.pins) if p.exists() or p.is_symlink()}


@pytest.fixture
def env(world, tmp_path):
    return Env(world, make_env(world, tmp_path / "env"))


def protect(env, pins=PINS):
    r = env.cell("protect", pins)
    assert r.returncode == 0, r.stderr
    env.pip_works(protected=True)
    return r


def unprotect(env):
    r = env.cell("unprotect")
    assert r.returncode == 0, r.stderr
    env.pip_works(protected=False)
    return r


def edit(path, old, new):
    text = path.read_bytes()
    assert old.encode() in text
    path.write_bytes(text.replace(old.encode(), new.encode(), 1))


# ---- the user edits the config while it is protected ---------------------------------------------

def test_an_option_added_under_install_after_protect(env):
    """The review's case: Unprotect left `timeout = 60` without a header, and pip failed on it."""
    env.pip_works(protected=False)
    protect(env)
    env.conf.write_bytes(env.conf.read_bytes() + b"timeout = 60\n")
    assert "install.timeout='60'" in env.pip_works(protected=True)
    unprotect(env)
    assert env.conf.read_bytes() == b"[install]\ntimeout = 60\n"
    assert "install.timeout='60'" in env.pip_works(protected=False)


@pytest.mark.parametrize("mine", [
    "[global]\nindex-url = https://mirror.example/simple\n",
    "# my settings\r\n[global]\r\ntimeout = 30",  # CRLF, no final newline
])
def test_options_added_before_and_after_the_constraint_stay_in_their_section(env, mine):
    env.conf.write_text(mine, newline="")
    protect(env)
    eol = "\r\n" if "\r\n" in mine else "\n"
    edit(env.conf, "[install]" + eol, f"[install]{eol}retries = 2{eol}")
    env.conf.write_bytes(env.conf.read_bytes() + (eol + "timeout = 60" if not mine.endswith("\n") else "timeout = 60\n").encode())
    env.pip_works(protected=True)
    unprotect(env)
    final = mine.endswith("\n")
    assert env.conf.read_bytes().decode() == mine + ("" if final else eol) + \
        f"[install]{eol}retries = 2{eol}timeout = 60" + ("\n" if final else "")
    listed = env.pip_works(protected=False)
    assert "install.retries='2'" in listed and "install.timeout='60'" in listed


def test_edits_under_global_survive_byte_for_byte(env):
    mine = "; mine\n[global]\ntimeout = 30\n\n[list]\nformat = columns\n"
    env.conf.write_text(mine)
    protect(env)
    edit(env.conf, "timeout = 30\n", "timeout = 30\nretries = 3\n")
    env.pip_works(protected=True)
    unprotect(env)
    assert env.conf.read_text() == mine.replace("timeout = 30\n", "timeout = 30\nretries = 3\n")


def test_the_user_adds_a_constraint_of_their_own_to_protects_setting(env, tmp_path):
    caps = tmp_path / "caps.txt"
    caps.write_text("pip>=1\n")
    protect(env)
    edit(env.conf, "constraint = ", f"constraint = {caps} ")
    env.pip_works(protected=True)
    unprotect(env)
    assert env.conf.read_text() == f"[install]\nconstraint = {caps}\n"
    assert f"install.constraint='{caps}'" in env.pip_works(protected=False)


def test_an_empty_install_header_of_the_users_stays(env):
    env.conf.write_text("[install]\n")
    protect(env)
    unprotect(env)
    assert env.conf.read_text() == "[install]\n"


def test_an_earlier_releases_protection_is_removed_exactly(env):
    """Protect before this release recorded the lines it added; Unprotect still reads that record."""
    env.conf.write_text(f"[global]\ntimeout = 30\n[install]\nconstraint = {env.pins}\n")
    record = {"config": str(env.conf), "created": False, "added": ["[install]", f"constraint = {env.pins}"]}
    env.pins.write_text("# torch-doctor-protect " + json.dumps(record) + "\ntorch==2.13.0+cpu\n")
    env.pip_works(protected=True)
    unprotect(env)
    assert env.conf.read_text() == "[global]\ntimeout = 30\n" and not env.pins.exists()


# ---- what Protect refuses, and errors midway: both files stay as they were -----------------------

def refused(env, action, why):
    before = env.bytes()
    r = env.cell(action)
    assert env.bytes() == before, "both files stay exactly as they were"
    assert r.returncode != 0
    last = [l for l in r.stderr.splitlines() if not l.startswith(("LEFT=", " "))][-1]  # the exception's line
    assert last.startswith("RuntimeError: Torch Doctor changed nothing: ") and why in last, r.stderr
    assert not [p for p in env.path.iterdir() if p.name.startswith(".torch-doctor-")]
    return last


def test_a_symlinked_config_is_refused(env, tmp_path):
    shared = tmp_path / "shared.conf"
    shared.write_text("[global]\ntimeout = 30\n")
    env.conf.symlink_to(shared)
    refused(env, "protect", "is a symbolic link")
    assert shared.read_text() == "[global]\ntimeout = 30\n"
    env.pip_works(protected=False)


def test_a_config_hard_linked_with_another_environment_is_replaced_not_written_through(env, tmp_path):
    """Environments copied with hard links (cp -al) share their files: Protect replaces this
    environment's file by a rename, so the other one's stays as it was."""
    other = tmp_path / "other-pip.conf"
    other.write_text("[global]\ntimeout = 30\n")
    os.link(other, env.conf)
    protect(env)
    assert other.read_text() == "[global]\ntimeout = 30\n"
    unprotect(env)
    assert env.conf.read_text() == "[global]\ntimeout = 30\n"
    assert other.read_text() == "[global]\ntimeout = 30\n"


def test_a_prefix_reached_through_a_link_is_still_its_own(world, tmp_path):
    """sys.prefix itself may be a link (/opt/env -> /data/env): its files are still its own."""
    real = make_env(world, tmp_path / "data-env")
    (tmp_path / "linked").symlink_to(real)
    env = Env(world, tmp_path / "linked")
    protect(env)
    unprotect(env)


def test_a_read_only_config_is_refused_and_unprotect_too(env):
    env.conf.write_text("[global]\ntimeout = 30\n")
    env.conf.chmod(0o444)
    refused(env, "protect", "read-only")
    env.pip_works(protected=False)
    env.conf.chmod(0o644)
    protect(env)
    env.conf.chmod(0o444)
    refused(env, "unprotect", "read-only")
    env.pip_works(protected=True)
    env.conf.chmod(0o644)
    unprotect(env)
    assert env.conf.read_text() == "[global]\ntimeout = 30\n"


def test_a_config_pip_cannot_read_is_left_alone(env):
    env.conf.write_text("timeout = 30\n")
    refused(env, "protect", "pip cannot read")


@pytest.fixture
def small_disk(world, tmp_path):
    """A 256 KiB tmpfs (we are root in CI); skipped, saying why, where mounting is not allowed."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root or CAP_SYS_ADMIN): {r.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(folder):
    """Fill the file system with 4 KiB files; return them (delete some to free pages)."""
    files, i = [], 0
    while True:
        path = folder / f"filler-{i}"
        try:
            with open(path, "wb") as f:
                f.write(b"x" * 4096)
        except OSError:
            path.unlink(missing_ok=True)
            return files
        files.append(path)
        i += 1


def test_a_full_disk(world, small_disk):
    env = Env(world, make_env(world, small_disk / "env"))
    # A config of three pages: with one page free, the pins fit and the config does not.
    env.conf.write_text("[global]\ntimeout = 30\n" + "".join(f"# note {i:05}\n" for i in range(800)))
    fillers = fill(small_disk)
    refused(env, "protect", "No space left")
    env.pip_works(protected=False)
    fillers.pop().unlink()
    refused(env, "protect", "No space left")
    env.pip_works(protected=False)
    for f in fillers[-8:]:
        f.unlink()
    protect(env)
    fillers = fill(small_disk)
    refused(env, "unprotect", "No space left")
    env.pip_works(protected=True)
    for f in fillers:
        f.unlink()
    unprotect(env)
    assert env.conf.read_text().startswith("[global]\ntimeout = 30\n# note 00000\n")


def test_a_read_only_file_system(world, small_disk):
    env = Env(world, make_env(world, small_disk / "env"))
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        refused(env, "protect", "Read-only file system")  # no config yet: writing the pins fails
        env.pip_works(protected=False)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    env.conf.write_text("[global]\ntimeout = 30\n")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        refused(env, "protect", "is read-only")
        env.pip_works(protected=False)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)


# ---- a cloned environment, and two notebooks at once -----------------------------------------------

def test_unprotect_in_a_clone_acts_on_the_clones_files_only(world, env, tmp_path):
    env.conf.write_text("[global]\ntimeout = 30\n")
    protect(env)
    original = env.bytes()
    clone = Env(world, tmp_path / "clone")
    shutil.copytree(env.path, clone.path, symlinks=True)
    # The copied config names the original's pins: the clone is protected by them.
    assert str(env.pins) in clone.pip_works(protected=True)
    unprotect(clone)
    assert clone.conf.read_text() == "[global]\ntimeout = 30\n" and not clone.pins.exists()
    assert env.bytes() == original
    env.pip_works(protected=True)
    protect(clone, ["torch==2.13.0+cpu"])
    assert str(env.pins) not in clone.conf.read_text() and str(clone.pins) in clone.conf.read_text()
    unprotect(env)
    clone.pip_works(protected=True)
    unprotect(clone)
    assert clone.conf.read_text() == "[global]\ntimeout = 30\n"


def test_protect_in_a_clone_names_its_own_pins(world, env, tmp_path):
    protect(env)
    clone = Env(world, tmp_path / "clone")
    shutil.copytree(env.path, clone.path, symlinks=True)
    protect(clone)
    assert str(env.pins) not in clone.conf.read_text()
    unprotect(env)  # the original's pins go: the clone's pip must not need them
    clone.pip_works(protected=True)


@pytest.mark.parametrize("round_", range(2))
def test_concurrent_protects(env, round_):
    env.conf.write_text("[global]\ntimeout = 30\n")
    procs = []
    for i in range(6):
        src = env.world["root"] / f"race-{round_}-{i}.py"
        src.write_text(cell("protect", PINS))
        procs.append(subprocess.Popen([str(env.python), str(src)], env=child_env(env.world),
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    text = env.conf.read_text()
    assert text.count("[install]") == 1 and text.count(PROTECT_FILE) == 1, text
    env.pip_works(protected=True)
    unprotect(env)
    assert env.conf.read_text() == "[global]\ntimeout = 30\n"
