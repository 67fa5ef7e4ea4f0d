/**
 * Each request of a probe (the code of one execute request) stays within
 * issue #17's limit of 12 kB: both are sent on every probe. The quick request
 * reads the build and the hardware; the second one (env) carries the wheel
 * tags (probe/tags.py) and the CUDA library inventory (probe/cudalibs.py).
 */
import { buildRequest } from '../probe/code';

describe('the probe requests', () => {
  it.each(['quick', 'env'] as const)('%s is at most 12 000 bytes', kind => {
    const bytes = Buffer.byteLength(buildRequest(kind, {}), 'utf-8');
    expect(bytes).toBeLessThanOrEqual(12000);
  });
});
