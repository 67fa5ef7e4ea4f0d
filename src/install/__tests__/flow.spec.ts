/**
 * The install flow's state machine, every state, with a scripted notebook
 * host and UI: real plans, real pip output captured from real installs, and
 * real reports; no JupyterLab shell. The browser runs the same flow in the
 * Galata install tests.
 */
import * as fs from 'fs';
import * as path from 'path';

import type { ISessionContext } from '@jupyterlab/apputils';
import { Signal } from '@lumino/signaling';

import { advise } from '../../advice/engine';
import { loadBase } from '../../__tests__/canned';
import { english, type IMessage } from '../../report/message';
import type { ProbeOutcome } from '../../report/outcome';
import type { IProbeReport } from '../../report/types';
import type { IProbeState } from '../../tokens';
import { InstallFlow, type IInstallUI } from '../flow';
import type { IInstallHost, IRunResult } from '../host';
import type { IPlanPreview, IPreviewRun } from '../preview';
import type { IInstallStatus, IVerifiedBuild } from '../types';

const PIP = path.join(__dirname, 'pip');
const pipOut = (name: string) =>
  fs.readFileSync(path.join(PIP, `${name}.txt`), 'utf-8');

const before = loadBase('real-cu130-broken');
const after = loadBase('real-torch-cpu');
/** The advice for the broken CUDA build, pinned to the build `after` has. */
function pinnedAdvice(report: IProbeReport) {
  const a = advise(report, { packages: ['torch'] });
  const p = a.plans[0];
  a.plans[0] = {
    ...p,
    cell: p.cell.replace('2.14.1', '2.13.0'),
    expect: { ...p.expect!, packages: { torch: '2.13.0+cpu' } }
  };
  return a;
}
const SUCCESS =
  'Looking in indexes: http://127.0.0.1:8971/cpu\nCollecting torch==2.13.0+cpu\nSuccessfully installed torch-2.13.0+cpu\n';

/** A model with records by kernel id, as the flow sees it. */
class Model {
  selected: string | null = 'A';
  states = new Map<string, IProbeState>();
  installs = new Map<string, IInstallStatus[]>();
  verified: IVerifiedBuild[] = [];
  deepReport: IProbeReport | null = after;
  probes: string[] = [];
  session = {
    statusChanged: new Signal<any, string>({}),
    isDisposed: false,
    session: { kernel: { id: 'A' } }
  };
  constructor() {
    for (const id of ['A', 'B']) {
      this.states.set(id, {
        phase: 'done',
        kernelId: id,
        kernelDisplayName: id,
        kernelName: `spec-${id}`,
        outcome: {
          kind: 'report',
          kernelId: id,
          report: before,
          roundTripMs: 1
        },
        failure: null,
        advice: pinnedAdvice(before),
        probedAt: new Date(0),
        install: null,
        protect: null,
        regression: null,
        live: null
      });
    }
  }
  stateOf(id: string) {
    return this.states.get(id) ?? null;
  }
  sessionOf(id: string) {
    return this.states.has(id)
      ? (this.session as unknown as ISessionContext)
      : null;
  }
  async confirmPlans() {
    /* confirmed */
  }
  async probe(o: {
    deep?: boolean;
    kernelId?: string;
  }): Promise<ProbeOutcome | null> {
    this.probes.push(`${o.kernelId}:${o.deep ? 'deep' : 'quick'}`);
    return this.deepReport
      ? {
          kind: 'report',
          kernelId: o.kernelId!,
          report: this.deepReport,
          roundTripMs: 1
        }
      : null;
  }
  setInstallStatus(id: string, s: IInstallStatus) {
    this.installs.set(id, [...(this.installs.get(id) ?? []), s]);
  }
  setProtectStatus() {
    /* the install flow never sets it */
  }
  rememberVerified(b: IVerifiedBuild) {
    this.verified.push(b);
  }
  steps(id: string) {
    return (this.installs.get(id) ?? []).map(s => s.step);
  }
  last(id: string) {
    const all = this.installs.get(id)!;
    return all[all.length - 1];
  }
}

/** A notebook host whose cell runs as the test scripts it. */
class Host implements IInstallHost {
  kind = 'notebook' as const;
  isDisposed = false;
  inserted: string[] = [];
  deleted = false;
  edited: string | null = null;
  result: IRunResult | 'throw' | 'close' = {
    text: SUCCESS,
    errored: false,
    interrupted: null
  };
  /** Stream chunks the cell prints while it runs (a real capture). */
  stream: string[] = [];
  constructor(public session: ISessionContext) {}
  insert(text: string) {
    this.inserted.push(text);
    return `cell-${this.inserted.length}`;
  }
  source(_: string | null, planned: string) {
    return this.deleted
      ? null
      : (this.edited ?? this.inserted.at(-1) ?? planned);
  }
  async run(
    _id?: string | null,
    _text?: string,
    onOutput?: (text: string) => void
  ): Promise<IRunResult> {
    let so = '';
    for (const chunk of this.stream) {
      onOutput?.((so += chunk));
    }
    if (this.result === 'throw') {
      throw new Error('the cell model was disposed');
    }
    if (this.result === 'close') {
      this.isDisposed = true;
      return { text: '', errored: true, interrupted: null };
    }
    return this.result;
  }
}

function setup(
  answers: {
    confirm?: boolean;
    restart?: boolean | 'throw';
    preview?: IPreviewRun;
  } = {}
) {
  const model = new Model();
  const host = new Host(model.session as unknown as ISessionContext);
  const toasts: [string, IMessage][] = [];
  const shown: (Promise<IPlanPreview> | null)[] = [];
  const ui: IInstallUI = {
    hostFor: s => (s ? host : null),
    confirm: async (_plan, _text, _before, preview) => {
      shown.push(preview ?? null);
      return answers.confirm ?? true;
    },
    preview: answers.preview ? () => answers.preview! : undefined,
    restart: async () => {
      if (answers.restart === 'throw') {
        throw new Error('gone');
      }
      model.session.statusChanged.emit('restarting');
      return answers.restart ?? true;
    },
    offerNewNotebook: async () => {
      toasts.push(['offer', { id: 'new notebook', args: [] }]);
    },
    notify: (level, m) => toasts.push([level, m])
  };
  const flow = new InstallFlow(model as any, ui);
  return { model, host, flow, toasts, shown };
}

describe('InstallFlow', () => {
  it('inserted → running → restarting → verifying → verified', async () => {
    const { model, host, flow } = setup();
    expect(await flow.insert(0)).toBe(true);
    expect(host.inserted[0]).toContain('torch==2.13.0+cpu');
    const status = await flow.run();
    expect(model.steps('A')).toEqual([
      'inserted',
      'running',
      'restarting',
      'verifying',
      'verified'
    ]);
    expect(status?.step).toBe('verified');
    expect(model.probes).toEqual(['A:deep']);
    expect(model.verified[0]).toMatchObject({
      kernelName: 'spec-A',
      packages: { torch: '2.13.0+cpu' }
    });
    expect(status?.timings.pip).toBeGreaterThanOrEqual(0);
    expect(flow.isBusy('A')).toBe(false);
  });

  it('finishes on its own kernel when the selection moves meanwhile', async () => {
    const { model, flow } = setup();
    await flow.insert(0);
    const running = flow.run();
    model.selected = 'B';
    await running;
    expect(model.last('A').step).toBe('verified');
    expect(model.installs.has('B')).toBe(false);
    expect(model.probes).toEqual(['A:deep']);
  });

  it('shows the plan preview in the confirm dialog and stops it when the dialog closes', async () => {
    let stopped = 0;
    const result = Promise.resolve<IPlanPreview>({
      state: 'ok',
      message: null,
      tool: 'pip',
      changes: [],
      breaks: [],
      ms: 1
    });
    const { flow, shown, host } = setup({
      confirm: false,
      preview: { result, stop: () => void stopped++ }
    });
    await flow.insert(0);
    await flow.run();
    expect(shown).toEqual([result]);
    expect(stopped).toBe(1);
    // An edited cell is not the plan: no preview.
    host.edited = 'x = 1';
    await flow.run();
    expect(shown).toEqual([result, null]);
  });

  it('cancelled: the user declined; nothing ran', async () => {
    const { model, flow } = setup({ confirm: false });
    await flow.insert(0);
    expect((await flow.run())?.step).toBe('cancelled');
    expect(english(model.last('A').message)).toMatch(/nothing ran/);
    expect(model.probes).toEqual([]);
  });

  it('cancelled: the cell was deleted, or the notebook closed', async () => {
    const a = setup();
    await a.flow.insert(0);
    a.host.deleted = true;
    expect(english((await a.flow.run())!.message)).toMatch(/deleted/);
    const b = setup();
    await b.flow.insert(0);
    b.host.isDisposed = true;
    expect(english((await b.flow.run())!.message)).toMatch(/closed/);
  });

  it('failed: pip says why; no restart', async () => {
    const { model, host, flow, toasts } = setup();
    await flow.insert(0);
    host.result = {
      text: pipOut('nomatch'),
      errored: false,
      interrupted: null
    };
    const status = await flow.run();
    expect(status?.step).toBe('failed');
    expect(status!.reasons.map(english).join(' ')).toMatch(
      /no wheel|offered no version/
    );
    expect(model.steps('A')).not.toContain('restarting');
    expect(toasts.some(([level]) => level === 'error')).toBe(true);
  });

  it('interrupted: a restart or an interrupt while pip runs keeps pip’s output', async () => {
    for (const how of ['restart', 'interrupt'] as const) {
      const { model, host, flow } = setup();
      await flow.insert(0);
      host.result = {
        text: 'Collecting torch==2.13.0+cpu\n  Downloading torch-2.13.0+cpu.whl (190 MB)\n',
        errored: true,
        interrupted: how
      };
      const status = await flow.run();
      expect(status?.step).toBe('interrupted');
      expect(status!.reasons.map(english)).toContain(
        'pip said: Downloading torch-2.13.0+cpu.whl (190 MB)'
      );
      expect(model.probes).toEqual([]);
      // It may run again.
      host.result = { text: SUCCESS, errored: false, interrupted: null };
      expect((await flow.run())?.step).toBe('verified');
    }
  });

  it('restart-pending: a declined or failed restart, then Restart and Verify', async () => {
    for (const restart of [false, 'throw'] as const) {
      const answers: { restart?: boolean | 'throw' } = { restart };
      const { model, flow } = setup(answers);
      await flow.insert(0);
      expect((await flow.run())?.step).toBe('restart-pending');
      expect(model.probes).toEqual([]);
      answers.restart = true;
      expect((await flow.restartAndVerify())?.step).toBe('verified');
      expect(model.probes).toEqual(['A:deep']);
    }
  });

  it('ends in a final state when the cell or notebook goes away while pip runs', async () => {
    const a = setup();
    await a.flow.insert(0);
    a.host.result = 'throw';
    expect((await a.flow.run())?.step).toBe('failed');
    expect(a.flow.isBusy('A')).toBe(false);
    const b = setup();
    await b.flow.insert(0);
    b.host.result = 'close';
    expect((await b.flow.run())?.step).toBe('interrupted');
    expect(b.flow.isBusy('A')).toBe(false);
  });

  it('runs nothing when the notebook now runs another kernel', async () => {
    const { model, flow } = setup();
    await flow.insert(0);
    model.session.session.kernel.id = 'C';
    const s = await flow.run();
    expect(s?.step).toBe('cancelled');
    expect(english(s!.message)).toMatch(/another kernel/);
  });

  it('runs pip once when Run is pressed again while the dialog is open', async () => {
    const { host, flow, toasts } = setup();
    let runs = 0;
    const run = host.run.bind(host);
    host.run = () => {
      runs++;
      return run();
    };
    let answer = (_: boolean) => {};
    (flow as any)._ui.confirm = () => new Promise<boolean>(r => (answer = r));
    await flow.insert(0);
    const first = flow.run();
    expect(flow.isBusy('A')).toBe(true);
    // The palette, or a double click, while the dialog is open.
    expect(await flow.run()).toBeNull();
    expect(toasts.map(t => t[0])).toContain('info');
    answer(true);
    expect((await first)?.step).toBe('verified');
    expect(runs).toBe(1);
  });

  it('inserts once while the plans are being confirmed', async () => {
    const { model, host, flow } = setup();
    let release = () => {};
    model.confirmPlans = () => new Promise<void>(r => (release = r));
    const first = flow.insert(0);
    expect(flow.isBusy('A')).toBe(true);
    expect(await flow.insert(0)).toBe(false);
    release();
    expect(await first).toBe(true);
    expect(host.inserted).toHaveLength(1);
  });

  it('not-verified: the deep check finds another build, or does not answer', async () => {
    const a = setup();
    a.model.deepReport = before;
    await a.flow.insert(0);
    const s = await a.flow.run();
    expect(s?.step).toBe('not-verified');
    expect(s!.table[0]).toMatchObject({ name: 'torch', ok: false });
    const b = setup();
    b.model.deepReport = null;
    await b.flow.insert(0);
    expect(english((await b.flow.run())!.message)).toMatch(/did not answer/);
  });

  it('not-verified: an edited cell cannot be compared', async () => {
    const { host, flow } = setup();
    await flow.insert(0);
    host.edited =
      '%pip install torch==2.13.0+cpu --index-url http://127.0.0.1:1/cpu';
    const s = await flow.run();
    expect(english(s!.message)).toMatch(/edited/);
  });

  it('offers a new notebook when the kernel has none, and refuses a plan-less kernel', async () => {
    const { model, flow, toasts } = setup();
    model.selected = null;
    expect(await flow.insert(0)).toBe(false);
    expect(toasts[0][0]).toBe('offer');
    model.selected = 'A';
    expect(await flow.insert(7)).toBe(false);
    expect(toasts[1][0]).toBe('warning');
    expect(await flow.run()).toBeNull();
  });

  it('running: shows pip’s progress from the cell’s output as it comes (#21)', async () => {
    const { model, host, flow } = setup();
    const capture = JSON.parse(
      fs.readFileSync(
        path.join(__dirname, 'progress', 'pip-notebook.json'),
        'utf8'
      )
    );
    host.stream = capture.chunks.map((c: { text: string }) => c.text);
    host.result = {
      text: host.stream.join(''),
      errored: false,
      interrupted: null
    };
    await flow.insert(0);
    const status = await flow.run();
    expect(status?.step).toBe('verified');
    const running = model.installs
      .get('A')!
      .filter(s => s.step === 'running')
      .map(s => s.progress!);
    // Many updates, not one per chunk: only what changes the bar.
    expect(running.length).toBeGreaterThan(10);
    expect(running.length).toBeLessThan(host.stream.length);
    expect(running[0]).toMatchObject({ phase: 'starting', fraction: 0 });
    const torch = running.find(p => p.wheel?.startsWith('torch-2.13.0+cpu'));
    expect(torch?.wheelBytes).toBeCloseTo(191.8e6, -3);
    const fractions = running.map(p => p.fraction!);
    fractions
      .slice(1)
      .forEach((f, i) => expect(f).toBeGreaterThanOrEqual(fractions[i]));
    expect(fractions.at(-1)).toBe(1);
  });

  it('failed: the bar ends as an error with pip’s line (#21)', async () => {
    const { model, host, flow } = setup();
    const text = pipOut('nomatch');
    host.stream = [text];
    host.result = { text, errored: false, interrupted: null };
    await flow.insert(0);
    const status = await flow.run();
    expect(status?.step).toBe('failed');
    expect(status?.progress?.phase).toBe('failed');
    expect(status?.progress?.error).toMatch(
      /No matching distribution|Could not find/
    );
    expect(model.last('A').progress?.phase).toBe('failed');
  });
});
