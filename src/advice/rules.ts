/**
 * The rules that hold whatever is installed: the platform, and the context
 * (GPU visibility, nvcc, Jetson, unsupported GPUs, restarts).
 */
import { msg } from '../report/message';
import { MATRIX } from './matrix';
import type { Advisor } from './advisor';

/** Platforms and Pythons with no wheels at all. */
export function platformRules(a: Advisor): void {
  const { report, hw } = a;
  if (report.python.bits !== 64 || !hw.platform) {
    a.find('unsupported-platform', {
      id: 'platform-unsupported',
      severity: 'error',
      message:
        report.python.bits !== 64
          ? msg(
              'PyTorch publishes no wheels for %1 %2 with 32-bit Python.',
              report.platform.system,
              report.platform.machine
            )
          : report.platform.system === 'Linux' && !report.platform.glibc
            ? msg(
                'PyTorch publishes no wheels for %1 %2 without glibc (musl).',
                report.platform.system,
                report.platform.machine
              )
            : msg(
                'PyTorch publishes no wheels for %1 %2.',
                report.platform.system,
                report.platform.machine
              ),
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
      message: msg(
        'The GPU is hidden from this kernel: %1. Reinstalling torch will not help.',
        h.why
      ),
      evidence: { [h.field]: h.value, 'nvidia.driver': hw.driver }
    });
  }
  const nvcc = report.nvidia.nvcc;
  if (nvcc && !hw.driver) {
    a.find(null, {
      id: 'nvcc-without-driver',
      severity: 'info',
      message: msg(
        'A CUDA toolkit (nvcc %1) is installed, but there is no NVIDIA driver. pip wheels bundle their own CUDA runtime and need only the driver; nvcc does not matter to them.',
        nvcc.version ?? ''
      ),
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
      message: msg(
        "The Intel GPU here (%1) is not one PyTorch's XPU build supports, so the CPU build is right.",
        hw.intelUnsupported.join(', ')
      ),
      evidence: { 'intel.gpus': hw.intelUnsupported.join(', ') }
    });
  }
  if (hw.amdUnsupported.length) {
    a.find(null, {
      id: 'amd-gpu-unsupported',
      severity: 'info',
      message: msg(
        'No ROCm build of PyTorch supports %1. Some users force a close target with HSA_OVERRIDE_GFX_VERSION (for example 11.0.0), which AMD does not support.',
        hw.amdUnsupported.join(', ')
      ),
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
      message: msg(
        'PyTorch stopped publishing wheels for Intel Macs after torch 2.2.2 (Python up to 3.12).'
      ),
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
      message: msg(
        "This is an NVIDIA Jetson: install torch from NVIDIA's JetPack wheels (%1), not from download.pytorch.org.",
        MATRIX.jetsonDocs
      ),
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
      message: msg(
        'torch %1 is already imported in this kernel: restart the kernel after any install for it to take effect.',
        report.torch_imported.version ?? ''
      ),
      evidence: { 'torch_imported.version': report.torch_imported.version }
    });
  }
}
