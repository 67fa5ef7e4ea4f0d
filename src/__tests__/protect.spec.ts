/**
 * Protection in the views and the flow: the panel's section and buttons,
 * the status item's "protected", and ProtectFlow on a stand-in host (the
 * cells themselves run for real in src/install/__tests__/protect.spec.ts).
 */
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';
import { nullTranslator, type ITranslator } from '@jupyterlab/translation';

import { CommandIDs } from '../commands';
import type { IInstallHost } from '../install/host';
import { ProtectFlow, type IProtectUI } from '../install/protectFlow';
import { canProtect } from '../install/protect';
import type { IProtectStatus } from '../install/types';
import { english, type IMessage } from '../report/message';
import type { IProbeReport, IProtection } from '../report/types';
import { TorchDoctorPanel } from '../panel/panel';
import { statusSummary } from '../status/statusText';
import type { IProbeState } from '../tokens';
import { FakeModel, loadBase, merge, reportState } from './canned';
import { MARKING_TRANSLATOR, untranslated } from './translate';

const PREFIX = '/envs/gpu';
const protection = (p: Partial<IProtection> = {}): IProtection => ({
  config: `${PREFIX}/pip.conf`,
  file: `${PREFIX}/torch-doctor-constraints.txt`,
  exists: true,
  registered: true,
  pins: ['torch==2.13.0+cpu'],
  ignored_by: null,
  ...p
});
const cpu = (prot: IProtection | null = null, patch: object = {}) =>
  merge(loadBase('real-torch-cpu'), {
    install: { protection: prot },
    ...patch
  }) as IProbeReport;

function attached(
  state: IProbeState,
  translator: ITranslator = nullTranslator
) {
  const model = new FakeModel();
  const commands = new CommandRegistry();
  for (const id of [
    CommandIDs.protectBuild,
    CommandIDs.unprotectBuild,
    CommandIDs.copyRequirements
  ]) {
    commands.addCommand(id, { execute: () => undefined });
  }
  const panel = new TorchDoctorPanel({ model, commands, translator });
  Widget.attach(panel, document.body);
  model.set(state);
  const section = () =>
    panel.node.querySelector<HTMLElement>('.jp-TorchDoctor-protect');
  const buttons = () =>
    Array.from(section()?.querySelectorAll('button') ?? []).map(
      b => b.textContent
    );
  return { model, panel, section, buttons };
}

describe('the protection section and status item', () => {
  it('offers Protect and Copy Requirements for a build judged right', () => {
    const { panel, section, buttons } = attached(reportState(cpu()));
    expect(section()?.dataset.protected).toBe('false');
    expect(section()?.textContent).toContain('Keep this build');
    expect(buttons()).toEqual(['Protect This Build…', 'Copy Requirements…']);
    panel.dispose();
  });

  it('shows a protection in force, with Unprotect; the status item says protected', () => {
    const state = reportState(cpu(protection()));
    const { panel, section, buttons } = attached(state);
    expect(section()?.dataset.protected).toBe('true');
    expect(section()?.textContent).toContain(
      'Protected: pip in this environment keeps torch==2.13.0+cpu.'
    );
    expect(section()?.textContent).toContain(`${PREFIX}/pip.conf`);
    expect(buttons()).toEqual(['Unprotect…', 'Copy Requirements…']);
    expect(canProtect(state)).toMatchObject({ ok: false });
    expect(statusSummary(state, nullTranslator.load('x'))?.text).toContain(
      '· protected'
    );
    panel.dispose();
  });

  it.each([
    [
      { ignored_by: 'PIP_CONFIG_FILE' as const },
      'PIP_CONFIG_FILE points elsewhere'
    ],
    [{ ignored_by: 'PIP_CONSTRAINT' as const }, 'PIP_CONSTRAINT is set'],
    [{ registered: false }, 'does not name'],
    [{ exists: false }, 'which is missing']
  ])('says why a protection is not in force: %j', (p, why) => {
    const state = reportState(cpu(protection(p)));
    const { panel, section, buttons } = attached(state);
    expect(section()?.dataset.protected).toBe('false');
    expect(section()?.textContent).toContain('not in force');
    expect(section()?.textContent).toContain(why);
    expect(buttons()).toContain('Unprotect…');
    expect(statusSummary(state, nullTranslator.load('x'))?.text).not.toContain(
      'protected'
    );
    panel.dispose();
  });

  it('says what protection means in a uv environment without pip', () => {
    const state = reportState(
      cpu(null, { environment: { kind: 'uv', pip_available: false } })
    );
    const { panel, section, buttons } = attached(state);
    expect(section()?.textContent).toContain(
      'uv does not read pip’s configuration'
    );
    expect(buttons()).toEqual(['Copy Requirements…']);
    panel.dispose();
  });

  it('offers nothing for a wrong build without protection', () => {
    const report = loadBase('real-torch-cu130');
    const { panel, section } = attached(reportState(report));
    expect(section()).toBeNull();
    panel.dispose();
  });

  it('explains a refusal, every sentence translated', () => {
    const refused: IProtectStatus = {
      action: 'refused',
      step: 'failed',
      message: {
        id: 'pip refused an install: this environment’s build is protected.',
        args: []
      },
      reasons: [
        {
          id: '%1 wants %2; the protection allows %3.',
          args: ['xformers 0.0.28', 'torch==2.4.1', 'torch==2.13.0+cpu']
        }
      ]
    };
    const { panel, section } = attached(
      reportState(cpu(protection()), { protect: refused }),
      MARKING_TRANSLATOR
    );
    const text = section()!.textContent!;
    expect(text).toContain('xformers 0.0.28 wants torch==2.4.1');
    for (const node of Array.from(
      section()!.querySelectorAll('h3, div, li, button')
    )) {
      if (!node.querySelector('div, li, button')) {
        const values = [
          PREFIX,
          'torch==2.13.0+cpu',
          'xformers 0.0.28',
          'torch==2.4.1'
        ];
        let t = node.textContent!;
        values.forEach(v => (t = t.split(v).join('')));
        expect(untranslated(t)).toBe('');
      }
    }
    panel.dispose();
  });
});

/** A host that records what the flow does. */
function host(
  errored = false,
  said = 'PermissionError: denied'
): IInstallHost & { inserted: string[]; ran: string[] } {
  const h = {
    kind: 'notebook' as const,
    session: {} as any,
    isDisposed: false,
    inserted: [] as string[],
    ran: [] as string[],
    insert(text: string, role?: string) {
      h.inserted.push(`${role}:${text.split('\n')[0]}`);
      return 'cell-1';
    },
    source: () => null,
    async run(_: string | null, text: string) {
      h.ran.push(text);
      return {
        text: errored ? said : 'Protected: torch==2.13.0+cpu',
        errored,
        interrupted: null
      };
    }
  };
  return h;
}

describe('ProtectFlow', () => {
  function setup(opts: {
    confirm: boolean;
    errored?: boolean;
    said?: string;
    after: IProbeReport;
  }) {
    const model = new FakeModel();
    model.set(reportState(cpu()));
    const statuses: IProtectStatus[] = [];
    (model as any).setProtectStatus = (_: string, s: IProtectStatus | null) => {
      statuses.push(s!);
      model.set({ protect: s });
    };
    model.sessionOf = () => ({}) as any;
    const probes: object[] = [];
    (model as any).probe = async (o: object) => {
      probes.push(o);
      model.set({
        outcome: {
          kind: 'report',
          kernelId: 'k1',
          report: opts.after,
          roundTripMs: 1
        }
      });
      return model.state.outcome;
    };
    const h = host(opts.errored, opts.said);
    const notes: IMessage[] = [];
    const ui: IProtectUI = {
      hostFor: () => h,
      confirm: async () => opts.confirm,
      offerNewNotebook: async () => undefined,
      notify: (_, m) => notes.push(m)
    };
    return {
      flow: new ProtectFlow(model, ui),
      model,
      h,
      statuses,
      notes,
      probes
    };
  }

  it('inserts the cell, and runs nothing when the user cancels', async () => {
    const { flow, h, statuses } = setup({ confirm: false, after: cpu() });
    expect(await flow.protect('k1')).toBe(false);
    expect(h.inserted).toEqual([
      'protect:# Torch Doctor: protect this build from later pip installs, in this environment only.'
    ]);
    expect(h.ran).toEqual([]);
    expect(statuses.map(s => s.step)).toEqual(['cancelled']);
  });

  it('runs after confirmation and reads the protection from the new report', async () => {
    const { flow, h, statuses, probes } = setup({
      confirm: true,
      after: cpu(protection())
    });
    expect(await flow.protect('k1')).toBe(true);
    // A new probe, sent after the cell: one in flight read the old files.
    expect(probes).toEqual([{ kernelId: 'k1', fresh: true }]);
    expect(h.ran[0]).toContain(
      '_torch_doctor_protection("protect", ["torch==2.13.0+cpu"])'
    );
    expect(statuses.map(s => `${s.action}:${s.step}`)).toEqual([
      'protect:running',
      'protect:done'
    ]);
  });

  it('says so when the kernel’s pip ignores what was written', async () => {
    const { flow, statuses } = setup({
      confirm: true,
      after: cpu(protection({ ignored_by: 'PIP_CONFIG_FILE' }))
    });
    expect(await flow.protect('k1')).toBe(false);
    const last = statuses[statuses.length - 1];
    expect(last.step).toBe('failed');
    expect(english(last.reasons[0])).toMatch(/PIP_CONFIG_FILE/);
  });

  it('a refusing cell says that nothing was changed, and why', async () => {
    const why =
      '/envs/gpu/pip.conf is a symbolic link to /etc/shared.conf. A linked file may be shared by other environments; Protect edits only this environment’s own files.';
    const { flow, statuses, probes } = setup({
      confirm: true,
      errored: true,
      said: `Traceback (most recent call last):\nRuntimeError: Torch Doctor changed nothing: ${why}`,
      after: cpu()
    });
    expect(await flow.protect('k1')).toBe(false);
    const last = statuses[statuses.length - 1];
    expect(last.step).toBe('failed');
    expect(english(last.message)).toBe(
      'Nothing was changed: pip’s config and the pins file are as they were.'
    );
    expect(english(last.reasons[0])).toBe(`The cell said: ${why}`);
    expect(probes).toEqual([]);
  });

  it('a failing cell is a failure with its last line; Unprotect checks the report too', async () => {
    const failing = setup({ confirm: true, errored: true, after: cpu() });
    failing.model.set({
      outcome: {
        kind: 'report',
        kernelId: 'k1',
        report: cpu(protection()),
        roundTripMs: 1
      }
    });
    expect(await failing.flow.unprotect('k1')).toBe(false);
    expect(english(failing.statuses[1].reasons[0])).toBe(
      'The cell said: PermissionError: denied'
    );

    const ok = setup({ confirm: true, after: cpu() });
    ok.model.set({
      outcome: {
        kind: 'report',
        kernelId: 'k1',
        report: cpu(protection()),
        roundTripMs: 1
      }
    });
    expect(await ok.flow.unprotect('k1')).toBe(true);
    expect(ok.h.ran[0]).toContain('_torch_doctor_protection("unprotect")');
    expect(ok.statuses.map(s => s.step)).toEqual(['running', 'done']);
  });
});
