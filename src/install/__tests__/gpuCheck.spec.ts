/**
 * The optional check after an install: which frameworks to ask, and their
 * answers read. The job itself runs JAX for real in tests/test_probe_gpucheck.py.
 */
import { loadBase } from '../../__tests__/canned';
import { english } from '../../report/message';
import type { IProbeReport } from '../../report/types';
import { gpuFrameworks, readGpuCheck } from '../gpuCheck';
import type { IPreviewJob } from '../preview';

const dist = (name: string) => ({
  name,
  version: '1',
  cuda_major: 13,
  cuda_from: 'name' as const,
  requires: [],
  record: true,
  location: '/env'
});

function reportWith(names: string[]): IProbeReport {
  const r = loadBase('real-torch-cu130') as IProbeReport;
  r.cuda_libs = {
    dists: names.map(dist),
    conda: null,
    ld_library_path: [],
    truncated: false
  };
  return r;
}

const ok = (result: unknown): IPreviewJob => ({
  status: 'ok',
  result,
  error: null,
  duration_ms: 1
});

describe('gpu check', () => {
  it('asks the frameworks whose GPU packages are installed', () => {
    expect(
      gpuFrameworks(reportWith(['jax-cuda13-plugin', 'jaxlib', 'cupy-cuda13x']))
    ).toEqual(['jax', 'cupy']);
    expect(gpuFrameworks(reportWith(['jaxlib', 'nvidia-cublas']))).toEqual([]);
    expect(gpuFrameworks(loadBase('real-torch-cu130') as IProbeReport)).toEqual(
      []
    );
  });

  it('reads each framework’s answer', async () => {
    const rows = await readGpuCheck(
      ok({
        results: [
          {
            framework: 'jax',
            ok: true,
            gpu: false,
            version: '0.10.2',
            devices: ['TFRT_CPU_0'],
            error: null
          },
          {
            framework: 'cupy',
            ok: false,
            gpu: false,
            version: null,
            devices: [],
            error:
              'Traceback…\nImportError: libcudart.so.12: cannot open shared object file'
          }
        ]
      }),
      ['jax', 'cupy']
    );
    expect(rows.map(r => english(r.message))).toEqual([
      'jax 0.10.2 sees no GPU (devices: TFRT_CPU_0): it runs on the CPU.',
      'cupy failed: ImportError: libcudart.so.12: cannot open shared object file'
    ]);
    const gpu = await readGpuCheck(
      ok({
        results: [
          {
            framework: 'jax',
            ok: true,
            gpu: true,
            version: '0.10.2',
            devices: ['cuda:0'],
            error: null
          }
        ]
      }),
      ['jax']
    );
    expect(english(gpu[0].message)).toBe('jax 0.10.2 sees the GPU: cuda:0.');
  });

  it.each([
    [
      { ...ok(null), status: 'timeout' as const },
      'The check did not finish in time.'
    ],
    [
      { ...ok(null), status: 'error' as const, end: 'dead' as const },
      'The kernel died or restarted during the check.'
    ],
    [
      { ...ok(null), status: 'crashed' as const, error: 'exit 9' },
      'The check failed: exit 9'
    ],
    [
      ok({ results: [{ framework: 'tensorflow' }] }),
      'The check’s reply is malformed.'
    ]
  ])('a failed job says why for every framework (%#)', async (job, text) => {
    const rows = await readGpuCheck(job as IPreviewJob, ['jax', 'cupy']);
    expect(rows.map(r => english(r.message))).toEqual([text, text]);
  });
});
