import { PROBE_SOURCE } from './probeSource';

/**
 * The vendor MIME type of the probe's display_data message.
 */
export const PROBE_MIME = 'application/vnd.jupyterlab-torch-doctor.probe+json';

/**
 * Options passed to the kernel-side probe.
 */
export interface IProbeArgs {
  /** Run the deep check (a subprocess that imports torch). */
  deep?: boolean;
  /** Seconds allowed for each external command such as nvidia-smi. */
  cmd_timeout?: number;
  /** Seconds allowed for the deep check's subprocess. */
  deep_timeout?: number;
  /** Instead of probing, list these projects' files on these indexes. */
  index_check?: { index: string; project: string }[];
  /** Seconds allowed for each index request. */
  index_timeout?: number;
}

/**
 * Build the code sent to the kernel.
 *
 * The probe module runs inside a lambda with a fresh globals dict, so no name
 * is bound in the user's namespace; only stdlib modules are imported.
 */
export function buildProbeCode(
  args: IProbeArgs = {},
  source: string = PROBE_SOURCE
): string {
  // JSON string literals are valid Python string literals.
  const src = JSON.stringify(source);
  const opts = JSON.stringify(JSON.stringify(args));
  return (
    '(lambda __s, __a: exec(compile(__s, "<jupyterlab-torch-doctor probe>", "exec"), ' +
    '{"__name__": "__torch_doctor_probe__", "__probe_source__": __s, ' +
    '"__probe_args__": __import__("json").loads(__a)}))' +
    `(${src}, ${opts})\n`
  );
}
