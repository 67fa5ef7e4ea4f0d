/**
 * Reading pip's result from the install cell's outputs. Sentences are
 * messages; pip's own lines stay text, as their arguments.
 */
import { msg, type IMessage } from '../report/message';

/** Why pip failed, by the message pip prints. */
export type PipFailure =
  | 'no-match'
  | 'network'
  | 'conflict'
  | 'constrained'
  | 'disk-full'
  | 'permission'
  | 'error';

/**
 * A conflict with a constraint (a protected build): what was wanted, by
 * whom, and the constraints that refused it, as pip names them.
 */
export interface IConstraintConflict {
  /** `by`: the package that wants it ("xformers 0.0.28"), or null: the cell asked. */
  wanted: { by: string | null; spec: string }[];
  /** The constraints involved, e.g. "torch==2.13.0+cpu". */
  constraints: string[];
}

/** pip's result as read from its output. */
export type PipResult =
  | {
      ok: true;
      installed: string[];
      alreadySatisfied: string[];
      /** pip's after-the-fact dependency warnings: installed, but others may break. */
      warnings: IMessage[];
    }
  | {
      ok: false;
      reason: PipFailure;
      message: IMessage;
      /** The line of pip's output that tells, as pip printed it, or ''. */
      line: string;
      /** For 'constrained': who wanted what, against which constraint. */
      conflict?: IConstraintConflict;
    };

/** The patterns pip prints for each failure, most specific first. */
const FAILURES: [PipFailure, RegExp, IMessage][] = [
  [
    'disk-full',
    /No space left on device|\[Errno 28\]/i,
    msg(
      'The disk is full: free some space (pip cache purge helps) and run the cell again.'
    )
  ],
  [
    'network',
    /Failed to establish a new connection|Connection refused|Name or service not known|Temporary failure in name resolution|Max retries exceeded|Could not fetch URL|Read timed out|NewConnectionError|ProxyError|SSLError|network is unreachable/i,
    msg(
      'The index could not be reached: check the network, the proxy or the index URL in the settings.'
    )
  ],
  [
    'network',
    /is not a trusted or secure host and is being ignored/i,
    msg(
      'pip ignored the index because it is plain http: use https, or a mirror on localhost.'
    )
  ],
  [
    'no-match',
    /\(from versions: none\)/i,
    msg(
      'The index offered no version at all: it may be unreachable, or it does not have this package.'
    )
  ],
  [
    'no-match',
    /No matching distribution found for|Could not find a version that satisfies the requirement|there is no version of \S+ and you require/i,
    msg('The index has no wheel of that version for this Python and platform.')
  ],
  [
    'constrained',
    /The user requested \(constraint\)/,
    msg(
      'pip refused: the install wants another build than this environment’s protection allows.'
    )
  ],
  [
    'conflict',
    /ResolutionImpossible|conflicting dependencies|Cannot install .* because these package versions have conflicting/i,
    msg(
      'pip found conflicting requirements: another package pins a different torch.'
    )
  ],
  [
    'permission',
    /Permission denied|\[Errno 13\]|externally-managed-environment/i,
    msg('pip may not write to this environment.')
  ]
];

/** The first line matching a pattern, trimmed, or ''. */
function lineOf(text: string, pattern: RegExp): string {
  return (
    text
      .split(/\r?\n/)
      .find(l => pattern.test(l))
      ?.trim() ?? ''
  );
}

/**
 * Classify pip's output (stdout and stderr joined) from an install cell.
 *
 * `errored` is whether the cell itself raised; `%pip` prints errors but
 * does not raise, so the text decides.
 */
export function readPipResult(text: string, errored = false): PipResult {
  // ANSI colours from pip's rich output would break the patterns, and so
  // would the progress lines uv redraws in a terminal (`!uv` runs in one):
  // control sequences go, and each carriage return starts a line.
  const clean = text
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
    .replace(/\r\n?/g, '\n');
  const done = /^Successfully installed (.+)$/m.exec(clean);
  const satisfied: string[] = [];
  const re = /^Requirement already satisfied: (\S+)/gm;
  for (let m = re.exec(clean); m; m = re.exec(clean)) {
    satisfied.push(m[1]);
  }
  // After an install, pip lists conflicts with packages it did not touch
  // under an ERROR line; the install itself succeeded.
  const warnings = clean
    .split(/\r?\n/)
    .filter(l => /^\S+ [^ ]+ requires .*(incompatible|not installed)/.test(l))
    .map(l => msg('pip: %1', l));
  if (done && !errored) {
    return {
      ok: true,
      installed: done[1].trim().split(/\s+/),
      alreadySatisfied: satisfied,
      warnings
    };
  }
  // `uv pip install` (the cell for an environment without pip): "Installed
  // N packages in …" then one " + name==version" line each; "Checked N
  // packages" when there was nothing to do.
  if (!errored && /^Installed \d+ packages? in /m.test(clean)) {
    const installed: string[] = [];
    const plus = /^ \+ (\S+?)==(\S+)\s*$/gm;
    for (let m = plus.exec(clean); m; m = plus.exec(clean)) {
      installed.push(`${m[1]}-${m[2]}`);
    }
    return { ok: true, installed, alreadySatisfied: satisfied, warnings };
  }
  if (
    !errored &&
    /^(Checked|Audited) \d+ packages? in /m.test(clean) &&
    !/^error:/m.test(clean)
  ) {
    return { ok: true, installed: [], alreadySatisfied: satisfied, warnings };
  }
  for (const [reason, pattern, message] of FAILURES) {
    if (pattern.test(clean)) {
      return reason === 'constrained'
        ? {
            ok: false,
            reason,
            message,
            line:
              lineOf(clean, /^ERROR: Cannot install/) || lineOf(clean, pattern),
            conflict: constraintConflict(clean)
          }
        : { ok: false, reason, message, line: lineOf(clean, pattern) };
    }
  }
  if (!errored && !/^ERROR:/m.test(clean) && satisfied.length) {
    return { ok: true, installed: [], alreadySatisfied: satisfied, warnings };
  }
  const line =
    lineOf(clean, /^ERROR:/) ||
    clean
      .trim()
      .split(/\r?\n/)
      .filter(l => l.trim())
      .pop() ||
    '';
  return {
    ok: false,
    reason: 'error',
    message: line
      ? msg('pip did not finish the install.')
      : msg('The install cell printed nothing that shows pip succeeded.'),
    line
  };
}

/**
 * Read pip's "The conflict is caused by:" list: "The user requested X",
 * "The user requested (constraint) X" and "pkg 1.0 depends on X".
 */
export function constraintConflict(text: string): IConstraintConflict {
  const wanted: IConstraintConflict['wanted'] = [];
  const constraints: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    let m = /^The user requested \(constraint\) (\S.*)$/.exec(line);
    if (m) {
      constraints.push(m[1]);
    } else if ((m = /^The user requested (\S.*)$/.exec(line))) {
      wanted.push({ by: null, spec: m[1] });
    } else if ((m = /^(\S+ \S+) depends on (\S.*)$/.exec(line))) {
      wanted.push({ by: m[1], spec: m[2] });
    }
  }
  return { wanted, constraints: [...new Set(constraints)] };
}

/**
 * The protection's explanation of a refusal: who wanted which build, what
 * the protection allows, and the two ways on.
 */
export function refusalReasons(c: IConstraintConflict): IMessage[] {
  const allowed = c.constraints.join(', ');
  return [
    ...c.wanted.map(w =>
      w.by
        ? msg('%1 wants %2; the protection allows %3.', w.by, w.spec, allowed)
        : msg(
            'The cell asked for %1; the protection allows %2.',
            w.spec,
            allowed
          )
    ),
    msg(
      'Either install a build of that package made for the protected torch (from the same index as torch), or unprotect first.'
    )
  ];
}

/**
 * The reasons a failed install shows: the explanation, then pip's own line.
 */
export function pipReasons(result: PipResult): IMessage[] {
  if (result.ok) {
    return result.warnings;
  }
  const own = result.line
    ? [result.message, msg('pip said: %1', result.line)]
    : [result.message];
  return result.conflict ? [...own, ...refusalReasons(result.conflict)] : own;
}
