/**
 * One helper for what Torch Doctor keeps in JupyterLab's state database:
 * a map by name, saved whole, loaded with a shape check so that entries of
 * an older version of this extension are ignored, never trusted.
 */
import type { IStateDB } from '@jupyterlab/statedb';
import type { ReadonlyPartialJSONValue } from '@lumino/coreutils';

/**
 * A string-keyed map of JSON values saved under one IStateDB key.
 */
export class StoredMap<T> {
  /**
   * @param state - the state database, or null (nothing is kept)
   * @param key - the IStateDB key, e.g. `jupyterlab-torch-doctor:badges`
   * @param isValid - the shape check each loaded entry must pass
   */
  constructor(
    state: IStateDB | null,
    key: string,
    isValid: (value: unknown) => value is T
  ) {
    this._state = state;
    this._key = key;
    this._isValid = isValid;
  }

  /** The entries that were saved, valid ones only; empty on any failure. */
  async load(): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    const saved = await this._state?.fetch(this._key).catch(() => null);
    if (saved && typeof saved === 'object' && !Array.isArray(saved)) {
      for (const [name, value] of Object.entries(saved)) {
        if (this._isValid(value)) {
          out.set(name, value);
        }
      }
    }
    return out;
  }

  /** Save the whole map; a failure is logged, never thrown. */
  save(entries: ReadonlyMap<string, T>): void {
    const all: { [name: string]: T } = {};
    entries.forEach((value, name) => (all[name] = value));
    void this._state
      ?.save(this._key, all as unknown as ReadonlyPartialJSONValue)
      .catch(reason => console.warn('Torch Doctor: cannot save', reason));
  }

  private _state: IStateDB | null;
  private _key: string;
  private _isValid: (value: unknown) => value is T;
}
