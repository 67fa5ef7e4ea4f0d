import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';

import { CommandIDs } from '../commands';
import { TorchDoctorPanel } from '../panel/panel';
import { reportText } from '../panel/reportText';
import {
  cu130BecameCpu,
  FakeModel,
  loadBase as load,
  NO_KERNEL,
  reportState
} from './canned';
import { msg } from '../report/message';

describe('TorchDoctorPanel', () => {
  it('renders the verdict, findings with evidence, plans and facts of a real report', () => {
    const model = new FakeModel();
    const panel = new TorchDoctorPanel({ model });
    model.set(reportState(load('real-torch-cu130')));
    const text = panel.node.textContent ?? '';
    expect(
      panel.node
        .querySelector('.jp-TorchDoctor-verdict')
        ?.getAttribute('data-verdict')
    ).toBe('works-but-suboptimal');
    expect(text).toContain('runs here on the CPU only');
    expect(panel.node.querySelector('.jp-TorchDoctor-cell')?.textContent).toBe(
      '%pip install torch==2.14.1+cpu torchvision==0.29.1+cpu --index-url https://download.pytorch.org/whl/cpu'
    );
    expect(text).toContain('2.14.1+cu130');
    expect(
      panel.node.querySelectorAll('details.jp-TorchDoctor-finding').length
    ).toBeGreaterThan(0);
    panel.dispose();
  });

  it('shows every state', () => {
    const model = new FakeModel();
    const panel = new TorchDoctorPanel({ model });
    const status = () =>
      panel.node.querySelector('.jp-TorchDoctor-state')?.textContent;
    expect(status()).toMatch(/Open a notebook or console/);
    model.set({ phase: 'probing', kernelId: 'k', kernelDisplayName: 'R' });
    expect(status()).toMatch(/Probing/);
    model.set({ phase: 'waiting' });
    expect(status()).toMatch(/busy running a cell/);
    model.set({
      phase: 'done',
      outcome: { kind: 'not-python', kernelId: 'k', language: 'R' }
    });
    expect(status()).toMatch(/Not a Python kernel \(R\)/);
    model.set({
      outcome: { kind: 'timeout', kernelId: 'k', waitedForBusyKernel: true }
    });
    expect(status()).toMatch(/Timed out waiting for the busy kernel/);
    model.set({
      outcome: { kind: 'dead', kernelId: 'k', message: msg('The kernel died.') }
    });
    expect(status()).toBe('The kernel died.');
    expect(panel.node.querySelector('[role="alert"]')).not.toBeNull();
    panel.dispose();
  });

  it('renders kernel-provided text as text, never as HTML', () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const report = load('real-torch-cpu');
    report.deep = null;
    report.nvidia = {
      ...report.nvidia,
      driver: '580.95.05',
      cuda_driver_max: '13.0',
      dev_nodes: ['nvidia0'],
      gpus: [
        {
          index: 0,
          name: evil,
          memory_mib: 1,
          compute_capability: '8.9',
          mig: null
        }
      ]
    };
    report.environment.hostname = evil;
    const model = new FakeModel();
    const panel = new TorchDoctorPanel({ model });
    model.set(reportState(report));
    expect(panel.node.querySelector('img')).toBeNull();
    expect(panel.node.textContent).toContain(evil);
    expect((window as any).__pwned).toBeUndefined();
    panel.dispose();
  });
});

describe('panel actions, install status and regression', () => {
  const commands = () => {
    const registry = new CommandRegistry();
    const calls: string[] = [];
    for (const id of [
      CommandIDs.insertInstallCell,
      CommandIDs.runInstall,
      CommandIDs.restartAndVerify
    ]) {
      registry.addCommand(id, {
        execute: args => {
          calls.push(`${id} ${JSON.stringify(args)}`);
        }
      });
    }
    return { registry, calls };
  };

  it('offers "Insert Install Cell" on each plan and runs the command with its index', () => {
    const model = new FakeModel();
    const { registry, calls } = commands();
    const panel = new TorchDoctorPanel({ model, commands: registry });
    model.set(reportState(load('real-torch-cu130')));
    const buttons = panel.node.querySelectorAll<HTMLButtonElement>(
      '.jp-TorchDoctor-plan button'
    );
    expect(buttons.length).toBeGreaterThan(0);
    expect(buttons[0].textContent).toBe('Insert Install Cell');
    buttons[0].click();
    expect(calls).toEqual([`${CommandIDs.insertInstallCell} {"plan":0}`]);
    panel.dispose();
  });

  it('shows the install steps, the before/after table, the timings and the next action', () => {
    const model = new FakeModel();
    const { registry, calls } = commands();
    const panel = new TorchDoctorPanel({ model, commands: registry });
    const state = reportState(load('real-cu130-broken'));
    const plan = state.advice!.plans[0];
    const install = (step: any, extra: any = {}) =>
      model.set({
        ...state,
        install: {
          step,
          plan,
          ranCell: plan.cell,
          message: msg('step %1', step),
          reasons: [],
          table: [],
          timings: {},
          ...extra
        }
      });
    const box = () =>
      panel.node.querySelector<HTMLElement>('.jp-TorchDoctor-install')!;
    install('inserted');
    expect(box().dataset.step).toBe('inserted');
    box().querySelector('button')!.click();
    install('restart-pending');
    expect(box().querySelector('button')!.textContent).toBe(
      'Restart and Verify…'
    );
    box().querySelector('button')!.click();
    expect(calls).toEqual([
      `${CommandIDs.runInstall} {}`,
      `${CommandIDs.restartAndVerify} {}`
    ]);
    install('failed', { reasons: [msg('The index could not be reached.')] });
    expect(box().querySelector('[role="alert"]')).not.toBeNull();
    expect(box().textContent).toContain('The index could not be reached.');
    install('verified', {
      table: [
        {
          name: 'torch',
          before: '2.14.1+cu130',
          expected: '2.13.0+cpu',
          after: '2.13.0+cpu',
          ok: true
        }
      ],
      timings: { pip: 12_345, restart: 800, verify: 2_100 }
    });
    expect(box().querySelector('button')).toBeNull();
    expect(box().querySelector('tbody')!.textContent).toBe(
      'torch2.14.1+cu1302.13.0+cpu2.13.0+cpu'
    );
    expect(
      box().querySelector('.jp-TorchDoctor-installTimings')!.textContent
    ).toBe('pip 12.3 s · restart 0.8 s · verification 2.1 s');
    panel.dispose();
  });

  it('warns of a regression with the one-click way back', () => {
    const model = new FakeModel();
    const { registry, calls } = commands();
    const panel = new TorchDoctorPanel({ model, commands: registry });
    model.set(
      reportState(load('real-torch-cpu'), {
        regression: cu130BecameCpu('/env/bin/python')
      })
    );
    const box = panel.node.querySelector('.jp-TorchDoctor-regression')!;
    expect(box.getAttribute('role')).toBe('alert');
    expect(box.textContent).toContain('torch: 2.14.1+cu130 → 2.13.0+cpu');
    box.querySelector('button')!.click();
    expect(calls).toEqual([`${CommandIDs.insertInstallCell} {"revert":true}`]);
    panel.dispose();
  });

  it('copies a plain-text report with the verdict, evidence, facts and cells', () => {
    const trans = nullTranslator.load('jupyterlab_torch_doctor');
    const text = reportText(reportState(load('real-torch-cu130')), trans);
    expect(text).toContain('Kernel: Python 3 [python3]');
    expect(text).toContain('Verdict: ⚠ Works, could be better');
    expect(text).toMatch(/- torch: 2\.14\.1\+cu130/);
    expect(text).toContain(
      '%pip install torch==2.14.1+cpu torchvision==0.29.1+cpu --index-url https://download.pytorch.org/whl/cpu'
    );
    expect(text).toMatch(/Release data as of \d{4}-\d\d-\d\d/);
    expect(text).not.toMatch(/<[a-z]/);
    expect(reportText(NO_KERNEL, trans)).toContain('Kernel: none');
  });
});
