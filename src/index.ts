import type { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { modelPlugin } from './plugins/model';
import { sidebarPlugin } from './plugins/sidebar';

export { CommandIDs } from './commands';
export { ITorchDoctorModel } from './tokens';
export type { IProbeSettings, IProbeState, ProbePhase } from './tokens';
export type { IProbeReport } from './report/types';
export type { ProbeOutcome } from './probe/runner';

/**
 * The plugins of jupyterlab-torch-doctor: the shared model and the sidebar.
 * The status-bar and launcher plugins join this list.
 */
const plugins: JupyterFrontEndPlugin<any>[] = [modelPlugin, sidebarPlugin];

export default plugins;
