/**
 * The install and protect plugins' working parts, one lazy chunk
 * (installParts.ts): they pull in the release data through
 * advice/plan, which JupyterLab's start does not need.
 */
export { exportBuild, exportText } from '../install/exportForms';
export { InstallFlow } from '../install/flow';
export { ProtectFlow } from '../install/protectFlow';
export { protectUI } from '../install/protectUI';
export { installUI } from '../install/ui';
export { watchPipCells } from '../install/watch';
export { exportBody } from '../panel/exportView';
