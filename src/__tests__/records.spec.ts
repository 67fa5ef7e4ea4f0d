/**
 * Per-kernel records against a real server: requests join the one in
 * flight, a quick probe never erases a deep result, a result from before a
 * restart is dropped (and never published), and a settings change
 * re-advises every cached report without asking the kernel again.
 */
import * as http from 'http';
import * as net from 'net';
import type { AddressInfo } from 'net';

import type { SessionContext } from '@jupyterlab/apputils';
import { KernelManager } from '@jupyterlab/services';

import { watching } from '../install/host';
import { BUNDLES } from '../probe/probeSource';
import { english } from '../report/message';
import * as silent from '../probe/silent';
import { TorchDoctorModel } from '../model/model';
import type { IProbeRecord, IProbeState } from '../tokens';
import { useRealServer } from './realServer';

jest.setTimeout(180_000);

const srv = useRealServer({
  'records-torch-cpu': { env: 'torch-cpu', displayName: 'torch cpu' },
  'records-no-torch': { env: 'no-torch', displayName: 'no torch' }
});

/**
 * A local index: `mode` says how it answers; `held` keeps the requests it
 * has not answered yet, `requests` counts each path asked for.
 */
const index = {
  mode: 'ok' as 'ok' | 'fail' | 'hold',
  held: [] as {
    path: string;
    res: http.ServerResponse;
    closed: Promise<void>;
  }[],
  requests: new Map<string, number>(),
  base: ''
};
const indexServer = http.createServer((req, res) => {
  const p = req.url ?? '';
  index.requests.set(p, (index.requests.get(p) ?? 0) + 1);
  if (index.mode === 'fail') {
    res.writeHead(503).end('unavailable');
  } else if (index.mode === 'hold') {
    const closed = new Promise<void>(r => res.on('close', () => r()));
    index.held.push({ path: p, res, closed });
  } else {
    answer(p, res);
  }
});

function answer(p: string, res: http.ServerResponse): void {
  const project = p.split('/').filter(Boolean).pop() ?? 'torch';
  const file = `${project}-2.14.1+cpu-cp311-cp311-manylinux_2_28_x86_64.whl`;
  res.writeHead(200, { 'Content-Type': 'text/html' });
  res.end(`<html><body><a href="../../f/${file}">${file}</a></body></html>`);
}

/** Resolve once the index was asked for `n` paths in all. */
async function asked(n: number): Promise<void> {
  const total = () => [...index.requests.values()].reduce((a, b) => a + b, 0);
  for (let i = 0; i < 300 && total() < n; i++) {
    await new Promise(r => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  await new Promise<void>(r => indexServer.listen(0, '127.0.0.1', r));
  index.base = `http://127.0.0.1:${(indexServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  index.held.forEach(h => h.res.destroy());
  await new Promise(r => indexServer.close(r));
});

function newContext(spec: string): Promise<SessionContext> {
  return srv.newContext(spec);
}

async function close(model: TorchDoctorModel, ...cs: SessionContext[]) {
  model.dispose();
  await Promise.all(cs.map(c => c.shutdown()));
  cs.forEach(c => c.dispose());
}

/** Count the silent probe requests the kernel receives. */
const QUICK_KEY = `code_${BUNDLES.quick.sha}`;

function countRequests(context: SessionContext): () => number {
  const kernel = context.session!.kernel!;
  let n = 0;
  const original = kernel.requestExecute.bind(kernel);
  jest
    .spyOn(kernel, 'requestExecute')
    .mockImplementation((content, ...rest) => {
      // One probe is two silent requests (quick, then env): count the quick ones.
      if (content.silent && content.code.includes(QUICK_KEY)) {
        n++;
      }
      return original(content, ...rest);
    });
  return () => n;
}

describe('per-kernel records', () => {
  it('joins a second request of the same kind to the one in flight', async () => {
    const ctx = await newContext('records-torch-cpu');
    const model = new TorchDoctorModel({ autoProbe: false });
    model.setTarget(ctx);
    const requests = countRequests(ctx);
    const p1 = model.probe();
    const p2 = model.probe();
    expect(p2).toBe(p1);
    expect((await p1)?.kind).toBe('report');
    expect(requests()).toBe(1);
    await close(model, ctx);
  });

  it('keeps the deep result when a later quick probe lands', async () => {
    const ctx = await newContext('records-torch-cpu');
    const model = new TorchDoctorModel({ autoProbe: false });
    model.setTarget(ctx);
    const deep = await model.probe({ deep: true });
    expect(deep?.kind === 'report' && deep.report.deep).toBeTruthy();
    const quick = await model.probe();
    expect(quick?.kind).toBe('report');
    const shown = model.state.outcome;
    expect(shown?.kind === 'report' && shown.report.deep?.status).toBe('ok');
    // The quick probe's own facts are the ones shown.
    expect(shown).toBe(quick);
    await close(model, ctx);
  });

  it('drops a probe cut off by a restart, and never publishes it', async () => {
    const ctx = await newContext('records-torch-cpu');
    const model = new TorchDoctorModel({ autoProbe: false });
    model.setTarget(ctx);
    const published: IProbeRecord[] = [];
    model.probed.connect((_, r) => published.push(r));
    const kernel = ctx.session!.kernel!;
    // The user's long cell: the probe waits behind it.
    kernel.requestExecute({ code: 'import time; time.sleep(30)' });
    const pending = model.probe();
    await new Promise(r => setTimeout(r, 300));
    await ctx.restartKernel();
    expect(await pending).toBeNull();
    expect(published.filter(r => r.outcome.kind !== 'report')).toEqual([]);
    expect(model.state.outcome).toBeNull();
    // The record is usable after the restart.
    expect((await model.probe())?.kind).toBe('report');
    await close(model, ctx);
  });

  it('re-advises every cached report when a setting changes, without a probe', async () => {
    const a = await newContext('records-no-torch');
    const b = await newContext('records-torch-cpu');
    const model = new TorchDoctorModel({
      autoProbe: false,
      liveIndexCheck: false
    });
    model.setTarget(b);
    await model.probe();
    model.setTarget(a);
    await model.probe();
    const before = model.state;
    expect(before.advice?.plans[0]?.cell).toContain(
      'https://download.pytorch.org/whl/'
    );
    const requests = [countRequests(a), countRequests(b)];
    const mirror = 'https://mirror.test/pytorch/whl';
    const changed = new Promise<void>(resolve =>
      model.stateChanged.connect((_, s) => {
        if (s.advice?.plans[0]?.cell.includes(mirror)) {
          resolve();
        }
      })
    );
    model.updateSettings({ indexBaseUrl: mirror });
    await changed;
    const after = model.state;
    expect(after.advice?.plans[0]?.cell).toContain(`${mirror}/cpu`);
    // Same report, same probe time: nothing asked the kernel again.
    expect(after.outcome).toBe(before.outcome);
    expect(after.probedAt).toBe(before.probedAt);
    expect(requests.map(r => r())).toEqual([0, 0]);
    // The other kernel's record was re-advised too.
    const other = model.stateOf(b.session!.kernel!.id)!;
    expect(JSON.stringify(other.advice)).not.toContain(
      'download.pytorch.org/whl'
    );
    await close(model, a, b);
  });

  it('confirms the shown plans once, and says so when the index does not answer', async () => {
    const ctx = await newContext('records-no-torch');
    const model = new TorchDoctorModel({
      autoProbe: false,
      // Nothing listens there: the check fails fast, as an unreachable index.
      indexBaseUrl: 'http://127.0.0.1:9/whl',
      indexCheckTimeoutS: 5
    });
    model.setTarget(ctx);
    await model.probe();
    const first = model.confirmPlans();
    expect(model.confirmPlans()).toBe(first);
    await first;
    const state = model.state;
    expect(state.live?.phase).toMatch(/done|failed/);
    expect(JSON.stringify(state.advice?.plans[0]?.warnings)).toMatch(
      /could not be reached|did not answer/
    );
    await close(model, ctx);
  });

  it('deletes the record of a closed notebook, and never republishes it', async () => {
    const a = await newContext('records-no-torch');
    const b = await newContext('records-torch-cpu');
    const model = new TorchDoctorModel({
      autoProbe: false,
      liveIndexCheck: false
    });
    model.setTarget(a);
    await model.probe();
    model.setTarget(b);
    await model.probe();
    const idA = a.session!.kernel!.id;
    expect(model.stateOf(idA)?.outcome?.kind).toBe('report');
    // Closing a notebook disposes its session context; the kernel lives on.
    a.dispose();
    expect(model.stateOf(idA)).toBeNull();
    const published: IProbeRecord[] = [];
    model.probed.connect((_, r) => published.push(r));
    const readvised = new Promise<void>(resolve =>
      model.stateChanged.connect(() => resolve())
    );
    model.updateSettings({ indexBaseUrl: 'https://mirror.test/whl' });
    await readvised;
    expect(published.map(r => r.kernelId)).toEqual([b.session!.kernel!.id]);
    model.dispose();
    await b.shutdown();
    b.dispose();
    await srv.kernelManager.shutdown(idA);
  });

  it('deletes the old kernel’s record when the notebook changes its kernel', async () => {
    const ctx = await newContext('records-no-torch');
    const model = new TorchDoctorModel({ autoProbe: false });
    model.setTarget(ctx);
    await model.probe();
    const old = ctx.session!.kernel!.id;
    await ctx.changeKernel({ name: 'records-torch-cpu' });
    const now = ctx.session!.kernel!.id;
    expect(now).not.toBe(old);
    expect(model.stateOf(old)).toBeNull();
    expect(model.stateOf(now)).not.toBeNull();
    await close(model, ctx);
  });

  it('drops the verdict when another tab or the REST API restarts the kernel', async () => {
    const ctx = await newContext('records-no-torch');
    const model = new TorchDoctorModel({ autoProbe: false });
    model.setTarget(ctx);
    expect((await model.probe())?.kind).toBe('report');
    // Another browser tab: its own kernel manager, its own connection.
    const elsewhere = new KernelManager();
    const other = elsewhere.connectTo({
      model: { id: ctx.session!.kernel!.id, name: 'records-no-torch' }
    });
    const cleared = waitFor(model, s => s.outcome === null);
    await other.restart();
    await cleared;
    expect(model.state.phase).not.toBe('done');
    // The record works again once the new process answers.
    expect((await model.probe())?.kind).toBe('report');
    other.dispose();
    elsewhere.dispose();
    await close(model, ctx);
  });

  it('ends the wait for a pip cell when another tab restarts the kernel', async () => {
    const ctx = await newContext('records-no-torch');
    const kernel = ctx.session!.kernel!;
    // The install cell: its reply never comes once the process is gone.
    const cell = kernel.requestExecute({ code: 'import time; time.sleep(60)' });
    const ran = watching(ctx, () => cell.done);
    await new Promise(r => setTimeout(r, 500));
    const elsewhere = new KernelManager();
    const other = elsewhere.connectTo({
      model: { id: kernel.id, name: 'records-no-torch' }
    });
    await other.restart();
    const r = await ran;
    expect(r.restarted).toBe(true);
    expect(r.value).toBeNull();
    other.dispose();
    elsewhere.dispose();
    await ctx.shutdown();
    ctx.dispose();
  });

  it('says the kernel is gone when it is shut down elsewhere while it is probed', async () => {
    const ctx = await newContext('records-no-torch');
    const model = new TorchDoctorModel({ autoProbe: false });
    model.setTarget(ctx);
    const kernel = ctx.session!.kernel!;
    // The probe waits behind a long cell; the kernel is culled meanwhile.
    kernel.requestExecute({ code: 'import time; time.sleep(30)' });
    const pending = model.probe();
    await new Promise(r => setTimeout(r, 500));
    const gone = waitFor(model, s => s.phase === 'gone');
    const res = await fetch(
      `${srv.kernelManager.serverSettings.baseUrl}api/kernels/${kernel.id}`,
      {
        method: 'DELETE',
        headers: {
          Authorization: `token ${srv.kernelManager.serverSettings.token}`
        }
      }
    );
    expect(res.status).toBe(204);
    await gone;
    expect(await pending).not.toEqual(
      expect.objectContaining({ kind: 'report' })
    );
    expect(model.state.phase).toBe('gone');
    expect(model.state.kernelId).toBe(kernel.id);
    model.dispose();
    ctx.dispose();
  });

  it('says the kernel is gone when the notebook is set to No Kernel', async () => {
    const ctx = await newContext('records-no-torch');
    const model = new TorchDoctorModel({ autoProbe: false });
    model.setTarget(ctx);
    await model.probe();
    const id = ctx.session!.kernel!.id;
    // What the kernel picker's "No Kernel" does.
    await ctx.shutdown();
    expect(ctx.session).toBeNull();
    expect(model.state.phase).toBe('gone');
    expect(model.stateOf(id)).toBeNull();
    model.dispose();
    ctx.dispose();
  });

  it('keeps the last good report when a newer probe times out on a busy kernel', async () => {
    const ctx = await newContext('records-no-torch');
    const model = new TorchDoctorModel({
      autoProbe: false,
      liveIndexCheck: false,
      probeTimeoutMs: 3000
    });
    model.setTarget(ctx);
    const good = await model.probe();
    expect(good?.kind).toBe('report');
    ctx.session!.kernel!.requestExecute({ code: 'import time; time.sleep(8)' });
    const failed = await model.probe();
    expect(failed?.kind).toBe('timeout');
    expect(model.state.outcome).toBe(good);
    expect(model.state.failure).toBe(failed);
    await ctx.session!.kernel!.interrupt();
    await close(model, ctx);
  });

  describe('live index checks', () => {
    beforeEach(() => {
      index.mode = 'ok';
      index.requests.clear();
      index.held.forEach(h => h.res.destroy());
      index.held = [];
    });

    it('says the index did not answer when only PyPI, the second source, did', async () => {
      // The plans' index accepts connections and never answers.
      const hang = net.createServer(() => undefined);
      await new Promise<void>(r => hang.listen(0, '127.0.0.1', r));
      const port = (hang.address() as AddressInfo).port;
      const ctx = await newContext('records-no-torch');
      // The kernel's own PyPI answers (a local index).
      await ctx.session!.kernel!.requestExecute({
        code: `import os; os.environ['PIP_INDEX_URL'] = '${index.base}/whl/cpu/'`,
        silent: true
      }).done;
      const model = new TorchDoctorModel({
        autoProbe: false,
        indexBaseUrl: `http://127.0.0.1:${port}/whl`,
        indexCheckTimeoutS: 20
      });
      model.setTarget(ctx);
      await model.probe();
      await model.confirmPlans();
      expect([...index.requests.keys()]).toContain('/whl/cpu/torch/');
      expect(model.state.live?.phase).toBe('failed');
      expect(english(model.state.live!.message!)).toMatch(
        /^The index did not answer/
      );
      hang.close();
      await close(model, ctx);
    });

    it('a settings edit joins the running check of the same queries', async () => {
      const ctx = await newContext('records-no-torch');
      const model = new TorchDoctorModel({
        autoProbe: false,
        indexBaseUrl: `${index.base}/whl`,
        indexCheckTimeoutS: 20
      });
      model.setTarget(ctx);
      index.mode = 'hold';
      await model.probe(); // its plans' check starts
      await asked(1);
      const first = new Map(index.requests);
      expect(first.size).toBeGreaterThan(0);
      // The same queries: only the check's own deadline changes.
      model.updateSettings({ indexCheckTimeoutS: 21 });
      await new Promise(r => setTimeout(r, 2000));
      expect(index.requests).toEqual(first);
      index.mode = 'ok';
      index.held.forEach(h => answer(h.path, h.res));
      await model.confirmPlans();
      expect(model.state.live?.phase).toBe('done');
      expect(index.requests).toEqual(first);
      await close(model, ctx);
    });

    it('abandons a superseded check: its job is killed, its answer never lands', async () => {
      const ctx = await newContext('records-no-torch');
      const model = new TorchDoctorModel({
        autoProbe: false,
        indexBaseUrl: `${index.base}/a`,
        indexCheckTimeoutS: 20
      });
      // Each index check's deadline, with the signal that abandons it.
      const calls = jest.spyOn(silent, 'deadline');
      model.setTarget(ctx);
      index.mode = 'hold';
      await model.probe();
      await asked(1);
      const old = index.held[0];
      // Another index: other queries supersede the running check.
      model.updateSettings({ indexBaseUrl: `${index.base}/b` });
      await old.closed; // the killed job's connection closes
      const signals = () => calls.mock.calls.map(c => c[1]).filter(Boolean);
      expect(signals()[0]?.aborted).toBe(true);
      index.mode = 'ok';
      index.held.slice(1).forEach(h => answer(h.path, h.res));
      await model.confirmPlans();
      expect(model.state.live?.phase).toBe('done');
      expect(signals().length).toBe(2);
      expect(signals()[1]?.aborted).toBe(false);
      expect(JSON.stringify(model.state.advice)).not.toContain(
        `${index.base}/a`
      );
      calls.mockRestore();
      await close(model, ctx);
    });

    it('asks again after a failed check (Probe again, an insert)', async () => {
      const ctx = await newContext('records-no-torch');
      const model = new TorchDoctorModel({
        autoProbe: false,
        indexBaseUrl: `${index.base}/whl`
      });
      model.setTarget(ctx);
      index.mode = 'fail';
      await model.probe();
      await model.confirmPlans();
      expect(model.state.live?.phase).toBe('failed');
      index.mode = 'ok';
      await model.confirmPlans();
      expect(model.state.live?.phase).toBe('done');
      index.mode = 'fail';
      await model.probe();
      await model.confirmPlans();
      expect(model.state.live?.phase).toBe('failed');
      index.mode = 'ok';
      // Probe again.
      await model.probe();
      await model.confirmPlans();
      expect(model.state.live?.phase).toBe('done');
      await close(model, ctx);
    });
  });
});

/** Resolve when the model's selected state passes `test`. */
function waitFor(
  model: TorchDoctorModel,
  test: (s: IProbeState) => boolean
): Promise<void> {
  return new Promise(resolve => {
    const check = (_: unknown, s: IProbeState) => {
      if (test(s)) {
        model.stateChanged.disconnect(check);
        resolve();
      }
    };
    model.stateChanged.connect(check);
  });
}
