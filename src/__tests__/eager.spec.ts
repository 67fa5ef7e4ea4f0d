/**
 * The first load: what src/index.ts pulls in through static imports lands
 * in the eager chunk. The release data, the advice engine, the install and
 * protect flows, pep440 and semver must not (they load with the first
 * report, model/lazy.ts). Type-only imports and import() do not count: the
 * bundler leaves them out of the chunk.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

const SRC = resolve(__dirname, '..');

/** The value imports and re-exports of one file, as written. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf-8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  for (const node of sf.statements) {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      if (clause?.isTypeOnly) {
        continue;
      }
      const named = clause?.namedBindings;
      const allTypes =
        clause &&
        !clause.name &&
        named &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every(e => e.isTypeOnly);
      if (!allTypes) {
        out.push((node.moduleSpecifier as ts.StringLiteral).text);
      }
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      !node.isTypeOnly
    ) {
      out.push((node.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return out;
}

/** Every module reachable from `entry` by static value imports. */
function eagerGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) {
      continue;
    }
    seen.add(file);
    if (!file.startsWith(SRC)) {
      continue;
    }
    for (const spec of staticImports(file)) {
      if (!spec.startsWith('.')) {
        seen.add(spec);
        continue;
      }
      const base = resolve(dirname(file), spec);
      const found = [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find(
        p => existsSync(p)
      );
      // A data file (.json, .svg) is a leaf.
      if (found) {
        todo.push(found);
      } else {
        seen.add(base);
      }
    }
  }
  return seen;
}

describe('the eager chunk', () => {
  const graph = eagerGraph(join(SRC, 'index.ts'));
  const rel = [...graph].map(p => p.replace(`${SRC}/`, ''));

  it('is found: the plugins, the model and the panel are in it', () => {
    expect(rel).toEqual(
      expect.arrayContaining([
        'plugins/model.ts',
        'model/model.ts',
        'model/record.ts',
        'panel/panel.ts'
      ])
    );
  });

  it('holds neither the release data nor the version libraries', () => {
    const heavy = rel.filter(
      p =>
        p === 'semver' ||
        p.startsWith('semver/') ||
        p.startsWith('@renovatebot/pep440') ||
        p.startsWith('ajv') ||
        p.endsWith('.json') ||
        p.startsWith('advice/data')
    );
    expect(heavy).toEqual([]);
  });

  it('holds no advice engine and no install or protect flow', () => {
    const lazy = [
      'advice/engine.ts',
      'advice/plan.ts',
      'advice/matrix.ts',
      'install/verify.ts',
      'install/flow.ts',
      'install/protectFlow.ts',
      'install/exportForms.ts',
      'install/ui.ts',
      'probe/runner.ts',
      'badges/probeAll.ts'
    ];
    expect(rel.filter(p => lazy.includes(p))).toEqual([]);
  });
});
