/**
 * The install and protect flows, their dialogs and the export forms load
 * on the first command of the install or protect plugins, in a chunk of
 * their own (lazyInstall.ts), not with JupyterLab's start.
 */

/** The install and protect flows, their dialogs and the export forms. */
export type InstallParts = typeof import('./lazyInstall');

let installLoading: Promise<InstallParts> | null = null;

/** Load the install and protect parts once. */
export function installParts(): Promise<InstallParts> {
  installLoading ??= import('./lazyInstall');
  return installLoading;
}
