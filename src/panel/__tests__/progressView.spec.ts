/**
 * The progress bar (#21): a determinate role="progressbar" with
 * aria-valuenow, the wheel and its size, an error state; the state line
 * that announces it changes at most every 10%. Driven by the real %pip
 * capture (src/install/__tests__/progress/).
 */
import * as fs from 'fs';
import * as path from 'path';

import { MARK } from '../../__tests__/translate';
import {
  advance,
  readProgress,
  type IInstallProgress
} from '../../install/progress';
import { progressAnnouncement, renderProgress } from '../progressView';

const capture = JSON.parse(
  fs.readFileSync(
    path.join(
      __dirname,
      '..',
      '..',
      'install',
      '__tests__',
      'progress',
      'pip-notebook.json'
    ),
    'utf8'
  )
);
/** What the flow shows after each chunk (it never moves the bar back). */
const steps = (() => {
  let so = '';
  let shown: IInstallProgress | null = null;
  return capture.chunks.map((c: { text: string }) => {
    shown = advance(shown, readProgress((so += c.text), 185e6));
    return shown;
  });
})();

describe('the progress bar', () => {
  it('is a determinate progressbar with the wheel and its size', () => {
    const mid = steps.find(
      (s: any) => s.phase === 'downloading' && s.fraction > 0.4
    );
    const node = renderProgress(mid, MARK);
    const bar = node.querySelector('[role="progressbar"]')!;
    const pct = Math.round(mid.fraction * 100);
    expect(bar.getAttribute('aria-valuenow')).toBe(String(pct));
    expect(bar.getAttribute('aria-valuemin')).toBe('0');
    expect(bar.getAttribute('aria-valuemax')).toBe('100');
    const label = node.querySelector(
      `#${bar.getAttribute('aria-labelledby')}`
    )!;
    expect(label.textContent).toBe(
      '«Downloading torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl (191.8 MB)»'
    );
    expect(
      (node.querySelector('.jp-TorchDoctor-progressFill') as HTMLElement).style
        .width
    ).toBe(`${pct}%`);
    expect(node.textContent).toContain('of about 191.8 MB');
  });

  it('ends as an error with the installer’s line, as text', () => {
    const failed = {
      ...steps[3],
      phase: 'failed' as const,
      error: 'ERROR: <b>No matching distribution</b>'
    };
    const node = renderProgress(failed, MARK, true);
    expect(node.dataset.phase).toBe('failed');
    expect(
      node.querySelector('[role="progressbar"]')!.getAttribute('aria-invalid')
    ).toBe('true');
    expect(node.querySelector('b')).toBeNull();
    expect(
      node.querySelector('.jp-TorchDoctor-progressError')!.textContent
    ).toBe('ERROR: <b>No matching distribution</b>');
  });

  it('is announced no more than every 10%', () => {
    const said: string[] = [];
    for (const s of steps) {
      const text = progressAnnouncement(s, MARK);
      if (text !== said[said.length - 1]) {
        said.push(text);
      }
    }
    const percents = said
      .map(t => /(\d+)% downloaded/.exec(t)?.[1])
      .filter(Boolean)
      .map(Number);
    expect(percents.length).toBeGreaterThan(3);
    expect(percents.length).toBeLessThanOrEqual(11);
    percents.forEach(p => expect(p % 10).toBe(0));
    // Resolving, the tens of the download, unpacking, done: nothing more.
    expect(said.length).toBeLessThanOrEqual(percents.length + 4);
  });

  it('counts packages where uv in JupyterLab prints no bytes', () => {
    const uv = JSON.parse(
      fs.readFileSync(
        path.join(
          __dirname,
          '..',
          '..',
          'install',
          '__tests__',
          'progress',
          'uv-jupyterlab.json'
        ),
        'utf8'
      )
    );
    let so = '';
    const mid = uv.chunks
      .map((c: { text: string }) => readProgress((so += c.text), 185e6))
      .find((p: IInstallProgress) => p.packages && p.packages.done > 0)!;
    const node = renderProgress(mid, MARK);
    const bar = node.querySelector('[role="progressbar"]')!;
    expect(bar.getAttribute('aria-valuenow')).toBe(
      String(Math.round((mid.packages!.done / 9) * 100))
    );
    expect(
      node.querySelector('.jp-TorchDoctor-progressLabel')!.textContent
    ).toBe(`«Downloading and preparing packages: ${mid.packages!.done} of 9»`);
  });
});
