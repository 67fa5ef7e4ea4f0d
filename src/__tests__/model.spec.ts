/**
 * The shared model against a real server: it follows a session, probes on
 * kernel start and restart exactly once, and drops stale replies.
 */
import { SessionContext } from '@jupyterlab/apputils';
import {
  KernelSpecManager,
  SessionManager,
  KernelManager
} from '@jupyterlab/services';
import { JupyterServer } from '@jupyterlab/testing/lib/start_jupyter_server';
import { signalToPromise } from '@jupyterlab/testutils';

import { TorchDoctorModel } from '../model';
import type { IProbeState } from '../tokens';
import { startServer } from './realServer';

jest.setTimeout(120_000);

const server = new JupyterServer();
let kernelManager: KernelManager;
let sessionManager: SessionManager;
let specsManager: KernelSpecManager;

beforeAll(async () => {
  await startServer(server, {
    'doctor-test-torch-cpu': {
      env: 'torch-cpu',
      displayName: 'torch 2.13.0+cpu'
    }
  });
  kernelManager = new KernelManager();
  sessionManager = new SessionManager({ kernelManager });
  specsManager = new KernelSpecManager();
  await Promise.all([sessionManager.ready, specsManager.ready]);
}, 120_000);

afterAll(async () => {
  await sessionManager.shutdownAll();
  sessionManager.dispose();
  specsManager.dispose();
  kernelManager.dispose();
  await server.shutdown();
});

async function newContext(name: string): Promise<SessionContext> {
  const context = new SessionContext({
    sessionManager,
    specsManager,
    path: `${name}-${Math.random().toString(36).slice(2)}.ipynb`,
    kernelPreference: { name: 'doctor-test-torch-cpu' }
  });
  await context.initialize();
  await context.session!.kernel!.info;
  return context;
}

/** Wait until the model reaches a phase, collecting every state it passes. */
async function until(
  model: TorchDoctorModel,
  done: (s: IProbeState) => boolean,
  seen: IProbeState[] = []
): Promise<IProbeState> {
  while (!done(model.state)) {
    const [, state] = await signalToPromise(model.stateChanged);
    seen.push(state);
  }
  return model.state;
}

describe('TorchDoctorModel', () => {
  it('probes a new target automatically, then again once after a restart', async () => {
    const context = await newContext('restart');
    const model = new TorchDoctorModel({
      autoProbe: true,
      probeTimeoutMs: 60_000
    });
    const probe = jest.spyOn(model, 'probe');
    model.setTarget(context);

    const first = await until(model, s => s.phase === 'done');
    expect(first.outcome?.kind).toBe('report');
    expect(first.kernelDisplayName).toBe('torch 2.13.0+cpu');
    expect(probe).toHaveBeenCalledTimes(1);

    await context.restartKernel();
    // The old report is dropped at the restart, and one new probe follows.
    await until(model, s => s.phase !== 'done');
    const second = await until(model, s => s.phase === 'done');
    expect(second.outcome?.kind).toBe('report');
    // restartKernel emits kernelChanged and the status goes restarting → idle:
    // both paths lead to a probe, and the model runs exactly one.
    await new Promise(r => setTimeout(r, 1500));
    expect(probe).toHaveBeenCalledTimes(2);

    model.dispose();
    await context.shutdown();
    context.dispose();
  });

  it('drops a reply that arrives after the target changed', async () => {
    const a = await newContext('a');
    const b = await newContext('b');
    const model = new TorchDoctorModel({ autoProbe: false });
    model.setTarget(a);
    const pending = model.probe();
    model.setTarget(b);
    expect(await pending).toBeNull();
    // The reply for `a` is kept, and shown when `a` is the target again.
    model.setTarget(a);
    expect(model.state.outcome?.kind).toBe('report');
    expect(model.state.kernelId).toBe(a.session!.kernel!.id);
    model.setTarget(b);
    expect(model.state.phase).toBe('idle');
    model.dispose();
    await Promise.all([a.shutdown(), b.shutdown()]);
    a.dispose();
    b.dispose();
  });

  it('says there is no kernel when it has no target', async () => {
    const model = new TorchDoctorModel();
    expect(model.state.phase).toBe('no-kernel');
    expect(await model.probe()).toBeNull();
    model.dispose();
  });
});
