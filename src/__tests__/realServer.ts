/**
 * Set-up shared by the tests and benchmarks that run a real Jupyter server
 * whose kernels live in the environments of scripts/make-test-envs.sh.
 */
import * as fs from 'fs';
import * as path from 'path';

import { SessionContext } from '@jupyterlab/apputils';
import {
  KernelManager,
  KernelSpecManager,
  SessionManager
} from '@jupyterlab/services';
import { JupyterServer } from '@jupyterlab/testing/lib/start_jupyter_server';

const ROOT = path.resolve(__dirname, '..', '..');

/** Where scripts/make-test-envs.sh builds the test environments. */
export const ENVS =
  process.env.TEST_ENVS ?? path.join(ROOT, 'build', 'test-envs');

// jupyter-lab must be on PATH for JupyterServer.
process.env.PATH = `${path.join(ROOT, '.venv', 'bin')}${path.delimiter}${process.env.PATH}`;
/**
 * The kernels' own PyPI. The live check's second source is PIP_INDEX_URL, else
 * pypi.org; the kernels of these tests talk only to 127.0.0.1, so unless a
 * test names its own, that index is a closed local port (refused at once).
 * (The server gets only PATH of our environment: the kernelspecs carry it.)
 */
export const KERNEL_PIP_INDEX = 'http://127.0.0.1:9/simple/';

/** The Python interpreter of a test environment. */
export function envPython(env: string): string {
  return path.join(ENVS, env, 'bin', 'python');
}

/**
 * Start `server` with one ipykernel spec per entry (spec name → environment),
 * its debug log silenced. With `cwd`, the server and so its kernels start
 * in that folder.
 */
export async function startServer(
  server: JupyterServer,
  kernels: {
    [name: string]:
      | { env: string; displayName?: string }
      | { argv: string[]; displayName: string; language?: string };
  },
  options: { cwd?: string } = {}
): Promise<void> {
  jest.spyOn(console, 'debug').mockImplementation(() => undefined);
  const specs: { [name: string]: any } = {};
  for (const [name, spec] of Object.entries(kernels)) {
    if ('argv' in spec) {
      // A kernelspec that is not a working ipykernel (bad-input tests).
      specs[name] = {
        argv: spec.argv,
        display_name: spec.displayName,
        language: spec.language ?? 'python'
      };
      continue;
    }
    const { env, displayName } = spec;
    const python = envPython(env);
    if (!fs.existsSync(python)) {
      throw new Error(
        `${python} is missing: run scripts/make-test-envs.sh (make test does).`
      );
    }
    specs[name] = {
      argv: [python, '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
      display_name: displayName ?? env,
      language: 'python',
      env: { PIP_INDEX_URL: KERNEL_PIP_INDEX }
    };
  }
  const cwd = process.cwd();
  if (options.cwd) {
    process.chdir(options.cwd);
  }
  try {
    await server.start({
      configData: {
        ServerApp: { allow_root: true, log_level: 'INFO' },
        LabApp: { log_level: 'INFO' }
      },
      additionalKernelSpecs: specs
    });
  } finally {
    process.chdir(cwd);
  }
}

/** Kernelspecs for {@link startServer}, by spec name. */
type KernelSpecs = Parameters<typeof startServer>[1];

/** A real server for one spec file, and notebook sessions on it. */
export interface IRealServer {
  /** The kernel manager (set once the server is up). */
  readonly kernelManager: KernelManager;
  /**
   * A notebook session on a kernel of `spec`, its kernel ready; `name`
   * prefixes the notebook's (random) path.
   */
  newContext(spec: string, name?: string): Promise<SessionContext>;
}

/**
 * Start a real server with `kernels` before the spec file's tests, and
 * shut it, its sessions and managers down after them.
 */
export function useRealServer(kernels: KernelSpecs): IRealServer {
  const server = new JupyterServer();
  let kernelManager: KernelManager;
  let sessionManager: SessionManager;
  let specsManager: KernelSpecManager;
  beforeAll(async () => {
    await startServer(server, kernels);
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
  return {
    get kernelManager() {
      return kernelManager;
    },
    async newContext(spec: string, name = spec) {
      const context = new SessionContext({
        sessionManager,
        specsManager,
        path: `${name}-${Math.random().toString(36).slice(2)}.ipynb`,
        kernelPreference: { name: spec }
      });
      await context.initialize();
      await context.session!.kernel!.info;
      return context;
    }
  };
}
