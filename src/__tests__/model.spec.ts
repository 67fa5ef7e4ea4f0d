/**
 * The shared model against a real server: it follows a session, probes on
 * kernel start and restart exactly once, and drops stale replies.
 */
import type { SessionContext } from '@jupyterlab/apputils';
import { StateDB } from '@jupyterlab/statedb';
import { signalToPromise } from '@jupyterlab/testutils';

import { TorchDoctorModel } from '../model/model';
import type { IProbeRecord, IProbeState } from '../tokens';
import { verifiedCu130 } from './canned';
import { KERNEL_PIP_INDEX, useRealServer } from './realServer';

jest.setTimeout(120_000);

const srv = useRealServer({
  'doctor-test-torch-cpu': {
    env: 'torch-cpu',
    displayName: 'torch 2.13.0+cpu'
  }
});

function newContext(name: string): Promise<SessionContext> {
  return srv.newContext('doctor-test-torch-cpu', name);
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

  it("lands a reply in its own kernel's record when the selection moves", async () => {
    const a = await newContext('a');
    const b = await newContext('b');
    const model = new TorchDoctorModel({ autoProbe: false });
    model.setTarget(a);
    const pending = model.probe();
    model.setTarget(b);
    const seenB: IProbeState[] = [];
    model.stateChanged.connect((_, s) => seenB.push(s));
    // The probe belongs to a's record: it finishes there, whatever is shown.
    expect((await pending)?.kind).toBe('report');
    expect(model.stateOf(a.session!.kernel!.id)?.outcome?.kind).toBe('report');
    // b's state never saw a's reply.
    expect(model.state.kernelId).toBe(b.session!.kernel!.id);
    expect(model.state.phase).toBe('idle');
    expect(seenB.every(s => s.kernelId === b.session!.kernel!.id)).toBe(true);
    model.setTarget(a);
    expect(model.state.outcome?.kind).toBe('report');
    model.dispose();
    await Promise.all([a.shutdown(), b.shutdown()]);
    a.dispose();
    b.dispose();
  });

  it('publishes every probe, and remembers a verified build across reloads (IStateDB)', async () => {
    const context = await newContext('guard');
    const state = new StateDB();
    const model = new TorchDoctorModel(
      { autoProbe: false, liveIndexCheck: false },
      { state }
    );
    const records: IProbeRecord[] = [];
    model.probed.connect((_, r) => records.push(r));
    model.setTarget(context);
    await model.probe();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      kernelName: 'doctor-test-torch-cpu',
      kernelId: context.session!.kernel!.id
    });
    expect(model.state.regression).toBeNull();

    // Verified as +cu130 once; the kernel now holds 2.13.0+cpu.
    const report = (model.state.outcome as any).report;
    model.rememberVerified(
      verifiedCu130(report.python.executable, 'doctor-test-torch-cpu')
    );
    expect(model.state.regression?.changes).toEqual([
      { name: 'torch', verified: '2.14.1+cu130', now: '2.13.0+cpu' }
    ]);

    // A new model (a reload) reads the verified build back.
    const again = new TorchDoctorModel(
      { autoProbe: false, liveIndexCheck: false },
      { state }
    );
    await again.ready;
    again.setTarget(context);
    await again.probe();
    expect(again.state.regression?.verified.packages).toEqual({
      torch: '2.14.1+cu130'
    });
    model.dispose();
    again.dispose();
    await context.shutdown();
    context.dispose();
  });

  it('a fresh probe is a new request after what the kernel runs now; a plain one joins', async () => {
    const context = await newContext('fresh');
    const model = new TorchDoctorModel({
      autoProbe: false,
      liveIndexCheck: false
    });
    model.setTarget(context);
    await model.probe(); // the probe's code is loaded: requests go out at once
    const kernel = context.session!.kernel!;
    const env = (o: any) =>
      o?.kind === 'report' ? o.report.install.env.PIP_INDEX_URL : 'no report';
    void kernel.requestExecute({ code: 'import time; time.sleep(2)' }).done;
    const inflight = model.probe();
    await new Promise(r => setTimeout(r, 300));
    // A cell runs after the probe in flight was sent (as Protect's does).
    const cell = kernel.requestExecute({
      code: 'import os; os.environ["PIP_INDEX_URL"] = "https://fresh.example/simple"'
    }).done;
    const joined = model.probe();
    const fresh = model.probe({ fresh: true });
    expect(joined).toBe(inflight);
    expect(fresh).not.toBe(inflight);
    // realServer.ts gives every kernel a local PIP_INDEX_URL.
    expect(env(await inflight)).toBe(KERNEL_PIP_INDEX);
    await cell;
    expect(env(await fresh)).toBe('https://fresh.example/simple');
    expect(env(model.state.outcome)).toBe('https://fresh.example/simple');
    model.dispose();
    await context.shutdown();
    context.dispose();
  });

  it('says there is no kernel when it has no target', async () => {
    const model = new TorchDoctorModel();
    expect(model.state.phase).toBe('no-kernel');
    expect(await model.probe()).toBeNull();
    model.dispose();
  });
});
