/**
 * Set-up shared by the tests and benchmarks that run a real Jupyter server
 * whose kernels live in the environments of scripts/make-test-envs.sh.
 */
import * as fs from 'fs';
import * as path from 'path';

import type { JupyterServer } from '@jupyterlab/testing/lib/start_jupyter_server';

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
