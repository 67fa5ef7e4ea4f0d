/**
 * Round trips through a real Jupyter server and real ipykernels.
 *
 * The kernels run in the environments built by scripts/make-test-envs.sh:
 * torch-cpu (torch 2.13.0+cpu) and the echo kernel (not Python).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { JupyterServer } from '@jupyterlab/testing/lib/start_jupyter_server';
import { KernelManager, type Kernel } from '@jupyterlab/services';

import { probeKernel } from '../probe/runner';
import { CODE_CACHE, PROBE_MIME } from '../probe/code';
import { envPython, startServer } from './realServer';
import { english } from '../report/message';

const TORCH_CPU = envPython('torch-cpu');

jest.setTimeout(120_000);

const KERNEL_CWD = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-kernel-cwd-'));

const server = new JupyterServer();
let manager: KernelManager;

beforeAll(async () => {
  // The server, and so its kernels, run in an empty folder: "no files
  // written" is then checkable without other processes' noise.
  await startServer(
    server,
    {
      'doctor-test-torch-cpu': {
        env: 'torch-cpu',
        displayName: 'torch 2.13.0+cpu'
      }
    },
    { cwd: KERNEL_CWD }
  );
  manager = new KernelManager();
  await manager.ready;
}, 120_000);

afterAll(async () => {
  manager?.dispose();
  await server.shutdown();
});

/** Evaluate expressions in the kernel without touching its state. */
async function inspect(
  kernel: Kernel.IKernelConnection,
  expressions: { [name: string]: string }
): Promise<{ [name: string]: any }> {
  const reply = await kernel.requestExecute({
    code: '',
    silent: true,
    store_history: false,
    user_expressions: expressions
  }).done;
  const out: { [name: string]: any } = {};
  const values = (reply.content as any).user_expressions;
  for (const name of Object.keys(expressions)) {
    const v = values[name];
    if (v.status !== 'ok') {
      throw new Error(`${name}: ${v.ename}: ${v.evalue}`);
    }
    out[name] = JSON.parse(v.data['text/plain'].replace(/^'|'$/g, ''));
  }
  return out;
}

/** The kernel state a probe must leave untouched. */
const FOOTPRINT = {
  ns: "__import__('json').dumps(sorted(get_ipython().user_ns))",
  count: "__import__('json').dumps(get_ipython().execution_count)",
  history: "__import__('json').dumps(len(get_ipython().user_ns['In']))",
  torch:
    "__import__('json').dumps(sorted(m for m in __import__('sys').modules if m == 'torch' or m.startswith(('torch.', 'torchvision', 'torchaudio'))))",
  cwd: "__import__('json').dumps(__import__('os').getcwd())",
  prefix: "__import__('json').dumps(__import__('sys').prefix)",
  // A CUDA context needs libcuda in the process; the probe must never load it.
  cudaLibs:
    "__import__('json').dumps(sorted({l.split('/')[-1].strip() for l in open('/proc/self/maps') if 'libcuda' in l or 'libcudart' in l}))"
};

/** Every file under a folder with its size and mtime. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) {
        walk(p);
      } else {
        const st = fs.lstatSync(p);
        files.set(p, `${st.size}:${st.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return files;
}

/** Poll until a condition holds (for kernel lifecycle transitions). */
async function waitFor(
  condition: () => boolean,
  timeoutMs = 60_000
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) {
      throw new Error('condition not met in time');
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

async function startKernel(name: string): Promise<Kernel.IKernelConnection> {
  const kernel = await manager.startNew({ name });
  await kernel.info;
  return kernel;
}

describe('probeKernel with a real ipykernel', () => {
  let kernel: Kernel.IKernelConnection;

  beforeAll(async () => {
    kernel = await startKernel('doctor-test-torch-cpu');
    // Some user state the probe must not disturb.
    await kernel.requestExecute({ code: 'x = 41\nimport math' }).done;
  });

  afterAll(async () => {
    await kernel?.shutdown();
  });

  it('reports the real torch build and leaves no footprint', async () => {
    const before = await inspect(kernel, FOOTPRINT);
    expect(before.cwd).toBe(fs.realpathSync(KERNEL_CWD));
    const files = snapshot(before.cwd);
    const prefixFiles = snapshot(path.join(before.prefix, 'lib'));

    const outcome = await probeKernel(kernel, { timeoutMs: 30_000 });

    expect(outcome.kind).toBe('report');
    if (outcome.kind !== 'report') {
      return;
    }
    const report = outcome.report;
    expect(report.schema_version).toBe(1);
    expect(report.mime).toBe(PROBE_MIME);
    expect(report.python.executable).toBe(TORCH_CPU);
    expect(report.python.prefix).toBe(before.prefix);
    expect(report.packages.torch?.build_version).toBe('2.13.0+cpu');
    expect(report.packages.torch?.local).toBe('cpu');
    expect(report.packages.torch?.cuda).toBeNull();
    expect(report.packages.torch?.installer).toBe('pip');
    expect(report.packages.torchvision).toBeNull();
    expect(report.torch_imported).toBeNull();
    expect(report.environment.kind).toBe('venv');
    expect(report.environment.pip_available).toBe(true);
    expect(report.nvidia.gpus).toEqual([]);
    expect(report.deep).toBeNull();

    const after = await inspect(kernel, FOOTPRINT);
    expect(after.ns).toEqual(before.ns);
    expect(after.ns).toContain('x');
    expect(after.count).toBe(before.count);
    expect(after.history).toBe(before.history);
    expect(after.torch).toEqual([]);
    expect(after.cudaLibs).toEqual([]);
    expect(snapshot(before.cwd)).toEqual(files);
    expect(snapshot(path.join(before.prefix, 'lib'))).toEqual(prefixFiles);
    // The compiled probe is cached in a private module, not in the user's namespace.
    const cache = await inspect(kernel, {
      keys: `__import__('json').dumps(sorted(k for k in vars(__import__('sys').modules['${CODE_CACHE}']) if k.startswith('code_')))`
    });
    // One compiled bundle per request kind: the quick probe and its env request.
    expect(cache.keys).toHaveLength(2);
    const again = await probeKernel(kernel, { timeoutMs: 30_000 });
    expect(again.kind).toBe('report');
  });

  it('runs the deep check in a subprocess, never importing torch in the kernel', async () => {
    const outcome = await probeKernel(kernel, {
      timeoutMs: 120_000,
      deep: true,
      deep_timeout: 100
    });
    expect(outcome.kind).toBe('report');
    if (outcome.kind !== 'report') {
      return;
    }
    const deep = outcome.report.deep!;
    expect(deep.status).toBe('ok');
    expect(deep.torch?.imported).toBe(true);
    expect(deep.torch?.version).toBe('2.13.0+cpu');
    expect(deep.cuda?.available).toBe(false);
    expect(deep.smoke).toEqual([
      expect.objectContaining({ device: 'cpu', ok: true, error: null })
    ]);
    const after = await inspect(kernel, FOOTPRINT);
    expect(after.torch).toEqual([]);
  });

  it('waits behind a busy kernel, times out cleanly and never interrupts the cell', async () => {
    const cell = kernel.requestExecute({
      code: 'import time; time.sleep(4); y = 1'
    });
    await new Promise<void>(resolve => {
      const check = () => {
        if (kernel.status === 'busy') {
          kernel.statusChanged.disconnect(check);
          resolve();
        }
      };
      kernel.statusChanged.connect(check);
      check();
    });
    const onWaiting = jest.fn();
    const outcome = await probeKernel(kernel, { timeoutMs: 1500, onWaiting });
    expect(onWaiting).toHaveBeenCalledTimes(1);
    expect(outcome).toEqual({
      kind: 'timeout',
      kernelId: kernel.id,
      waitedForBusyKernel: true
    });
    const reply = await cell.done;
    expect(reply.content.status).toBe('ok');
    const again = await probeKernel(kernel, { timeoutMs: 30_000 });
    expect(again.kind).toBe('report');
    const state = await inspect(kernel, { y: "__import__('json').dumps(y)" });
    expect(state.y).toBe(1);
  });

  it('rejects a malformed report', async () => {
    const source = `from IPython.display import display\ndisplay({"${PROBE_MIME}": {"schema_version": 1, "python": 3}}, raw=True)\n`;
    const outcome = await probeKernel(kernel, { timeoutMs: 30_000, source });
    expect(outcome.kind).toBe('invalid');
    expect(english((outcome as any).message)).toMatch(
      /does not match the report schema/
    );
  });

  it('rejects a report of an unknown schema version', async () => {
    const source = `from IPython.display import display\ndisplay({"${PROBE_MIME}": {"schema_version": 99}}, raw=True)\n`;
    const outcome = await probeKernel(kernel, { timeoutMs: 30_000, source });
    expect(outcome.kind).toBe('invalid');
    expect(english((outcome as any).message)).toMatch(/schema version 99/);
  });

  it('rejects an oversized reply', async () => {
    const source = `from IPython.display import display\ndisplay({"${PROBE_MIME}": {"schema_version": 1, "pad": "x" * 2_000_000}}, raw=True)\n`;
    const outcome = await probeKernel(kernel, { timeoutMs: 30_000, source });
    expect(outcome.kind).toBe('invalid');
    expect(english((outcome as any).message)).toMatch(/too large/);
  });

  it('reports an exception raised by the probe code', async () => {
    const outcome = await probeKernel(kernel, {
      timeoutMs: 30_000,
      source: 'raise RuntimeError("boom")'
    });
    expect(outcome.kind).toBe('error');
    expect(english((outcome as any).message)).toMatch(/RuntimeError: boom/);
  });
});

describe('probeKernel on an NVIDIA machine (a fake libnvidia-ml)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-nvml-'));
  const lib = path.join(dir, 'libnvidia-ml.so');
  const root = path.join(dir, 'root');
  let kernel: Kernel.IKernelConnection;

  beforeAll(async () => {
    const cc = spawnSync('gcc', [
      '-shared',
      '-fPIC',
      '-o',
      lib,
      path.resolve(__dirname, '..', '..', 'tests', 'fixtures', 'fake_nvml.c')
    ]);
    if (cc.status !== 0) {
      throw new Error(`gcc failed: ${cc.stderr}`);
    }
    // The driver as sysfs shows it, under a root override the probe honours.
    fs.mkdirSync(path.join(root, 'sys', 'module', 'nvidia'), {
      recursive: true
    });
    fs.writeFileSync(
      path.join(root, 'sys', 'module', 'nvidia', 'version'),
      '580.95.05\n'
    );
    kernel = await startKernel('doctor-test-torch-cpu');
    await kernel.requestExecute({
      code: `__import__('os').environ.update(TORCH_DOCTOR_ROOT=${JSON.stringify(root)}, TORCH_DOCTOR_NVML_LIB=${JSON.stringify(lib)})`,
      silent: true,
      store_history: false
    }).done;
  });

  afterAll(async () => {
    await kernel?.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reaches NVML in a job and never maps libnvidia-ml in the kernel', async () => {
    const outcome = await probeKernel(kernel, {
      timeoutMs: 30_000,
      cmd_timeout: 3
    });
    expect(outcome.kind).toBe('report');
    if (outcome.kind !== 'report') {
      return;
    }
    const nv = outcome.report.nvidia;
    expect(nv.gpu_source).toBe('nvml');
    expect(nv.gpus).toEqual([
      {
        index: 0,
        name: 'NVIDIA H100 80GB HBM3',
        memory_mib: 81559,
        compute_capability: '9.0',
        mig: 'enabled'
      },
      {
        index: 1,
        name: 'NVIDIA GeForce RTX 5090',
        memory_mib: 32607,
        compute_capability: '12.0',
        mig: null
      }
    ]);
    expect([nv.driver, nv.driver_source, nv.cuda_driver_max]).toEqual([
      '580.95.05',
      'sysfs',
      '13.0'
    ]);
    expect(nv.job?.status).toBe('ok');
    const after = await inspect(kernel, {
      nvml: "__import__('json').dumps('libnvidia-ml' in open('/proc/%d/maps' % __import__('os').getpid()).read())",
      jobs: "__import__('json').dumps(len(__import__('sys').modules['_jupyterlab_torch_doctor_jobs'].jobs))"
    });
    expect(after.nvml).toBe(false);
    expect(after.jobs).toBe(0);
  });

  it('reports a failing NVML as an error entry and keeps the report', async () => {
    await kernel.requestExecute({
      code: "__import__('os').environ['FAKE_NVML_INIT_RC'] = '18'",
      silent: true,
      store_history: false
    }).done;
    const outcome = await probeKernel(kernel, {
      timeoutMs: 30_000,
      cmd_timeout: 1
    });
    expect(outcome.kind).toBe('report');
    if (outcome.kind !== 'report') {
      return;
    }
    expect(outcome.report.errors).toContainEqual({
      source: 'nvml',
      reason: 'error',
      detail: 'nvmlInit failed (NVML error 18)'
    });
    expect(outcome.report.nvidia.driver).toBe('580.95.05');
  });
});

describe('probeKernel edge cases', () => {
  it('sends no code to a kernel that is not Python', async () => {
    const kernel = await startKernel('echo');
    const spy = jest.spyOn(kernel, 'requestExecute');
    const outcome = await probeKernel(kernel, { timeoutMs: 10_000 });
    expect(outcome).toEqual({
      kind: 'not-python',
      kernelId: kernel.id,
      language: 'echo'
    });
    expect(spy).not.toHaveBeenCalled();
    await kernel.shutdown();
  });

  it('gives a clean error when the kernel dies mid-probe', async () => {
    const kernel = await startKernel('doctor-test-torch-cpu');
    void kernel
      .requestExecute({ code: 'import os, time; time.sleep(1.5); os._exit(1)' })
      .done.catch(() => undefined);
    const outcome = await probeKernel(kernel, { timeoutMs: 30_000 });
    expect(outcome.kind).toBe('dead');
    expect(english((outcome as any).message)).toMatch(/died or restarted/);
    // Let the connection's reconnect settle first: a shutdown in the middle
    // rejects services' internal reconnect promise. Cleanup never fails the test.
    await waitFor(() => kernel.connectionStatus === 'connected').catch(
      () => undefined
    );
    await kernel.shutdown().catch(() => undefined);
  });

  it('reports a disposed kernel as not running', async () => {
    const kernel = await startKernel('doctor-test-torch-cpu');
    await kernel.shutdown();
    const outcome = await probeKernel(kernel, { timeoutMs: 5_000 });
    expect(outcome.kind).toBe('dead');
  });
});
