/**
 * The verified builds, one per kernelspec: what the regression guard
 * compares a new report with. Kept in JupyterLab's state database.
 */
import type { IStateDB } from '@jupyterlab/statedb';

import type { IVerifiedBuild } from '../report/install';
import { StoredMap } from './stateStore';

/** The IStateDB key of the verified builds, per kernelspec. */
const VERIFIED_KEY = 'jupyterlab-torch-doctor:verified';

/**
 * The verified build of each kernelspec, loaded once and saved whole on
 * every change.
 */
export class VerifiedBuilds {
  /**
   * @param state - the state database, or null (nothing is kept)
   */
  constructor(state: IStateDB | null) {
    this._store = new StoredMap(state, VERIFIED_KEY, isVerified);
  }

  /** Load the saved builds; builds remembered while loading win. */
  async load(): Promise<void> {
    for (const [name, build] of await this._store.load()) {
      if (!this._builds.has(name)) {
        this._builds.set(name, build);
      }
    }
  }

  /** The verified build of a kernelspec, or null. */
  get(kernelName: string): IVerifiedBuild | null {
    return this._builds.get(kernelName) ?? null;
  }

  /** Remember (and save) a kernelspec's verified build. */
  remember(build: IVerifiedBuild): void {
    this._builds.set(build.kernelName, build);
    this._store.save(this._builds);
  }

  private _builds = new Map<string, IVerifiedBuild>();
  private _store: StoredMap<IVerifiedBuild>;
}

/** Entries of another shape (an older version) are ignored. */
export function isVerified(value: unknown): value is IVerifiedBuild {
  const b = value as IVerifiedBuild | null;
  return (
    !!b &&
    typeof b === 'object' &&
    typeof b.executable === 'string' &&
    typeof b.kernelName === 'string' &&
    !!b.packages &&
    typeof b.packages === 'object'
  );
}
