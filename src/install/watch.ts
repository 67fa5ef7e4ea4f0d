/**
 * The user's own `%pip install` cells: when one is refused by a constraint
 * (a protected build), the panel explains it. Read-only: it looks at the
 * cell's output after the notebook ran it, and never runs anything.
 */
import type { Cell, CodeCell } from '@jupyterlab/cells';
import {
  NotebookActions,
  type INotebookTracker,
  type Notebook
} from '@jupyterlab/notebook';
import type { IDisposable } from '@lumino/disposable';

import { CELL_METADATA_KEY, outputText } from './insert';
import { readPipResult } from './pipResult';
import type { ProtectFlow } from './protectFlow';

/** A pip or uv install line, as a magic, a shell escape or `python -m pip`. */
const PIP_LINE =
  /^\s*[%!]\s*(?:\S*python\S*\s+-m\s+)?(?:pip3?|\S*uv\s+pip)\s+install\b/m;

/** Whether a cell's source runs a pip install. */
export function isPipInstall(source: string): boolean {
  return PIP_LINE.test(source);
}

/**
 * Watch every notebook's executed cells; a refused pip install is handed to
 * the flow with the kernel it ran in.
 */
export function watchPipCells(
  notebooks: INotebookTracker,
  flow: ProtectFlow
): IDisposable {
  const onExecuted = (
    _: unknown,
    args: { notebook: Notebook; cell: Cell; success: boolean }
  ) => {
    const cell = args.cell;
    // Torch Doctor's own cells are read by their flows.
    if (
      cell.model.type !== 'code' ||
      cell.model.getMetadata(CELL_METADATA_KEY) ||
      !isPipInstall(cell.model.sharedModel.getSource())
    ) {
      return;
    }
    const panel = notebooks.find(p => p.content === args.notebook);
    const kernelId = panel?.sessionContext.session?.kernel?.id;
    if (!kernelId) {
      return;
    }
    const out = outputText(cell as CodeCell);
    const result = readPipResult(out.text, out.errored || !args.success);
    if (!result.ok && result.reason === 'constrained' && result.conflict) {
      flow.refused(kernelId, result.conflict);
    } else if (result.ok) {
      flow.clearRefusal(kernelId);
    }
  };
  NotebookActions.executed.connect(onExecuted);
  let disposed = false;
  return {
    get isDisposed() {
      return disposed;
    },
    dispose() {
      if (!disposed) {
        disposed = true;
        NotebookActions.executed.disconnect(onExecuted);
      }
    }
  };
}
