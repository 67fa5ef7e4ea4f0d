/**
 * The engine's wheel-tag rule against packaging.tags (the oracle pip uses):
 * src/advice/__tests__/fixtures/tag-oracle.json holds, for kernels on old
 * glibc, old and new macOS, free-threaded and several Pythons, which of all
 * of PyPI's torch/torchvision/torchaudio wheels (and compressed, abi3 and
 * `any` names) packaging says they install. Written by
 * `src/advice/golden/derive.py --oracle`.
 */
import * as fs from 'fs';
import * as path from 'path';

import { english } from '../../report/message';
import type { IProbeReport } from '../../report/types';
import {
  admits,
  cudaFromRequirements,
  markerHolds,
  parseRequirement,
  requirementOn
} from '../requirements';
import { KernelTags, type IPythonTags } from '../tags';

const ORACLE = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'tag-oracle.json'), 'utf-8')
) as {
  files: string[];
  kernels: {
    [name: string]: { tags: IPythonTags; python: string; fits: string[] };
  };
};

function kernel(
  tags: IPythonTags | null,
  python: string,
  platform = 'linux-x86_64'
) {
  const report = {
    python: { version: python, tag: tags?.interpreter ?? 'cp311', tags }
  } as unknown as IProbeReport;
  return new KernelTags(report, platform);
}

describe('KernelTags.fits against packaging.tags', () => {
  for (const [name, k] of Object.entries(ORACLE.kernels)) {
    it(`${name}: the same wheels as packaging`, () => {
      const tags = kernel(k.tags, k.python);
      const mine = ORACLE.files.filter(f => tags.fits(f));
      expect(mine).toEqual(k.fits);
    });
  }

  it('falls back to the Python tag and platform for reports without tags', () => {
    const old = kernel(null, '3.11.7');
    expect(old.fits('torch-2.15.0-cp311-cp311-manylinux_2_28_x86_64.whl')).toBe(
      true
    );
    expect(
      old.fits('torchvision-0.29.2-py3-none-manylinux_2_28_x86_64.whl')
    ).toBe(true);
    expect(old.fits('torch-2.15.0-cp312-cp312-manylinux_2_28_x86_64.whl')).toBe(
      false
    );
  });
});

describe('the blocking constraint, in words', () => {
  const files = (names: string[], rp: string | null) =>
    names.map(file => ({ file, requiresPython: rp }));
  const t15 = files(
    [
      'torch-2.15.0-cp311-cp311-manylinux_2_28_x86_64.whl',
      'torch-2.15.0-cp314-cp314t-manylinux_2_28_x86_64.whl',
      'torch-2.15.0-cp311-cp311-macosx_14_0_arm64.whl'
    ],
    '>=3.11'
  );
  const k = ORACLE.kernels;

  it.each([
    ['glibc-2.17-py311', 'torch 2.15.0 needs glibc 2.28; this system has 2.17'],
    [
      'py3.13t',
      'torch 2.15.0 has no wheels for free-threaded Python 3.13 (cp313t)'
    ],
    ['py3.10', 'torch 2.15.0 needs Python >=3.11; this kernel has 3.10.12'],
    ['py3.16', 'torch 2.15.0 has no wheels for Python 3.16 (cp316)']
  ])('%s', (name, sentence) => {
    const tags = kernel(k[name].tags, k[name].python);
    expect(english(tags.blocker('torch 2.15.0', t15)!)).toBe(sentence);
  });

  it('macOS', () => {
    const mac = kernel(
      k['macos-13.6-arm64-py311'].tags,
      '3.11.7',
      'macos-arm64'
    );
    expect(english(mac.blocker('torch 2.15.0', t15)!)).toBe(
      'torch 2.15.0 needs macOS 14.0; this system has 13.6'
    );
  });

  it('is null when a wheel fits', () => {
    const tags = kernel(k['py3.12'].tags, k['py3.12'].python);
    expect(
      tags.blocker(
        'torch 2.15.0',
        files(['torch-2.15.0-cp312-cp312-manylinux_2_28_x86_64.whl'], '>=3.11')
      )
    ).toBeNull();
  });
});

describe('Requires-Dist and Requires-Python as the packages write them', () => {
  it('reads parenthesised, bare and extra-laden requirements', () => {
    expect(parseRequirement('torch (>=2.14.0)')).toEqual({
      name: 'torch',
      spec: '>=2.14.0',
      marker: ''
    });
    expect(parseRequirement('torch>=2.11')!.spec).toBe('>=2.11');
    expect(parseRequirement('torch ==2.4.0')!.spec).toBe('==2.4.0');
    expect(
      parseRequirement(
        'cuda-toolkit[cublas,cudart]==13.2.2; platform_system == "Linux"'
      )
    ).toEqual({
      name: 'cuda-toolkit',
      spec: '==13.2.2',
      marker: 'platform_system == "Linux"'
    });
  });

  it('ranges, pins and no requirement at all (the real 0.29.x / 2.11.x lines)', () => {
    expect(
      admits(requirementOn(['numpy', 'torch (>=2.14.0)'], 'torch'), '2.15.0')
    ).toBe(true);
    expect(admits(requirementOn(['torch (==2.14.0)'], 'torch'), '2.15.0')).toBe(
      false
    );
    expect(requirementOn([], 'torch')).toBeNull();
    expect(admits('>=3.10,!=3.14.1', '3.14.1')).toBe(false);
    expect(admits('>=3.10,!=3.14.1', '3.14.0')).toBe(true);
    expect(admits(null, '3.9.0')).toBe(true);
  });

  it("reads the CUDA of PyPI's torch from its own requirements, markers included", () => {
    const linux = {
      platform_system: 'Linux',
      platform_machine: 'x86_64',
      python_version: '3.11',
      sys_platform: 'linux'
    };
    const arm = { ...linux, platform_machine: 'aarch64' };
    const win = {
      ...linux,
      platform_system: 'Windows',
      platform_machine: 'AMD64',
      sys_platform: 'win32'
    };
    const t15 = [
      'cuda-toolkit[cublas,cudart,cufft,cufile,cupti,cusolver,cusparse,nvjitlink,nvrtc,nvtx]==13.2.2; platform_system == "Linux"'
    ];
    const t29 = [
      'nvidia-cuda-runtime-cu12==12.8.90; platform_system == "Linux" and platform_machine == "x86_64"'
    ];
    expect(cudaFromRequirements(t15, linux)).toBe('cu132');
    expect(cudaFromRequirements(t15, arm)).toBe('cu132');
    expect(cudaFromRequirements(t15, win)).toBeNull();
    expect(cudaFromRequirements(t29, linux)).toBe('cu128');
    expect(cudaFromRequirements(t29, arm)).toBeNull();
    expect(
      cudaFromRequirements(
        [
          'nvidia-cuda-runtime-cu12 (==12.4.127) ; platform_system == "Linux" and platform_machine == "x86_64"'
        ],
        linux
      )
    ).toBe('cu124');
    expect(markerHolds('python_version < "3.15"', linux)).toBe(true);
    expect(markerHolds('extra == "opt"', linux)).toBe(false);
  });
});
