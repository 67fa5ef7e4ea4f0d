/**
 * The CUDA library findings on inventories the real probe (probe/cudalibs.py)
 * makes of site-packages built from REAL METADATA files
 * (tests/fixtures/cuda-metadata, read from PyPI; see tests/cuda_scenarios.py).
 */
import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import path from 'path';

import { english } from '../../report/message';
import type { IProbeReport } from '../../report/types';
import { checkReport } from '../../report/check';
import { cudaLibsAdvice, type ICudaFinding } from '../cudaLibs';
import { evaluateMarker, parseRequirement } from '../requirement';

const ROOT = path.resolve(__dirname, '../../..');
const META = path.join(ROOT, 'tests/fixtures/cuda-metadata');
const PYTHON = existsSync(path.join(ROOT, '.venv/bin/python'))
  ? path.join(ROOT, '.venv/bin/python')
  : 'python3';

/** torch 2.15.0's real Requires-Dist (without extras), from its METADATA. */
function realRequires(folder: string): string[] {
  return readFileSync(path.join(META, folder, 'METADATA'), 'utf-8')
    .split('\n\n')[0]
    .split('\n')
    .filter(l => l.startsWith('Requires-Dist: '))
    .map(l => l.slice('Requires-Dist: '.length))
    .filter(r => !r.includes('extra =='));
}

// What torch 2.15.0 requires besides the families under test: present, so
// that only the scenario's own clash is found.
// The versions are the pins of cuda-toolkit 13.2.2's extras that torch asks for.
const TORCH_215_REST: [string, string][] = [
  ['nvidia_cuda_nvrtc', '13.2.86'],
  ['nvidia_cuda_runtime', '13.2.86'],
  ['nvidia_cufft', '12.2.0.57'],
  ['nvidia_nvjitlink', '13.2.86'],
  ['nvidia_cufile', '1.17.1.22'],
  ['nvidia_cuda_cupti', '13.2.86'],
  ['nvidia_cusolver', '12.2.0.11'],
  ['nvidia_cusparse', '12.7.10.12'],
  ['nvidia_nvtx', '13.2.86'],
  ['cuda_bindings', '13.0.3'],
  ['nvidia_cusparselt_cu13', '0.8.1'],
  ['nvidia_nccl_cu13', '2.30.7'],
  ['nvidia_nvshmem_cu13', '3.7.2']
];
const TOOLKIT_132 = [
  'cuda-toolkit-13.2.2',
  'nvidia-cublas-13.4.1.3',
  'nvidia-cudnn-cu13-9.26.0.51'
];

const SCENARIOS: { [name: string]: object } = {
  clean: { dists: TOOLKIT_132, plain: TORCH_215_REST },
  cudnnUpgraded: {
    dists: [
      'cuda-toolkit-13.2.2',
      'nvidia-cublas-13.4.1.3',
      'nvidia-cudnn-cu13-9.28.1.4'
    ],
    plain: TORCH_215_REST
  },
  cublasTooNew: {
    dists: [
      'cuda-toolkit-13.2.2',
      'nvidia-cublas-13.10.0.20',
      'nvidia-cudnn-cu13-9.26.0.51'
    ],
    plain: TORCH_215_REST
  },
  jaxMissingPjrt: {
    dists: [...TOOLKIT_132, 'jax-cuda13-plugin-0.10.2', 'jaxlib-0.10.2'],
    plain: TORCH_215_REST
  },
  cupy12: {
    dists: [...TOOLKIT_132, 'cupy-cuda12x-14.2.0'],
    plain: [...TORCH_215_REST, ['cuda_pathfinder', '1.3.4']]
  },
  jax12: {
    dists: [...TOOLKIT_132, 'jax-cuda12-plugin-0.10.2', 'jaxlib-0.10.2'],
    plain: [...TORCH_215_REST, ['jax_cuda12_pjrt', '0.10.2']]
  },
  tensorflow: {
    dists: [...TOOLKIT_132, 'tensorflow-2.21.0'],
    plain: TORCH_215_REST
  },
  twoCudnn: {
    dists: [
      ...TOOLKIT_132,
      'nvidia-cudnn-cu12-9.28.0.42',
      'nvidia-cublas-cu12-12.9.3.13'
    ],
    plain: TORCH_215_REST
  },
  twoCudnnAlone: {
    dists: ['nvidia-cudnn-cu12-9.28.0.42', 'nvidia-cudnn-cu13-9.26.0.51'],
    plain: [
      ['nvidia_cublas_cu12', '12.9.3.13'],
      ['nvidia_cublas', '13.4.1.3']
    ]
  },
  conda: {
    dists: TOOLKIT_132,
    plain: TORCH_215_REST,
    conda: [
      'libcublas-12.9.1.4-h9ab20c4_0.json',
      'cudnn-9.10.1.4-haad7af6_0.json'
    ]
  },
  ldPath: {
    dists: TOOLKIT_132,
    plain: TORCH_215_REST,
    system_libs: ['libcublas.so.13', 'libcudnn.so.9', 'libnvrtc.so.13']
  },
  ldPathNoWheels: { dists: [], system_libs: ['libcublas.so.13'] },
  noRecord: {
    dists: TOOLKIT_132,
    plain: TORCH_215_REST,
    no_record: ['nvidia-cublas-13.4.1.3']
  }
};

let inventories: { [name: string]: { cuda_libs: unknown; errors: unknown[] } };
let base: IProbeReport;

beforeAll(() => {
  const out = execFileSync(
    PYTHON,
    [path.join(ROOT, 'tests/cuda_scenarios.py')],
    {
      input: JSON.stringify(SCENARIOS),
      encoding: 'utf-8'
    }
  );
  inventories = JSON.parse(out);
  base = JSON.parse(
    readFileSync(
      path.join(ROOT, 'src/advice/golden/bases/real-torch-cu130.json'),
      'utf-8'
    )
  );
  // The report of PyPI's torch 2.15.0 (CUDA 13.2), with its real requirements.
  base.packages.torch = {
    ...base.packages.torch!,
    version: '2.15.0',
    build_version: '2.15.0+cu132',
    local: 'cu132',
    cuda: '13.2',
    requires: realRequires('torch-2.15.0')
  };
});

function reportOf(
  name: string,
  edit?: (r: IProbeReport) => void
): IProbeReport {
  const r = JSON.parse(JSON.stringify(base)) as IProbeReport;
  r.cuda_libs = JSON.parse(JSON.stringify(inventories[name].cuda_libs));
  edit?.(r);
  const check = checkReport(r);
  if (!check.ok) {
    throw new Error(english(check.message));
  }
  return check.report;
}

function findings(
  name: string,
  edit?: (r: IProbeReport) => void
): ICudaFinding[] {
  return cudaLibsAdvice(reportOf(name, edit))!.findings;
}

describe('CUDA library findings', () => {
  it('finds nothing in a clean torch 2.15 environment', () => {
    const advice = cudaLibsAdvice(reportOf('clean'))!;
    expect(advice.findings).toEqual([]);
    expect(advice.hasError).toBe(false);
    expect(advice.rows[0]).toEqual({
      name: 'torch',
      version: '2.15.0+cu132',
      cuda: 13
    });
    expect(advice.rows.map(r => r.name)).toContain('nvidia-cudnn-cu13');
  });

  it('says nothing without an inventory (an older probe)', () => {
    const r = reportOf('clean', x => delete x.cuda_libs);
    expect(cudaLibsAdvice(r)).toBeNull();
  });

  it('names who needs which cuDNN when torch’s pin is broken, with the exact fix', () => {
    const [f, ...rest] = findings('cudnnUpgraded');
    expect(rest).toEqual([]);
    expect(f.id).toBe('cuda-requirement-broken');
    expect(f.severity).toBe('error');
    expect(english(f.message)).toBe(
      'torch 2.15.0 needs nvidia-cudnn-cu13==9.26.0.51; 9.28.1.4 is installed.'
    );
    expect(f.evidence.requirement).toBe(
      'nvidia-cudnn-cu13==9.26.0.51; platform_system == "Linux"'
    );
    expect(f.cell).toBe(
      '%pip install nvidia-cudnn-cu13==9.26.0.51 --index-url https://pypi.org/simple'
    );
  });

  it('reads cuda-toolkit’s extra-gated pins once: a too new cuBLAS breaks torch’s toolkit', () => {
    const fs = findings('cublasTooNew');
    expect(fs.map(f => f.id)).toEqual(['cuda-requirement-broken']);
    expect(english(fs[0].message)).toBe(
      'cuda-toolkit 13.2.2 needs nvidia-cublas==13.4.1.3.*; 13.10.0.20 is installed.'
    );
    expect(fs[0].cell).toBe(
      "%pip install 'nvidia-cublas==13.4.1.3.*' --index-url https://pypi.org/simple"
    );
  });

  it('reports a missing requirement of a framework', () => {
    const fs = findings('jaxMissingPjrt');
    const f = fs.find(x => x.id === 'cuda-requirement-missing')!;
    expect(english(f.message)).toBe(
      'jax-cuda13-plugin 0.10.2 needs jax-cuda13-pjrt==0.10.2, which is not installed.'
    );
    expect(f.cell).toBe(
      '%pip install jax-cuda13-pjrt==0.10.2 --index-url https://pypi.org/simple'
    );
  });

  it('says when two requirers cannot both be satisfied', () => {
    // jax-cuda13-plugin[with-cuda] asks nvidia-cudnn-cu13<10.0,>=9.12.0.46: met by 9.26.0.51.
    // A requirer pinning another version makes the clash.
    const fs = findings('cudnnUpgraded', r => {
      r.cuda_libs!.dists.push({
        name: 'jax-cuda13-plugin',
        version: '0.8.1',
        cuda_major: 13,
        cuda_from: 'name',
        requires: [
          // Its whole with-cuda extra is installed, so the extra counts.
          'nvidia-cudnn-cu13>=9.28; sys_platform == "linux" and extra == "with-cuda"',
          'nvidia-cublas>=13.0.0.19; sys_platform == "linux" and extra == "with-cuda"'
        ],
        record: true,
        location: '/scenario'
      });
    });
    const f = fs.find(x => x.id === 'cuda-requirement-broken')!;
    expect(f.cell).toBeNull();
    expect(english(f.note!)).toBe(
      'Cannot be fixed in place: torch needs nvidia-cudnn-cu13==9.26.0.51 and jax-cuda13-plugin needs nvidia-cudnn-cu13>=9.28, and no version satisfies both. Keep them in separate environments, or change one of them.'
    );
  });

  it('cupy-cuda12x next to a CUDA 13 torch: mixed majors, and the matching CuPy', () => {
    const fs = findings('cupy12');
    expect(fs.map(f => f.id).sort()).toEqual([
      'cuda-majors-mixed',
      'framework-cuda-mismatch'
    ]);
    const mixed = fs.find(f => f.id === 'cuda-majors-mixed')!;
    expect(english(mixed.message)).toContain(
      'CUDA 12: cupy-cuda12x; CUDA 13: torch, cuda-bindings, cuda-toolkit, '
    );
    const m = fs.find(f => f.id === 'framework-cuda-mismatch')!;
    expect(english(m.message)).toBe(
      'cupy-cuda12x 14.2.0 is built for CUDA 12, but torch uses CUDA 13: one of them may fall back to the CPU or fail to load its libraries.'
    );
    expect(m.cell).toBe(
      '%pip uninstall -y cupy-cuda12x\n%pip install cupy-cuda13x --index-url https://pypi.org/simple'
    );
  });

  it('jax-cuda12-plugin next to a CUDA 13 torch: JAX’s own cuda13 extra, no guessed plugin version', () => {
    const ms = findings('jax12').filter(
      f => f.id === 'framework-cuda-mismatch'
    );
    expect(ms.length).toBe(1);
    const m = ms[0];
    expect(m.cell).toBe(
      "%pip uninstall -y jax-cuda12-pjrt jax-cuda12-plugin\n%pip install --upgrade 'jax[cuda13]' --index-url https://pypi.org/simple"
    );
  });

  it('a fix cell names no version no index showed, and uses the kernel’s own PyPI', () => {
    const m = findings('cupy12', r => {
      r.install.env = {
        ...r.install.env,
        PIP_INDEX_URL: 'http://mirror.test/simple/'
      };
    }).find(f => f.id === 'framework-cuda-mismatch')!;
    expect(m.cell).toBe(
      '%pip uninstall -y cupy-cuda12x\n%pip install cupy-cuda13x --index-url http://mirror.test/simple'
    );
    expect(m.cell).not.toMatch(/==/);
    expect(english(m.note!)).toContain('left to pip');
  });

  it('a Windows kernel’s own PyPI with a %-escape is refused for cmd.exe: the fix uses pypi.org', () => {
    const m = findings('cupy12', r => {
      r.platform.system = 'Windows';
      r.install.env = {
        ...r.install.env,
        PIP_INDEX_URL: 'http://mirror.test/a%20b/simple'
      };
    }).find(f => f.id === 'framework-cuda-mismatch')!;
    expect(m.cell).toContain('--index-url https://pypi.org/simple');
    expect(m.cell).not.toContain('%20');
  });

  it('the reverse: cupy-cuda13x next to a CUDA 12 torch', () => {
    const fs = findings('cupy12', r => {
      r.packages.torch!.cuda = '12.6';
      r.packages.torch!.requires = realRequires('torch-2.7.1');
      r.cuda_libs!.dists = r.cuda_libs!.dists.filter(
        d => d.name === 'cupy-cuda12x'
      );
      r.cuda_libs!.dists[0] = {
        ...r.cuda_libs!.dists[0],
        name: 'cupy-cuda13x',
        cuda_major: 13
      };
    });
    const m = fs.find(f => f.id === 'framework-cuda-mismatch')!;
    expect(m.cell).toBe(
      '%pip uninstall -y cupy-cuda13x\n%pip install cupy-cuda12x --index-url https://pypi.org/simple'
    );
  });

  it('TensorFlow’s CUDA 12 next to torch’s CUDA 13 cannot be fixed in place', () => {
    const m = findings('tensorflow').find(
      f => f.id === 'framework-cuda-mismatch'
    )!;
    expect(m.cell).toBeNull();
    expect(english(m.note!)).toBe(
      'Cannot be fixed in place: tensorflow 2.21.0 requires CUDA 12 libraries. Keep it in its own environment, or use a torch built for CUDA 12.'
    );
  });

  it('two cuDNN and two cuBLAS distributions; the unrequired ones can go', () => {
    const fs = findings('twoCudnn');
    const dups = fs.filter(f => f.id === 'cuda-lib-duplicate');
    expect(dups.map(f => english(f.message))).toEqual([
      'More than one cuDNN is installed: nvidia-cudnn-cu12 9.28.0.42, nvidia-cudnn-cu13 9.26.0.51. The first one loaded wins for every framework in the process.',
      'More than one cuBLAS is installed: nvidia-cublas 13.4.1.3, nvidia-cublas-cu12 12.9.3.13. The first one loaded wins for every framework in the process.'
    ]);
    // nvidia-cudnn-cu12 requires nvidia-cublas-cu12, so only cudnn-cu12 is a leftover.
    expect(dups[0].cell).toBe('%pip uninstall -y nvidia-cudnn-cu12');
    expect(dups[1].cell).toBeNull();
    const mixed = fs.find(f => f.id === 'cuda-majors-mixed')!;
    expect(mixed.cell).toBe('%pip uninstall -y nvidia-cudnn-cu12');
  });

  it('two cuDNN that nothing requires: the other CUDA major’s one can go', () => {
    const fs = findings('twoCudnnAlone', r => (r.packages.torch = null));
    const dup = fs.find(f => f.id === 'cuda-lib-duplicate')!;
    expect(dup.cell).toBe('%pip uninstall -y nvidia-cudnn-cu12');
    expect(english(dup.note!)).toBe(
      'Nothing installed requires nvidia-cudnn-cu12.'
    );
  });

  it('conda’s libcu* next to pip’s nvidia-* wheels', () => {
    const fs = findings('conda');
    const f = fs.find(x => x.id === 'conda-pip-cuda-mixed')!;
    expect(english(f.message)).toBe(
      'conda’s CUDA packages (cudnn 9.10.1.4, libcublas 12.9.1.4) and pip’s NVIDIA wheels (cuda-toolkit 13.2.2, nvidia-cublas 13.4.1.3, nvidia-cuda-cupti 13.2.86, nvidia-cuda-nvrtc 13.2.86, nvidia-cuda-runtime 13.2.86, nvidia-cudnn-cu13 9.26.0.51) are both installed: frameworks may load a mix of the two.'
    );
    expect(f.cell).toBeNull();
    expect(fs.filter(x => x.id === 'cuda-lib-duplicate').length).toBe(2);
  });

  it('a system CUDA folder on LD_LIBRARY_PATH shadows the wheels', () => {
    const f = findings('ldPath').find(x => x.id === 'ld-library-path-shadows')!;
    expect(f.evidence).toEqual({
      LD_LIBRARY_PATH: '/scenario/usr/local/cuda/lib64',
      libraries: 'libcublas.so.13, libcudnn.so.9'
    });
    expect(english(f.note!)).toContain(
      'remove /scenario/usr/local/cuda/lib64 from LD_LIBRARY_PATH'
    );
    expect(findings('ldPathNoWheels', r => (r.packages.torch = null))).toEqual(
      []
    );
  });

  it('the status bar learns of errors only', () => {
    const warned = cudaLibsAdvice(reportOf('cupy12'))!;
    expect(warned.findings.map(f => f.severity)).toEqual([
      'warning',
      'warning'
    ]);
    expect(warned.hasError).toBe(false);
    expect(cudaLibsAdvice(reportOf('cudnnUpgraded'))!.hasError).toBe(true);
  });

  it('bad input: broken metadata and a missing RECORD are errors of the report, not throws', () => {
    expect(inventories.noRecord.errors).toEqual([
      {
        source: 'cuda-libs:nvidia_cublas-13.4.1.3.dist-info',
        reason: 'missing',
        detail:
          'no RECORD: pip cannot uninstall or upgrade this distribution cleanly'
      }
    ]);
    const r = reportOf('clean', x => {
      x.cuda_libs!.dists[0].requires = [
        'nvidia-cublas (((',
        'nvidia-cudnn-cu13==not a version',
        ''
      ];
    });
    expect(() => cudaLibsAdvice(r)).not.toThrow();
  });

  it('refuses kernel text that would not be a safe shell word', () => {
    const fs = findings('cudnnUpgraded', r => {
      r.packages.torch!.requires = [
        'nvidia-cudnn-cu13==9.26.0.51; platform_system == "Linux"'
      ];
      r.cuda_libs!.dists.push({
        name: 'cupy-cuda12x$(reboot)',
        version: '1',
        cuda_major: 12,
        cuda_from: 'name',
        requires: [],
        record: true,
        location: '/x'
      });
    });
    expect(fs.every(f => !f.cell || !f.cell.includes('$('))).toBe(true);
  });
});

describe('requirements and markers', () => {
  const env = {
    sys_platform: 'linux',
    platform_system: 'Linux',
    platform_machine: 'x86_64',
    python_version: '3.11'
  };
  it('parses metadata’s forms', () => {
    expect(
      parseRequirement(
        'cuda-toolkit[cublas,cudart]==13.2.2; platform_system == "Linux"'
      )
    ).toMatchObject({
      name: 'cuda-toolkit',
      extras: ['cublas', 'cudart'],
      spec: '==13.2.2',
      marker: 'platform_system == "Linux"'
    });
    expect(parseRequirement('nvidia_cublas_cu12 (>=12.1)')).toMatchObject({
      name: 'nvidia-cublas-cu12',
      spec: '>=12.1'
    });
    expect(parseRequirement('x==not a version')).toBeNull();
  });
  it('evaluates markers in three values', () => {
    expect(
      evaluateMarker(
        'platform_system == "Linux" and python_version < "3.15"',
        env
      )
    ).toBe(true);
    expect(evaluateMarker('python_version >= "3.12"', env)).toBe(false);
    expect(
      evaluateMarker("sys_platform == 'linux' and extra == 'with-cuda'", env)
    ).toBeNull();
    expect(
      evaluateMarker("sys_platform == 'win32' and extra == 'with-cuda'", env)
    ).toBe(false);
    expect(
      evaluateMarker(
        "(sys_platform == 'linux' and platform_machine == 'aarch64' or sys_platform == 'linux' and platform_machine == 'x86_64') and extra == 'all'",
        env
      )
    ).toBeNull();
    expect(evaluateMarker('python_version <', env)).toBeNull();
  });
});
