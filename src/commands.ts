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
}
