/**
 * The nightly channel's plan: only for what the nightly index serves.
 */
import { msg } from '../report/message';
import type { Advisor } from './advisor';
import { liveFiles } from './files';
import type { IRelease } from './matrix';
import { buildPlan } from './plan';
import { cudaOfVariant } from './versions';

/**
 * Nightly builds only for a variant the nightly index serves: never CUDA
 * 12.x (those nightlies ended in September 2026), and, once the live check
 * answered, only where it listed a torch wheel for this interpreter.
 */
export function nightlyPlanFor(
  a: Advisor,
  release: IRelease,
  variant: string | null,
  fresh: boolean
): void {
  const cuda = cudaOfVariant(variant);
  if (!variant || (cuda && Number(cuda.split('.')[0]) < 13)) {
    a.find(null, {
      id: 'nightly-not-served',
      severity: 'warning',
      message: msg(
        'PyTorch publishes no nightly build that fits this GPU and driver (CUDA 12.x nightlies ended in September 2026): use the stable channel.'
      ),
      evidence: {
        'nvidia.driver': a.hw.driver,
        'settings.channel': 'nightly'
      }
    });
    return;
  }
  const plan = buildPlan(release, variant, a.report, a.hw, a.settings, {
    fresh,
    live: a.live
  });
  const files = liveFiles(a.live, plan.indexUrl, 'torch');
  if (Array.isArray(files) && !files.some(f => a.hw.kernel.fits(f.file))) {
    a.find(null, {
      id: 'nightly-not-served',
      severity: 'warning',
      message: msg(
        'The nightly index %1 lists no torch wheel for this Python and platform.',
        plan.indexUrl ?? ''
      ),
      evidence: { 'settings.channel': 'nightly' }
    });
    return;
  }
  a.plans.push(plan);
}
