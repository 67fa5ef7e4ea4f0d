/**
 * TypeScript view of the probe report. The JSON schema next to this file
 * (probe-report.schema.json) is the contract; these types mirror the fields
 * the front end reads.
 */

/** One of torch, torchvision, torchaudio as found on disk. */
export interface IPackageBuild {
  /** Version from the dist metadata (PyPI strips the local tag). */
  version: string;
  /** The real build version from `<pkg>/version.py`, with its local tag. */
  build_version: string;
  local: string | null;
  cuda: string | null;
  hip: string | null;
  rocm: string | null;
  xpu: string | null;
  git_version: string | null;
  version_file: boolean;
  installer: string | null;
  conda: { [key: string]: unknown } | null;
  location: string;
  requires: string[];
  /**
   * PEP 825 (provisional) wheel variant from `*.dist-info/variant.json`:
   * its label (e.g. 'cu128') and its properties as 'namespace :: feature ::
   * value' strings (at most 32). Absent in reports of older probes.
   */
  variant?: IWheelVariant | null;
}

/** A PEP 825 wheel variant as the probe reads it from variant.json. */
export interface IWheelVariant {
  label: string | null;
  properties: string[];
}

/**
 * The wheel tags the kernel's interpreter installs, as pip's
 * `packaging.tags.sys_tags()` computes them, in compact form: the supported
 * set is packaging's cpython_tags(version, abis, platforms) +
 * compatible_tags(version, interpreter, platforms).
 */
export interface IInstallTags {
  /** 'cp311'; 'cp314' for 3.14t too. */
  interpreter: string;
  /** packaging's order: ['cp311', 'abi3', 'none']; free-threaded ['cp314t', 'abi3t', 'none']. */
  abis: string[];
  /** packaging.tags.platform_tags() in order (linux_x86_64, manylinux_2_36_x86_64, ...). */
  platforms: string[];
  libc: { name: 'glibc' | 'musl'; version: string | null } | null;
  /** The macOS version (platform.mac_ver()), e.g. '14.2'. */
  macos: string | null;
}

/**
 * The build protection of the kernel's environment: Protect's constraints
 * file in sys.prefix, named by pip's per-environment config.
 */
export interface IProtection {
  /** pip's per-environment config file (pip.conf; pip.ini on Windows). */
  config: string;
  /** The constraints file Protect writes. */
  file: string;
  exists: boolean;
  /** Whether the config's constraint setting names the file. */
  registered: boolean;
  /** The file's pins, e.g. 'torch==2.13.0+cpu'. */
  pins: string[];
  /** What makes this kernel's pip ignore the setting, if anything. */
  ignored_by: null | 'PIP_CONFIG_FILE' | 'PIP_CONSTRAINT';
}

/** An NVIDIA GPU as NVML or nvidia-smi reports it (or procfs: the name only). */
export interface INvidiaGpu {
  index: number;
  name: string;
  memory_mib: number | null;
  compute_capability: string | null;
  mig: 'enabled' | 'disabled' | null;
}

/** A source that could not be read, and why. */
export interface IProbeError {
  source: string;
  reason: 'missing' | 'permission' | 'timeout' | 'error';
  detail: string;
}

/** The result of the opt-in deep check (a subprocess that imports torch). */
export interface IDeepCheck {
  status: 'ok' | 'timeout' | 'error' | 'crashed';
  duration_ms?: number;
  error?: string | null;
  torch?: {
    imported: boolean;
    version?: string;
    cuda?: string | null;
    error?: { kind: string; library: string | null; message: string } | null;
  };
  cuda?: {
    available: boolean;
    device_count: number;
    devices: { index: number; name: string; capability: string }[];
    arch_list?: string[];
  } | null;
  smoke?: { device: string; ok: boolean; error: string | null; ms: number }[];
  [key: string]: unknown;
}

/** The full probe report (schema_version 1). */
export interface IProbeReport {
  schema_version: 1;
  mime: string;
  probe: {
    version: string;
    time: string;
    duration_ms: number | null;
    root_override: boolean;
  };
  python: {
    executable: string;
    version: string;
    implementation: string;
    tag: string;
    bits: 32 | 64;
    free_threaded: boolean;
    prefix: string;
    base_prefix: string;
    /** Null for non-CPython or 32-bit interpreters; absent in reports of older probes. */
    tags?: IInstallTags | null;
  };
  platform: {
    system: string;
    machine: string;
    release: string;
    glibc: string | null;
    manylinux: string | null;
    macos: { version: string; arch: string; rosetta: boolean | null } | null;
    windows: { [key: string]: unknown } | null;
  };
  environment: {
    kind: 'venv' | 'conda' | 'uv' | 'system';
    prefix: string;
    conda: boolean;
    conda_env: string | null;
    uv_made: boolean;
    pip_available: boolean;
    uv_path: string | null;
    hostname: string;
    container: string[];
    wsl: boolean;
    jetson: { model: string | null; l4t: string | null } | null;
    managed: 'colab' | 'kaggle' | 'sagemaker' | null;
  };
  packages: {
    torch: IPackageBuild | null;
    torchvision: IPackageBuild | null;
    torchaudio: IPackageBuild | null;
  };
  related: { name: string; version: string }[];
  numpy: string | null;
  torch_imported: {
    version: string | null;
    cuda_initialized: boolean | null;
  } | null;
  nvidia: {
    driver: string | null;
    driver_source: string | null;
    cuda_driver_max: string | null;
    gpus: INvidiaGpu[];
    gpu_source: string | null;
    visible: { [name: string]: string | null };
    dev_nodes: string[];
    nvcc: { path: string; version: string | null; note: string } | null;
    /** A warning nvidia-smi printed with a valid table (exit status 14: infoROM). */
    smi_warning?: string | null;
    /**
     * The NVIDIA job (NVML, else nvidia-smi) run in a subprocess of the
     * kernel's interpreter; absent or null when none was needed.
     */
    job?: {
      status: 'pending' | 'ok' | 'timeout' | 'crashed' | 'error';
      needs: ('nvml' | 'nvcc')[];
      duration_ms: number | null;
    } | null;
  };
  amd: {
    kfd: boolean;
    visible: { [name: string]: string | null };
    gpus: {
      node: number | string;
      gfx: string | null;
      gfx_target_version: number;
      device_id: number | null;
    }[];
  };
  intel: {
    affinity: string | null;
    gpus: { pci: string; device_id: string | null; discrete: boolean }[];
  };
  apple: {
    arch: string;
    rosetta: boolean | null;
    mps_os_supported: boolean;
    apple_silicon: boolean;
  } | null;
  install: {
    env: { [name: string]: string };
    pip_config: { file: string; section: string; key: string; value: string }[];
    disk: {
      [label: string]: { path: string | null; free_bytes: number | null };
    };
    /** The build protection; absent in reports of older probes. */
    protection?: IProtection | null;
  };
  errors: IProbeError[];
  deep: IDeepCheck | null;
}
