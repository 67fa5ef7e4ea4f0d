import * as fs from 'fs';
import * as path from 'path';

import { nullTranslator, type ITranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import { advise } from '../advice/engine';
import { CommandIDs } from '../commands';
import { pipReasons, readPipResult } from '../install/pipResult';
import { verifyInstall } from '../install/verify';
import type { IProbeState } from '../tokens';
import { TorchDoctorPanel } from '../panel/panel';
import { reportText } from '../panel/reportText';
import {
  cu130BecameCpu,
  FakeModel,
  loadBase as load,
  loadCase,
  NO_KERNEL,
  reportState
} from './canned';
import { MARKING_TRANSLATOR, untranslated } from './translate';
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
      '%pip install torch==2.14.1+cpu torchvision==0.29.2+cpu --index-url https://download.pytorch.org/whl/cpu'
    );
    expect(text).toContain('2.14.1+cu130');
    expect(
      panel.node.querySelectorAll('details.jp-TorchDoctor-finding').length
    ).toBeGreaterThan(0);
    panel.dispose();
  });

  it('shows the data date, and a newer release the index serves', () => {
    const model = new FakeModel();
    const panel = new TorchDoctorPanel({ model });
    const report = load('real-no-torch');
    const cpu = 'https://download.pytorch.org/whl/cpu';
    const advice = advise(
      report,
      {},
      {
        [`${cpu}|torch`]: [
          'torch-2.14.1+cpu-cp311-cp311-manylinux_2_28_x86_64.whl',
          'torch-2.16.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl'
        ]
      }
    );
    model.set(reportState(report, { advice }));
    const line = panel.node.querySelector('.jp-TorchDoctor-dataAsOf');
    expect(line?.textContent).toBe(
      `Release data as of ${advice.dataAsOf}; the index serves torch 2.16.0, newer than the data.`
    );
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
    expect(
      panel.node.querySelector<HTMLElement>('.jp-TorchDoctor-state')!.dataset
        .state
    ).toBe('error');
    panel.dispose();
  });

  it('says when the index is checked, and when it did not answer', () => {
    const model = new FakeModel();
    const panel = new TorchDoctorPanel({ model });
    const state = reportState(load('real-no-torch'));
    expect(state.advice?.plans.length).toBeGreaterThan(0);
    model.set({ ...state, live: { phase: 'checking', message: null } });
    const live = () => panel.node.querySelector('.jp-TorchDoctor-live');
    expect(live()?.textContent).toBe('Checking the index for these wheels…');
    model.set({
      ...state,
      live: {
        phase: 'failed',
        message: msg('The index did not answer within %1 s.', 30)
      }
    });
    expect(live()?.textContent).toBe(
      'The index did not answer within 30 s. The plans come from the release data.'
    );
    model.set({ ...state, live: { phase: 'done', message: null } });
    expect(live()).toBeNull();
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
    const status = () =>
      panel.node.querySelector('.jp-TorchDoctor-state')?.textContent;
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
    expect(status()).toBe('The install failed.');
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
    expect(
      panel.node.querySelector('.jp-TorchDoctor-state')?.textContent
    ).toMatch(/the build changed since it was verified/);
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
      '%pip install torch==2.14.1+cpu torchvision==0.29.2+cpu --index-url https://download.pytorch.org/whl/cpu'
    );
    expect(text).toMatch(/Release data as of \d{4}-\d\d-\d\d/);
    expect(text).not.toMatch(/<[a-z]/);
    expect(reportText(NO_KERNEL, trans)).toContain('Kernel: none');
  });
});

describe('an accessible, stable panel', () => {
  const registry = () => {
    const r = new CommandRegistry();
    for (const id of [
      CommandIDs.insertInstallCell,
      CommandIDs.runInstall,
      CommandIDs.restartAndVerify
    ]) {
      r.addCommand(id, { execute: () => undefined });
    }
    return r;
  };
  const attached = (translator?: ITranslator) => {
    const model = new FakeModel();
    const panel = new TorchDoctorPanel({
      model,
      commands: registry(),
      translator
    });
    Widget.attach(panel, document.body);
    return { model, panel };
  };
  const report = load('real-torch-cu130');
  const live = {
    'https://download.pytorch.org/whl/cpu|torch': [
      'torch-2.14.1+cpu-cp311-cp311-manylinux_2_28_x86_64.whl'
    ],
    'https://download.pytorch.org/whl/cpu|torchvision': [
      'torchvision-0.29.1+cpu-cp311-cp311-manylinux_2_28_x86_64.whl'
    ]
  };

  it('keeps focus and open findings when the live check lands', () => {
    const { model, panel } = attached();
    model.set(reportState(report));
    const details = panel.node.querySelector<HTMLDetailsElement>(
      'details.jp-TorchDoctor-finding'
    )!;
    details.open = true;
    const button = panel.node.querySelector<HTMLButtonElement>(
      '.jp-TorchDoctor-plan button'
    )!;
    button.focus();
    const state = panel.node.querySelector('.jp-TorchDoctor-state')!;
    const stateNode = state.firstChild;
    model.set({ advice: advise(report, {}, live) });
    // The advice was rebuilt (the plan is now confirmed on the index)...
    expect(panel.node.textContent).toContain('confirmed on the index');
    expect(button.isConnected).toBe(false);
    // ...but the reader's place is kept.
    const again = panel.node.querySelector<HTMLDetailsElement>(
      `details[data-key="${details.dataset.key}"]`
    )!;
    expect(again).not.toBe(details);
    expect(again.open).toBe(true);
    expect(document.activeElement).toBe(
      panel.node.querySelector('.jp-TorchDoctor-plan button')
    );
    expect((document.activeElement as HTMLElement).dataset.key).toBe(
      button.dataset.key
    );
    // The same sentence is not set again (a screen reader would repeat it).
    expect(state.firstChild).toBe(stateNode);
    panel.dispose();
  });

  it('keeps focus on the install button from one step to the next, else in its section', () => {
    const { model, panel } = attached();
    const state = reportState(report);
    const plan = state.advice!.plans[0];
    const install = (step: any) =>
      model.set({
        ...state,
        install: {
          step,
          plan,
          ranCell: plan.cell,
          message: msg('step %1', step),
          reasons: [],
          table: [],
          timings: {}
        }
      });
    const next = () =>
      panel.node.querySelector<HTMLButtonElement>(
        '.jp-TorchDoctor-install button'
      );
    install('inserted');
    next()!.focus();
    install('restart-pending');
    expect(next()!.textContent).toBe('Restart and Verify…');
    expect(document.activeElement).toBe(next());
    install('verifying');
    expect(next()).toBeNull();
    expect(document.activeElement).toBe(
      panel.node.querySelector('[data-section="install"]')
    );
    panel.dispose();
  });

  it('has one live region, the state line, in every state', () => {
    const { model, panel } = attached();
    const states: Partial<IProbeState>[] = [
      NO_KERNEL,
      { phase: 'probing', kernelId: 'k', kernelDisplayName: 'P' },
      reportState(report),
      reportState(load('real-torch-cpu'), {
        regression: cu130BecameCpu('/env/bin/python')
      }),
      {
        ...reportState(report),
        install: {
          step: 'failed',
          plan: reportState(report).advice!.plans[0],
          ranCell: null,
          message: msg('The install failed; the kernel was not restarted.'),
          reasons: [],
          table: [],
          timings: {}
        }
      }
    ];
    for (const s of states) {
      model.set(s);
      const live = panel.node.querySelectorAll('[aria-live]');
      expect(live.length).toBe(1);
      expect(live[0].className).toBe('jp-TorchDoctor-state');
      // No other element is a live region by its role either.
      expect(
        panel.node.querySelectorAll('[role="alert"], [role="log"]').length
      ).toBe(0);
      expect(panel.node.querySelectorAll('[role="status"]').length).toBe(1);
    }
    panel.dispose();
  });

  it('translates every sentence it shows, for every canned report', () => {
    const { model, panel } = attached(MARKING_TRANSLATOR);
    const cases = fs
      .readdirSync(path.join(__dirname, '..', 'advice', 'golden', 'cases'))
      .map(f => f.replace(/\.json$/, ''));
    // Data, not sentences: cells, evidence, fact values, version tables.
    const DATA =
      'pre.jp-TorchDoctor-cell, .jp-TorchDoctor-evidence, .jp-TorchDoctor-facts dd, tbody';
    const NAMES = ['torch', 'torchvision', 'torchaudio', 'nvcc', 'Apple MPS'];
    const check = (name: string) => {
      const walker = document.createTreeWalker(
        panel.node,
        NodeFilter.SHOW_TEXT
      );
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const parent = n.parentElement!;
        if (parent.closest(DATA) || NAMES.includes(n.textContent!.trim())) {
          continue;
        }
        expect({ name, text: untranslated(n.textContent!) }).toEqual({
          name,
          text: ''
        });
      }
      // Lumino's own section title ("… Section") is not ours to translate.
      for (const e of [
        panel.node,
        ...Array.from(panel.body.node.querySelectorAll('[aria-label], [title]'))
      ]) {
        const label = `${e.getAttribute('aria-label') ?? ''}${e.getAttribute('title') ?? ''}`;
        expect({ name, text: untranslated(label) }).toEqual({ name, text: '' });
      }
    };
    for (const name of cases) {
      const r = loadCase(name);
      const state = reportState(r);
      model.set(state);
      check(name);
      const plan = state.advice?.plans[0];
      if (plan?.cell && r.deep) {
        // Verification of that plan against this same report, as the panel shows it.
        const v = verifyInstall(plan, plan.cell, r, r);
        model.set({
          install: {
            step: v.verified ? 'verified' : 'not-verified',
            plan,
            ranCell: plan.cell,
            message: msg('Not verified: the kernel does not match the plan.'),
            reasons: v.reasons,
            table: v.table,
            timings: { pip: 1000 }
          }
        });
        check(`${name} (verified)`);
      }
    }
    const failed = readPipResult(
      'ERROR: No matching distribution found for torch==9'
    );
    model.set({
      ...reportState(report, { regression: cu130BecameCpu('/x') }),
      install: {
        step: 'failed',
        plan: reportState(report).advice!.plans[0],
        ranCell: null,
        message: msg('The install failed; the kernel was not restarted.'),
        reasons: pipReasons(failed),
        table: [],
        timings: {}
      }
    });
    check('pip failed');
    for (const s of [
      NO_KERNEL,
      { phase: 'probing' as const, kernelDisplayName: 'P' },
      { phase: 'waiting' as const },
      {
        phase: 'done' as const,
        outcome: {
          kind: 'timeout' as const,
          kernelId: 'k',
          waitedForBusyKernel: false
        }
      },
      {
        outcome: {
          kind: 'error' as const,
          kernelId: 'k',
          message: msg('Boom: %1', 'x')
        }
      }
    ]) {
      model.set({ ...s, install: null, regression: null });
      check(String(s.phase ?? 'error'));
    }
    panel.dispose();
  });
});
