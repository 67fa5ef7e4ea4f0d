/**
 * The release data against real artefacts: the arch flags captured from the
 * real torch 2.14.1 CUDA 13 wheel, and the settings schema's URL rule.
 */
import * as fs from 'fs';
import * as path from 'path';

import { english } from '../../report/message';
import data from '../data/matrix.json';
import { advise } from '../engine';
import { archSet, findRelease, MATRIX } from '../matrix';
import { pytorchRelease } from '../snapshot';
import { checkIndexUrl, joinIndex, SCHEMA_PATTERN, shellWord } from '../url';

const FIXTURE = path.join(
  __dirname,
  '..',
  'data',
  'fixtures',
  'torch-2.14.1-cu130-archflags.json'
);

describe('matrix.json against the real torch 2.14.1 (CUDA 13.0) wheel', () => {
  const real = JSON.parse(fs.readFileSync(FIXTURE, 'utf-8'));
  const flags: string[] = real.arch_flags.split(' ');
  const sass = flags.filter(f => f.startsWith('sm_')).map(f => +f.slice(3));
  const ptx = flags.filter(f => f.startsWith('compute_')).map(f => +f.slice(8));

  it('was captured from that wheel', () => {
    expect(real.torch).toBe('2.14.1+cu130');
    expect(real.cuda).toBe('13.0');
    expect(real.machine).toBe('x86_64');
  });

  it('has the same SASS and no PTX (release builds are stripped of +PTX)', () => {
    const set = archSet(findRelease('2.14.1')!, 'cu130', 'linux-x86_64')!;
    expect(set.sass).toEqual(sass);
    expect(set.ptx).toEqual(ptx);
    expect(ptx).toEqual([]);
  });
});

describe('matrix.json with the snapshot of the indexes', () => {
  it('takes 2.15.0 from PyPI: seen, Python >= 3.11, PyPI default cu132, no CUDA 12', () => {
    const r = findRelease('2.15.0')!;
    expect(r.seen_on_index).toBe(true);
    expect(r.requires_python).toBe('>=3.11');
    expect(r.python.min).toBe('3.11');
    // cuda-toolkit[...]==13.2.2 in the wheel's own metadata.
    expect(r.pypi_default['linux-x86_64']).toBe('cu132');
    expect(r.pypi_default['linux-aarch64']).toBe('cu132');
    expect(r.pypi_default['windows-x86_64']).toBe('cpu');
    expect(r.torchvision).toBe('0.29.2');
    expect(r.torchaudio).toBe('2.11.1');
    expect(r.variants['linux-x86_64'].some(v => v.startsWith('cu12'))).toBe(
      false
    );
    expect(r.variants_source).toContain('#190385');
  });

  it('keeps only what indexes cannot say in the hand-written part', () => {
    for (const r of data.releases as { [k: string]: unknown }[]) {
      for (const k of [
        'variants',
        'torchvision',
        'torchaudio',
        'python',
        'pypi_default',
        'seen_on_index'
      ]) {
        expect(Object.keys(r)).not.toContain(k);
      }
    }
  });

  it('says of every unconfirmed claim that it is never planned, and names what each assumption rests on', () => {
    for (const r of data.releases as {
      unconfirmed?: string[];
      assumed?: string[];
    }[]) {
      for (const u of r.unconfirmed ?? []) {
        expect(u).toMatch(/never planned|left out/);
      }
      for (const x of r.assumed ?? []) {
        expect(x).toMatch(/taken (from|to be)/);
      }
    }
    for (const set of Object.values(data.arch_sets) as {
      unconfirmed?: unknown;
    }[]) {
      expect(set.unconfirmed).toBeUndefined();
    }
  });

  it('never lets an UNCONFIRMED variant produce a cell', () => {
    const report = JSON.parse(
      fs.readFileSync(
        path.join(__dirname, '..', 'golden', 'bases', 'real-no-torch.json'),
        'utf-8'
      )
    );
    let checked = 0;
    for (const r of MATRIX.releases) {
      const unconfirmed = pytorchRelease(r.torch)?.unconfirmed_variants ?? {};
      for (const [platform, variants] of Object.entries(unconfirmed)) {
        for (const variant of variants) {
          checked++;
          expect(r.variants[platform] ?? []).not.toContain(variant);
          // An AMD GPU that only rocm7.2 would serve: no rocm7.2 cell for this release.
          const advice = advise(
            {
              ...report,
              amd: {
                kfd: true,
                visible: {},
                gpus: [
                  {
                    node: 1,
                    gfx: 'gfx1100',
                    gfx_target_version: 110000,
                    device_id: 29772
                  }
                ]
              }
            },
            { allowOlderTorch: false }
          );
          for (const p of advice.plans) {
            expect(
              p.variant === variant && p.torch === r.torch && !!p.cell
            ).toBe(false);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('names a source for every release and arch set', () => {
    for (const r of MATRIX.releases) {
      expect(r.sources.length).toBeGreaterThan(0);
    }
  });
});

describe('index URLs in cells', () => {
  const schema = new RegExp(SCHEMA_PATTERN);
  const plugin = JSON.parse(
    fs.readFileSync(
      path.join(__dirname, '..', '..', '..', 'schema', 'plugin.json'),
      'utf-8'
    )
  );

  it('the settings schema uses the same pattern', () => {
    expect(plugin.properties.indexBaseUrl.pattern).toBe(SCHEMA_PATTERN);
  });

  it.each([
    'https://download.pytorch.org/whl',
    'https://mirror.example/simple?a=1&b=2',
    'http://127.0.0.1:8080/whl',
    'file:///srv/wheels',
    'https://user@mirror.example/whl/%7Bx%7D'
  ])('accepts %s', url => {
    expect(checkIndexUrl(url).ok).toBe(true);
    expect(schema.test(url)).toBe(true);
  });

  it.each([
    ['https://m/whl/{get_ipython()}', '{'],
    ['https://m/whl/$HOME', '$'],
    ['https://m/whl;touch /tmp/x', ';'],
    ['https://m/whl|cat', '|'],
    ["https://m/whl'x", "'"],
    ['https://m/whl x', 'a space'],
    ['ftp://m/whl', 'not an http'],
    ['https://m/whl/%zz', '%']
  ])('refuses %s', (url, why) => {
    const c = checkIndexUrl(url);
    expect(c.ok).toBe(false);
    expect(c.ok ? '' : english(c.why)).toContain(why);
    expect(schema.test(url)).toBe(false);
  });

  it('puts the variant into the path, before the query, and quotes it', () => {
    const url = joinIndex('https://m.example/whl/?a=1&b=2', 'cu130');
    expect(url).toBe('https://m.example/whl/cu130?a=1&b=2');
    expect(shellWord(url)).toBe("'https://m.example/whl/cu130?a=1&b=2'");
    expect(shellWord('https://download.pytorch.org/whl/cu130')).toBe(
      'https://download.pytorch.org/whl/cu130'
    );
  });
});
