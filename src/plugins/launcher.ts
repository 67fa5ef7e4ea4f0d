import {
  ILabShell,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { IStateDB } from '@jupyterlab/statedb';
import { ITranslator } from '@jupyterlab/translation';
import type { Widget } from '@lumino/widgets';

import { badgeOf } from '../badges/badge';
import { BadgeCache } from '../badges/cache';
import { LauncherBadges } from '../badges/launcherBadges';
import { CommandIDs } from '../commands';
import { ITorchDoctorModel } from '../tokens';
import { bundleOf } from './shared';

/**
 * The plugin id of the launcher badges.
 */
export const LAUNCHER_PLUGIN_ID = 'jupyterlab-torch-doctor:launcher-badges';

/** Whether a main-area widget is a Launcher. */
function isLauncher(widget: Widget): boolean {
  const content = (widget as Widget & { content?: Widget }).content;
  return widget.hasClass('jp-Launcher') || !!content?.hasClass('jp-Launcher');
}

/**
 * Badges the Launcher's kernel cards with each kernelspec's torch build and
 * fit, and adds "Probe all kernels".
 */
export const launcherPlugin: JupyterFrontEndPlugin<void> = {
  id: LAUNCHER_PLUGIN_ID,
  description: 'Torch Doctor badges on the Launcher’s kernel cards.',
  autoStart: true,
  requires: [ITorchDoctorModel],
  optional: [ILabShell, IStateDB, ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    model: ITorchDoctorModel,
    labShell: ILabShell | null,
    stateDB: IStateDB | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): void => {
    const trans = bundleOf(translator);
    const specs = app.serviceManager.kernelspecs;
    const cache = new BadgeCache(model, stateDB, trans);
    const badges = new LauncherBadges({ model, cache, specs, trans });
    const scan = () => {
      for (const widget of app.shell.widgets('main')) {
        if (isLauncher(widget)) {
          badges.watch(widget);
        }
      }
    };
    app.shell.currentChanged?.connect(scan);
    labShell?.layoutModified.connect(scan);
    void app.restored.then(scan);

    let running = false;
    app.commands.addCommand(CommandIDs.probeAll, {
      label: trans.__('Probe All Kernels for PyTorch'),
      caption: trans.__(
        'Start each Python kernel headless, probe it and shut it down (2 at a time)'
      ),
      isEnabled: () => !running,
      execute: async () => {
        await specs.ready;
        const names = Object.values(specs.specs?.kernelspecs ?? {})
          .filter(s => s && s.language.toLowerCase() === 'python')
          .map(s => s!.name);
        if (!names.length) {
          Notification.info(
            trans.__('There is no Python kernelspec to probe.')
          );
          return [];
        }
        running = true;
        app.commands.notifyCommandChanged(CommandIDs.probeAll);
        const id = Notification.emit(
          trans.__('Probing %1 kernels…', names.length),
          'in-progress',
          { autoClose: false }
        );
        try {
          // Its own chunk: JupyterLab's start does not need it.
          const { probeAll } = await import('../badges/probeAll');
          const records = await probeAll(app.serviceManager.kernels, names, {
            settings: model.settings,
            onProgress: (done, total, record) => {
              model.publish(record);
              Notification.update({
                id,
                message: trans.__(
                  'Probed %1 of %2 kernels (%3: %4)',
                  done,
                  total,
                  record.kernelName,
                  badgeOf(record, trans).text
                )
              });
            }
          });
          const failed = records.filter(
            r => r.outcome.kind !== 'report'
          ).length;
          Notification.update({
            id,
            message: failed
              ? trans.__(
                  'Probed %1 kernels; %2 could not be probed.',
                  records.length,
                  failed
                )
              : trans.__('Probed %1 kernels.', records.length),
            type: failed ? 'warning' : 'success',
            autoClose: 5000
          });
          return records.map(r => ({
            kernelName: r.kernelName,
            kind: r.outcome.kind,
            badge: badgeOf(r, trans).text
          }));
        } catch (reason) {
          // A failed chunk load, say: the notification must not spin forever.
          Notification.update({
            id,
            message: trans.__('Probe all kernels failed: %1', String(reason)),
            type: 'error',
            autoClose: false
          });
          return [];
        } finally {
          running = false;
          app.commands.notifyCommandChanged(CommandIDs.probeAll);
        }
      }
    });
    palette?.addItem({
      command: CommandIDs.probeAll,
      category: trans.__('Torch Doctor')
    });
  }
};
