import { LabShell, type JupyterFrontEnd } from '@jupyterlab/application';
import { StateDB } from '@jupyterlab/statedb';
import { StatusBar } from '@jupyterlab/statusbar';
import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';

import plugins, { CommandIDs, ITorchDoctorModel } from '../index';
import { cudaFixPlugin } from '../plugins/cudaFix';
import { gpuCheckPlugin } from '../plugins/gpuCheck';
import { installPlugin } from '../plugins/install';
import { IInstallUIProvider } from '../plugins/installParts';
import { launcherPlugin } from '../plugins/launcher';
import { modelPlugin } from '../plugins/model';
import { protectPlugin } from '../plugins/protect';
import { sidebarPlugin } from '../plugins/sidebar';
import { statusPlugin } from '../plugins/statusbar';

/**
 * A front end with a real LabShell and command registry, enough for the
 * plugins' activate functions.
 */
async function createApp(): Promise<JupyterFrontEnd> {
  const shell = new LabShell();
  // An empty saved layout: the shell only accepts widgets once restored.
  await shell.restoreLayout('multiple-document', {
    fetch: async () => ({
      fresh: true,
      mainArea: null,
      downArea: null,
      leftArea: null,
      rightArea: null,
      topArea: null,
      relativeSizes: null
    })
  } as any);
  // The launcher plugin reads kernelspecs; none here.
  const kernelspecs = {
    specs: { default: '', kernelspecs: {} },
    specsChanged: new Signal(shell),
    ready: Promise.resolve()
  };
  return {
    shell,
    commands: new CommandRegistry(),
    restored: Promise.resolve(),
    serviceManager: { kernelspecs }
  } as unknown as JupyterFrontEnd;
}

describe('plugins', () => {
  it('exports every plugin in an array with unique ids', () => {
    expect(Array.isArray(plugins)).toBe(true);
    const ids = plugins.map(p => p.id);
    expect(ids).toEqual([
      'jupyterlab-torch-doctor:plugin',
      'jupyterlab-torch-doctor:sidebar',
      'jupyterlab-torch-doctor:status-item',
      'jupyterlab-torch-doctor:install',
      'jupyterlab-torch-doctor:gpu-check',
      'jupyterlab-torch-doctor:cuda-fix',
      'jupyterlab-torch-doctor:protect',
      'jupyterlab-torch-doctor:launcher-badges'
    ]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const plugin of plugins) {
      expect(plugin.autoStart).toBe(true);
      expect(plugin.description).toBeTruthy();
    }
  });

  it('provides the model token and declares optional tokens as optional', () => {
    expect(modelPlugin.provides).toBe(ITorchDoctorModel);
    expect(modelPlugin.requires ?? []).toHaveLength(0);
    // Protect shares the install plugin's UI (its hosts, its dialogs).
    expect(installPlugin.provides).toBe(IInstallUIProvider);
    for (const plugin of plugins.slice(1)) {
      expect(plugin.requires).toEqual(
        plugin === protectPlugin
          ? [ITorchDoctorModel, IInstallUIProvider]
          : [ITorchDoctorModel]
      );
    }
  });

  it('activates: adds the panel to the right sidebar and registers commands', async () => {
    const app = await createApp();
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const model = modelPlugin.activate(
      app,
      null,
      null,
      null,
      null,
      null,
      new StateDB()
    ) as ITorchDoctorModel;
    // The template's "is activated!" line is gone: nothing on the console.
    expect(log).not.toHaveBeenCalled();
    const restorer = { add: jest.fn() };
    sidebarPlugin.activate(app, model, app.shell, restorer, null, null, null);

    const shell = app.shell as LabShell;
    const right = Array.from(shell.widgets('right'));
    const panel = right.find(w => w.id === 'jp-TorchDoctor-panel');
    expect(panel).toBeDefined();
    expect(panel!.title.caption).toBe('Torch Doctor');
    expect(panel!.title.icon).toBeTruthy();
    expect(panel!.node.getAttribute('aria-label')).toBe('Torch Doctor');

    const statusBar = new StatusBar();
    statusPlugin.activate(app, model, statusBar, null);
    const installUI = installPlugin.activate(
      app,
      model,
      null,
      null,
      null,
      null,
      null
    );
    protectPlugin.activate(app, model, installUI, null, null, null);
    gpuCheckPlugin.activate(app, model, null, null);
    cudaFixPlugin.activate(app, model, null, null);
    launcherPlugin.activate(app, model, app.shell, new StateDB(), null, null);
    for (const id of Object.values(CommandIDs)) {
      expect(app.commands.hasCommand(id)).toBe(true);
    }
    // The status item exists, hidden while there is no kernel.
    const item = statusBar.node.querySelector('.jp-TorchDoctor-statusItem');
    expect(item).not.toBeNull();
    expect(item!.closest('.lm-mod-hidden')).not.toBeNull();
    // Nothing to install or copy without a kernel and a plan.
    expect(app.commands.isEnabled(CommandIDs.runInstall)).toBe(false);
    expect(app.commands.isEnabled(CommandIDs.copyReport)).toBe(false);
    expect(app.commands.isEnabled(CommandIDs.protectBuild)).toBe(false);
    expect(app.commands.isEnabled(CommandIDs.unprotectBuild)).toBe(false);
    expect(app.commands.isEnabled(CommandIDs.copyRequirements)).toBe(false);
    expect(app.commands.isEnabled(CommandIDs.checkFrameworksGpu)).toBe(false);
    expect(
      app.commands.isEnabled(CommandIDs.insertCudaFix, { finding: 0 })
    ).toBe(false);
    // No notebook is open: nothing to probe, the panel says so.
    expect(app.commands.isEnabled(CommandIDs.probe)).toBe(false);
    expect(model.state.phase).toBe('no-kernel');
    expect(panel!.node.textContent).toContain('Open a notebook or console');

    expect(restorer.add).toHaveBeenCalledWith(panel, 'torch-doctor');

    // The open-panel command reveals the collapsed sidebar tab.
    expect(panel!.isVisible).toBe(false);
    await app.commands.execute(CommandIDs.openPanel);
    expect(Array.from(shell.widgets('right')).includes(panel!)).toBe(true);
    expect(panel!.isHidden).toBe(false);
    log.mockRestore();
  });
});
