import type { IIndexQuery } from '../report/outcome';
import type { IAdvice } from './types';

/**
 * The index queries that confirm an advice's install plans: each planned
 * package on its plan's index (torchvision and torchaudio with the core
 * metadata of their newest wheels, to pair a newer torch), then the indexes
 * of CUDA variants newer than the data; then PyPI (or the user's mirror)
 * for the planned projects, with core metadata: a second live source whose
 * Requires-Python, pairing and torch's CUDA requirement (cuda-toolkit==13.2.2)
 * make the PyPI default exact.
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
  const pypi: IIndexQuery[] = [];
  if (advice.pypiIndex && advice.plans.some(p => p.cell)) {
    const projects = new Set(['torch']);
    advice.plans.forEach(p => p.packages.forEach(x => projects.add(x.name)));
    for (const project of projects) {
      pypi.push({
        index: advice.pypiIndex,
        project,
        metadata: { ...(advice.wheel ?? {}), max: 4 }
      });
    }
  }
  // PyPI's queries keep their place within the job's 16.
  return out.slice(0, 16 - pypi.length).concat(pypi);
}
