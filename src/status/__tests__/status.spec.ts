import { nullTranslator } from '@jupyterlab/translation';

import {
  cu130BecameCpu,
  FakeModel,
  loadBase,
  loadCase,
  NO_KERNEL,
  reportState
} from '../../__tests__/canned';
import { TorchStatusItem } from '../statusItem';
import * as fs from 'fs';
import * as path from 'path';

import { MARK, untranslated } from '../../__tests__/translate';
import { firstGpu, shortGpuName, statusSummary } from '../statusText';
import { stateLine } from '../../panel/facts';
import { goneKernelState } from '../../model/record';
import { msg } from '../../report/message';

const trans = nullTranslator.load('jupyterlab_torch_doctor');
const text = (s: Parameters<typeof statusSummary>[0]) =>
  statusSummary(s, trans);

describe('statusSummary', () => {
  it('is hidden with no kernel', () => {
    expect(text(NO_KERNEL)).toBeNull();
  });

  it.each([
    // [case or base, expected text, level]
    ['base:real-torch-cpu', 'torch 2.13.0+cpu · no GPU', 'ok'],
    ['cpu-build-rtx4090-driver580', 'CPU build on a GPU machine ⚠', 'warn'],
    ['h100-cu126-ok', 'torch 2.14.1+cu126 · H100 ✓', 'ok'],
    ['base:real-torch-cu130', 'torch 2.14.1+cu130 · could be better ⚠', 'warn'],
    ['real-cuda-build-missing-libs', 'broken ✗', 'error'],
    ['base:real-no-torch', 'no torch', 'info'],
    ['hidden-cuda-visible-devices', 'GPU not visible ⚠', 'warn'],
    ['linux-ppc64le', 'unsupported platform ✗', 'error'],
    ['malformed-report', '· ?', 'info']
  ])('%s → %s', (name, expected, level) => {
    const report = name.startsWith('base:')
      ? loadBase(name.slice(5))
      : loadCase(name);
    const s = text(reportState(report));
    expect(s?.text).toContain(expected);
    expect(s?.level).toBe(level);
    expect(s?.title).toContain('Probed at');
  });

  it('names the host and interpreter of the kernel in the tooltip', () => {
    const report = loadBase('real-torch-cpu');
    report.environment.hostname = 'gpu-node-1';
    report.python.executable = '/opt/envs/torch/bin/python';
    const s = text(reportState(report));
    expect(s?.title).toContain(
      'Kernel on gpu-node-1: /opt/envs/torch/bin/python.'
    );
  });

  it('says a kernel is gone, never that there is none', () => {
    const s = text(goneKernelState('k', 'spec'));
    expect(s?.text).toBe('torch: no kernel');
    expect(s?.title).toContain('The kernel is gone from the server');
    const line = stateLine(goneKernelState('k', 'spec'), trans);
    expect(line.text).toMatch(/^The kernel is gone from the server/);
    expect(line.kind).toBe('error');
  });

  it('shows a failed newer probe beside the report it keeps', () => {
    const line = stateLine(
      reportState(loadBase('real-torch-cpu'), {
        failure: { kind: 'timeout', kernelId: 'k1', waitedForBusyKernel: true }
      }),
      trans
    );
    expect(line.text).toMatch(
      /^Timed out waiting for the busy kernel\. Probe again when it is idle\. The report shown is from /
    );
    expect(line.kind).toBe('error');
  });

  it('names every probe state', () => {
    const base = { ...NO_KERNEL, kernelId: 'k', kernelDisplayName: 'K' };
    expect(text({ ...base, phase: 'idle' })?.text).toBe('torch: ?');
    expect(text({ ...base, phase: 'probing' })?.text).toBe('torch: probing…');
    expect(text({ ...base, phase: 'waiting' })?.level).toBe('busy');
    const done = { ...base, phase: 'done' as const };
    expect(
      text({
        ...done,
        outcome: { kind: 'not-python', kernelId: 'k', language: 'R' }
      })
    ).toEqual({
      text: 'torch: n/a',
      title: 'Not a Python kernel (R).',
      level: 'info'
    });
    expect(
      text({
        ...done,
        outcome: { kind: 'timeout', kernelId: 'k', waitedForBusyKernel: false }
      })?.text
    ).toBe('torch: probe timed out');
    expect(
      text({
        ...done,
        outcome: {
          kind: 'dead',
          kernelId: 'k',
          message: msg('The kernel died.')
        }
      })
    ).toMatchObject({ text: 'torch: kernel dead', level: 'error' });
    expect(
      text({
        ...done,
        outcome: { kind: 'invalid', kernelId: 'k', message: msg('bad') }
      })?.text
    ).toBe('torch: probe failed');
  });

  it('keeps the last report while a new probe runs', () => {
    const s = reportState(loadBase('real-torch-cpu'), { phase: 'probing' });
    expect(text(s)?.text).toBe('torch 2.13.0+cpu · no GPU');
  });

  it('warns when the build changed since it was verified', () => {
    const report = loadBase('real-torch-cpu');
    const s = reportState(report, {
      regression: cu130BecameCpu(report.python.executable)
    });
    expect(text(s)).toMatchObject({
      text: 'torch 2.13.0+cpu · no GPU · changed since verified ⚠',
      level: 'warn'
    });
  });

  it('translates every word it shows but the build and the GPU', () => {
    const cases = fs
      .readdirSync(
        path.join(__dirname, '..', '..', 'advice', 'golden', 'cases')
      )
      .map(f => loadCase(f.replace(/\.json$/, '')));
    for (const report of cases) {
      const s = statusSummary(
        reportState(report, {
          regression: cu130BecameCpu(report.python?.executable ?? '')
        }),
        MARK
      )!;
      // Values: the kernel's build and its GPU's short name.
      const values = [
        report.packages?.torch?.build_version ?? '',
        report.nvidia ? (firstGpu(report, MARK) ?? '') : ''
      ];
      expect(untranslated(s.text, values)).toBe('');
      expect(untranslated(s.title)).toBe('');
    }
    const base = { ...NO_KERNEL, kernelId: 'k', kernelDisplayName: 'K' };
    for (const outcome of [
      { kind: 'not-python', kernelId: 'k', language: 'R' },
      { kind: 'timeout', kernelId: 'k', waitedForBusyKernel: true },
      { kind: 'dead', kernelId: 'k', message: msg('The kernel died.') }
    ] as const) {
      const s = statusSummary({ ...base, phase: 'done', outcome }, MARK)!;
      expect(untranslated(s.text + s.title)).toBe('');
    }
    const busy = statusSummary({ ...base, phase: 'probing' }, MARK)!;
    expect(untranslated(busy.text + busy.title)).toBe('');
  });

  it('shortens GPU names', () => {
    expect(shortGpuName('NVIDIA GeForce RTX 4090')).toBe('RTX 4090');
    expect(shortGpuName('NVIDIA H100 80GB HBM3')).toBe('H100');
    expect(shortGpuName('NVIDIA H100 PCIe')).toBe('H100');
    expect(shortGpuName('Tesla V100-SXM2-16GB')).toBe('V100-SXM2-16GB');
    expect(shortGpuName('NVIDIA A100-SXM4-40GB')).toBe('A100-SXM4-40GB');
  });
});

describe('TorchStatusItem', () => {
  it('follows the model, hides with no kernel or the setting off, opens the panel', () => {
    const model = new FakeModel();
    let opened = 0;
    const item = new TorchStatusItem({ model, onOpen: () => opened++ });
    const changes: boolean[] = [];
    item.activeStateChanged.connect(() => changes.push(item.isActive));
    expect(item.isActive).toBe(false);

    model.set(reportState(loadBase('real-torch-cpu')));
    expect(item.isActive).toBe(true);
    expect(item.node.textContent).toBe('torch 2.13.0+cpu · no GPU');
    expect(item.node.tagName).toBe('BUTTON');
    expect(item.node.getAttribute('aria-label')).toBe(
      'Torch Doctor: torch 2.13.0+cpu · no GPU'
    );
    item.node.click();
    expect(opened).toBe(1);

    model.updateSettings({ showStatusItem: false });
    expect(item.isActive).toBe(false);
    model.updateSettings({ showStatusItem: true });
    model.set(NO_KERNEL);
    expect(item.isActive).toBe(false);
    expect(changes).toEqual([true, false, true, false]);
    item.dispose();
  });

  it('renders a GPU name from the kernel as text', () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const report = loadCase('h100-cu126-ok');
    report.nvidia.gpus[0].name = evil;
    const model = new FakeModel();
    const item = new TorchStatusItem({ model, onOpen: () => undefined });
    model.set(reportState(report));
    expect(item.node.querySelector('img')).toBeNull();
    expect(item.node.textContent).toContain('<img');
    expect((window as any).__pwned).toBeUndefined();
    item.dispose();
  });
});
