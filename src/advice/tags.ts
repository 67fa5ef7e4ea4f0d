/**
 * Which wheel files this kernel's interpreter can install, by the tags it
 * reports (`report.python.tags`, computed as pip's `packaging.tags` does),
 * and, when none fits, the constraint that blocks: glibc, macOS, a
 * free-threaded or a too new/old Python. Reports of older probes lack the
 * tags: then the Python tag and the platform decide, as before.
 */
import { msg, type IMessage } from '../report/message';
import type { IInstallTags, IProbeReport } from '../report/types';
import { admits } from './requirements';
import { compareDotted } from './versions';

/** `report.python.tags` (report contract of issue #17); optional. */
export type IPythonTags = IInstallTags;

/** A wheel file name's tags (PEP 427, compressed tag sets split). */
export interface IWheelTags {
  pythons: string[];
  abis: string[];
  platforms: string[];
}

/** The tags of a wheel file name, or null when it is none. */
export function wheelTags(file: string): IWheelTags | null {
  const name = file.replace(/%2B/gi, '+');
  const parts = name.endsWith('.whl') ? name.slice(0, -4).split('-') : [];
  if (parts.length < 5) {
    return null;
  }
  const [py, abi, plat] = parts.slice(-3);
  return {
    pythons: py.split('.'),
    abis: abi.split('.'),
    platforms: plat.split('.')
  };
}

const PLATFORM_RE: { [p: string]: RegExp } = {
  'linux-x86_64': /^(many)?linux.*_x86_64$/,
  'linux-aarch64': /^(many)?linux.*_aarch64$/,
  'windows-x86_64': /^win_amd64$/,
  'macos-arm64': /^macosx_.*_(arm64|universal2)$/,
  'macos-x86_64': /^macosx_.*_(x86_64|universal2)$/
};

/**
 * The kernel's installable tags: one place that says whether a wheel file
 * fits, and why not.
 */
export class KernelTags {
  /** The reported tags, or null (an older probe): then the fallback rule. */
  readonly tags: IPythonTags | null;
  /** The full Python version (3.14.1), for Requires-Python. */
  readonly python: string;
  private readonly major: number;
  private readonly minor: number;

  constructor(
    readonly report: IProbeReport,
    private readonly platform: string | null
  ) {
    const t = report.python.tags;
    this.tags =
      t && typeof t.interpreter === 'string' && Array.isArray(t.platforms)
        ? t
        : null;
    this.python = report.python.version.split(/[^\d.]/)[0];
    const [maj, min] = this.python.split('.').map(Number);
    this.major = maj;
    this.minor = min;
  }

  /** cp311, or cp314t for a free-threaded 3.14. */
  get label(): string {
    const abi = this.tags?.abis[0] ?? '';
    return abi.endsWith('t')
      ? abi
      : (this.tags?.interpreter ?? this.report.python.tag);
  }

  /** Whether a wheel file's tags fit this interpreter. */
  fits(file: string): boolean {
    const known = this.seen.get(file);
    if (known !== undefined) {
      return known;
    }
    const w = wheelTags(file);
    const ok =
      !!w &&
      w.platforms.some(plat =>
        w.pythons.some(py => w.abis.some(abi => this.fitsOne(py, abi, plat)))
      );
    this.seen.set(file, ok);
    return ok;
  }

  /** Answers of {@link fits} so far: the same files are asked about often. */
  private readonly seen = new Map<string, boolean>();

  /** Whether Requires-Python admits this kernel's Python. */
  pythonOk(requiresPython: string | null | undefined): boolean {
    return admits(requiresPython, this.python);
  }

  private pyNone(py: string): boolean {
    const m = /^py(\d)(\d*)$/.exec(py);
    return (
      !!m &&
      Number(m[1]) === this.major &&
      (m[2] === '' || Number(m[2]) <= this.minor)
    );
  }

  private fitsOne(py: string, abi: string, plat: string): boolean {
    const t = this.tags;
    if (!t) {
      // Older probes: the Python tag and the platform, as before.
      const re = PLATFORM_RE[this.platform ?? ''];
      const platOk = plat === 'any' || (!!re && re.test(plat));
      return platOk && (py === this.report.python.tag || py === 'py3');
    }
    const interp = t.interpreter;
    if (plat === 'any') {
      return abi === 'none' && (py === interp || this.pyNone(py));
    }
    if (!t.platforms.includes(plat)) {
      return false;
    }
    if (py === interp && t.abis.includes(abi)) {
      return true;
    }
    // abi3, or abi3t for a free-threaded build (PEP 803): older minors too.
    if ((abi === 'abi3' || abi === 'abi3t') && t.abis.includes(abi)) {
      const m = /^cp(\d)(\d+)$/.exec(py);
      return (
        !!m &&
        Number(m[1]) === this.major &&
        Number(m[2]) >= 2 &&
        Number(m[2]) < this.minor
      );
    }
    return abi === 'none' && this.pyNone(py);
  }

  /**
   * Why none of these files of `what` (e.g. "torch 2.15.0") fits: the
   * first constraint that blocks them all, as a sentence; null when one fits.
   */
  blocker(
    what: string,
    files: { file: string; requiresPython: string | null }[]
  ): IMessage | null {
    if (!files.length) {
      return null;
    }
    const tagged = files.filter(f => this.fits(f.file));
    if (tagged.length) {
      if (tagged.some(f => this.pythonOk(f.requiresPython))) {
        return null;
      }
      return msg(
        '%1 needs Python %2; this kernel has %3',
        what,
        tagged[0].requiresPython ?? '',
        this.python
      );
    }
    const rp = files.find(f => !this.pythonOk(f.requiresPython));
    if (rp && files.every(f => !this.pythonOk(f.requiresPython))) {
      return msg(
        '%1 needs Python %2; this kernel has %3',
        what,
        rp.requiresPython ?? '',
        this.python
      );
    }
    const t = this.tags;
    if (!t) {
      return msg('%1 has no wheel for %2 on this platform', what, this.label);
    }
    // Wheels for this interpreter exist, but not for this platform?
    const forPython = files
      .map(f => wheelTags(f.file)!)
      .filter(
        w =>
          w &&
          w.pythons.some(py => w.abis.some(abi => this.fitsPython(py, abi)))
      );
    if (!forPython.length) {
      return this.label.endsWith('t')
        ? msg(
            '%1 has no wheels for free-threaded Python %2 (%3)',
            what,
            `${this.major}.${this.minor}`,
            this.label
          )
        : msg(
            '%1 has no wheels for Python %2 (%3)',
            what,
            `${this.major}.${this.minor}`,
            this.label
          );
    }
    const plats = forPython.reduce<string[]>(
      (acc, w) => acc.concat(w.platforms),
      []
    );
    const glibc = floorOf(plats, /^manylinux_(\d+)_(\d+)_/);
    const libcVersion = t.libc?.version ?? null;
    if (
      t.libc?.name === 'glibc' &&
      glibc &&
      libcVersion &&
      compareDotted(libcVersion, glibc) < 0
    ) {
      return msg(
        '%1 needs glibc %2; this system has %3',
        what,
        glibc,
        libcVersion
      );
    }
    const musl = floorOf(plats, /^musllinux_(\d+)_(\d+)_/);
    if (t.libc?.name === 'musl') {
      return musl && libcVersion
        ? msg('%1 needs musl %2; this system has %3', what, musl, libcVersion)
        : msg('%1 has no wheels for musl libc (only glibc, manylinux)', what);
    }
    const mac = floorOf(plats, /^macosx_(\d+)_(\d+)_/);
    if (t.macos && mac && compareDotted(t.macos, mac) < 0) {
      return msg('%1 needs macOS %2; this system has %3', what, mac, t.macos);
    }
    return msg(
      '%1 has no wheel for this platform (%2)',
      what,
      t.platforms[0] ?? ''
    );
  }

  private fitsPython(py: string, abi: string): boolean {
    const t = this.tags!;
    return (
      (py === t.interpreter && t.abis.includes(abi)) ||
      (abi === 'none' && this.pyNone(py)) ||
      ((abi === 'abi3' || abi === 'abi3t') &&
        t.abis.includes(abi) &&
        /^cp3\d+$/.test(py))
    );
  }
}

/** The lowest X.Y a set of platform tags needs (manylinux_2_28 → 2.28). */
function floorOf(plats: string[], re: RegExp): string | null {
  const floors = plats
    .map(p => re.exec(p))
    .filter((m): m is RegExpExecArray => !!m)
    .map(m => `${m[1]}.${m[2]}`)
    .sort(compareDotted);
  // Legacy manylinux names: manylinux2014 = glibc 2.17, manylinux1 = 2.5.
  if (re.source.startsWith('^manylinux')) {
    if (plats.some(p => p.startsWith('manylinux2014_'))) floors.push('2.17');
    if (plats.some(p => p.startsWith('manylinux2010_'))) floors.push('2.12');
    if (plats.some(p => p.startsWith('manylinux1_'))) floors.push('2.5');
    floors.sort(compareDotted);
  }
  return floors[0] ?? null;
}
