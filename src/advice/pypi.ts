/**
 * The PyPI the kernel's pip uses: PIP_INDEX_URL, else the last index-url of
 * pip's config files, else pypi.org. The live check reads torch, torchvision
 * and torchaudio there too (PEP 691 JSON, core metadata), as a second source.
 */
import { liveMetaKey, type ILiveIndex } from '../report/outcome';
import type { IProbeReport } from '../report/types';
import { liveFiles } from './files';
import type { IHardware } from './hardware';
import { filePlatforms, markerEnv } from './matrix';
import { cudaFromRequirements } from './requirements';
import { checkIndexUrl, shellOf } from './url';

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
  return url && checkIndexUrl(url, shellOf(report)).ok
    ? url.replace(/\/+$/, '')
    : PYPI_SIMPLE;
}

/**
 * The CUDA variant of PyPI's torch `version` for this platform, from the live
 * core metadata of its wheel; null when the live check did not read one.
 */
export function pypiBuild(
  live: ILiveIndex,
  pypi: string,
  version: string,
  hw: IHardware
): string | null {
  for (const f of liveFiles(live, pypi, 'torch') ?? []) {
    const meta = live[liveMetaKey(pypi, 'torch', f.file)];
    if (
      f.version === version &&
      Array.isArray(meta) &&
      filePlatforms(f.file).includes(hw.platform ?? '')
    ) {
      return cudaFromRequirements(meta, markerEnv(hw.platform!)) ?? 'cpu';
    }
  }
  return null;
}
