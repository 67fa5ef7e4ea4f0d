import type { IPackageBuild, IProbeReport } from '../report/types';
import { variantFits } from './fit';
import type { IHardware } from './hardware';
import { findRelease, MATRIX, type IRelease } from './matrix';
import { describeVariant } from './plan';
import { type Advisor, jetsonPlan } from './advisor';
import type { Verdict } from './types';
import { compareVersions, parseVersion, variantKind } from './versions';

/** Platforms and Pythons with no wheels at all. */
export function platformRules(a: Advisor): void {
  const { report, hw } = a;
  if (report.python.bits !== 64 || !hw.platform) {
    a.find('unsupported-platform', {
      id: 'platform-unsupported',
      severity: 'error',
      message: `PyTorch publishes no wheels for ${report.platform.system} ${report.platform.machine}${report.python.bits !== 64 ? ' with 32-bit Python' : report.platform.system === 'Linux' && !report.platform.glibc ? ' without glibc (musl)' : ''}.`,
      evidence: {
        'platform.system': report.platform.system,
        'platform.machine': report.platform.machine,
        'python.bits': report.python.bits,
        'platform.glibc': report.platform.glibc
      }
    });
  }
}

/** Facts that matter whatever is installed: visibility, nvcc, Jetson, restarts. */
export function contextRules(a: Advisor): void {
  const { report, hw } = a;
  for (const h of hw.hidden) {
    a.find('no-accelerator-visible', {
      id: 'gpu-hidden',
      severity: 'warning',
      message: `The GPU is hidden from this kernel: ${h.why}. Reinstalling torch will not help.`,
      evidence: { [h.field]: h.value, 'nvidia.driver': hw.driver }
    });
  }
  const nvcc = report.nvidia.nvcc;
  if (nvcc && !hw.driver) {
    a.find(null, {
      id: 'nvcc-without-driver',
      severity: 'info',
      message: `A CUDA toolkit (nvcc ${nvcc.version ?? ''}) is installed, but there is no NVIDIA driver. pip wheels bundle their own CUDA runtime and need only the driver; nvcc does not matter to them.`,
      evidence: { 'nvidia.nvcc.version': nvcc.version, 'nvidia.driver': null }
    });
  }
  if (
    hw.intelUnsupported.length &&
    !hw.intelSupported.length &&
    !hw.nvidiaCcs.length &&
    !hw.amdGfx.length
  ) {
    a.find(null, {
      id: 'intel-gpu-unsupported',
      severity: 'info',
      message: `The Intel GPU here (${hw.intelUnsupported.join(', ')}) is not one PyTorch's XPU build supports, so the CPU build is right.`,
      evidence: { 'intel.gpus': hw.intelUnsupported.join(', ') }
    });
  }
  if (hw.amdUnsupported.length) {
    a.find(null, {
      id: 'amd-gpu-unsupported',
      severity: 'info',
      message: `No ROCm build of PyTorch supports ${hw.amdUnsupported.join(', ')}. Some users force a close target with HSA_OVERRIDE_GFX_VERSION (for example 11.0.0), which AMD does not support.`,
      evidence: {
        'amd.gfx': hw.amdUnsupported.join(', '),
        'amd.visible.HSA_OVERRIDE_GFX_VERSION':
          report.amd.visible['HSA_OVERRIDE_GFX_VERSION'] ?? null
      }
    });
  }
  if (hw.platform === 'macos-x86_64') {
    a.find(null, {
      id: 'macos-x86-last-release',
      severity: 'info',
      message:
        'PyTorch stopped publishing wheels for Intel Macs after torch 2.2.2 (Python up to 3.12).',
      evidence: {
        'platform.machine': report.platform.machine,
        'platform.macos.rosetta': report.platform.macos?.rosetta ?? null
      }
    });
  }
  if (hw.jetson) {
    a.find(null, {
      id: 'jetson',
      severity: 'info',
      message: `This is an NVIDIA Jetson: install torch from NVIDIA's JetPack wheels (${MATRIX.jetsonDocs}), not from download.pytorch.org.`,
      evidence: {
        'environment.jetson.model': report.environment.jetson?.model ?? null,
        'environment.jetson.l4t': report.environment.jetson?.l4t ?? null
      }
    });
  }
  if (report.torch_imported) {
    a.find(null, {
      id: 'restart-needed',
      severity: 'info',
      message: `torch ${report.torch_imported.version ?? ''} is already imported in this kernel: restart the kernel after any install for it to take effect.`,
      evidence: { 'torch_imported.version': report.torch_imported.version }
    });
  }
}

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
      message: `The advice data (as of ${MATRIX.dataAsOf}) ends at torch ${newestKnown}; this kernel has ${torch.build_version}. Checks that need the release table are skipped.`,
      evidence: { 'packages.torch.build_version': torch.build_version }
    });
  }
  // 1. Does it work at all? (deep check)
  const deep = report.deep;
  if (deep?.status === 'ok' && deep.torch && !deep.torch.imported) {
    const e = deep.torch.error;
    a.find('broken', {
      id: `import-failed-${e?.kind ?? 'other'}`,
      severity: 'error',
      message: `import torch fails: ${e?.message ?? 'unknown error'}${e?.kind === 'missing_library' ? ` (the library ${e.library} is missing: the CUDA packages torch depends on are not installed)` : ''}.`,
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
        message: `A tiny op on ${smoke.device} failed: ${smoke.error}`,
        evidence: { [`deep.smoke.${smoke.device}`]: smoke.error }
      });
    }
  }
  // 2. Are torch, torchvision and torchaudio from one build?
  const mismatch = trioMismatch(report, release, torch);
  if (mismatch.length) {
    a.find('broken', {
      id: 'trio-mismatch',
      severity: 'error',
      message: `torch, torchvision and torchaudio do not match: ${mismatch.join('; ')}. They must be installed together from one index.`,
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
      message: `This is not a CUDA build (${torch.build_version}), and the generic aarch64 wheels have no Jetson support.`,
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
      message: `This is a CPU-only build (${torch.build_version}), but the kernel can see ${gpuWords(hw)}.${hw.os === 'windows' ? ' On Windows, plain pip install torch always gives the CPU build.' : ''}${hw.platform === 'linux-aarch64' ? ' On Linux aarch64, PyPI gave CPU builds before torch 2.11.' : ''}`,
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
      message: `This ${describeVariant(variant)} build runs here on the CPU only: the kernel sees no GPU. The +cpu build is much smaller.`,
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
          p.title = `Or go back to torch ${target.torch}, which the data covers`;
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
      message: `This is a ${describeVariant(variant)} build, but the kernel sees ${gpuWords(hw)}.`,
      evidence: { 'packages.torch.local': torch.local }
    });
    return;
  }
  if (!vendorOk || !release || !hw.platform) {
    return;
  }
  const fit = variantFits(release, variant, hw.platform, hw);
  if (!fit.ok) {
    a.find('wrong-build', {
      id: fit.driverOk ? 'gpu-not-covered' : 'driver-too-old-for-build',
      severity: 'error',
      message: `${torch.build_version} cannot use this GPU: ${fit.reasons.join('; ')}.`,
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

function trioMismatch(
  report: IProbeReport,
  release: IRelease | null,
  torch: IPackageBuild
): string[] {
  const out: string[] = [];
  const tv = report.packages.torchvision;
  const ta = report.packages.torchaudio;
  const tvV = parseVersion(tv?.build_version);
  if (tv && release && tvV && tvV.base !== release.torchvision) {
    out.push(
      `torchvision ${tv.build_version} pairs with a different torch (torch ${release.torch} needs torchvision ${release.torchvision})`
    );
  }
  const taV = parseVersion(ta?.build_version);
  if (ta && release && taV && taV.base !== release.torchaudio) {
    out.push(
      `torchaudio ${ta.build_version} is not the one for torch ${release.torch} (${release.torchaudio})`
    );
  }
  for (const other of [tv, ta]) {
    if (other?.local && torch.local && other.local !== torch.local) {
      out.push(
        `${other === tv ? 'torchvision' : 'torchaudio'} is a +${other.local} build, torch is +${torch.local}`
      );
    }
  }
  return out;
}

function gpuWords(hw: IHardware): string {
  if (hw.nvidiaNames.length) {
    return hw.nvidiaNames.join(', ');
  }
  if (hw.amdGfx.length) {
    return `an AMD GPU (${hw.amdGfx.join(', ')})`;
  }
  if (hw.intelSupported.length) {
    return hw.intelSupported.join(', ');
  }
  return 'a GPU';
}
