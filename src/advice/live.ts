import type { IIndexQuery } from '../report/outcome';
import type { IAdvice } from './types';

/**
 * The index queries that confirm an advice's install plans: each planned
 * package on its plan's index. macOS plans (PyPI) are not checked.
 */
export function indexQueries(advice: IAdvice): IIndexQuery[] {
  const seen = new Set<string>();
  const out: IIndexQuery[] = [];
  for (const plan of advice.plans) {
    if (!plan.indexUrl || !plan.cell) {
      continue;
    }
    for (const p of plan.packages) {
      const key = `${plan.indexUrl}|${p.name}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push({ index: plan.indexUrl, project: p.name });
      }
    }
  }
  return out;
}
