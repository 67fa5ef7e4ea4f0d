/**
 * The quick probe's request (the code of one execute request) stays within
 * issue #17's limit of 12 kB: it is sent on every probe, and the report.python.tags
 * computation (probe/tags.py) rides in it.
 */
import { buildRequest } from '../probe/code';

describe('the quick probe request', () => {
  it('is at most 12 000 bytes', () => {
    const bytes = Buffer.byteLength(buildRequest('quick', {}), 'utf-8');
    expect(bytes).toBeLessThanOrEqual(12000);
  });
});
