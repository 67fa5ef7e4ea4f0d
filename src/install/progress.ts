/**
 * How far an install cell has got, read from pip's or uv's output while it
 * runs: the wheel downloading, its size, and the bytes so far against the
 * whole plan's download. Pure, so it is tested on real captured outputs
 * (src/install/__tests__/progress/).
 *
 * The text is either the raw stream (progress bars redrawn with `\r` and
 * ANSI cursor moves: `%pip` and `!uv` both run in a pseudo-terminal inside
 * ipykernel) or JupyterLab's output model, where `\r` already overwrote the
 * line. Either way the text is read in order and the last value wins.
 */

import type { IInstallProgress, InstallPhase } from '../report/install';

export type { IInstallProgress, InstallPhase };

const UNITS: { [unit: string]: number } = {
  B: 1,
  kB: 1e3,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3
};

/** Bytes of "191.8 MB", "22.42 KiB" or "0 B"; null when unreadable. */
export function parseSize(value: string, unit: string): number | null {
  const n = Number(value);
  const u = UNITS[unit];
  return Number.isFinite(n) && u ? n * u : null;
}

const SIZE = String.raw`([\d.]+) ?(B|kB|KB|MB|GB|KiB|MiB|GiB)`;
/** pip: "  Downloading <url or file> (191.8 MB)". */
const PIP_DOWNLOADING = new RegExp(
  String.raw`^\s*Downloading (\S+)(?: \(${SIZE}\))?`
);
/** pip's rich bar: "━━━╸━━━ 12.6/191.8 MB 29.8 MB/s eta 0:00:07". */
const PIP_BAR = new RegExp(String.raw`[━╸╺]+\s+([\d.]+)/${SIZE}\s`);
/** uv's bar: "torch   -------- 20.58 MiB/182.91 MiB". */
const UV_BAR = new RegExp(
  String.raw`([A-Za-z0-9][A-Za-z0-9._-]*)\s+-{5,}\s+${SIZE}/${SIZE}`,
  'g'
);
/** uv without a terminal: "Downloading torch (182.9MiB)". */
const UV_DOWNLOADING = new RegExp(
  String.raw`^\s*Downloading ([A-Za-z0-9][A-Za-z0-9._-]*) \(${SIZE}\)\s*$`
);

/** uv in JupyterLab: "⠙ Preparing packages... (6/9)", at the end "⠸  (9/9)". */
const UV_PREPARING =
  /(?:^|\s)(?:Preparing packages\.\.\. )?\((\d+)\/(\d+)\)\s*$/;

/** The file name of a pip download: the last path part, %2B decoded. */
function fileName(urlOrName: string): string {
  const last = urlOrName.split(/[/\\]/).pop() ?? urlOrName;
  try {
    return decodeURIComponent(last.split(/[?#]/)[0]);
  } catch {
    return last;
  }
}

/**
 * Read an install's progress from its output so far. `estimateBytes` is the
 * plan's estimate of the whole download (IPlan.downloadMb), or null.
 */
export function readProgress(
  text: string,
  estimateBytes: number | null
): IInstallProgress {
  // Colours and cursor moves go; `\r` and `\n` end a segment, read in
  // order. In JupyterLab's output model `\r` already went back to the
  // start of the line, so a line holds the newest redraw first, then what
  // is left of longer, older ones: the first value of a line is the newest.
  const segments = text
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .split(/\r\n|\r|\n/);
  let tool: IInstallProgress['tool'] = null;
  let phase: InstallPhase = 'starting';
  let wheel: string | null = null;
  let wheelBytes: number | null = null;
  let error: string | null = null;
  // pip: finished wheels' bytes, and the current one's.
  let pipDone = 0;
  let pipCurrent = 0;
  // uv: each package's [done, total], downloads run side by side.
  const uv = new Map<string, [number, number]>();
  let packages = null as { done: number; total: number } | null;
  const finishPip = () => {
    pipDone += wheelBytes ?? pipCurrent;
    pipCurrent = 0;
  };
  for (const seg of segments) {
    const line = seg.replace(/\s+$/, '');
    if (!line) {
      continue;
    }
    let m: RegExpExecArray | null;
    if (/^(Looking in indexes|Collecting) /.test(line)) {
      tool = 'pip';
      phase = phase === 'starting' ? 'resolving' : phase;
    } else if (/^Using Python .* environment at/.test(line)) {
      tool = 'uv';
      phase = 'resolving';
    }
    if ((m = UV_DOWNLOADING.exec(line)) && tool === 'uv') {
      wheel = m[1];
      wheelBytes = parseSize(m[2], m[3]);
      phase = 'downloading';
      if (wheelBytes !== null && !uv.has(wheel)) {
        uv.set(wheel, [0, wheelBytes]);
      }
    } else if ((m = PIP_DOWNLOADING.exec(line))) {
      tool = 'pip';
      if (phase === 'downloading') {
        finishPip();
      }
      wheel = fileName(m[1]);
      wheelBytes = m[2] ? parseSize(m[2], m[3]) : null;
      phase = 'downloading';
    } else if ((m = PIP_BAR.exec(line)) && tool === 'pip') {
      const unit = UNITS[m[3]] ?? 1;
      pipCurrent = Number(m[1]) * unit;
      wheelBytes ??= Number(m[2]) * unit;
    }
    if (
      tool === 'uv' &&
      (m = UV_PREPARING.exec(line)) &&
      /Preparing packages|^\S?\s+\(/.test(line.trim()) &&
      Number(m[2]) > 0
    ) {
      phase = phase === 'resolving' ? 'downloading' : phase;
      packages = {
        done: Math.max(Number(m[1]), packages?.done ?? 0),
        total: Number(m[2])
      };
    }
    UV_BAR.lastIndex = 0;
    const inLine = new Set<string>();
    for (let b = UV_BAR.exec(line); b; b = UV_BAR.exec(line)) {
      if (inLine.has(b[1])) {
        continue; // an older redraw's leftover
      }
      inLine.add(b[1]);
      tool = 'uv';
      phase = 'downloading';
      const done = parseSize(b[2], b[3]) ?? 0;
      const total = parseSize(b[4], b[5]) ?? 0;
      // A package's bytes only grow.
      uv.set(b[1], [Math.max(done, uv.get(b[1])?.[0] ?? 0), total]);
      if (!wheel || inLine.size === 1) {
        wheel = b[1];
        wheelBytes = total;
      }
    }
    if (
      /^(Installing collected packages|Prepared \d+ packages?|Installing wheels)/.test(
        line
      )
    ) {
      if (tool === 'pip' && phase === 'downloading') {
        finishPip();
      }
      phase = 'installing';
    } else if (
      /^(Successfully installed |Installed \d+ packages? in |Audited \d+ packages? in |Checked \d+ packages? in )/.test(
        line
      )
    ) {
      phase = 'done';
    } else if (/^(ERROR: |error: )/.test(line.trim()) && !error) {
      error = line.trim();
      phase = 'failed';
    }
  }
  let doneBytes = pipDone + pipCurrent;
  let seen = pipDone + (phase === 'downloading' ? (wheelBytes ?? 0) : 0);
  if (tool === 'uv') {
    doneBytes = 0;
    seen = 0;
    for (const [d, t] of uv.values()) {
      doneBytes += d;
      seen += t;
    }
  }
  const total =
    estimateBytes !== null || seen > 0
      ? Math.max(estimateBytes ?? 0, seen)
      : null;
  const downloaded = phase === 'installing' || phase === 'done';
  // Counting packages only where uv printed no bytes at all.
  const counted = tool === 'uv' && uv.size === 0 && packages ? packages : null;
  if (counted && total) {
    doneBytes = (counted.done / counted.total) * total;
  }
  const fraction = downloaded
    ? 1
    : counted
      ? counted.done / counted.total
      : total
        ? Math.min(1, doneBytes / total)
        : null;
  return {
    tool,
    phase,
    wheel,
    wheelBytes,
    doneBytes: downloaded ? Math.max(doneBytes, total ?? 0) : doneBytes,
    totalBytes: total,
    fraction,
    error,
    packages: counted
  };
}

/**
 * The progress to show next: `next` unless it says nothing new (the same
 * wheel, phase and percent), and never a bar that goes back (a newly seen
 * wheel may raise the total).
 */
export function advance(
  prev: IInstallProgress | null,
  next: IInstallProgress
): IInstallProgress {
  const fraction =
    prev?.fraction !== null &&
    prev?.fraction !== undefined &&
    next.fraction !== null
      ? Math.max(prev.fraction, next.fraction)
      : next.fraction;
  const same =
    !!prev &&
    prev.phase === next.phase &&
    prev.wheel === next.wheel &&
    prev.doneBytes === next.doneBytes &&
    Math.round((prev.fraction ?? -1) * 100) ===
      Math.round((fraction ?? -1) * 100);
  return same && prev ? prev : { ...next, fraction };
}
