/**
 * The kernels' records, and the sessions and kernels they are watched
 * through: a session for as long as it lives (kernel changes), a kernel
 * connection for as long as it lives (restarts and deaths). A record lives
 * as long as a watched session shows its kernel.
 */
import type { ISessionContext } from '@jupyterlab/apputils';
import type { IChangedArgs } from '@jupyterlab/coreutils';
import type { Kernel, KernelMessage } from '@jupyterlab/services';

import { KernelRecord } from './record';

/** What the registry tells its owner. */
export interface IRecordEvents {
  /** A record changed (a restart or death cleared it, say). */
  changed(rec: KernelRecord): void;
  /** A kernel is back to idle after a restart or death. */
  revived(rec: KernelRecord): void;
  /** A session now shows another kernel. */
  kernelChanged(ctx: ISessionContext, rec: KernelRecord | null): void;
  /** A session was disposed. */
  sessionDisposed(ctx: ISessionContext): void;
  /** A record was deleted: no live session shows its kernel any more. */
  deleted(rec: KernelRecord): void;
}

/**
 * One record per kernel id, made on first sight through a session.
 */
export class KernelRecordRegistry {
  /** Create an empty registry that reports to `events`. */
  constructor(events: IRecordEvents) {
    this._events = events;
  }

  /** The record of a kernel id. */
  get(kernelId: string): KernelRecord | undefined {
    return this._records.get(kernelId);
  }

  /** Every record. */
  all(): KernelRecord[] {
    return [...this._records.values()];
  }

  /** Follow a session for as long as it lives. */
  watch(ctx: ISessionContext): void {
    if (this._watched.has(ctx)) {
      return;
    }
    this._watched.add(ctx);
    ctx.kernelChanged.connect(this._onKernelChanged, this);
    ctx.sessionChanged.connect(this._onSessionChanged, this);
    ctx.disposed.connect(this._onSessionDisposed, this);
  }

  /** The record of a session's current kernel, made on first sight. */
  of(ctx: ISessionContext): KernelRecord | null {
    const kernel = ctx.session?.kernel;
    if (!kernel) {
      return null;
    }
    let rec = this._records.get(kernel.id);
    if (!rec) {
      rec = new KernelRecord(kernel, ctx);
      this._records.set(kernel.id, rec);
    }
    rec.session = ctx;
    rec.kernel = kernel;
    if (!this._kernels.has(kernel)) {
      this._kernels.add(kernel);
      kernel.statusChanged.connect(this._onKernelStatus, this);
      kernel.iopubMessage.connect(this._onIopub, this);
      kernel.disposed.connect(this._onKernelDisposed, this);
    }
    return rec;
  }

  /** Stop following every session and kernel. */
  dispose(): void {
    this._watched.forEach(ctx => {
      ctx.kernelChanged.disconnect(this._onKernelChanged, this);
      ctx.sessionChanged.disconnect(this._onSessionChanged, this);
      ctx.disposed.disconnect(this._onSessionDisposed, this);
    });
    this._kernels.forEach(k => {
      k.statusChanged.disconnect(this._onKernelStatus, this);
      k.iopubMessage.disconnect(this._onIopub, this);
      k.disposed.disconnect(this._onKernelDisposed, this);
    });
    this._watched.clear();
    this._kernels.clear();
  }

  private _onKernelChanged(
    ctx: ISessionContext,
    args: IChangedArgs<
      Kernel.IKernelConnection | null,
      Kernel.IKernelConnection | null,
      'kernel'
    >
  ): void {
    // A restart through the session emits kernelChanged with the same
    // connection; the status handler covers that case.
    const other = args.newValue !== args.oldValue;
    const rec = other ? this.of(ctx) : null;
    if (other) {
      // The old kernel's record goes unless another session shows it.
      this._prune();
    }
    this._events.kernelChanged(ctx, rec);
  }

  private _onSessionChanged(ctx: ISessionContext): void {
    // The session is gone (culled, shut down elsewhere, "No Kernel"), or a
    // new one shows another kernel.
    if (ctx.session?.kernel) {
      this.of(ctx);
    }
    this._prune();
    this._events.kernelChanged(ctx, null);
  }

  private _onKernelStatus(
    kernel: Kernel.IKernelConnection,
    status: Kernel.Status
  ): void {
    const rec = this._records.get(kernel.id);
    if (!rec) {
      return;
    }
    // A restart another tab or the REST API asked for sends no
    // "restarting": _onIopub sees its new process (whose "starting" may
    // come after its first messages, so it is no signal of its own).
    if (status === 'restarting' || status === 'autorestarting') {
      if (!rec.restarting) {
        rec.restarting = true;
        rec.clear();
        this._events.changed(rec);
      }
    } else if (status === 'dead') {
      rec.dead = true;
      rec.restarting = false;
      rec.clear();
      this._events.changed(rec);
    } else if (status === 'idle' && (rec.restarting || rec.dead)) {
      rec.restarting = false;
      rec.dead = false;
      this._events.revived(rec);
    }
  }

  /**
   * A message from a kernel process never seen before (its `starting`
   * status, or any other) is a restart: after a restart or death the record
   * expects it, otherwise someone else restarted the kernel.
   */
  private _onIopub(
    kernel: Kernel.IKernelConnection,
    m: KernelMessage.IIOPubMessage
  ): void {
    const rec = this._records.get(kernel.id);
    const session = m.header.session;
    if (!rec || !session || rec.sessions.has(session)) {
      return;
    }
    rec.sessions.add(session);
    if (rec.awaitingSession) {
      rec.awaitingSession = false;
      return;
    }
    rec.restarting = true;
    rec.clear();
    rec.awaitingSession = false;
    this._events.changed(rec);
    if (kernel.status === 'idle') {
      rec.restarting = false;
      this._events.revived(rec);
    }
  }

  private _onKernelDisposed(kernel: Kernel.IKernelConnection): void {
    this._kernels.delete(kernel);
    const rec = this._records.get(kernel.id);
    if (rec?.kernel === kernel) {
      rec.kernel = null;
    }
  }

  private _onSessionDisposed(ctx: ISessionContext): void {
    this._watched.delete(ctx);
    ctx.kernelChanged.disconnect(this._onKernelChanged, this);
    ctx.sessionChanged.disconnect(this._onSessionChanged, this);
    ctx.disposed.disconnect(this._onSessionDisposed, this);
    // A session context is disposed before its kernel connection, so the
    // kernel still looks alive here: only live sessions count.
    this._prune();
    this._events.sessionDisposed(ctx);
  }

  /**
   * Delete the records no live watched session shows; a record another
   * session still shows moves to it.
   */
  private _prune(): void {
    this._records.forEach((rec, id) => {
      const ctx = [...this._watched].find(
        c => !c.isDisposed && c.session?.kernel?.id === id
      );
      if (ctx) {
        this.of(ctx);
        return;
      }
      this._records.delete(id);
      rec.disposed = true;
      rec.clear();
      this._events.deleted(rec);
    });
  }

  private _events: IRecordEvents;
  private _records = new Map<string, KernelRecord>();
  private _watched = new Set<ISessionContext>();
  private _kernels = new Set<Kernel.IKernelConnection>();
}
