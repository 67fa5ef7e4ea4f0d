/**
 * The "Copy Requirements" dialog body: the build as a pip requirements
 * file, a uv project and a conda environment file, each with a Copy button.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { el } from '../dom';
import {
  exportText,
  type ExportForm,
  type IExportBuild
} from '../install/exportForms';

/** The forms in the dialog's order, with their file names. */
export const FORMS: { form: ExportForm; file: string }[] = [
  { form: 'pip', file: 'requirements.txt' },
  { form: 'uv', file: 'pyproject.toml' },
  { form: 'conda', file: 'environment.yml' }
];

/** The dialog body; `copy` puts a form's text on the clipboard. */
export function exportBody(
  build: IExportBuild,
  trans: TranslationBundle,
  copy: (text: string) => void
): Widget {
  const node = el('div', 'jp-TorchDoctor-export');
  const titles: { [f in ExportForm]: string } = {
    pip: trans.__('pip'),
    uv: trans.__('uv project'),
    conda: trans.__('conda')
  };
  for (const { form, file } of FORMS) {
    const text = exportText(form, build);
    const section = el('section', 'jp-TorchDoctor-exportForm');
    section.dataset.form = form;
    const head = el('div', 'jp-TorchDoctor-exportHead');
    head.appendChild(el('strong', '', `${titles[form]} · ${file}`));
    const button = el(
      'button',
      'jp-mod-styled jp-TorchDoctor-action',
      trans.__('Copy %1', file)
    );
    button.type = 'button';
    button.addEventListener('click', () => copy(text));
    head.appendChild(button);
    section.append(head, el('pre', 'jp-TorchDoctor-cell', text));
    node.appendChild(section);
  }
  return new Widget({ node });
}
