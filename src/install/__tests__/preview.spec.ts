/**
 * Reading the plan preview (pure) and showing it in the confirm dialog.
 * The real dry run through a kernel is src/__tests__/preview.spec.ts.
 */
import { nullTranslator } from '@jupyterlab/translation';

import { loadBase } from '../../__tests__/canned';
import { MARK, untranslated } from '../../__tests__/translate';
import { english } from '../../report/message';
import type { IProbeReport } from '../../report/types';
import {
  previewArgs,
  readPreview,
  type IPlanPreview,
  type IPreviewJob
} from '../preview';
import { previewNode, showPreview } from '../previewView';

const trans = nullTranslator.load('jupyterlab_torch_doctor');
const report = loadBase('real-torch-cu130') as IProbeReport;

const ok = (result: unknown): IPreviewJob => ({
  status: 'ok',
  result,
  error: null,
  duration_ms: 812
});

const reply = (over: object = {}) => ({
  tool: 'pip',
  error: null,
  removes: [],
  installs: [
    { name: 'torch', version: '2.13.0+cpu', before: '2.14.1' },
    { name: 'filelock', version: '3.20.0', before: null },
    { name: 'sympy', version: '1.14.0', before: '1.13.3' },
    { name: 'jinja2', version: '3.1.6', before: '3.1.6' }
  ],
  requirers: [
    {
      name: 'torchvision',
      version: '0.29.1',
      requires: ['torch>=2.14.0', 'numpy']
    },
    // Markers decide: a Windows-only requirement does not count on Linux.
    {
      name: 'winonly',
      version: '1',
      requires: ['torch==2.14.1; sys_platform == "win32"']
    },
    // An extra's requirement counts when its target is installed already (torch is).
    {
      name: 'xformers',
      version: '0.0.33',
      requires: ['torch==2.14.1; extra == "cu130"']
    },
    // …and not for a package the plan newly installs.
    { name: 'other', version: '2', requires: ['filelock<3; extra == "x"'] },
    { name: 'broken', version: '1', requires: ['torch (((', 'sympy>=1.13'] }
  ],
  ...over
});

describe('readPreview', () => {
  it('lists installs, upgrades, downgrades and the requirements the plan breaks', () => {
    const p = readPreview(ok(reply()), report);
    expect(p.state).toBe('ok');
    expect(p.changes.map(c => `${c.name}:${c.kind}`)).toEqual([
      'torch:downgrade',
      'filelock:install',
      'sympy:upgrade',
      'jinja2:reinstall'
    ]);
    expect(p.breaks).toEqual([
      {
        requirer: 'torchvision',
        requirerVersion: '0.29.1',
        requirement: 'torch>=2.14.0',
        version: '2.13.0+cpu'
      },
      {
        requirer: 'xformers',
        requirerVersion: '0.0.33',
        requirement: 'torch==2.14.1',
        version: '2.13.0+cpu'
      }
    ]);
    expect(p.ms).toBe(812);
  });

  it.each([
    [
      { ...ok(null), status: 'timeout' as const },
      'The preview did not finish in time.'
    ],
    [
      { ...ok(null), status: 'error' as const, end: 'timeout' as const },
      'The preview did not finish in time.'
    ],
    [
      { ...ok(null), status: 'error' as const, end: 'dead' as const },
      'The kernel died or restarted during the preview.'
    ],
    [
      { ...ok(null), status: 'crashed' as const, error: 'exit 1' },
      'The preview failed: exit 1'
    ],
    [ok({ tool: 'pip' }), 'The preview reply is malformed.'],
    [ok('not an object'), 'The preview reply is malformed.'],
    [ok(reply({ installs: 'x' })), 'The preview reply is malformed.'],
    [
      ok(
        reply({
          error:
            'ERROR: Could not find a version that satisfies the requirement torch==9\nERROR: No matching distribution found for torch==9'
        })
      ),
      'pip could not resolve the plan: ERROR: Could not find a version that satisfies the requirement torch==9 ERROR: No matching distribution found for torch==9'
    ]
  ])('a failed or bad reply says why (%#)', (job, text) => {
    const p = readPreview(job as IPreviewJob, report);
    expect(p.state).toBe('failed');
    expect(english(p.message!)).toBe(text);
  });
});

describe('previewArgs', () => {
  it('pins the plan’s packages on its index; uv where there is no pip', () => {
    const plan = {
      kind: 'install',
      packages: [{ name: 'torch', version: '2.13.0+cpu', replaces: '2.14.1' }],
      indexUrl: 'https://download.pytorch.org/whl/cpu'
    } as any;
    expect(previewArgs(plan, report)).toEqual({
      requirements: ['torch==2.13.0+cpu'],
      index_url: 'https://download.pytorch.org/whl/cpu',
      pre: false,
      uv: null,
      timeout: 20
    });
    const uvReport = JSON.parse(JSON.stringify(report));
    uvReport.environment.pip_available = false;
    uvReport.environment.uv_path = '/usr/bin/uv';
    expect(previewArgs(plan, uvReport)!.uv).toBe('/usr/bin/uv');
    expect(previewArgs({ ...plan, kind: 'driver' }, report)).toBeNull();
  });
});

describe('the preview in the dialog', () => {
  it('waits, then shows the changes and the broken requirement as text', async () => {
    let answer: (p: IPlanPreview) => void = () => undefined;
    const node = previewNode(new Promise(r => (answer = r)), trans);
    expect(node.dataset.state).toBe('running');
    expect(node.textContent).toBe(
      'Asking pip what this install would change (a dry run)…'
    );
    const p = readPreview(ok(reply()), report);
    p.breaks[0].requirer = '<img src=x onerror=alert(1)>';
    answer(p);
    await Promise.resolve();
    await Promise.resolve();
    expect(node.dataset.state).toBe('ok');
    expect(node.querySelector('img')).toBeNull();
    expect(
      Array.from(node.querySelectorAll('li')).map(l => l.textContent)
    ).toEqual([
      'torch 2.14.1 → 2.13.0+cpu (downgrade)',
      'filelock 3.20.0 (new)',
      'sympy 1.13.3 → 1.14.0 (upgrade)',
      'jinja2 3.1.6 (reinstall)'
    ]);
    expect(
      Array.from(node.querySelectorAll('.jp-TorchDoctor-previewBreak')).map(
        l => l.textContent
      )
    ).toEqual([
      '<img src=x onerror=alert(1)> 0.29.1 needs torch>=2.14.0; this plan installs 2.13.0+cpu.',
      'xformers 0.0.33 needs torch==2.14.1; this plan installs 2.13.0+cpu.'
    ]);
    expect(node.textContent).toContain('pip’s dry run (0.8 s) would change:');
  });

  it('a failed preview says so, and that the install can still run; every sentence translated', () => {
    const node = document.createElement('div');
    const p = readPreview({ ...ok(null), status: 'timeout' }, report);
    showPreview(node, p, trans);
    expect(node.textContent).toBe(
      'No preview: The preview did not finish in time. You can still run the install.'
    );
    showPreview(node, p, MARK);
    expect(untranslated(node.textContent ?? '')).toBe('');
    showPreview(node, readPreview(ok(reply()), report), MARK);
    expect(untranslated(node.textContent ?? '', ['pip'])).toBe('');
  });
});
