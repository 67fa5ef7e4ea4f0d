/**
 * "Probe all kernels" when its code cannot load (an upgrade under an open
 * page): the progress notification ends as an error instead of spinning.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';
import { StateDB } from '@jupyterlab/statedb';
import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';

import { CommandIDs } from '../commands';
import { TorchDoctorModel } from '../model/model';
import { launcherPlugin } from '../plugins/launcher';

jest.mock('../model/lazy', () => ({
  heavy: () =>
    Promise.reject(new Error('ChunkLoadError: Loading chunk 7 failed'))
}));

it('closes its notification with the error when loading fails', async () => {
  const startNew = jest.fn();
  const kernelspecs = {
    specs: {
      default: 'python3',
      kernelspecs: {
        python3: {
          name: 'python3',
          language: 'python',
          display_name: 'Python 3'
        }
      }
    },
    specsChanged: new Signal({}),
    ready: Promise.resolve()
  };
  const app = {
    // The launcher plugin scans the main area once the app is restored.
    shell: {
      currentChanged: new Signal({}),
      widgets: () => [][Symbol.iterator]()
    },
    commands: new CommandRegistry(),
    restored: Promise.resolve(),
    serviceManager: { kernelspecs, kernels: { startNew } }
  } as unknown as JupyterFrontEnd;
  const model = new TorchDoctorModel();
  launcherPlugin.activate(app, model, null, new StateDB(), null, null);
  const result = await app.commands.execute(CommandIDs.probeAll);
  expect(result).toEqual([]);
  const note = Notification.manager.notifications.find(n =>
    n.message.includes('Probe all kernels failed')
  );
  expect(note?.type).toBe('error');
  expect(note?.message).toContain('ChunkLoadError');
  expect(
    Notification.manager.notifications.some(n => n.type === 'in-progress')
  ).toBe(false);
  expect(startNew).not.toHaveBeenCalled();
  // It can run again.
  expect(app.commands.isEnabled(CommandIDs.probeAll)).toBe(true);
  model.dispose();
});
