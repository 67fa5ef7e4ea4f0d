/**
 * The report fields of issue #17 (all optional: older probes lack them):
 * python.tags, packages.<name>.variant and nvidia.smi_warning, checked by
 * the report schema on the golden base the probe wrote from the real
 * installed 2.15.0 trio.
 */
import * as fs from 'fs';
import * as path from 'path';

import { checkReport } from '../report/check';
import type { IProbeReport } from '../report/types';

const BASE = path.join(
  __dirname,
  '..',
  'advice',
  'golden',
  'bases',
  'real-trio-2.15.0-cu132-rtx4090.json'
);

function base(): any {
  return JSON.parse(fs.readFileSync(BASE, 'utf-8'));
}

describe('report fields of issue #17', () => {
  it('accepts the base the probe wrote, with its tags', () => {
    const check = checkReport(base());
    expect(check.ok).toBe(true);
    const report = (check as { report: IProbeReport }).report;
    expect(report.python.tags?.abis).toContain('none');
    expect(report.python.tags?.platforms).toContain('manylinux_2_28_x86_64');
    expect(report.python.tags?.libc).toEqual({
      name: 'glibc',
      version: '2.36'
    });
    expect(report.packages.torch?.build_version).toBe('2.15.0+cu132');
    expect(report.packages.torch?.variant).toBeNull();
  });

  it('accepts reports of older probes, without the new fields', () => {
    const old = base();
    delete old.python.tags;
    delete old.nvidia.smi_warning;
    for (const name of ['torch', 'torchvision', 'torchaudio']) {
      delete old.packages[name].variant;
    }
    expect(checkReport(old).ok).toBe(true);
  });

  it('accepts a variant, a warning and null tags', () => {
    const r = base();
    r.python.tags = null;
    r.nvidia.smi_warning =
      'nvidia-smi exited 14 (infoROM warning): infoROM is corrupted at gpu 0000:B3:00.0';
    r.packages.torch.variant = {
      label: 'cu129',
      properties: ['nvidia :: cuda_version_lower_bound :: 12.9']
    };
    expect(checkReport(r).ok).toBe(true);
  });

  it.each([
    ['tags without platforms', (r: any) => delete r.python.tags.platforms],
    [
      'a libc that is neither glibc nor musl',
      (r: any) => (r.python.tags.libc.name = 'bionic')
    ],
    [
      'an interpreter that is not CPython',
      (r: any) => (r.python.tags.interpreter = 'pp310')
    ],
    [
      'a variant without properties',
      (r: any) => (r.packages.torch.variant = { label: 'cu129' })
    ],
    ['a warning that is not text', (r: any) => (r.nvidia.smi_warning = 14)]
  ])('rejects %s', (_what, change) => {
    const r = base();
    change(r);
    expect(checkReport(r).ok).toBe(false);
  });
});
