/**
 * pip's result from real pip output captured on this machine (pip/*.txt);
 * disk-full.txt is pip's OSError line written by hand (a full disk cannot
 * be made safely in a test).
 */
import * as fs from 'fs';
import * as path from 'path';

import { english, tr } from '../../report/message';
import { MARK, untranslated } from '../../__tests__/translate';
import { pipReasons, readPipResult } from '../pipResult';

const pip = (name: string) =>
  fs.readFileSync(path.join(__dirname, 'pip', `${name}.txt`), 'utf-8');

describe('readPipResult', () => {
  it('reads a successful install, with the resolver’s warnings about other packages', () => {
    const r = readPipResult(pip('success-conflict'));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.installed).toContain('torch-2.13.0+cpu');
      // pip's lines stay text: arguments of one translatable message.
      expect(r.warnings.map(english)).toEqual([
        'pip: torchvision 0.29.1 requires numpy, which is not installed.',
        'pip: torchvision 0.29.1 requires pillow!=8.3.*,>=5.3.0, which is not installed.',
        'pip: torchvision 0.29.1 requires torch>=2.14.0, but you have torch 2.13.0+cpu which is incompatible.'
      ]);
      expect(r.warnings.every(w => w.id === 'pip: %1')).toBe(true);
      expect(pipReasons(r)).toBe(r.warnings);
    }
  });

  it('reads uv’s install output (an environment made by uv, without pip)', () => {
    const r = readPipResult(pip('uv-success'));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.installed).toContain('torch-2.13.0+cpu');
      expect(r.installed).toHaveLength(10);
    }
    // The same in a terminal, as `!uv` runs it: colours and progress lines.
    const tty = readPipResult(pip('uv-success-tty'));
    expect(tty.ok && tty.installed).toEqual(r.ok && r.installed);
    expect(readPipResult(pip('uv-satisfied'))).toMatchObject({
      ok: true,
      installed: []
    });
    expect(readPipResult(pip('uv-nomatch'))).toMatchObject({
      ok: false,
      reason: 'no-match'
    });
  });

  it('takes "Requirement already satisfied" for the exact pin as success', () => {
    const r = readPipResult(pip('satisfied'));
    expect(r).toMatchObject({ ok: true, installed: [] });
    expect(r.ok && r.alreadySatisfied[0]).toBe('torch==2.13.0+cpu');
  });

  it.each([
    ['network-retry', 'network', 'Connection refused'],
    ['dns', 'network', 'not a trusted or secure host'],
    ['network', 'no-match', '(from versions: none)'],
    ['nomatch', 'no-match', '(from versions: 2.13.0+cpu)'],
    ['disk-full', 'disk-full', 'No space left on device']
  ])('%s → %s', (file, reason, line) => {
    const r = readPipResult(pip(file));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe(reason);
      expect(r.line).toContain(line);
      expect(english(r.message).length).toBeGreaterThan(20);
      expect(pipReasons(r).map(english)).toEqual([
        english(r.message),
        `pip said: ${r.line}`
      ]);
    }
  });

  it('gives every sentence as a message; pip’s lines stay its arguments', () => {
    const files = fs
      .readdirSync(path.join(__dirname, 'pip'))
      .filter(f => f.endsWith('.txt'));
    const results = [
      ...files.map(f => readPipResult(pip(f.replace(/\.txt$/, '')))),
      readPipResult(''),
      readPipResult('ERROR: something new', true)
    ];
    for (const r of results) {
      const sentences = r.ok ? r.warnings : [r.message, ...pipReasons(r)];
      for (const m of sentences) {
        expect(untranslated(tr(MARK, m))).toBe('');
      }
    }
  });

  it('tells a version the index lacks from an index that offers nothing', () => {
    const none = readPipResult(pip('network'));
    const lacks = readPipResult(pip('nomatch'));
    expect(!none.ok && english(none.message)).toMatch(/may be unreachable/);
    expect(!lacks.ok && english(lacks.message)).toMatch(
      /no wheel of that version/
    );
  });

  it('reads a resolver conflict', () => {
    const r = readPipResult(
      'ERROR: Cannot install torch==2.13.0+cpu and xformers==0.0.30 because these package versions have conflicting dependencies.\nERROR: ResolutionImpossible: for help visit https://pip.pypa.io/'
    );
    expect(r).toMatchObject({ ok: false, reason: 'conflict' });
  });

  it('reads a refusal by a protection: the cell asked for another torch (real pip output)', () => {
    const r = readPipResult(pip('constrained'));
    expect(r).toMatchObject({
      ok: false,
      reason: 'constrained',
      line: expect.stringContaining('Cannot install torch==2.12.0+cpu'),
      conflict: {
        wanted: [{ by: null, spec: 'torch==2.12.0+cpu' }],
        constraints: ['torch==2.13.0+cpu']
      }
    });
    expect(pipReasons(r).map(english).slice(2)).toEqual([
      'The cell asked for torch==2.12.0+cpu; the protection allows torch==2.13.0+cpu.',
      'Either install a build of that package made for the protected torch (from the same index as torch), or unprotect first.'
    ]);
  });

  it('names the package that wanted another torch (real pip output)', () => {
    const r = readPipResult(pip('constrained-dependency'));
    expect(!r.ok && r.conflict).toEqual({
      wanted: [{ by: 'needs-old-torch 1.0', spec: 'torch==2.12.0+cpu' }],
      constraints: ['torch==2.13.0+cpu']
    });
    expect(english(pipReasons(r)[2])).toBe(
      'needs-old-torch 1.0 wants torch==2.12.0+cpu; the protection allows torch==2.13.0+cpu.'
    );
  });

  it('ignores ANSI colours', () => {
    const r = readPipResult(
      '\x1b[31mERROR: No matching distribution found for torch==9\x1b[0m'
    );
    expect(r).toMatchObject({ ok: false, reason: 'no-match' });
  });

  it('does not call silence or a raised cell a success', () => {
    const silent = readPipResult('');
    expect(silent).toMatchObject({ ok: false, reason: 'error', line: '' });
    expect(!silent.ok && english(silent.message)).toBe(
      'The install cell printed nothing that shows pip succeeded.'
    );
    expect(pipReasons(silent)).toHaveLength(1);
    expect(
      readPipResult('Successfully installed torch-2.13.0+cpu', true).ok
    ).toBe(false);
    expect(
      readPipResult('UsageError: Line magic function `%pip` not found.', true)
    ).toMatchObject({ ok: false, reason: 'error' });
  });
});
