/**
 * The install and protect flows, their dialogs and the export forms load
 * on the first command of the install or protect plugins, in a chunk of
 * their own (lazyInstall.ts), not with JupyterLab's start.
 */
import { Token } from '@lumino/coreutils';

import type { IInstallUI } from '../install/flow';

/** The install and protect flows, their dialogs and the export forms. */
export type InstallParts = typeof import('./lazyInstall');

let installLoading: Promise<InstallParts> | null = null;

/** Load the install and protect parts once. */
export function installParts(): Promise<InstallParts> {
  installLoading ??= import('./lazyInstall');
  return installLoading;
}

/**
 * The install UI (the hosts a kernel's cells go to, the dialogs, the "new
 * notebook" offer), made once by the install plugin; the protect plugin
 * uses the same one. Private to this extension.
 */
export interface IInstallUIProvider {
  /** The install UI, loading the install parts on first use. */
  ui(): Promise<IInstallUI>;
}

/** The token of the shared install UI. */
export const IInstallUIProvider = new Token<IInstallUIProvider>(
  'jupyterlab-torch-doctor:IInstallUIProvider',
  "Torch Doctor's install UI, shared by its install and protect plugins."
);
