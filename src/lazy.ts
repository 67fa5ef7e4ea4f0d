/**
 * The parts that load on the first probe, in chunks of their own, so that
 * the eager chunk holds only the plugins, the per-kernel model and the
 * views: the probe's Python source, the report schema and its validator,
 * the release data with the advice engine (pep440, semver), and the
 * install and protect flows. What holds: nothing here loads before a
 * probe starts or a command of the install or protect plugins runs; the
 * startup benchmark (benchmarks/startup.mjs) lists what the page fetched.
 */
import type { advise } from './advice/engine';
import type { detectRegression } from './install/verify';
import type { checkIndex } from './probe/indexCheck';
import type { probeKernel } from './probe/runner';

/** The functions the model and "Probe all kernels" need. */
export interface IHeavy {
  probeKernel: typeof probeKernel;
  checkIndex: typeof checkIndex;
  advise: typeof advise;
  detectRegression: typeof detectRegression;
}

let loading: Promise<IHeavy> | null = null;
let done: IHeavy | null = null;

/** Load the heavy parts once. */
export function heavy(): Promise<IHeavy> {
  loading ??= Promise.all([
    import('./probe/runner'),
    import('./probe/indexCheck'),
    import('./advice/engine'),
    import('./install/verify')
  ]).then(([runner, index, engine, verify]) => {
    done = {
      probeKernel: runner.probeKernel,
      checkIndex: index.checkIndex,
      advise: engine.advise,
      detectRegression: verify.detectRegression
    };
    return done;
  });
  return loading;
}

/**
 * The heavy parts if they have loaded, else null. A report exists only
 * after a probe, which loads them, so code that reads a report can use
 * them synchronously.
 */
export function loadedHeavy(): IHeavy | null {
  return done;
}

/** The install and protect flows, their dialogs and the export forms. */
export type InstallParts = typeof import('./lazyInstall');

let installLoading: Promise<InstallParts> | null = null;

/** Load the install and protect parts once. */
export function installParts(): Promise<InstallParts> {
  installLoading ??= import('./lazyInstall');
  return installLoading;
}
