/**
 * Runs every golden case in src/advice/golden/cases (see the README there).
 */
import * as fs from 'fs';
import * as path from 'path';

import { merge } from '../../__tests__/canned';
import { english } from '../../report/message';
import { advise } from '../engine';

const ROOT = path.join(__dirname, '..', 'golden');

interface ICase {
  description: string;
  base: string;
  report_patch?: any;
  settings?: any;
  live?: any;
  expect: {
    verdict: string;
    findings?: string[];
    no_findings?: string[];
    variant?: string | null;
    plan_kind?: string;
    plans?: number;
    torch?: string;
    cell_contains?: string[];
    cell_not_contains?: string[];
    confirmed_by?: string;
    warnings_contain?: string[];
    device?: string;
    /** A finding's English sentence contains this text. */
    finding_contains?: { [id: string]: string };
  };
}

const files = fs
  .readdirSync(path.join(ROOT, 'cases'))
  .filter(f => f.endsWith('.json'))
  .sort();

describe('golden advice cases', () => {
  it('has at least 40 cases', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  for (const file of files) {
    const c: ICase = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'cases', file), 'utf-8')
    );
    it(`${file}: ${c.description}`, () => {
      const base = JSON.parse(
        fs.readFileSync(path.join(ROOT, 'bases', `${c.base}.json`), 'utf-8')
      );
      const report = merge(base, c.report_patch);
      const advice = advise(report, c.settings ?? {}, c.live);
      const e = c.expect;
      const ids = advice.findings.map(f => f.id);
      const seen = JSON.stringify(
        {
          verdict: advice.verdict,
          ids,
          plans: advice.plans.map(p => [p.kind, p.variant, p.torch, p.cell])
        },
        null,
        1
      );
      // Compare with the context attached, so a failure shows what the engine said.
      expect({ verdict: advice.verdict, seen }).toEqual({
        verdict: e.verdict,
        seen
      });
      for (const id of e.findings ?? []) {
        expect({ id, seen, has: ids.includes(id) }).toEqual({
          id,
          seen,
          has: true
        });
      }
      for (const id of e.no_findings ?? []) {
        expect(ids).not.toContain(id);
      }
      if (e.plans !== undefined) {
        expect({ n: advice.plans.length, seen }).toEqual({ n: e.plans, seen });
      }
      const first = advice.plans[0];
      if (e.variant !== undefined) {
        expect({ variant: first?.variant ?? null, seen }).toEqual({
          variant: e.variant,
          seen
        });
      }
      if (e.plan_kind) {
        expect(first?.kind).toBe(e.plan_kind);
      }
      if (e.torch) {
        expect(first?.torch).toBe(e.torch);
      }
      for (const s of e.cell_contains ?? []) {
        expect(first?.cell ?? '').toContain(s);
      }
      for (const s of e.cell_not_contains ?? []) {
        expect(first?.cell ?? '').not.toContain(s);
      }
      if (e.confirmed_by) {
        expect(first?.confirmedBy).toBe(e.confirmed_by);
      }
      for (const s of e.warnings_contain ?? []) {
        expect((first?.warnings ?? []).map(english).join(' ')).toContain(s);
      }
      if (e.device) {
        expect(first?.expect?.device).toBe(e.device);
      }
      for (const [id, text] of Object.entries(e.finding_contains ?? {})) {
        const f = advice.findings.find(x => x.id === id);
        expect(f ? english(f.message) : `no finding ${id}`).toContain(text);
      }
      // Rules that hold in every case.
      for (const plan of advice.plans) {
        expect(plan.cell).not.toContain('--extra-index-url');
        if (plan.cell && report.packages?.torch) {
          // Never a bare `pip install torch` over an existing build.
          expect(plan.cell).toMatch(/torch==\S+|--force-reinstall/);
        }
        if (report.platform?.system === 'Darwin') {
          expect(plan.cell).not.toMatch(/whl\/(nightly\/)?(cu|rocm)/);
        }
      }
      for (const f of advice.findings) {
        expect(english(f.message).length).toBeGreaterThan(10);
      }
      // Every sentence is a message whose arguments all arrived.
      for (const m of [
        advice.summary,
        ...advice.findings.map(f => f.message),
        ...advice.plans.flatMap(p => [p.title, ...p.warnings])
      ]) {
        expect(english(m)).not.toMatch(/undefined|\[object|%\d/);
      }
    });
  }
});
