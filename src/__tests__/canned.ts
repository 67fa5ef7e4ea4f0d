/**
 * Canned reports and a model stand-in for the UI specs: real reports
 * captured on this machine (golden bases) and the golden cases' patches.
 */
import * as fs from 'fs';
import * as path from 'path';

import { Signal } from '@lumino/signaling';

import { advise } from '../advice/engine';
import { DEFAULT_SETTINGS } from '../settings';
import type { IRegression, IVerifiedBuild } from '../install/types';
import type { IProbeReport } from '../report/types';
import type {
  IProbeRecord,
  IProbeSettings,
  IProbeState,
  ITorchDoctorModel
} from '../tokens';
import { noKernelState } from '../model/record';

const GOLDEN = path.join(__dirname, '..', 'advice', 'golden');

/** Deep merge: objects merge key by key; anything else, arrays too, replaces. */
export function merge(base: any, patch: any): any {
  if (patch === undefined) {
    return base;
  }
  const isObj = (x: any) => x && typeof x === 'object' && !Array.isArray(x);
  if (isObj(patch) && isObj(base)) {
    const out = { ...base };
    for (const key of Object.keys(patch)) {
      out[key] = merge(base[key], patch[key]);
    }
    return out;
  }
  return patch;
}

/** A real report captured here (src/advice/golden/bases). */
export function loadBase(name: string): IProbeReport {
  return JSON.parse(
    fs.readFileSync(path.join(GOLDEN, 'bases', `${name}.json`), 'utf-8')
  );
}

/** The report of a golden case (its base with its patch). */
export function loadCase(name: string): IProbeReport {
  const c = JSON.parse(
    fs.readFileSync(path.join(GOLDEN, 'cases', `${name}.json`), 'utf-8')
  );
  return merge(loadBase(c.base), c.report_patch);
}

/** A 'done' state for a report, with its advice. */
export function reportState(
  report: IProbeReport,
  extra: Partial<IProbeState> = {}
): IProbeState {
  return {
    phase: 'done',
    kernelId: 'k1',
    kernelDisplayName: 'Python 3',
    kernelName: 'python3',
    outcome: { kind: 'report', kernelId: 'k1', report, roundTripMs: 5 },
    failure: null,
    advice: advise(report),
    probedAt: new Date(0),
    install: null,
    protect: null,
    regression: null,
    live: null,
    ...extra
  };
}

/** The state with no kernel: the model's own. */
export const NO_KERNEL: IProbeState = noKernelState();

/** A model stand-in whose state and settings the test sets. */
export class FakeModel implements ITorchDoctorModel {
  target = null;
  settings: IProbeSettings = { ...DEFAULT_SETTINGS };
  state: IProbeState = NO_KERNEL;
  stateChanged: Signal<ITorchDoctorModel, IProbeState> = new Signal(this);
  settingsChanged: Signal<ITorchDoctorModel, IProbeSettings> = new Signal(this);
  probed: Signal<ITorchDoctorModel, IProbeRecord> = new Signal(this);
  /** Kernel ids whose plans a view asked to confirm. */
  confirmed: string[] = [];
  get selected(): string | null {
    return this.state.kernelId;
  }
  set(state: Partial<IProbeState>): void {
    this.state = { ...this.state, ...state };
    this.stateChanged.emit(this.state);
  }
  stateOf(kernelId: string): IProbeState | null {
    return kernelId === this.state.kernelId ? this.state : null;
  }
  sessionOf(): null {
    return null;
  }
  async confirmPlans(kernelId?: string): Promise<void> {
    this.confirmed.push(kernelId ?? this.state.kernelId ?? '');
  }
  setTarget(): void {
    /* not used */
  }
  updateSettings(settings: Partial<IProbeSettings>): void {
    this.settings = { ...this.settings, ...settings };
    this.settingsChanged.emit(this.settings);
  }
  async probe() {
    return null;
  }
  setInstallStatus(): void {
    /* not used */
  }
  setProtectStatus(): void {
    /* not used */
  }
  rememberVerified(): void {
    /* not used */
  }
  publish(record: IProbeRecord): void {
    this.probed.emit(record);
  }
}

/** A build verified as 2.14.1+cu130 in `executable`. */
export function verifiedCu130(
  executable: string,
  kernelName = 'python3'
): IVerifiedBuild {
  return {
    kernelName,
    executable,
    packages: { torch: '2.14.1+cu130' },
    device: 'cuda:0',
    cell: '%pip install torch==2.14.1+cu130',
    at: new Date(0).toISOString()
  };
}

/** The regression of a kernel verified as +cu130 that now holds 2.13.0+cpu. */
export function cu130BecameCpu(executable: string): IRegression {
  return {
    verified: verifiedCu130(executable),
    changes: [{ name: 'torch', verified: '2.14.1+cu130', now: '2.13.0+cpu' }]
  };
}
