import { checkReport } from '../report/check';
import type { IProbeReport } from '../report/types';
import { Advisor, jetsonPlan } from './advisor';
import { DEFAULT_ADVICE_SETTINGS } from './defaults';
import { releasesFor } from './fit';
import { readHardware } from './hardware';
import { MATRIX } from './matrix';
import { contextRules, installedRules, platformRules } from './rules';
import type { IAdvice, IAdviceSettings, ILiveIndex, Verdict } from './types';
import { english } from '../report/message';

export { DEFAULT_ADVICE_SETTINGS } from './defaults';

/** Settings used when the caller gives none. */

/** Verdicts from most to least serious: the first one found wins. */
const ORDER: Verdict[] = [
  'unknown',
  'unsupported-platform',
  'no-torch',
  'broken',
  'wrong-build',
  'no-accelerator-visible',
  'works-but-suboptimal',
  'ok'
];

const SUMMARY: { [v in Verdict]: string } = {
  ok: 'The installed torch is the right build for what this kernel can see.',
  'works-but-suboptimal':
    'torch works, but a better-fitting build is available.',
  'wrong-build': 'The installed torch is the wrong build for this machine.',
  broken: 'The torch installation is broken.',
  'no-torch': 'torch is not installed in this kernel’s environment.',
  'no-accelerator-visible':
    'A GPU exists, but this kernel cannot see it: fix the visibility, not the install.',
  'unsupported-platform':
    'PyTorch publishes no wheels for this platform or Python.',
  unknown: 'The report is incomplete, so no advice can be given safely.'
};

/**
 * From a probe report to a verdict, its reasons and the install plans.
 * Pure: no kernel, no network. Bad input gives 'unknown', never a throw.
 */
export function advise(
  input: unknown,
  settings: Partial<IAdviceSettings> = {},
  live?: ILiveIndex
): IAdvice {
  const s: IAdviceSettings = { ...DEFAULT_ADVICE_SETTINGS, ...settings };
  const badIndex = !/^(https?|file):\/\/\S+$/.test(s.indexBaseUrl)
    ? s.indexBaseUrl
    : null;
  if (badIndex !== null) {
    s.indexBaseUrl = DEFAULT_ADVICE_SETTINGS.indexBaseUrl;
  }
  const check = checkReport(input);
  if (!check.ok) {
    return {
      verdict: 'unknown',
      summary: SUMMARY.unknown,
      findings: [
        {
          id: 'report-invalid',
          severity: 'error',
          message: english(check.message),
          evidence: {}
        }
      ],
      plans: [],
      dataAsOf: MATRIX.dataAsOf,
      missing: check.problems
    };
  }
  try {
    const advice = run(check.report, s, live);
    if (badIndex !== null) {
      advice.findings.push({
        id: 'invalid-index-url',
        severity: 'warning',
        message: `The index base URL setting "${badIndex}" is not an http, https or file URL; the plans use ${s.indexBaseUrl}.`,
        evidence: { 'settings.indexBaseUrl': badIndex }
      });
    }
    return advice;
  } catch (reason) {
    return {
      verdict: 'unknown',
      summary: SUMMARY.unknown,
      findings: [
        {
          id: 'engine-error',
          severity: 'error',
          message: String(reason),
          evidence: {}
        }
      ],
      plans: [],
      dataAsOf: MATRIX.dataAsOf,
      missing: []
    };
  }
}

function run(
  report: IProbeReport,
  settings: IAdviceSettings,
  live?: ILiveIndex
): IAdvice {
  const hw = readHardware(report);
  const a = new Advisor(report, hw, settings, live);
  const torch = report.packages.torch;
  const done = (): IAdvice => {
    const verdict = ORDER.find(v => a.verdicts.has(v)) ?? 'ok';
    return {
      verdict,
      summary: SUMMARY[verdict],
      findings: a.findings,
      plans: a.plans,
      dataAsOf: MATRIX.dataAsOf,
      missing: []
    };
  };
  platformRules(a);
  if (a.verdicts.has('unsupported-platform')) {
    return done();
  }
  contextRules(a);
  const releases = releasesFor(MATRIX.releases, hw);
  if (!releases.length) {
    a.find('unsupported-platform', {
      id: 'python-unsupported',
      severity: 'error',
      message: `No PyTorch release in the data has wheels for Python ${hw.python} on ${hw.platform}.`,
      evidence: {
        'python.version': report.python.version,
        platform: hw.platform
      }
    });
    return done();
  }
  const newest = MATRIX.releases.find(
    r => (r.variants[hw.platform!]?.length ?? 0) > 0
  )!;
  if (releases[0] !== newest) {
    a.find(null, {
      id: 'python-limits-release',
      severity: 'warning',
      message: `torch ${newest.torch} has no wheels for Python ${hw.python}; the newest release that supports it is ${releases[0].torch}.`,
      evidence: { 'python.version': report.python.version }
    });
  }
  if (!torch && hw.jetson) {
    a.find('no-torch', {
      id: 'no-torch',
      severity: 'info',
      message: 'torch is not installed in this kernel’s environment.',
      evidence: { 'packages.torch': null }
    });
    a.plans.push(jetsonPlan());
    return done();
  }
  if (!torch) {
    a.find('no-torch', {
      id: 'no-torch',
      severity: 'info',
      message: 'torch is not installed in this kernel’s environment.',
      evidence: {
        'packages.torch': null,
        'python.executable': report.python.executable
      }
    });
    a.planFor(releases[0], null, true);
    return done();
  }
  installedRules(a, torch, releases);
  return done();
}
