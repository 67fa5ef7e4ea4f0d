import { msg, type IMessage } from '../report/message';
import type { IProbeReport } from '../report/types';
import { allRocmTargets, MATRIX, type PlatformKey } from './matrix';
import { snapshotFiles, type IIndexFile } from './snapshot';
import { KernelTags } from './tags';

/**
 * The hardware and platform facts the rules need, read from a report.
 */
export interface IHardware {
  platform: PlatformKey | null;
  os: 'linux' | 'windows' | 'macos' | 'other';
  python: string;
  /** The wheel tags and Python version this kernel's interpreter installs. */
  kernel: KernelTags;
  /** PyPI's torch files: the snapshot's, with a live answer's first when there is one. */
  torchFiles: IIndexFile[];
  /** NVIDIA GPUs with a known compute capability, as integers (86 = 8.6). */
  nvidiaCcs: number[];
  nvidiaNames: string[];
  driver: string | null;
  /** The newest CUDA the driver supports (from NVML or nvidia-smi), if known. */
  driverCudaMax: string | null;
  jetson: boolean;
  /** Visibility problems: GPUs exist but the kernel is kept from them. */
  hidden: { field: string; value: string | null; why: IMessage }[];
  /** AMD gfx targets that some ROCm build supports. */
  amdGfx: string[];
  /** AMD gfx targets no ROCm build in the data supports. */
  amdUnsupported: string[];
  intelSupported: string[];
  intelUnsupported: string[];
  apple: boolean;
  /** An NVIDIA, AMD or supported Intel GPU is visible to the kernel. */
  anyGpu: boolean;
}

function platformKey(report: IProbeReport): PlatformKey | null {
  const { system, machine } = report.platform;
  const m = machine.toLowerCase();
  const arch =
    m === 'amd64' || m === 'x86_64'
      ? 'x86_64'
      : m === 'arm64' || m === 'aarch64'
        ? 'arm64'
        : m;
  if (system === 'Linux' && arch === 'x86_64') {
    return report.platform.glibc ? 'linux-x86_64' : null;
  }
  if (system === 'Linux' && arch === 'arm64') {
    return report.platform.glibc ? 'linux-aarch64' : null;
  }
  if (system === 'Windows' && arch === 'x86_64') {
    return 'windows-x86_64';
  }
  if (system === 'Darwin') {
    // Under Rosetta the interpreter is x86_64 and gets x86_64 wheels.
    return arch === 'arm64'
      ? 'macos-arm64'
      : arch === 'x86_64'
        ? 'macos-x86_64'
        : null;
  }
  return null;
}

function intelFamily(deviceId: string | null): string | null {
  if (!deviceId) {
    return null;
  }
  const id = parseInt(deviceId, 16);
  for (const family of MATRIX.xpuFamilies) {
    for (const [lo, hi] of family.ranges) {
      if (id >= parseInt(lo, 16) && id <= parseInt(hi, 16)) {
        return family.name;
      }
    }
  }
  return null;
}

/**
 * Whether CUDA_VISIBLE_DEVICES hides every GPU, as CUDA reads it: the list
 * ends at its first invalid entry, so an empty list, -1, or a first entry
 * that is no index (below the GPU count, when known) and no GPU-/MIG- UUID
 * leaves none. Returns the entry that hides them ('' for an empty list).
 */
export function cvdHides(
  value: string | null | undefined,
  gpuCount: number
): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  const first = value.split(',')[0].trim();
  if (first === '') {
    return '""';
  }
  if (/^(GPU|MIG)-/i.test(first)) {
    return null;
  }
  if (/^\d+$/.test(first)) {
    return gpuCount > 0 && Number(first) >= gpuCount ? first : null;
  }
  return first;
}

/** Read the hardware facts from a validated report. */
export function readHardware(report: IProbeReport): IHardware {
  const nv = report.nvidia;
  const ccs = nv.gpus
    .map(g => g.compute_capability)
    .filter((c): c is string => !!c)
    .map(c => Math.round(parseFloat(c) * 10));
  const hidden: IHardware['hidden'] = [];
  const cvd = nv.visible['CUDA_VISIBLE_DEVICES'];
  const nvd = nv.visible['NVIDIA_VISIBLE_DEVICES'];
  const driverLoaded = !!nv.driver;
  // Only a hiding when there is something to hide: users set an empty
  // CUDA_VISIBLE_DEVICES on GPU-less machines too.
  const nvidiaPresent = driverLoaded || nv.gpus.length > 0;
  const hiddenByCvd = cvdHides(cvd, nv.gpus.length);
  if (nvidiaPresent && hiddenByCvd) {
    hidden.push({
      field: 'nvidia.visible.CUDA_VISIBLE_DEVICES',
      value: cvd ?? null,
      why:
        cvd!.trim() === ''
          ? msg(
              'CUDA_VISIBLE_DEVICES is set to an empty list, so CUDA shows no GPU to this kernel'
            )
          : msg(
              'CUDA_VISIBLE_DEVICES=%1 starts with %2, which names no GPU, so CUDA shows none to this kernel (it stops at the first invalid entry)',
              cvd!,
              hiddenByCvd
            )
    });
  }
  if (nvidiaPresent && (nvd === 'void' || nvd === 'none')) {
    hidden.push({
      field: 'nvidia.visible.NVIDIA_VISIBLE_DEVICES',
      value: nvd,
      why: msg(
        'NVIDIA_VISIBLE_DEVICES=%1 tells the container runtime to give this container no GPU',
        nvd
      )
    });
  }
  const inContainer = report.environment.container.length > 0;
  if (
    driverLoaded &&
    nv.dev_nodes.length === 0 &&
    report.platform.system === 'Linux' &&
    !report.environment.wsl
  ) {
    hidden.push({
      field: 'nvidia.dev_nodes',
      value: '',
      why: inContainer
        ? msg(
            'the host has an NVIDIA driver, but this container has no /dev/nvidia* devices: it was started without GPU access (for example without --gpus all)'
          )
        : msg(
            'the NVIDIA driver is loaded, but there are no /dev/nvidia* devices'
          )
    });
  }
  const intelSupported: string[] = [];
  const intelUnsupported: string[] = [];
  for (const gpu of report.intel.gpus) {
    const family = intelFamily(gpu.device_id);
    (family ? intelSupported : intelUnsupported).push(
      family ?? gpu.device_id ?? gpu.pci
    );
  }
  const platform = platformKey(report);
  const known = allRocmTargets();
  const allGfx = report.amd.gpus
    .map(g => g.gfx)
    .filter((g): g is string => !!g);
  const amdGfx = allGfx.filter(g => known.includes(g));
  const amdUnsupported = allGfx.filter(g => !known.includes(g));
  const os =
    report.platform.system === 'Linux'
      ? 'linux'
      : report.platform.system === 'Windows'
        ? 'windows'
        : report.platform.system === 'Darwin'
          ? 'macos'
          : 'other';
  const apple = platform === 'macos-arm64' && !!report.apple?.mps_os_supported;
  return {
    platform,
    os,
    python: report.python.version.split('.').slice(0, 2).join('.'),
    kernel: new KernelTags(report, platform),
    torchFiles: snapshotFiles('torch'),
    nvidiaCcs: ccs,
    nvidiaNames: nv.gpus.map(g => g.name),
    driver: nv.driver,
    driverCudaMax: nv.cuda_driver_max,
    // An L4T/Tegra driver version means Jetson even when the model file is hidden.
    jetson: !!report.environment.jetson || nv.driver_source === 'l4t',
    hidden,
    amdGfx,
    amdUnsupported,
    intelSupported,
    intelUnsupported,
    apple,
    anyGpu:
      (driverLoaded && nv.gpus.length > 0) ||
      (report.amd.kfd && amdGfx.length > 0) ||
      intelSupported.length > 0
  };
}
