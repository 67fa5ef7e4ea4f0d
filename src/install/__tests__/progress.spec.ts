/**
 * The progress parser on real pip and uv outputs (see progress/README.md):
 * terminal captures, and the stream messages of a real ipykernel, read
 * raw and through JupyterLab's own output model, as the panel reads them.
 */
import * as fs from 'fs';
import * as path from 'path';

import { OutputAreaModel } from '@jupyterlab/outputarea';

import { readPipResult } from '../pipResult';
import { readProgress, type IInstallProgress } from '../progress';

const DIR = path.join(__dirname, 'progress');
const MB = 1e6;
/** The CPU plan's estimate (release data: torch cpu 185 MB). */
const ESTIMATE = 185 * MB;

const text = (f: string) => fs.readFileSync(path.join(DIR, f), 'utf8');
const chunks = (f: string): { name?: string; text?: string }[] =>
  JSON.parse(text(f)).chunks.filter((c: { text?: string }) => c.text);

/** The progress after each chunk, the raw stream joined so far. */
function rawSteps(parts: string[]): IInstallProgress[] {
  let so = '';
  return parts.map(p => readProgress((so += p), ESTIMATE));
}

/** The progress after each chunk, read from JupyterLab's output model. */
function modelSteps(
  parts: { name?: string; text?: string }[]
): IInstallProgress[] {
  const model = new OutputAreaModel();
  return parts.map(p => {
    model.add({
      output_type: 'stream',
      name: p.name ?? 'stdout',
      text: p.text!
    });
    const all = model
      .toJSON()
      .map(o => (o as { text?: string }).text ?? '')
      .join('');
    return readProgress(all, ESTIMATE);
  });
}

/** Split a terminal capture where it redraws, as a stream arrives. */
function terminalParts(raw: string): string[] {
  return raw.split(/(?=\r)/);
}

function expectMoves(steps: IInstallProgress[]) {
  const downloading = steps.filter(s => s.phase === 'downloading');
  expect(downloading.length).toBeGreaterThan(3);
  const values = downloading.map(s => s.fraction!);
  // It moves: several distinct values between 0 and 1, and never back by
  // more than what a newly seen wheel adds to the total.
  expect(new Set(values.map(v => Math.round(v * 20))).size).toBeGreaterThan(3);
  for (let i = 1; i < values.length; i++) {
    expect(values[i]).toBeGreaterThan(values[i - 1] - 0.05);
  }
  const last = steps[steps.length - 1];
  expect(last.phase).toBe('done');
  expect(last.fraction).toBe(1);
}

describe('pip progress', () => {
  it('reads the terminal bar: the wheel, its size and the bytes so far', () => {
    const raw = text('pip-terminal.txt');
    const steps = rawSteps(terminalParts(raw));
    expectMoves(steps);
    const mid = steps.find(
      s => s.doneBytes > 50 * MB && s.phase === 'downloading'
    )!;
    expect(mid.tool).toBe('pip');
    expect(mid.wheel).toBe(
      'torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl'
    );
    expect(mid.wheelBytes).toBeCloseTo(191.8 * MB, -3);
    // The wheel is bigger than the plan's estimate: the total follows it.
    expect(mid.totalBytes).toBeCloseTo(191.8 * MB, -3);
    expect(mid.fraction).toBeCloseTo(mid.doneBytes / mid.totalBytes!, 5);
    // Later wheels follow torch.
    const wheels = new Set(steps.map(s => s.wheel));
    expect(wheels).toContain('sympy-1.14.0-py3-none-any.whl');
  });

  it('reads %pip in a real kernel, raw and through the output model', () => {
    const parts = chunks('pip-notebook.json');
    const raw = rawSteps(parts.map(p => p.text!));
    const model = modelSteps(parts);
    expectMoves(raw);
    expectMoves(model);
    // Both readings agree at every step.
    raw.forEach((r, i) => {
      expect(model[i].wheel).toBe(r.wheel);
      expect(model[i].fraction).toBeCloseTo(r.fraction ?? 0, 2);
    });
  });

  it('ends as an error with pip’s reason', () => {
    const parts = chunks('pip-notebook-nomatch.json');
    const all = parts.map(p => p.text).join('');
    const p = readProgress(all, ESTIMATE);
    expect(p.phase).toBe('failed');
    expect(p.error).toMatch(/^ERROR: Could not find a version/);
    expect(readPipResult(all).ok).toBe(false);
  });
});

describe('uv progress', () => {
  it('reads uv’s redrawn bars in a terminal', () => {
    const steps = rawSteps(terminalParts(text('uv-terminal.txt')));
    expectMoves(steps);
    const torch = steps.find(
      s => s.wheel === 'torch' && s.doneBytes > 20 * MB
    )!;
    expect(torch.tool).toBe('uv');
    expect(torch.wheelBytes).toBeCloseTo(182.91 * 1024 ** 2, -4);
  });

  it('reads the plan’s !uv cell in a real kernel, raw and through the output model', () => {
    const parts = chunks('uv-notebook.json');
    const raw = rawSteps(parts.map(p => p.text!));
    const model = modelSteps(parts);
    expectMoves(raw);
    expectMoves(model);
    expect(raw.some(s => s.phase === 'resolving')).toBe(true);
    expect(raw.some(s => s.phase === 'installing')).toBe(true);
    const torch = model.find(
      s => s.wheel === 'torch' && s.phase === 'downloading'
    );
    expect(torch?.wheelBytes).toBeCloseTo(182.91 * 1024 ** 2, -4);
    // pip's reading of the same output says it succeeded.
    expect(readPipResult(parts.map(p => p.text).join('')).ok).toBe(true);
  });

  it('reads uv in JupyterLab: one bar of packages, not bytes (uv sees JPY_SESSION_NAME)', () => {
    const parts = chunks('uv-jupyterlab.json');
    for (const steps of [
      rawSteps(parts.map(p => p.text!)),
      modelSteps(parts)
    ]) {
      expectMoves(steps);
      const mid = steps.find(
        s => s.phase === 'downloading' && s.packages?.done
      );
      expect(mid?.tool).toBe('uv');
      expect(mid?.packages?.total).toBe(9);
      expect(mid?.fraction).toBeCloseTo(mid!.packages!.done / 9, 5);
      expect(mid?.wheel).toBeNull();
    }
    expect(readPipResult(parts.map(p => p.text).join('')).ok).toBe(true);
  });

  it('ends as an error with uv’s reason', () => {
    const all = chunks('uv-notebook-nomatch.json')
      .map(p => p.text)
      .join('');
    const p = readProgress(all, ESTIMATE);
    expect(p.phase).toBe('failed');
    expect(p.error).toBe(
      'error: No solution found when resolving dependencies'
    );
  });
});

describe('without output yet', () => {
  it('starts at 0 of the plan’s estimate', () => {
    const p = readProgress('', ESTIMATE);
    expect(p).toMatchObject({
      phase: 'starting',
      fraction: 0,
      totalBytes: ESTIMATE
    });
    expect(readProgress('', null).fraction).toBeNull();
  });
});
