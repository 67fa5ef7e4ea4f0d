/**
 * "Copy Requirements": a good build written so that another machine gets
 * the same build. A plain `torch==2.4.1` pin carries neither the index nor
 * the local tag and reinstalls PyPI's build; these forms carry both.
 */
import { indexUrl } from '../advice/plan';
import type { IAdviceSettings } from '../advice/types';
import { checkIndexUrl } from '../advice/url';
import { msg, type IMessage } from '../report/message';
import { MANAGED_PACKAGES } from '../report/packages';
import type { IProbeState } from '../tokens';
import { validPin } from './protect';

/** The build to export. */
export interface IExportBuild {
  /** Exact pins with the local tag, e.g. 'torch==2.13.0+cpu'. */
  pins: string[];
  /** The variant index the build comes from; null: PyPI's own build. */
  indexUrl: string | null;
  /** The index's name in a uv project, e.g. 'pytorch-cpu'. */
  indexName: string;
  /** The kernel's Python as major.minor, e.g. '3.11'. */
  python: string;
}

/** The three forms. */
export type ExportForm = 'pip' | 'uv' | 'conda';

/**
 * The index URL of an install cell's `--index-url`: bare, or in the single
 * (POSIX) or double (cmd.exe) quotes the cell wrote it in; undefined when
 * the cell names none.
 */
export function cellIndexUrl(cell: string): string | undefined {
  const m = /--index-url(?:\s+|=)(?:'([^']*)'|"([^"]*)"|([^\s'"]+))/.exec(cell);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

/**
 * The build of a kernel to export: a verified build (with the index its
 * install cell named) or one the advice judges right (with its variant's
 * index from the settings). An error message otherwise.
 */
export function exportBuild(
  state: IProbeState | null,
  settings: IAdviceSettings
): IExportBuild | IMessage {
  const report =
    state?.outcome?.kind === 'report' ? state.outcome.report : null;
  const torch = report?.packages.torch;
  if (!report || !torch) {
    return msg('There is no torch build to export.');
  }
  const verified = state?.install?.step === 'verified';
  if (state?.regression || (!verified && state?.advice?.verdict !== 'ok')) {
    return msg('Only a verified build, or one judged right, is exported.');
  }
  const pins = MANAGED_PACKAGES.filter(n => report.packages[n]).map(
    n => `${n}==${report.packages[n]!.build_version}`
  );
  const variant = torch.build_version.split('+')[1] ?? 'default';
  const fromCell = verified
    ? cellIndexUrl(state?.install?.ranCell ?? '')
    : undefined;
  const url = fromCell ?? indexUrl(variant, settings);
  // The rule the cells follow: the forms are read by pip, uv and conda, and
  // copied into shells.
  if (!pins.every(validPin) || (url !== null && !checkIndexUrl(url).ok)) {
    return msg('The build’s versions or index cannot be written safely.');
  }
  const [major, minor] = report.python.version.split('.');
  return {
    pins,
    indexUrl: url,
    indexName: `pytorch-${variant.replace(/[^A-Za-z0-9]+/g, '-')}`,
    python: `${major}.${minor}`
  };
}

/** A pip requirements file: the index and the exact local pins. */
export function requirementsTxt(b: IExportBuild): string {
  return [
    `# ${b.pins[0]} for Python ${b.python}: pip install -r requirements.txt`,
    ...(b.indexUrl
      ? [
          '# The index serves these builds and their dependencies; a plain pin would get PyPI’s build.',
          `--index-url ${b.indexUrl}`
        ]
      : []),
    ...b.pins,
    ''
  ].join('\n');
}

/**
 * A uv project (pyproject.toml): the pins, and the variant index marked
 * explicit, so that only the pinned packages come from it.
 */
export function uvProject(b: IExportBuild): string {
  const names = b.pins.map(p => p.split('==')[0]);
  const lines = [
    '# pyproject.toml of a uv project (merge into yours), then: uv sync',
    '[project]',
    'name = "torch-env"',
    'version = "0.1.0"',
    `requires-python = "==${b.python}.*"`,
    'dependencies = [',
    ...b.pins.map(p => `    "${p}",`),
    ']'
  ];
  if (b.indexUrl) {
    lines.push(
      '',
      '[[tool.uv.index]]',
      `name = "${b.indexName}"`,
      `url = "${b.indexUrl}"`,
      'explicit = true',
      '',
      '[tool.uv.sources]',
      ...names.map(n => `${n} = [{ index = "${b.indexName}" }]`)
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * A conda environment file whose pip section carries the index: conda
 * installs Python and pip, then runs pip on that section.
 */
export function condaEnvironment(b: IExportBuild): string {
  return [
    '# conda env create -f environment.yml',
    '# (There is no "conda create -f requirements.txt": conda takes an environment file.)',
    `name: torch-${b.pins[0].split('==')[1].replace(/[^A-Za-z0-9]+/g, '-')}`,
    'channels:',
    '  - conda-forge',
    'dependencies:',
    `  - python=${b.python}`,
    '  - pip',
    '  - pip:',
    ...(b.indexUrl ? [`      - --index-url ${b.indexUrl}`] : []),
    ...b.pins.map(p => `      - ${p}`),
    ''
  ].join('\n');
}

/** One form's text. */
export function exportText(form: ExportForm, b: IExportBuild): string {
  return form === 'pip'
    ? requirementsTxt(b)
    : form === 'uv'
      ? uvProject(b)
      : condaEnvironment(b);
}
