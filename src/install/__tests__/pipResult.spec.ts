/**
 * pip's result from real pip output captured on this machine (pip/*.txt);
 * disk-full.txt is pip's OSError line written by hand (a full disk cannot
 * be made safely in a test).
 */
import * as fs from 'fs';
import * as path from 'path';

import { readPipResult } from '../pipResult';

const pip = (name: string) =>
  fs.readFileSync(path.join(__dirname, 'pip', `${name}.txt`), 'utf-8');

describe('readPipResult', () => {
  it('reads a successful install, with the resolver’s warnings about other packages', () => {
    const r = readPipResult(pip('success-conflict'));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.installed).toContain('torch-2.13.0+cpu');
      expect(r.warnings).toEqual([
        'torchvision 0.29.1 requires numpy, which is not installed.',
        'torchvision 0.29.1 requires pillow!=8.3.*,>=5.3.0, which is not installed.',
        'torchvision 0.29.1 requires torch>=2.14.0, but you have torch 2.13.0+cpu which is incompatible.'
      ]);
    }
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
      expect(r.message.length).toBeGreaterThan(20);
    }
  });

  it('tells a version the index lacks from an index that offers nothing', () => {
    const none = readPipResult(pip('network'));
    const lacks = readPipResult(pip('nomatch'));
    expect(!none.ok && none.message).toMatch(/may be unreachable/);
    expect(!lacks.ok && lacks.message).toMatch(/no wheel of that version/);
  });

  it('reads a resolver conflict', () => {
    const r = readPipResult(
      'ERROR: Cannot install torch==2.13.0+cpu and xformers==0.0.30 because these package versions have conflicting dependencies.\nERROR: ResolutionImpossible: for help visit https://pip.pypa.io/'
    );
    expect(r).toMatchObject({ ok: false, reason: 'conflict' });
  });

  it('ignores ANSI colours', () => {
    const r = readPipResult(
      '\x1b[31mERROR: No matching distribution found for torch==9\x1b[0m'
    );
    expect(r).toMatchObject({ ok: false, reason: 'no-match' });
  });

  it('does not call silence or a raised cell a success', () => {
    expect(readPipResult('')).toMatchObject({
      ok: false,
      reason: 'error',
      message: 'The install cell printed nothing that shows pip succeeded.'
    });
    expect(
      readPipResult('Successfully installed torch-2.13.0+cpu', true).ok
    ).toBe(false);
    expect(
      readPipResult('UsageError: Line magic function `%pip` not found.', true)
    ).toMatchObject({ ok: false, reason: 'error' });
  });
});
