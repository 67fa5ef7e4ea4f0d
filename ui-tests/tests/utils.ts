import { expect } from '@jupyterlab/galata';
import type { APIRequestContext } from '@playwright/test';

/** Write an empty notebook bound to a kernelspec, through the contents API. */
export async function putNotebook(
  request: APIRequestContext,
  path: string,
  kernel: string
): Promise<void> {
  const response = await request.put(`/api/contents/${path}`, {
    data: {
      type: 'notebook',
      format: 'json',
      content: {
        cells: [],
        metadata: {
          kernelspec: { name: kernel, display_name: kernel, language: 'python' }
        },
        nbformat: 4,
        nbformat_minor: 5
      }
    }
  });
  expect(response.ok()).toBe(true);
}
