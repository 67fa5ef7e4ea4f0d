import { LabShell, type JupyterFrontEnd } from '@jupyterlab/application';
import { CommandRegistry } from '@lumino/commands';

import plugins, { CommandIDs, ITorchDoctorModel } from '../index';
import { modelPlugin } from '../plugins/model';
import { sidebarPlugin } from '../plugins/sidebar';

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
  return {
    shell,
    commands: new CommandRegistry(),
    restored: Promise.resolve()
  } as unknown as JupyterFrontEnd;
}

describe('plugins', () => {
  it('exports every plugin in an array with unique ids', () => {
    expect(Array.isArray(plugins)).toBe(true);
    const ids = plugins.map(p => p.id);
    expect(ids).toEqual([
      'jupyterlab-torch-doctor:plugin',
      'jupyterlab-torch-doctor:sidebar'
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
    expect(sidebarPlugin.requires).toEqual([ITorchDoctorModel]);
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
      null
    ) as ITorchDoctorModel;
    expect(log).toHaveBeenCalledWith(
      'JupyterLab extension jupyterlab-torch-doctor is activated!'
    );
    const restorer = { add: jest.fn() };
    sidebarPlugin.activate(app, model, app.shell, restorer, null, null, null);

    const shell = app.shell as LabShell;
    const right = Array.from(shell.widgets('right'));
    const panel = right.find(w => w.id === 'jp-TorchDoctor-panel');
    expect(panel).toBeDefined();
    expect(panel!.title.caption).toBe('Torch Doctor');
    expect(panel!.title.icon).toBeTruthy();
    expect(panel!.node.getAttribute('aria-label')).toBe('Torch Doctor');

    for (const id of [
      CommandIDs.openPanel,
      CommandIDs.probe,
      CommandIDs.deepCheck
    ]) {
      expect(app.commands.hasCommand(id)).toBe(true);
    }
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
