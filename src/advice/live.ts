import type { IIndexQuery } from '../report/outcome';
import type { IAdvice } from './types';

/**
 * The index queries that confirm an advice's install plans: each planned
 * package on its plan's index (torchvision and torchaudio with the core
 * metadata of their newest wheels, to pair a newer torch), then the indexes
 * of CUDA variants newer than the data. macOS plans (PyPI) are not checked.
 */
export function indexQueries(advice: IAdvice): IIndexQuery[] {
  const seen = new Set<string>();
  const out: IIndexQuery[] = [];
  const add = (q: IIndexQuery) => {
    const key = `${q.index}|${q.project}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(q);
    }
  };
  for (const plan of advice.plans) {
    if (!plan.indexUrl || !plan.cell) {
      continue;
    }
    for (const p of plan.packages) {
      add(
        p.name !== 'torch' && advice.wheel
          ? {
              index: plan.indexUrl,
              project: p.name,
              metadata: { ...advice.wheel, max: 4 }
            }
          : { index: plan.indexUrl, project: p.name }
      );
    }
  }
  (advice.discover ?? []).forEach(add);
  return out.slice(0, 16);
}
