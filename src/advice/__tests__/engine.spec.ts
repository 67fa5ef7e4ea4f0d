import * as fs from 'fs';
import * as path from 'path';

import data from '../data/matrix.json';
import { advise } from '../engine';
import { ccCovered, ccFit } from '../fit';
import {
  archSet,
  driverFloor,
  findRelease,
  MATRIX,
  rocmTargets
} from '../matrix';
import {
  compareDotted,
  cudaOfVariant,
  parseVersion,
  pythonInRange,
  variantKind
} from '../versions';

const base = JSON.parse(
  fs.readFileSync(
    path.join(__dirname, '..', 'golden', 'bases', 'real-torch-cpu.json'),
    'utf-8'
  )
);

describe('advise on bad input', () => {
  it.each([
    ['null', null],
    ['a string', 'torch'],
    ['an array', [1, 2]],
    ['an empty object', {}],
    ['a report missing its packages', { ...base, packages: undefined }],
    [
      'a report with a wrong type',
      { ...base, python: { ...base.python, bits: 'sixty-four' } }
    ]
  ])('gives "unknown" for %s, never a throw', (_, input) => {
    const advice = advise(input);
    expect(advice.verdict).toBe('unknown');
    expect(advice.plans).toEqual([]);
    expect(advice.missing.length).toBeGreaterThan(0);
    expect(advice.findings[0].id).toBe('report-invalid');
  });

  it('accepts unexpected extra fields', () => {
    const advice = advise({ ...base, future_field: { anything: true } });
    expect(advice.verdict).toBe('ok');
  });

  it('carries the data date', () => {
    expect(advise(base).dataAsOf).toBe(MATRIX.dataAsOf);
    expect(MATRIX.dataAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('compute capability coverage', () => {
  it('runs SASS of the same major with a lower or equal minor', () => {
    expect(ccCovered(89, [86], [], true)).toBe(true);
    expect(ccCovered(86, [89], [], true)).toBe(false);
    expect(ccCovered(90, [86], [], true)).toBe(false);
    expect(ccCovered(121, [120], [], true)).toBe(true);
  });

  it('JIT-compiles PTX of the same major only when the driver can', () => {
    expect(ccCovered(121, [90], [120], true)).toBe(true);
    expect(ccCovered(121, [90], [120], false)).toBe(false);
    expect(ccCovered(70, [75], [120], true)).toBe(false);
  });

  it('counts older-major PTX as a warning, not a fit (torch warns)', () => {
    expect(ccCovered(100, [90], [90], true)).toBe(false);
    expect(ccFit(100, { sass: [90], ptx: [90] }, '12.4', true)).toBe(
      'ptx-cross-major'
    );
  });

  it('runs Jetson-only capabilities only on code built for them', () => {
    // torch 2.14.1 DEVICE_REQUIREMENT: 8.7 is excluded from sm_80/sm_86 ...
    expect(ccCovered(87, [80, 86], [], true, '13.0')).toBe(false);
    // ... until CUDA 13.2 unified SBSA and Jetson code.
    expect(ccCovered(87, [80, 86], [], true, '13.2')).toBe(true);
    expect(ccCovered(101, [100], [], true, '13.2')).toBe(false);
    expect(ccCovered(101, [110], [], true, '13.0')).toBe(true);
    expect(ccCovered(53, [50], [], true, '12.6')).toBe(false);
  });

  it('matches the published arch lists', () => {
    const r213 = findRelease('2.13.0')!;
    expect(archSet(r213, 'cu126', 'linux-x86_64')!.sass).toContain(60);
    expect(archSet(r213, 'cu130', 'linux-x86_64')!.sass).not.toContain(60);
    expect(archSet(r213, 'cu130', 'linux-aarch64')!.sass).toContain(110);
    expect(archSet(r213, 'cu130', 'windows-x86_64')!.ptx).toEqual([]);
  });
});

describe('driver floors', () => {
  it.each([
    ['13.0', 'linux', '580'],
    ['13.2', 'windows', '580'],
    ['12.6', 'linux', '525.60.13'],
    ['12.8', 'windows', '528.33'],
    ['11.8', 'linux', '450.80.02'],
    ['11.8', 'windows', '452.39'],
    ['11.0', 'linux', '450.36.06']
  ])('CUDA %s on %s needs %s', (cuda, os, floor) => {
    expect(driverFloor(cuda, os as 'linux')).toBe(floor);
  });

  it('compares driver versions numerically', () => {
    expect(compareDotted('580.95.05', '580')).toBeGreaterThan(0);
    expect(compareDotted('525.60.13', '525.60.13')).toBe(0);
    expect(compareDotted('525.60.9', '525.60.13')).toBeLessThan(0);
    expect(compareDotted('1000.1', '580')).toBeGreaterThan(0);
  });
});

describe('versions with the PEP 440 library', () => {
  it('reads local tags, dev releases and variants', () => {
    expect(parseVersion('2.14.1+cu130')).toEqual({
      text: '2.14.1+cu130',
      base: '2.14.1',
      local: 'cu130',
      dev: false
    });
    expect(parseVersion('2.15.0.dev20261101+cu134')?.dev).toBe(true);
    expect(parseVersion('not a version')).toBeNull();
    expect(cudaOfVariant('cu126')).toBe('12.6');
    expect(cudaOfVariant('cu92')).toBe('9.2');
    expect(cudaOfVariant('cpu')).toBeNull();
    expect(variantKind('rocm7.2')).toBe('rocm');
    expect(variantKind('cu134')).toBe('cuda');
    expect(pythonInRange('3.14', '3.10', '3.14')).toBe(true);
    expect(pythonInRange('3.9', '3.10', '3.14')).toBe(false);
  });
});

describe('the data file', () => {
  const sources = Object.keys(data.sources);
  it('covers every torch release from 2.0 on, newest first', () => {
    const minors = MATRIX.releases.map(r =>
      r.torch.split('.').slice(0, 2).join('.')
    );
    for (let m = 0; m <= 14; m++) {
      expect(minors).toContain(`2.${m}`);
    }
    const sorted = [...MATRIX.releases].sort(
      (a, b) =>
        -parseVersion(a.torch)!.base.localeCompare(b.torch, undefined, {
          numeric: true
        })
    );
    expect(MATRIX.releases.map(r => r.torch)).toEqual(sorted.map(r => r.torch));
  });

  it('gives every entry a known source', () => {
    for (const r of MATRIX.releases) {
      expect(r.sources.length).toBeGreaterThan(0);
      r.sources.forEach(s => expect(sources).toContain(s));
    }
    for (const set of Object.values(data.arch_sets)) {
      set.sources.forEach((s: string) => expect(sources).toContain(s));
    }
  });

  it('names an arch set for every CUDA variant and a gfx list entry for every ROCm variant', () => {
    for (const r of MATRIX.releases) {
      for (const v of r.variants['linux-x86_64']) {
        if (variantKind(v) === 'cuda') {
          expect(archSet(r, v, 'linux-x86_64')).toBeDefined();
        }
        if (variantKind(v) === 'rocm') {
          expect(rocmTargets(v) === null || Array.isArray(rocmTargets(v))).toBe(
            true
          );
          expect(Object.keys(data.rocm_gfx)).toContain(v);
        }
      }
    }
  });

  it('never offers CUDA or ROCm on macOS, and stops Intel Macs at 2.2.2', () => {
    for (const r of MATRIX.releases) {
      expect(r.variants['macos-arm64']).toEqual(['default']);
      if (r.variants['macos-x86_64']) {
        expect(
          parseVersion(r.torch)!.base.localeCompare('2.2.2', undefined, {
            numeric: true
          })
        ).toBeLessThanOrEqual(0);
      }
    }
  });

  it('pairs torchaudio 2.11.1 (Requires-Dist torch>=2.11 on PyPI) with every torch from 2.11 on', () => {
    for (const r of MATRIX.releases.filter(
      x => x.torch.localeCompare('2.11', undefined, { numeric: true }) >= 0
    )) {
      expect(r.torchaudio).toBe('2.11.1');
    }
  });
});

describe('defaults', () => {
  it('the default index base is the data file’s', async () => {
    const { DEFAULT_ADVICE_SETTINGS } = await import('../defaults');
    expect(DEFAULT_ADVICE_SETTINGS.indexBaseUrl).toBe(
      (data as { index_base: string }).index_base
    );
  });
});

describe('a live answer wins over the snapshot', () => {
  const noTorch = JSON.parse(
    fs.readFileSync(
      path.join(__dirname, '..', 'golden', 'bases', 'real-no-torch.json'),
      'utf-8'
    )
  );
  const gpu = {
    ...noTorch,
    deep: null,
    nvidia: {
      ...noTorch.nvidia,
      driver: '580.95.05',
      driver_source: 'sysfs',
      cuda_driver_max: '13.0',
      gpus: [
        {
          index: 0,
          name: 'NVIDIA GeForce RTX 4090',
          memory_mib: 24564,
          compute_capability: '8.9',
          mig: null
        }
      ],
      dev_nodes: ['nvidia0', 'nvidiactl', 'nvidia-uvm']
    }
  };
  const W = 'torch-2.15.0-cp311-cp311-manylinux_2_28_x86_64.whl';
  const pypi = 'https://pypi.org/simple';

  it('PyPI default: the snapshot says cu132; a mirror whose 2.15.0 requires cuda-toolkit 13.0 gives cu130', () => {
    const settings = { cudaPolicy: 'pytorch-default' as const };
    expect(advise(gpu, settings).plans[0].variant).toBe('cu132');
    const live = {
      [`${pypi}|torch`]: [W],
      [`${pypi}|torch|${W}`]: [
        'cuda-toolkit[cudart]==13.0.3; platform_system == "Linux"'
      ]
    };
    expect(advise(gpu, settings, live).plans[0].variant).toBe('cu130');
  });

  it("Requires-Python: the live page's value replaces the snapshot's", () => {
    expect(advise(noTorch).plans[0].torch).toBe('2.15.0');
    const live = {
      [`${pypi}|torch`]: [W],
      [`${pypi}|torch|@requires-python`]: ['>=3.12']
    };
    const advice = advise(noTorch, {}, live);
    expect(advice.plans[0].torch).toBe('2.14.1');
    expect(
      advice.findings.find(f => f.id === 'python-limits-release')
    ).toBeDefined();
  });
});
