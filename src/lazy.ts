/**
 * The heavy parts: the probe's Python source, the report schema and its
 * validator, and the release data. They load on the first probe, in a chunk
 * of their own, so that JupyterLab starts as fast with this extension.
 */
import type { advise } from './advice/engine';
import type { checkIndex } from './probe/indexCheck';
import type { probeKernel } from './probe/runner';

/** The functions the model and "Probe all kernels" need. */
export interface IHeavy {
  probeKernel: typeof probeKernel;
  checkIndex: typeof checkIndex;
  advise: typeof advise;
}

let loading: Promise<IHeavy> | null = null;

/** Load the heavy parts once. */
export function heavy(): Promise<IHeavy> {
  loading ??= Promise.all([
    import('./probe/runner'),
    import('./probe/indexCheck'),
    import('./advice/engine')
  ]).then(([runner, index, engine]) => ({
    probeKernel: runner.probeKernel,
    checkIndex: index.checkIndex,
    advise: engine.advise
  }));
  return loading;
}
