import * as fs from 'fs';
import * as path from 'path';

import { Signal } from '@lumino/signaling';

import { advise } from '../advice/engine';
import { TorchDoctorPanel } from '../panel/panel';
import type { IProbeReport } from '../report/types';
import type { IProbeState, ITorchDoctorModel } from '../tokens';
import { DEFAULT_SETTINGS } from '../model';

const BASES = path.join(__dirname, '..', 'advice', 'golden', 'bases');
const load = (name: string): IProbeReport =>
  JSON.parse(fs.readFileSync(path.join(BASES, `${name}.json`), 'utf-8'));

/** A model stand-in whose state the test sets. */
class FakeModel implements ITorchDoctorModel {
  target = null;
  settings = DEFAULT_SETTINGS;
  stateChanged: Signal<ITorchDoctorModel, IProbeState> = new Signal<
    ITorchDoctorModel,
    IProbeState
  >(this);
  state: IProbeState = {
    phase: 'no-kernel',
    kernelId: null,
    kernelDisplayName: null,
    outcome: null,
    advice: null,
    probedAt: null
  };
  set(state: Partial<IProbeState>): void {
    this.state = { ...this.state, ...state };
    this.stateChanged.emit(this.state);
  }
  setTarget(): void {
    /* not used */
  }
  updateSettings(): void {
    /* not used */
  }
  async probe() {
    return null;
  }
}

function reportState(report: IProbeReport): Partial<IProbeState> {
  return {
    phase: 'done',
    kernelId: 'k1',
    kernelDisplayName: 'Python 3',
    outcome: { kind: 'report', kernelId: 'k1', report, roundTripMs: 5 },
    advice: advise(report),
    probedAt: new Date(0)
  };
}

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
      outcome: { kind: 'dead', kernelId: 'k', message: 'The kernel died.' }
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
