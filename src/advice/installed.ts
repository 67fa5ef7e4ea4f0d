/**
 * The rules about the installed torch: does it import, do the packages
 * match, is it the right build for the hardware, and which plans fix it.
 */
import { msg, type IMessage } from '../report/message';
import type { IPackageBuild } from '../report/types';
import { variantFits } from './fit';
import type { IHardware } from './hardware';
import { findRelease, MATRIX, type IRelease } from './matrix';
import { describeVariant } from './plan';
import { type Advisor, jetsonPlan } from './advisor';
import type { Verdict } from './types';
import { trioMismatch } from './trio';
import { compareVersions, parseVersion, variantKind } from './versions';

/** Findings and plans for an installed torch. */
export function installedRules(
  a: Advisor,
  torch: IPackageBuild,
  releases: IRelease[]
): void {
  const { report, hw } = a;
  const variant = a.installedVariant(torch);
  const kind = variantKind(variant);
  const v = parseVersion(torch.build_version);
  const release = v ? (findRelease(v.base) ?? null) : null;
  const newestKnown = MATRIX.releases[0].torch;
  if (v && !release && compareVersions(v.base, newestKnown) > 0) {
    a.find(null, {
      id: 'data-older-than-torch',
      severity: 'info',
      message: msg(
        'The advice data (as of %1) ends at torch %2; this kernel has %3. Checks that need the release table are skipped.',
        MATRIX.dataAsOf,
        newestKnown,
        torch.build_version
      ),
      evidence: { 'packages.torch.build_version': torch.build_version }
    });
  }
  if (variant === 'unknown') {
    // Never a silent ok: without version.py the build cannot be told.
    a.find('unknown', {
      id: 'build-unreadable',
      severity: 'warning',
      message: msg(
        'The build of torch %1 cannot be told: its torch/version.py could not be read, and the version has no local tag.',
        torch.build_version
      ),
      evidence: {
        'packages.torch.version_file': torch.version_file,
        'packages.torch.local': torch.local,
        'packages.torch.location': torch.location
      }
    });
  }
  // 1. Does it work at all? (deep check)
  const deep = report.deep;
  if (deep?.status === 'ok' && deep.torch && !deep.torch.imported) {
    const e = deep.torch.error;
    a.find('broken', {
      id: `import-failed-${e?.kind ?? 'other'}`,
      severity: 'error',
      message:
        e?.kind === 'missing_library'
          ? msg(
              'import torch fails: %1 (the library %2 is missing: the CUDA packages torch depends on are not installed).',
              e.message ?? msg('unknown error'),
              e.library ?? ''
            )
          : msg('import torch fails: %1.', e?.message ?? msg('unknown error')),
      evidence: {
        'deep.torch.error.kind': e?.kind ?? null,
        'deep.torch.error.library': e?.library ?? null
      }
    });
  }
  for (const smoke of deep?.smoke ?? []) {
    if (!smoke.ok) {
      a.find('broken', {
        id: /no kernel image/.test(smoke.error ?? '')
          ? 'no-kernel-image'
          : 'smoke-failed',
        severity: 'error',
        message: msg(
          'A tiny op on %1 failed: %2',
          smoke.device,
          smoke.error ?? ''
        ),
        evidence: { [`deep.smoke.${smoke.device}`]: smoke.error }
      });
    }
  }
  // 2. Are torch, torchvision and torchaudio from one build?
  const trio = trioMismatch(report, torch);
  const mismatch = trio.errors;
  for (const note of trio.notes) {
    a.find(null, {
      id: 'local-tag-differs',
      severity: 'info',
      message: note,
      evidence: {
        'packages.torch.build_version': torch.build_version,
        'packages.torchvision.build_version':
          report.packages.torchvision?.build_version ?? null,
        'packages.torchaudio.build_version':
          report.packages.torchaudio?.build_version ?? null
      }
    });
  }
  if (mismatch.length) {
    a.find('broken', {
      id: 'trio-mismatch',
      severity: 'error',
      message: msg(
        'torch, torchvision and torchaudio do not match: %1. They must be installed together from one index.',
        mismatch
      ),
      evidence: {
        'packages.torch.build_version': torch.build_version,
        'packages.torchvision.build_version':
          report.packages.torchvision?.build_version ?? null,
        'packages.torchaudio.build_version':
          report.packages.torchaudio?.build_version ?? null
      }
    });
  }
  // 3. Is it the right build for the hardware?
  const target = release && releases.includes(release) ? release : releases[0];
  const hidden = hw.hidden.length > 0;
  if (hw.jetson && kind !== 'cuda') {
    a.find('wrong-build', {
      id: 'cpu-build-on-jetson',
      severity: 'error',
      message: msg(
        'This is not a CUDA build (%1), and the generic aarch64 wheels have no Jetson support.',
        torch.build_version
      ),
      evidence: {
        'packages.torch.build_version': torch.build_version,
        'environment.jetson.model': report.environment.jetson?.model ?? null
      }
    });
    a.plans.push(jetsonPlan());
  }
  if (
    !hidden &&
    hw.anyGpu &&
    !hw.jetson &&
    (kind === 'cpu' ||
      (kind === 'default' && !hw.platform!.startsWith('macos')))
  ) {
    a.find('wrong-build', {
      id: 'cpu-build-on-gpu',
      severity: 'error',
      message:
        hw.os === 'windows'
          ? msg(
              'This is a CPU-only build (%1), but the kernel can see %2. On Windows, plain pip install torch always gives the CPU build.',
              torch.build_version,
              gpuWords(hw)
            )
          : hw.platform === 'linux-aarch64'
            ? msg(
                'This is a CPU-only build (%1), but the kernel can see %2. On Linux aarch64, PyPI gave CPU builds before torch 2.11.',
                torch.build_version,
                gpuWords(hw)
              )
            : msg(
                'This is a CPU-only build (%1), but the kernel can see %2.',
                torch.build_version,
                gpuWords(hw)
              ),
      evidence: {
        'packages.torch.local': torch.local,
        'nvidia.gpus': hw.nvidiaNames.join(', ') || null,
        'amd.gpus': hw.amdGfx.join(', ') || null
      }
    });
  } else if (
    !hidden &&
    kind !== 'cpu' &&
    kind !== 'default' &&
    kind !== 'unknown'
  ) {
    acceleratorBuildRules(a, torch, variant, release);
  }
  if (
    !hw.anyGpu &&
    !hidden &&
    (kind === 'cuda' || kind === 'rocm' || kind === 'xpu')
  ) {
    a.find('works-but-suboptimal', {
      id: 'accelerator-build-without-gpu',
      severity: 'warning',
      message: msg(
        'This %1 build runs here on the CPU only: the kernel sees no GPU. The +cpu build is much smaller.',
        describeVariant(variant)
      ),
      evidence: {
        'packages.torch.build_version': torch.build_version,
        'nvidia.driver': hw.driver
      }
    });
  }
  const needsPlan = ['broken', 'wrong-build', 'works-but-suboptimal'].some(x =>
    a.verdicts.has(x as Verdict)
  );
  if (needsPlan && !hidden && !hw.jetson) {
    if (v && !release && compareVersions(v.base, newestKnown) > 0) {
      // Keep the user's newer torch, with the variant table of the newest
      // release the data knows; the live index check confirms or refutes it.
      a.planFor(
        {
          ...MATRIX.releases[0],
          torch: v.base,
          also: [],
          torchvision: '',
          torchaudio: '',
          sources: []
        },
        variant,
        false
      );
      if (a.settings.allowOlderTorch) {
        const before = a.plans.length;
        a.planFor(target, variant, false);
        a.plans.slice(before).forEach(p => {
          p.title = msg(
            'Or go back to torch %1, which the data covers',
            target.torch
          );
        });
      }
    } else {
      a.planFor(target, variant, false);
    }
  }
}

function acceleratorBuildRules(
  a: Advisor,
  torch: IPackageBuild,
  variant: string,
  release: IRelease | null
): void {
  const { hw } = a;
  const kind = variantKind(variant);
  const vendorOk =
    (kind === 'cuda' && (hw.nvidiaCcs.length > 0 || !!hw.driver)) ||
    (kind === 'rocm' && hw.amdGfx.length > 0) ||
    (kind === 'xpu' && hw.intelSupported.length > 0);
  if (hw.anyGpu && !vendorOk) {
    a.find('wrong-build', {
      id: 'wrong-vendor-build',
      severity: 'error',
      message: msg(
        'This is a %1 build, but the kernel sees %2.',
        describeVariant(variant),
        gpuWords(hw)
      ),
      evidence: { 'packages.torch.local': torch.local }
    });
    return;
  }
  if (!vendorOk || !release || !hw.platform) {
    return;
  }
  if (hw.jetson && variantKind(torch.local) !== 'cuda') {
    // NVIDIA's JetPack wheels (+nv24.08, or no tag): the data's arch sets
    // describe download.pytorch.org builds, not these.
    return;
  }
  const fit = variantFits(release, variant, hw.platform, hw);
  if (fit.assumedFrom) {
    a.find(null, {
      id: 'variant-assumed',
      severity: 'info',
      message: msg(
        '%1 is newer than the release data: its GPU coverage is assumed to be that of %2, and its driver floor that of its CUDA major.',
        variant,
        fit.assumedFrom
      ),
      evidence: { 'packages.torch.build_version': torch.build_version }
    });
  }
  // Only older-major PTX reaches the GPU: the driver may JIT it, torch warns.
  const ptxOnly =
    fit.driverOk &&
    !!fit.crossMajorPtx?.length &&
    fit.crossMajorPtx.length === fit.reasons.length;
  if (!fit.ok) {
    a.find(ptxOnly ? 'works-but-suboptimal' : 'wrong-build', {
      id: ptxOnly
        ? 'ptx-cross-major'
        : fit.driverOk
          ? 'gpu-not-covered'
          : 'driver-too-old-for-build',
      severity: ptxOnly ? 'warning' : 'error',
      message: msg(
        '%1 cannot use this GPU: %2.',
        torch.build_version,
        fit.reasons
      ),
      evidence: {
        'nvidia.driver': hw.driver,
        'nvidia.cuda_driver_max': hw.driverCudaMax,
        'gpu.compute_capabilities':
          hw.nvidiaCcs.map(c => (c / 10).toFixed(1)).join(', ') || null,
        'amd.gfx': hw.amdGfx.join(', ') || null
      }
    });
  }
}

/** The GPUs the kernel sees: their names (kernel text) or a phrase. */
function gpuWords(hw: IHardware): string | IMessage {
  if (hw.nvidiaNames.length) {
    return hw.nvidiaNames.join(', ');
  }
  if (hw.amdGfx.length) {
    return msg('an AMD GPU (%1)', hw.amdGfx.join(', '));
  }
  if (hw.intelSupported.length) {
    return hw.intelSupported.join(', ');
  }
  return msg('a GPU');
}
