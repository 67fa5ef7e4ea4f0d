/**
 * Putting the install cell where the user can see it. Nothing here runs code.
 */
import type { CodeCell } from '@jupyterlab/cells';
import type { NotebookPanel } from '@jupyterlab/notebook';

/** The metadata key that marks the cells Torch Doctor inserted. */
export const CELL_METADATA_KEY = 'torch_doctor';

/**
 * Insert a new code cell holding `text` below the active cell (at the end
 * when none is active) and make it active. No existing cell is touched.
 * Returns the new cell's id.
 */
export function insertCell(
  panel: NotebookPanel,
  text: string,
  role: 'install' | 'protect' | 'unprotect' = 'install'
): string {
  const notebook = panel.content;
  const shared = notebook.model!.sharedModel;
  const index =
    notebook.activeCellIndex >= 0
      ? Math.min(notebook.activeCellIndex + 1, shared.cells.length)
      : shared.cells.length;
  shared.insertCell(index, {
    cell_type: 'code',
    source: text,
    metadata: { [CELL_METADATA_KEY]: { role } }
  });
  notebook.activeCellIndex = index;
  const cell = notebook.widgets[index];
  void notebook.scrollToCell(cell);
  return cell.model.id;
}

/** The code cell with this id, or null when the user deleted it. */
export function findCell(panel: NotebookPanel, id: string): CodeCell | null {
  const cell = panel.content.widgets.find(w => w.model.id === id);
  return cell && cell.model.type === 'code' ? (cell as CodeCell) : null;
}

/**
 * The text of a code cell's outputs (streams, errors, plain text), and
 * whether it raised.
 */
export function outputText(cell: CodeCell): { text: string; errored: boolean } {
  const parts: string[] = [];
  let errored = false;
  for (const out of cell.model.outputs.toJSON()) {
    if (out.output_type === 'stream') {
      const t = out.text as string | string[];
      parts.push(Array.isArray(t) ? t.join('') : t);
    } else if (out.output_type === 'error') {
      errored = true;
      parts.push(`${out.ename}: ${out.evalue}`);
    } else if ('data' in out && out.data) {
      const plain = (out.data as { [mime: string]: unknown })['text/plain'];
      if (plain) {
        parts.push(Array.isArray(plain) ? plain.join('') : String(plain));
      }
    }
  }
  return { text: parts.join('\n'), errored };
}
