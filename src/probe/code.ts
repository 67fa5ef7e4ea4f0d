import { BUNDLES } from './probeSource';

/**
 * The vendor MIME type of the probe's display_data message.
 */
export const PROBE_MIME = 'application/vnd.jupyterlab-torch-doctor.probe+json';

/** The vendor MIME type of a job start or poll reply. */
export const JOB_MIME = 'application/vnd.jupyterlab-torch-doctor.job+json';

/**
 * Options passed to the kernel-side probe.
 */
export interface IProbeArgs {
  /** Run the deep check (a job: a subprocess that imports torch). */
  deep?: boolean;
  /** Seconds allowed for each external command such as nvidia-smi (in the NVIDIA job). */
  cmd_timeout?: number;
  /** The deep check job's hard deadline, in seconds. */
  deep_timeout?: number;
}

/** The kinds of source sent to the kernel (see jupyterlab_torch_doctor/probe/_bundle.py). */
export type BundleKind = keyof typeof BUNDLES;

/**
 * A bundle as sent: zlib-compressed, base85. The kernel runs the quick probe
 * and the job starter/poller; the job children's sources travel inside a start
 * request to the child process.
 */
export function packedSource(kind: BundleKind): string {
  return BUNDLES[kind].z;
}

const HEAD =
  '(lambda __s, __a: exec(compile(__s, "<jupyterlab-torch-doctor probe>", "exec"), ' +
  '{"__name__": "__torch_doctor_probe__", "__probe_args__": __import__("json").loads(__a)}))';

/** The private module that caches compiled bundles in the kernel, by hash. */
export const CODE_CACHE = '_jupyterlab_torch_doctor_code';

const CACHED_HEAD =
  '(lambda z,h,a:exec((lambda m:m.get(h) or m.setdefault(h,compile(' +
  '__import__("zlib").decompress(__import__("base64").b85decode(z)),"<jupyterlab-torch-doctor probe>","exec")))' +
  `(__import__("sys").modules.setdefault("${CODE_CACHE}",__import__("types").ModuleType("${CODE_CACHE}")).__dict__),` +
  '{"__name__":"__torch_doctor_probe__","__probe_args__":__import__("json").loads(a)}))';

/**
 * Build the code sent to the kernel for a bundle kind ('quick' or 'job').
 *
 * The source runs with a fresh globals dict, so no name is bound in the
 * user's namespace; only stdlib modules are imported. The compiled code is
 * kept in a private module (sys.modules[CODE_CACHE]) under the bundle's hash,
 * so a repeat probe skips decompressing and compiling it.
 */
export function buildRequest(kind: 'quick' | 'job', args: object): string {
  const key = JSON.stringify(`code_${BUNDLES[kind].sha}`);
  // JSON string literals are valid Python string literals.
  return `${CACHED_HEAD}(${JSON.stringify(packedSource(kind))}, ${key}, ${JSON.stringify(JSON.stringify(args))})\n`;
}

/**
 * Build the code for plain Python source (tests send their own probes).
 */
export function buildProbeCode(args: object, source: string): string {
  return `${HEAD}(${JSON.stringify(source)}, ${JSON.stringify(JSON.stringify(args))})\n`;
}
