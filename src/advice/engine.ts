import { checkReport } from '../report/check';
import { msg, type IMessage } from '../report/message';
import type { IProbeReport } from '../report/types';
import { Advisor, jetsonPlan } from './advisor';
import { DEFAULT_ADVICE_SETTINGS } from './defaults';
import { releaseBlocker, releasesFor } from './fit';
import { readHardware } from './hardware';
import { findRelease as findData, MATRIX } from './matrix';
import { cudaLibsOf } from './cudaLibs';
import { installedRules } from './installed';
import { contextRules, platformRules } from './rules';
import { indexNewer, variantDiscovery } from './indexPlans';
import { pypiFiles } from './files';
import { pypiIndex } from './pypi';
import { checkIndexUrl, shellOf } from './url';
import { parseVersion } from './versions';
import type { IAdvice, IAdviceSettings, ILiveIndex, Verdict } from './types';

export { DEFAULT_ADVICE_SETTINGS } from './defaults';

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

const SUMMARY: { [v in Verdict]: IMessage } = {
  ok: msg(
    'The installed torch is the right build for what this kernel can see.'
  ),
  'works-but-suboptimal': msg(
    'torch works, but a better-fitting build is available.'
  ),
  'wrong-build': msg(
    'The installed torch is the wrong build for this machine.'
  ),
  broken: msg('The torch installation is broken.'),
  'no-torch': msg('torch is not installed in this kernel’s environment.'),
  'no-accelerator-visible': msg(
    'A GPU exists, but this kernel cannot see it: fix the visibility, not the install.'
  ),
  'unsupported-platform': msg(
    'PyTorch publishes no wheels for this platform or Python.'
  ),
  unknown: msg('The report is incomplete, so no advice can be given safely.')
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
  const check = checkReport(input);
  // The rule of the kernel's shell: a Windows kernel runs cells via cmd.exe.
  const urlCheck = checkIndexUrl(
    s.indexBaseUrl,
    check.ok ? shellOf(check.report) : 'posix'
  );
  const badIndex = urlCheck.ok ? null : s.indexBaseUrl;
  if (badIndex !== null) {
    s.indexBaseUrl = DEFAULT_ADVICE_SETTINGS.indexBaseUrl;
  }
  if (!check.ok) {
    return {
      verdict: 'unknown',
      summary: SUMMARY.unknown,
      findings: [
        {
          id: 'report-invalid',
          severity: 'error',
          message: check.message,
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
    // The CUDA libraries' findings ride with the advice: the views read them
    // from the record, and this engine loads only with the first report.
    advice.cudaLibs = cudaLibsOf(check.report);
    if (badIndex !== null) {
      advice.findings.push({
        id: 'invalid-index-url',
        severity: 'warning',
        message: msg(
          'The index base URL setting "%1" is refused: %2. The plans use %3.',
          badIndex,
          urlCheck.ok ? '' : urlCheck.why,
          s.indexBaseUrl
        ),
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
          message: msg('The advice engine failed: %1', String(reason)),
          evidence: {}
        }
      ],
      plans: [],
      dataAsOf: MATRIX.dataAsOf,
      missing: [],
      cudaLibs: cudaLibsOf(check.report)
    };
  }
}

function run(
  report: IProbeReport,
  settings: IAdviceSettings,
  live?: ILiveIndex
): IAdvice {
  const hw = readHardware(report);
  if (live) {
    // A live PyPI answer wins over the snapshot for which releases install here.
    hw.torchFiles = pypiFiles(live, pypiIndex(report), 'torch');
  }
  const a = new Advisor(report, hw, settings, live);
  const torch = report.packages.torch;
  const done = (): IAdvice => {
    const newer = indexNewer(a);
    const verdict = ORDER.find(v => a.verdicts.has(v)) ?? 'ok';
    return {
      verdict,
      summary: SUMMARY[verdict],
      findings: a.findings,
      plans: a.plans,
      dataAsOf: MATRIX.dataAsOf,
      missing: [],
      indexNewer: newer,
      wheel: a.wheel,
      discover: a.discover,
      pypiIndex: pypiIndex(report)
    };
  };
  platformRules(a);
  if (a.verdicts.has('unsupported-platform')) {
    return done();
  }
  contextRules(a);
  variantDiscovery(a);
  // Releases the data has not seen on an index are proposed only when the
  // live index serves them (src/advice/indexPlans.ts), or when installed.
  const v = parseVersion(torch?.build_version);
  const installedRelease = v ? findData(v.base) : undefined;
  const releases = releasesFor(
    MATRIX.releases.filter(
      r => r.seen_on_index !== false || r === installedRelease
    ),
    hw
  );
  const newest = MATRIX.releases.find(
    r =>
      (r.variants[hw.platform!]?.length ?? 0) > 0 &&
      (r.seen_on_index !== false || r === installedRelease)
  );
  const blocked = newest ? releaseBlocker(newest, hw) : null;
  const evidence = {
    'python.version': report.python.version,
    'python.tags.interpreter': hw.kernel.tags?.interpreter ?? report.python.tag,
    'platform.glibc': report.platform.glibc,
    platform: hw.platform
  };
  if (!releases.length) {
    a.find('unsupported-platform', {
      id: 'python-unsupported',
      severity: 'error',
      message: blocked
        ? msg('No PyTorch release installs here: %1.', blocked)
        : msg(
            'No PyTorch release in the data has wheels for Python %1 on %2.',
            hw.python,
            hw.platform ?? ''
          ),
      evidence
    });
    return done();
  }
  if (newest && releases[0] !== newest) {
    a.find(null, {
      id: 'python-limits-release',
      severity: 'warning',
      message: msg(
        '%1; the newest release that installs here is %2.',
        blocked ??
          msg('torch %1 has no wheels for Python %2', newest.torch, hw.python),
        releases[0].torch
      ),
      evidence
    });
  }
  if (!torch && hw.jetson) {
    a.find('no-torch', {
      id: 'no-torch',
      severity: 'info',
      message: msg('torch is not installed in this kernel’s environment.'),
      evidence: { 'packages.torch': null }
    });
    a.plans.push(jetsonPlan());
    return done();
  }
  if (!torch) {
    a.find('no-torch', {
      id: 'no-torch',
      severity: 'info',
      message: msg('torch is not installed in this kernel’s environment.'),
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
