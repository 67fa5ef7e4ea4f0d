/**
 * The PyPI the kernel's pip uses: PIP_INDEX_URL, else the last index-url of
 * pip's config files, else pypi.org. The live check reads torch, torchvision
 * and torchaudio there too (PEP 691 JSON, core metadata), as a second source.
 */
import type { IProbeReport } from '../report/types';
import { checkIndexUrl } from './url';

/** pypi.org's simple index. */
export const PYPI_SIMPLE = 'https://pypi.org/simple';

/** The index pip reads for this kernel (a refused URL falls back to pypi.org). */
export function pypiIndex(report: IProbeReport): string {
  const env = report.install?.env ?? {};
  const fromConfig = (report.install?.pip_config ?? [])
    .filter(c => c.key === 'index-url')
    .map(c => c.value.trim());
  const url = (
    env['PIP_INDEX_URL'] ??
    fromConfig[fromConfig.length - 1] ??
    ''
  ).trim();
  return url && checkIndexUrl(url).ok ? url.replace(/\/+$/, '') : PYPI_SIMPLE;
}
