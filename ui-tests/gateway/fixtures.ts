import { expect, test as base } from '@jupyterlab/galata';
import * as path from 'path';

/** The page's server: JupyterLab under a base URL, as JupyterHub serves it. */
export const BASE = `http://localhost:${process.env.GALATA_PORT || '18888'}/user/alice/`;
/** The Kernel Gateway on the "GPU host" (scripts/gateway.sh). */
export const GATEWAY = process.env.GATEWAY_URL || 'http://10.213.14.2:8889';
/** The GPU host's name (unshare --uts in scripts/gateway.sh). */
export const GPU_HOST = process.env.GATEWAY_HOSTNAME || 'gpu-node-1';

/**
 * Every test records each request the page makes, from the first page load
 * on, and fails if one leaves the base URL: the extension (and JupyterLab)
 * must only talk to /user/alice/... Data and blob URLs stay in the page.
 */
export const test = base.extend<{ requestsUnderBase: string[] }>({
  // Galata's own tmpPath fixture creates the test's folder at /api/contents,
  // outside the base URL: the same, under it.
  tmpPath: async ({ request }, use, testInfo) => {
    const folder = path.basename(testInfo.outputDir).replace(/-retry\d+$/i, '');
    const url = `${BASE}api/contents/${folder}`;
    await request.delete(url);
    const made = await request.put(url, { data: { type: 'directory' } });
    expect(made.status()).toBe(201);
    await use(folder);
    await request.delete(url);
  },
  requestsUnderBase: [
    async ({ context }, use) => {
      const urls: string[] = [];
      context.on('request', r => urls.push(r.url()));
      await use(urls);
      const outside = urls.filter(
        u => !u.startsWith(BASE) && !/^(data|blob|about):/.test(u)
      );
      expect(outside, 'requests outside the base URL').toEqual([]);
      expect(urls.length).toBeGreaterThan(0);
    },
    { auto: true }
  ]
});

export { expect };
