/**
 * The parts that load on the first probe, in chunks of their own, so that
 * the eager chunk holds only the plugins, the per-kernel model and the
 * views: the probe's Python source, the report schema and its validator,
 * the release data with the advice engine (pep440, semver). (The install
 * and protect flows load through plugins/installParts.ts.) What holds:
 * nothing here loads before a probe starts; the
 * startup benchmark (benchmarks/startup.mjs) lists what the page fetched.
 */
import type { advise } from '../advice/engine';
import type { indexQueries } from '../advice/live';
import type { detectRegression } from '../install/verify';
import type { checkIndex } from '../probe/indexCheck';
import type { probeKernel } from '../probe/runner';

/** The functions the model and "Probe all kernels" need. */
export interface IHeavy {
  probeKernel: typeof probeKernel;
  checkIndex: typeof checkIndex;
  advise: typeof advise;
  indexQueries: typeof indexQueries;
  detectRegression: typeof detectRegression;
}

let loading: Promise<IHeavy> | null = null;
let done: IHeavy | null = null;

/** Load the heavy parts once. */
export function heavy(): Promise<IHeavy> {
  loading ??= Promise.all([
    import('../probe/runner'),
    import('../probe/indexCheck'),
    import('../advice/engine'),
    import('../advice/live'),
    import('../install/verify')
  ]).then(([runner, index, engine, live, verify]) => {
    done = {
      probeKernel: runner.probeKernel,
      checkIndex: index.checkIndex,
      advise: engine.advise,
      indexQueries: live.indexQueries,
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
