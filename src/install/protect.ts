/**
 * Protect and Unprotect: the visible cells that pin a good build in its
 * environment, and whether a kernel's build may be protected. The cells
 * write only inside sys.prefix: a constraints file, and one setting in
 * pip's per-environment ("site") config, which they merge, never replace.
 */
import { msg, type IMessage } from '../report/message';
import { MANAGED_PACKAGES } from '../report/packages';
import type { IProbeReport, IProtection } from '../report/types';
import type { IProbeState } from '../tokens';

/** The constraints file Protect writes into sys.prefix (as the probe reads it). */
export const PROTECT_FILE = 'torch-doctor-constraints.txt';

/** A project name and a PEP 440 version (local tag included); nothing else reaches a cell. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const VERSION = /^[0-9][0-9A-Za-z.!+_-]*$/;

/** Whether `name==version` is a pin that may be written into a cell. */
export function validPin(pin: string): boolean {
  const [name, version, ...rest] = pin.split('==');
  return !rest.length && NAME.test(name ?? '') && VERSION.test(version ?? '');
}

/**
 * The pins that protect a report's build: the trio as pip sees them, by
 * their metadata version (PyPI's wheels carry no local tag there, and a
 * pin with a tag the metadata lacks would make pip replace the build).
 */
export function protectPins(report: IProbeReport): string[] {
  return MANAGED_PACKAGES.filter(name => report.packages[name])
    .map(name => `${name}==${report.packages[name]!.version}`)
    .filter(validPin);
}

/** The report's protection, when the probe reported one. */
export function protectionOf(report: IProbeReport | null): IProtection | null {
  return report?.install?.protection ?? null;
}

/** Whether pip applies the protection: the file is named and nothing overrides it. */
export function inForce(p: IProtection | null): boolean {
  return !!p && p.exists && p.registered && !p.ignored_by && p.pins.length > 0;
}

/** Whether the environment holds anything of Protect's (Unprotect has work). */
export function hasProtection(p: IProtection | null): boolean {
  return !!p && (p.exists || p.registered);
}

/** May this kernel's build be protected now, and with which pins? */
export type ProtectCheck =
  { ok: true; pins: string[] } | { ok: false; why: IMessage };

/**
 * Protect is offered for a build that was verified (and has not changed
 * since) or that the advice judges right; never for uv environments
 * without pip, whose uv does not read pip's config.
 */
export function canProtect(state: IProbeState | null): ProtectCheck {
  const report =
    state?.outcome?.kind === 'report' ? state.outcome.report : null;
  if (!report || !report.packages.torch) {
    return { ok: false, why: msg('There is no torch build to protect.') };
  }
  if (!report.environment.pip_available) {
    return {
      ok: false,
      why: msg(
        'This environment has no pip (a uv environment): uv does not read pip’s configuration, so Protect cannot guard it. Use the uv project form of Copy Requirements, or pass the pins to uv with --constraint.'
      )
    };
  }
  const verified = state?.install?.step === 'verified';
  if (state?.regression) {
    return {
      ok: false,
      why: msg('The build changed since it was verified: go back first.')
    };
  }
  if (!verified && state?.advice?.verdict !== 'ok') {
    return {
      ok: false,
      why: msg('Only a verified build, or one judged right, can be protected.')
    };
  }
  const pins = protectPins(report);
  const current = protectionOf(report);
  if (inForce(current) && same(current!.pins, pins)) {
    return { ok: false, why: msg('This build is protected.') };
  }
  return pins.length
    ? { ok: true, pins }
    : { ok: false, why: msg('The installed versions cannot be pinned.') };
}

function same(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The Protect cell: readable Python that writes the pins into sys.prefix
 * and adds one setting to pip's per-environment config, keeping everything
 * that config holds (comments included: it edits lines, not the parse).
 * pip reads one constraint setting, [install] over [global], so the new
 * setting keeps the files pip reads now. What it added is recorded in the
 * constraints file's first line, for Unprotect. Pins are validated here and
 * written as JSON strings, which are Python literals.
 */
export function protectCell(pins: string[]): string {
  if (!pins.length || !pins.every(validPin)) {
    throw new Error(`invalid pins: ${JSON.stringify(pins)}`);
  }
  return `# Torch Doctor: protect this build from later pip installs, in this environment only.
# It writes the pins into sys.prefix and names that file in pip's per-environment config
# (keeping all that config holds). "Unprotect" removes exactly what this adds.
def _torch_doctor_protect(pins):
    import ast, configparser, json, os, pathlib, subprocess, sys
    target = os.path.join(sys.prefix, "${PROTECT_FILE}")
    config = os.path.join(sys.prefix, "pip.ini" if sys.platform == "win32" else "pip.conf")
    # pip splits the setting on whitespace: a path with spaces is named by its file: URL.
    entry = pathlib.Path(target).as_uri() if any(c.isspace() for c in target) else target
    try:
        with open(config, encoding="utf-8", newline="") as f:
            text = f.read()
    except FileNotFoundError:
        text = None
    parser = configparser.RawConfigParser()
    parser.read_string(text or "")  # stops here on a config that pip could not read either
    lines = (text or "").splitlines()
    section = parser["install"] if parser.has_section("install") else {}
    named = section.get("constraint", parser.get("global", "constraint", fallback="")).split()
    record = {"config": config, "created": text is None, "added": []}
    if entry not in named:
        head = [l.strip() for l in lines].index("[install]") + 1 if section else len(lines)
        if "constraint" in section:  # continue pip's setting on a line of its own
            at = head
            while not lines[at].replace(" ", "").lower().startswith(("constraint=", "constraint:")):
                at += 1
            at += 1
            while at < len(lines) and lines[at][:1] in (" ", "\\t") and lines[at].strip():
                at += 1
            added = ["    " + entry]
        else:  # keep the constraint files pip reads now
            out = subprocess.run([sys.executable, "-m", "pip", "config", "list"],
                                 capture_output=True, text=True).stdout
            now = dict(l.split("=", 1) for l in out.splitlines() if l.endswith("'") and "=" in l)
            used = ast.literal_eval(now.get("install.constraint", now.get("global.constraint", "''")))
            at, added = head, ["constraint = " + " ".join(used.split() + [entry])]
            if not section:
                added.insert(0, "[install]")
        lines[at:at] = record["added"] = added
        eol = "\\r\\n" if "\\r\\n" in (text or "") else "\\n"
        with open(config, "w", encoding="utf-8", newline="") as f:
            f.write(eol.join(lines) + (eol if text is None or text.endswith("\\n") else ""))
    elif os.path.exists(target):  # protected before: keep the record of what was added then
        with open(target, encoding="utf-8") as f:
            record = json.loads(f.readline().split(" ", 2)[2])
    with open(target, "w", encoding="utf-8") as f:
        f.write("# torch-doctor-protect " + json.dumps(record) + "\\n" + "\\n".join(pins) + "\\n")
    print("Protected:", " ".join(pins), "\\n  pins in", target, "\\n  named in", config)
_torch_doctor_protect(${JSON.stringify(pins)})
del _torch_doctor_protect`;
}

/**
 * The Unprotect cell: removes the lines Protect recorded (one block, found
 * as it was written), the config file if Protect created it and nothing
 * else is left, and the constraints file. If the config was edited so that
 * the block is gone, it stops and says what to remove by hand: deleting
 * the file while pip still names it would break every install.
 */
export function unprotectCell(): string {
  return `# Torch Doctor: remove this environment's build protection, exactly what "Protect" added.
def _torch_doctor_unprotect():
    import json, os, sys
    target = os.path.join(sys.prefix, "${PROTECT_FILE}")
    with open(target, encoding="utf-8") as f:
        record = json.loads(f.readline().split(" ", 2)[2])
    config, added = record["config"], record["added"]
    if added:
        with open(config, encoding="utf-8", newline="") as f:
            text = f.read()
        lines = text.splitlines()
        at = [i for i in range(len(lines)) if lines[i:i + len(added)] == added]
        if not at:
            raise RuntimeError(f"{config} changed since Protect: take {target} out of its "
                               f"constraint setting by hand, then delete {target}.")
        del lines[at[0]:at[0] + len(added)]
        eol = "\\r\\n" if "\\r\\n" in text else "\\n"
        if record["created"] and not "".join(lines).strip():
            os.remove(config)
        else:
            with open(config, "w", encoding="utf-8", newline="") as f:
                f.write(eol.join(lines) + (eol if text.endswith("\\n") else ""))
    os.remove(target)
    print("Unprotected: removed", target, "and what Protect added to", config)
_torch_doctor_unprotect()
del _torch_doctor_unprotect`;
}
