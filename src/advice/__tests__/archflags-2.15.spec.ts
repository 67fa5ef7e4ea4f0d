/**
 * matrix.json against the real torch 2.15.0 wheel (CUDA 13.2) from PyPI: its
 * arch flags, captured with scripts/check-matrix.py --capture (the fixture
 * names the command).
 */
import * as fs from 'fs';
import * as path from 'path';

import { archSet, findRelease } from '../matrix';

const real = JSON.parse(
  fs.readFileSync(
    path.join(
      __dirname,
      '..',
      'data',
      'fixtures',
      'torch-2.15.0-cu132-archflags.json'
    ),
    'utf-8'
  )
);

describe('matrix.json against the real torch 2.15.0 (CUDA 13.2) wheel', () => {
  it('was captured from that wheel', () => {
    expect(real.torch).toBe('2.15.0+cu132');
    expect(real.cuda).toBe('13.2');
    expect(real.machine).toBe('x86_64');
    expect(real.arch_list).toEqual(real.arch_flags.split(' '));
  });

  it('has the SASS the data gives cu132, and no PTX', () => {
    const flags: string[] = real.arch_flags.split(' ');
    const set = archSet(findRelease('2.15.0')!, 'cu132', 'linux-x86_64')!;
    expect(set.sass).toEqual(
      flags.filter(f => f.startsWith('sm_')).map(f => +f.slice(3))
    );
    expect(set.ptx).toEqual([]);
  });
});
