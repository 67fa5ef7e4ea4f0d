/**
 * The landing rules of a kernel's record, without a kernel: which results
 * are stale, and how a deep result survives later quick probes.
 */
import { KernelRecord } from '../model/record';
import { msg } from '../report/message';
import type { ProbeOutcome } from '../report/outcome';
import type { IProbeReport } from '../report/types';
import { loadBase } from './canned';

const kernel = { id: 'k', name: 'spec', isDisposed: false } as any;
const session = { kernelDisplayName: 'Spec', session: null } as any;
const quick = loadBase('real-torch-cpu');
const withDeep = quick;
const noDeep: IProbeReport = { ...quick, deep: null };

const report = (r: IProbeReport = noDeep): ProbeOutcome => ({
  kind: 'report',
  kernelId: 'k',
  report: r,
  roundTripMs: 1
});
const dead: ProbeOutcome = {
  kind: 'dead',
  kernelId: 'k',
  message: msg('The kernel died or restarted while it was being probed.')
};

describe('KernelRecord.land', () => {
  it('lands a current result and drops one from before a restart', () => {
    const rec = new KernelRecord(kernel, session);
    const seq = ++rec.seq;
    const epoch = rec.epoch;
    rec.clear(); // a restart
    expect(rec.land(dead, { deep: false, epoch, seq })).toBeNull();
    expect(rec.outcome).toBeNull();
    const again = rec.land(report(), {
      deep: false,
      epoch: rec.epoch,
      seq: ++rec.seq
    });
    expect(again?.kind).toBe('report');
    expect(rec.state(null).phase).toBe('done');
  });

  it('drops a quick result older than the shown one', () => {
    const rec = new KernelRecord(kernel, session);
    const older = ++rec.seq;
    const newer = ++rec.seq;
    expect(
      rec.land(report(), { deep: false, epoch: 0, seq: newer })
    ).not.toBeNull();
    expect(
      rec.land(report(), { deep: false, epoch: 0, seq: older })
    ).toBeNull();
  });

  it('lands a deep result even after a newer quick one (verification after a restart)', () => {
    const rec = new KernelRecord(kernel, session);
    const deepSeq = ++rec.seq; // the install flow's deep check
    const quickSeq = ++rec.seq; // the auto-probe after the restart
    rec.land(report(), { deep: false, epoch: 0, seq: quickSeq });
    const deep = rec.land(report(withDeep), {
      deep: true,
      epoch: 0,
      seq: deepSeq
    });
    expect(deep?.kind === 'report' && deep.report.deep?.status).toBe('ok');
  });

  it('never lets a later quick probe erase a deep result', () => {
    const rec = new KernelRecord(kernel, session);
    rec.land(report(withDeep), { deep: true, epoch: 0, seq: ++rec.seq });
    const q = rec.land(report(), { deep: false, epoch: 0, seq: ++rec.seq });
    expect(q?.kind === 'report' && q.report.deep?.status).toBe('ok');
    // A failed quick probe leaves the deep report shown, the failure beside it.
    expect(rec.land(dead, { deep: false, epoch: 0, seq: ++rec.seq })).toBe(
      dead
    );
    expect(rec.outcome?.kind).toBe('report');
    expect(rec.failure).toBe(dead);
  });

  it('never lets an older failed deep check replace a newer report', () => {
    const rec = new KernelRecord(kernel, session);
    const deepSeq = ++rec.seq;
    rec.land(report(), { deep: false, epoch: 0, seq: ++rec.seq });
    expect(rec.land(dead, { deep: true, epoch: 0, seq: deepSeq })).toBeNull();
    expect(rec.outcome?.kind).toBe('report');
  });

  it('keeps the last good report when a newer probe fails, and shows the failure beside it', () => {
    const rec = new KernelRecord(kernel, session);
    rec.land(report(), { deep: false, epoch: 0, seq: ++rec.seq });
    const shown = rec.outcome;
    const at = rec.at;
    const timeout: ProbeOutcome = {
      kind: 'timeout',
      kernelId: 'k',
      waitedForBusyKernel: true
    };
    expect(rec.land(timeout, { deep: false, epoch: 0, seq: ++rec.seq })).toBe(
      timeout
    );
    let state = rec.state(null);
    expect(state.outcome).toBe(shown);
    expect(state.failure).toBe(timeout);
    expect(state.probedAt).toBe(at);
    // The next good report clears the failure.
    rec.land(report(), { deep: false, epoch: 0, seq: ++rec.seq });
    state = rec.state(null);
    expect(state.failure).toBeNull();
    // A restart forgets both.
    rec.land(timeout, { deep: false, epoch: 0, seq: ++rec.seq });
    rec.clear();
    expect(rec.state(null).failure).toBeNull();
    expect(rec.outcome).toBeNull();
  });

  it('shows a failure when there is no report to keep', () => {
    const rec = new KernelRecord(kernel, session);
    expect(rec.land(dead, { deep: false, epoch: 0, seq: ++rec.seq })).toBe(
      dead
    );
    expect(rec.outcome).toBe(dead);
    expect(rec.failure).toBeNull();
  });

  it('lands nothing once deleted', () => {
    const rec = new KernelRecord(kernel, session);
    const seq = ++rec.seq;
    rec.disposed = true;
    expect(rec.land(report(), { deep: false, epoch: 0, seq })).toBeNull();
    expect(rec.outcome).toBeNull();
  });

  it('says a dead kernel is gone', () => {
    const rec = new KernelRecord(kernel, session);
    rec.dead = true;
    rec.clear();
    expect(rec.state(null).phase).toBe('gone');
  });
});
