import type { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { modelPlugin } from './plugins/model';
import { cudaFixPlugin } from './plugins/cudaFix';
import { gpuCheckPlugin } from './plugins/gpuCheck';
import { installPlugin } from './plugins/install';
import { launcherPlugin } from './plugins/launcher';
import { protectPlugin } from './plugins/protect';
import { sidebarPlugin } from './plugins/sidebar';
import { statusPlugin } from './plugins/statusbar';

export { CommandIDs } from './commands';
export { ITorchDoctorModel } from './tokens';
export type {
  IProbeRecord,
  IProbeSettings,
  IProbeState,
  ProbePhase
} from './tokens';
export type { IProbeReport } from './report/types';
export type { ProbeOutcome } from './report/outcome';

/**
 * The plugins of jupyterlab-torch-doctor: the shared model, the sidebar,
 * the status-bar item, the install loop, build protection and export, and
 * the launcher badges.
 */
const plugins: JupyterFrontEndPlugin<any>[] = [
  modelPlugin,
  sidebarPlugin,
  statusPlugin,
  installPlugin,
  gpuCheckPlugin,
  cudaFixPlugin,
  protectPlugin,
  launcherPlugin
];

export default plugins;
