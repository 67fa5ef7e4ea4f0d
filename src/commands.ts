/**
 * The command ids of jupyterlab-torch-doctor.
 */
export namespace CommandIDs {
  /** Open (reveal) the Torch Doctor sidebar panel. */
  export const openPanel = 'jupyterlab-torch-doctor:open-panel';
  /** Probe the active kernel (quick, no torch import). */
  export const probe = 'jupyterlab-torch-doctor:probe';
  /** Probe the active kernel with the deep check (imports torch in a subprocess). */
  export const deepCheck = 'jupyterlab-torch-doctor:deep-check';
  /** Copy the plain-text report of the active kernel. */
  export const copyReport = 'jupyterlab-torch-doctor:copy-report';
  /** Insert a plan's install cell below the active cell; args: plan (index) or revert. */
  export const insertInstallCell =
    'jupyterlab-torch-doctor:insert-install-cell';
  /** Confirm and run the inserted install cell, then restart and verify. */
  export const runInstall = 'jupyterlab-torch-doctor:run-install';
  /** Restart the kernel and verify an install whose restart was declined. */
  export const restartAndVerify = 'jupyterlab-torch-doctor:restart-and-verify';
  /** Insert and (after confirmation) run the cell that protects the kernel's build. */
  export const protectBuild = 'jupyterlab-torch-doctor:protect-build';
  /** Insert and (after confirmation) run the cell that removes the protection. */
  export const unprotectBuild = 'jupyterlab-torch-doctor:unprotect-build';
  /** Show the build as pip, uv and conda requirements; args: form copies one. */
  export const copyRequirements = 'jupyterlab-torch-doctor:copy-requirements';
  /** After an install: ask JAX and CuPy, each in a subprocess, whether they still see the GPU. */
  export const checkFrameworksGpu =
    'jupyterlab-torch-doctor:check-frameworks-gpu';
  /** Insert the fix cell of a CUDA library finding (arg finding: its index) below the active cell; nothing runs. */
  export const insertCudaFix = 'jupyterlab-torch-doctor:insert-cuda-fix';
  /** Probe every Python kernelspec headless, for the launcher badges. */
  export const probeAll = 'jupyterlab-torch-doctor:probe-all';
}
