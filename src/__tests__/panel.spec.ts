import { TorchDoctorPanel } from '../panel/panel';
import { FakeModel, loadBase as load, reportState } from './canned';

describe('TorchDoctorPanel', () => {
  it('renders the verdict, findings with evidence, plans and facts of a real report', () => {
    const model = new FakeModel();
    const panel = new TorchDoctorPanel({ model });
    model.set(reportState(load('real-torch-cu130')));
    const text = panel.node.textContent ?? '';
    expect(
      panel.node
        .querySelector('.jp-TorchDoctor-verdict')
        ?.getAttribute('data-verdict')
    ).toBe('works-but-suboptimal');
    expect(text).toContain('runs here on the CPU only');
    expect(panel.node.querySelector('.jp-TorchDoctor-cell')?.textContent).toBe(
      '%pip install torch==2.14.1+cpu torchvision==0.29.1+cpu --index-url https://download.pytorch.org/whl/cpu'
    );
    expect(text).toContain('2.14.1+cu130');
    expect(
      panel.node.querySelectorAll('details.jp-TorchDoctor-finding').length
    ).toBeGreaterThan(0);
    panel.dispose();
  });

  it('shows every state', () => {
    const model = new FakeModel();
    const panel = new TorchDoctorPanel({ model });
    const status = () =>
      panel.node.querySelector('.jp-TorchDoctor-state')?.textContent;
    expect(status()).toMatch(/Open a notebook or console/);
    model.set({ phase: 'probing', kernelId: 'k', kernelDisplayName: 'R' });
    expect(status()).toMatch(/Probing/);
    model.set({ phase: 'waiting' });
    expect(status()).toMatch(/busy running a cell/);
    model.set({
      phase: 'done',
      outcome: { kind: 'not-python', kernelId: 'k', language: 'R' }
    });
    expect(status()).toMatch(/Not a Python kernel \(R\)/);
    model.set({
      outcome: { kind: 'timeout', kernelId: 'k', waitedForBusyKernel: true }
    });
    expect(status()).toMatch(/Timed out waiting for the busy kernel/);
    model.set({
      outcome: { kind: 'dead', kernelId: 'k', message: 'The kernel died.' }
    });
    expect(status()).toBe('The kernel died.');
    expect(panel.node.querySelector('[role="alert"]')).not.toBeNull();
    panel.dispose();
  });

  it('renders kernel-provided text as text, never as HTML', () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const report = load('real-torch-cpu');
    report.deep = null;
    report.nvidia = {
      ...report.nvidia,
      driver: '580.95.05',
      cuda_driver_max: '13.0',
      dev_nodes: ['nvidia0'],
      gpus: [
        {
          index: 0,
          name: evil,
          memory_mib: 1,
          compute_capability: '8.9',
          mig: null
        }
      ]
    };
    report.environment.hostname = evil;
    const model = new FakeModel();
    const panel = new TorchDoctorPanel({ model });
    model.set(reportState(report));
    expect(panel.node.querySelector('img')).toBeNull();
    expect(panel.node.textContent).toContain(evil);
    expect((window as any).__pwned).toBeUndefined();
    panel.dispose();
  });
});
