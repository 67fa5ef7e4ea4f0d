/**
 * The panel's protection section: whether pip in the kernel's environment
 * keeps this build, the Protect / Unprotect / Copy Requirements actions,
 * and the explanation of a refused install. Kernel values are text.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import { CommandIDs } from '../commands';
import { el } from '../dom';
import {
  canProtect,
  hasProtection,
  inForce,
  protectionOf
} from '../install/protect';
import { ignoredBecause } from '../install/ignored';
import { tr } from '../report/message';
import type { IProbeState } from '../tokens';
import type { ActionRenderer } from './installView';

/**
 * The protection section for a state, or null when there is nothing to
 * say (no report, or a build that is neither verified nor judged right and
 * has no protection).
 */
export function renderProtect(
  state: IProbeState,
  trans: TranslationBundle,
  action: ActionRenderer
): HTMLElement | null {
  const report = state.outcome?.kind === 'report' ? state.outcome.report : null;
  if (!report) {
    return null;
  }
  const prot = protectionOf(report);
  const check = canProtect(state);
  const uv = !report.environment.pip_available && !!report.packages.torch;
  const good =
    !state.regression &&
    (state.install?.step === 'verified' || state.advice?.verdict === 'ok');
  if (!hasProtection(prot) && !check.ok && !state.protect && !uv) {
    return null;
  }
  const box = el('section', 'jp-TorchDoctor-protect');
  box.setAttribute('aria-label', trans.__('Protection'));
  const protectedNow = inForce(prot);
  box.dataset.protected = String(protectedNow);
  box.appendChild(el('h3', 'jp-TorchDoctor-heading', trans.__('Protection')));
  const line = (text: string, cls = 'jp-TorchDoctor-protectText') =>
    box.appendChild(el('div', cls, text));
  if (protectedNow) {
    line(
      trans.__(
        '🔒 Protected: pip in this environment keeps %1.',
        prot!.pins.join(', ')
      )
    );
    line(
      trans.__('Pins in %1, named in %2.', prot!.file, prot!.config),
      'jp-TorchDoctor-protectFiles'
    );
  } else if (hasProtection(prot)) {
    const why = ignoredBecause(prot!.ignored_by);
    line(trans.__('The protection is not in force.'));
    line(
      why
        ? tr(trans, why)
        : !prot!.exists
          ? trans.__('pip’s config names %1, which is missing.', prot!.file)
          : !prot!.registered
            ? trans.__(
                'pip’s config %1 does not name %2.',
                prot!.config,
                prot!.file
              )
            : trans.__('The pins file is empty.'),
      'jp-TorchDoctor-protectFiles'
    );
  } else if (uv) {
    line(
      trans.__(
        'This environment has no pip: uv does not read pip’s configuration, so Protect cannot guard it. Keep the build in a uv project (Copy Requirements, uv form) or pass the pins to uv with --constraint.'
      )
    );
  } else {
    line(
      trans.__(
        'Keep this build: pin it in this environment, so that a later pip install cannot replace it.'
      )
    );
  }
  const status = state.protect;
  if (status) {
    const s = el(
      'div',
      'jp-TorchDoctor-protectStatus',
      tr(trans, status.message)
    );
    s.dataset.action = status.action;
    s.dataset.step = status.step;
    box.appendChild(s);
    if (status.reasons.length) {
      const list = el('ul', 'jp-TorchDoctor-reasons');
      status.reasons.forEach(r => list.appendChild(el('li', '', tr(trans, r))));
      box.appendChild(list);
    }
  }
  const buttons = el('div', 'jp-TorchDoctor-protectActions');
  if (check.ok) {
    buttons.appendChild(
      action({
        label: hasProtection(prot)
          ? trans.__('Protect This Build Again…')
          : trans.__('Protect This Build…'),
        command: CommandIDs.protectBuild
      })
    );
  }
  if (hasProtection(prot)) {
    buttons.appendChild(
      action({
        label: trans.__('Unprotect…'),
        command: CommandIDs.unprotectBuild
      })
    );
  }
  if (good || protectedNow) {
    buttons.appendChild(
      action({
        label: trans.__('Copy Requirements…'),
        command: CommandIDs.copyRequirements
      })
    );
  }
  box.appendChild(buttons);
  return box;
}
