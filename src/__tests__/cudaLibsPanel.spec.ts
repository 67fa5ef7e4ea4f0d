/**
 * The "CUDA libraries" panel section and its effect on the status bar.
 */
import { nullTranslator } from '@jupyterlab/translation';

import { cudaLibsAdvice, cudaLibsOf } from '../advice/cudaLibs';
import { renderCudaLibs } from '../panel/cudaLibsView';
import type { ICudaDist, IProbeReport } from '../report/types';
import { statusSummary } from '../status/statusText';
import { loadBase, reportState } from './canned';
import { MARK, untranslated } from './translate';

const trans = nullTranslator.load('jupyterlab_torch_doctor');

function dist(
  name: string,
  version: string,
  major: number | null,
  requires: string[] = []
): ICudaDist {
  return {
    name,
    version,
    cuda_major: major,
    cuda_from: major === null ? null : 'name',
    requires,
    record: true,
    location: '/env'
  };
}

function withLibs(
  dists: ICudaDist[],
  ld: { path: string; libs: string[]; in_env: boolean }[] = []
): IProbeReport {
  const r = loadBase('real-torch-cu130') as IProbeReport;
  r.packages.torch!.requires = [
    'nvidia-cudnn-cu13==9.13.0.50; platform_system == "Linux"'
  ];
  r.cuda_libs = { dists, conda: null, ld_library_path: ld, truncated: false };
  return r;
}

describe('CUDA libraries section', () => {
  it('is collapsed when all is well and lists the families', () => {
    const r = withLibs([dist('nvidia-cudnn-cu13', '9.13.0.50', 13)]);
    const box = renderCudaLibs(cudaLibsAdvice(r)!, trans)!;
    expect(box.tagName).toBe('DETAILS');
    expect((box as HTMLDetailsElement).open).toBe(false);
    expect(box.querySelector('summary')!.textContent).toBe(
      'CUDA libraries: no clash found'
    );
    expect(
      Array.from(box.querySelectorAll('dt')).map(d => d.textContent)
    ).toEqual(['torch', 'nvidia-cudnn-cu13']);
    expect(box.querySelector('dd')!.textContent).toBe('2.14.1+cu130 · CUDA 13');
  });

  it('opens with findings on top, their evidence and fix cell as text', () => {
    const r = withLibs(
      [
        dist('nvidia-cudnn-cu13', '9.8.0<img src=x onerror=alert(1)>', 13),
        dist('cupy-cuda12x', '14.2.0', 12)
      ],
      [
        {
          path: '/usr/local/cuda/lib64',
          libs: ['libcudnn.so.9'],
          in_env: false
        }
      ]
    );
    const box = renderCudaLibs(
      cudaLibsAdvice(r)!,
      trans
    )! as HTMLDetailsElement;
    expect(box.open).toBe(true);
    expect(box.dataset.severity).toBe('error');
    const first = box.children[1] as HTMLElement;
    expect(first.className).toBe('jp-TorchDoctor-finding');
    expect(first.dataset.severity).toBe('error');
    expect(first.querySelector('summary')!.textContent).toBe(
      'torch 2.14.1 needs nvidia-cudnn-cu13==9.13.0.50; 9.8.0<img src=x onerror=alert(1)> is installed.'
    );
    expect(box.querySelector('img')).toBeNull();
    expect(first.querySelector('pre')!.textContent).toBe(
      '%pip install nvidia-cudnn-cu13==9.13.0.50 --index-url https://pypi.org/simple'
    );
    const ids = Array.from(box.querySelectorAll('.jp-TorchDoctor-finding')).map(
      n => (n as HTMLElement).dataset.severity
    );
    expect(ids).toEqual(['error', 'warning', 'warning', 'warning']);
    expect(box.textContent).toContain(
      'LD_LIBRARY_PATH /usr/local/cuda/lib64: libcudnn.so.9'
    );
  });

  it('offers each fix cell for insertion, by the finding’s index', () => {
    const r = withLibs([dist('nvidia-cudnn-cu13', '9.8.0', 13)]);
    const actions: object[] = [];
    const box = renderCudaLibs(cudaLibsAdvice(r)!, trans, {
      action: a => {
        actions.push(a);
        return document.createElement('button');
      }
    })!;
    expect(actions).toEqual([
      expect.objectContaining({
        label: 'Insert Fix Cell',
        command: 'jupyterlab-torch-doctor:insert-cuda-fix',
        args: { finding: 0 }
      })
    ]);
    expect(box.querySelectorAll('button').length).toBe(1);
  });

  it('offers the GPU check after an install only, when JAX or CuPy is there', () => {
    const r = withLibs([
      dist('nvidia-cudnn-cu13', '9.13.0.50', 13),
      dist('jax-cuda13-plugin', '0.10.2', 13)
    ]);
    const labels = (afterInstall: boolean) => {
      const seen: string[] = [];
      renderCudaLibs(cudaLibsAdvice(r)!, trans, {
        afterInstall,
        action: a => {
          seen.push(a.command);
          return document.createElement('button');
        }
      });
      return seen;
    };
    expect(labels(false)).toEqual([]);
    expect(labels(true)).toEqual([
      'jupyterlab-torch-doctor:check-frameworks-gpu'
    ]);
  });

  it('translates every sentence it writes', () => {
    const r = withLibs([dist('cupy-cuda12x', '14.2.0', 12)]);
    const box = renderCudaLibs(cudaLibsAdvice(r)!, MARK)!;
    for (const s of Array.from(
      box.querySelectorAll('summary, p, .jp-TorchDoctor-cudaFix')
    )) {
      expect(
        untranslated(s.textContent ?? '', [
          'cupy-cuda12x',
          '14.2.0',
          '2.14.1+cu130'
        ])
      ).toBe('');
    }
  });

  it('says nothing for a report without an inventory', () => {
    const r = loadBase('real-torch-cu130') as IProbeReport;
    delete r.cuda_libs;
    expect(cudaLibsOf(r)).toBeNull();
  });
});

describe('status bar', () => {
  it('is unchanged by warnings', () => {
    const plain = statusSummary(
      reportState(loadBase('real-torch-cu130')),
      trans
    )!;
    const warned = statusSummary(
      reportState(
        withLibs([
          dist('nvidia-cudnn-cu13', '9.13.0.50', 13),
          dist('cupy-cuda12x', '14.2.0', 12)
        ])
      ),
      trans
    )!;
    expect(warned.text).toBe(plain.text);
    expect(warned.level).toBe(plain.level);
  });

  it('says so when a finding is an error', () => {
    const s = statusSummary(
      reportState(withLibs([dist('nvidia-cudnn-cu13', '9.8.0', 13)])),
      trans
    )!;
    expect(s.text).toContain('CUDA libraries ✗');
    expect(s.level).toBe('error');
  });
});
