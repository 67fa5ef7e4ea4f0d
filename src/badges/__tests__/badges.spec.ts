import { StateDB } from '@jupyterlab/statedb';
import type { KernelSpec } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { advise } from '../../advice/engine';
import { FakeModel, loadBase, loadCase } from '../../__tests__/canned';
import type { IProbeRecord } from '../../tokens';
import { MARK, untranslated } from '../../__tests__/translate';
import { badgeOf, badgeTitle, unprobed } from '../badge';
import { BadgeCache } from '../cache';
import { BADGE_CLASS, cardKernel, decorate, undecorate } from '../decorator';
import { LauncherBadges } from '../launcherBadges';
import { kernelCard, launcherHtml, manySpecs } from './launcherDom';
import { msg } from '../../report/message';

const record = (
  kernelName: string,
  report = loadBase('real-torch-cpu')
): IProbeRecord => ({
  kernelName,
  kernelId: 'k',
  outcome: { kind: 'report', kernelId: 'k', report, roundTripMs: 1 },
  advice: advise(report),
  at: new Date(0)
});

describe('badgeOf', () => {
  it('translates every sentence; only the build stays as it is', () => {
    const outcomes: IProbeRecord['outcome'][] = [
      { kind: 'not-python', kernelId: 'k', language: 'R' },
      { kind: 'timeout', kernelId: 'k', waitedForBusyKernel: false },
      { kind: 'error', kernelId: 'k', message: msg('Boom: %1', 'x') }
    ];
    const records = [
      ...[
        'real-torch-cpu',
        'real-no-torch',
        'real-cu130-broken',
        'real-torch-cu130'
      ].map(b => record(b, loadBase(b))),
      record('c', loadCase('cpu-build-rtx4090-driver580')),
      ...outcomes.map(outcome => ({ ...record('o'), outcome, advice: null }))
    ];
    for (const r of records) {
      const b = badgeOf(r, MARK);
      const build =
        r.outcome.kind === 'report'
          ? (r.outcome.report.packages.torch?.build_version ?? '')
          : '';
      expect(untranslated(b.text, [build])).toBe('');
      expect(untranslated(b.verdict)).toBe('');
      expect(untranslated(badgeTitle(b, MARK))).toBe('');
    }
    expect(untranslated(unprobed(MARK).verdict)).toBe('');
  });

  it('shows the build and the fit', () => {
    expect(badgeOf(record('a'))).toMatchObject({
      fit: 'ok',
      text: '✓ 2.13.0+cpu',
      at: new Date(0).toISOString()
    });
    expect(badgeOf(record('a', loadBase('real-no-torch')))).toMatchObject({
      fit: 'no-torch',
      text: 'no torch'
    });
    expect(
      badgeOf(record('a', loadCase('cpu-build-rtx4090-driver580'))).fit
    ).toBe('warn');
    expect(badgeOf(record('a', loadBase('real-cu130-broken')))).toMatchObject({
      fit: 'broken',
      text: '✗ 2.14.1+cu130'
    });
  });

  it('names probe failures', () => {
    const fail = (outcome: IProbeRecord['outcome']) =>
      badgeOf({ ...record('a'), outcome, advice: null });
    expect(
      fail({ kind: 'timeout', kernelId: 'k', waitedForBusyKernel: false })
    ).toMatchObject({ fit: 'failed', text: '✗ timed out' });
    expect(
      fail({
        kind: 'error',
        kernelId: '',
        message: msg('The kernel failed to start: %1', 500)
      })
    ).toMatchObject({
      fit: 'failed',
      verdict: 'The kernel failed to start: 500'
    });
    expect(
      fail({ kind: 'not-python', kernelId: 'k', language: 'R' })
    ).toMatchObject({ fit: 'not-python', text: 'not Python' });
  });
});

describe('decorate', () => {
  const specs = [
    { name: 'torch-cpu', displayName: 'Python (torch)', language: 'python' },
    { name: 'no-torch', displayName: 'Python (bare)', language: 'python' },
    { name: 'ir', displayName: 'R', language: 'R' }
  ];
  const badges = (root: HTMLElement) =>
    Array.from(root.querySelectorAll<HTMLElement>(`.${BADGE_CLASS}`));

  it('identifies cards by the icon URL, or else by the label', () => {
    const root = document.createElement('div');
    root.innerHTML =
      kernelCard(specs[0], 'Notebook') + kernelCard(specs[1], 'Console', false);
    const [a, b] = Array.from(
      root.querySelectorAll<HTMLElement>('.jp-LauncherCard')
    );
    expect(cardKernel(a, specs)?.name).toBe('torch-cpu');
    expect(cardKernel(b, specs)?.name).toBe('no-torch');
  });

  it('is idempotent, keeps labels, and skips other cards', () => {
    const root = document.createElement('div');
    root.innerHTML = launcherHtml(specs);
    const badgeFor = (s: { name: string; language: string }) =>
      s.language === 'python'
        ? s.name === 'torch-cpu'
          ? badgeOf(record(s.name))
          : unprobed()
        : null;
    expect(decorate(root, specs, badgeFor)).toBe(4);
    const first = badges(root);
    expect(first.map(b => b.textContent)).toEqual([
      '✓ 2.13.0+cpu',
      '?',
      '✓ 2.13.0+cpu',
      '?'
    ]);
    expect(first[0].title).toMatch(/right build/);
    expect(decorate(root, specs, badgeFor)).toBe(4);
    expect(badges(root)).toEqual(first); // the same nodes, none added
    root
      .querySelectorAll('.jp-LauncherCard-label')
      .forEach(l => expect(l.querySelector(`.${BADGE_CLASS}`)).toBeNull());
    expect(
      root.querySelector('[data-category="Other"] .' + BADGE_CLASS)
    ).toBeNull();
    undecorate(root);
    expect(badges(root)).toEqual([]);
  });
});

/** A kernelspec manager stand-in: the specs and their change signal. */
class FakeSpecs {
  specs: KernelSpec.ISpecModels;
  specsChanged = new Signal<this, KernelSpec.ISpecModels>(this);
  constructor(list: { name: string; displayName: string; language: string }[]) {
    this.specs = this.models(list);
  }
  models(list: { name: string; displayName: string; language: string }[]) {
    const kernelspecs: { [k: string]: KernelSpec.ISpecModel } = {};
    for (const s of list) {
      kernelspecs[s.name] = {
        name: s.name,
        display_name: s.displayName,
        language: s.language,
        argv: [],
        resources: {}
      };
    }
    return { default: list[0]?.name ?? '', kernelspecs };
  }
  set(list: { name: string; displayName: string; language: string }[]) {
    this.specs = this.models(list);
    this.specsChanged.emit(this.specs);
  }
}

const flush = () => new Promise(r => setTimeout(r, 0));

describe('BadgeCache', () => {
  it('keeps the newest result, whatever order the probes arrive in', async () => {
    const model = new FakeModel();
    const cache = new BadgeCache(model, new StateDB());
    await cache.ready;
    const at = (r: IProbeRecord, t: number): IProbeRecord => ({
      ...r,
      at: new Date(t)
    });
    // After an install: the kernel now runs the CPU build...
    model.publish(at(record('env'), 2000));
    // ...and a closed kernel's report from before it is re-advised.
    model.publish(at(record('env', loadBase('real-cu130-broken')), 1000));
    expect(cache.get('env')?.text).toBe('✓ 2.13.0+cpu');
    // A newer result replaces it, and so does one of the same probe.
    model.publish(at(record('env', loadBase('real-no-torch')), 2000));
    expect(cache.get('env')?.fit).toBe('no-torch');
    cache.dispose();
  });
});

describe('LauncherBadges', () => {
  it('survives a re-render, updates live, follows the setting and the specs, and lets go when disposed', async () => {
    const list = manySpecs(3);
    const model = new FakeModel();
    const state = new StateDB();
    const cache = new BadgeCache(model, state);
    await cache.ready;
    const specs = new FakeSpecs(list);
    const badges = new LauncherBadges({
      model,
      cache,
      specs: specs as unknown as KernelSpec.IManager
    });
    const launcher = new Widget();
    launcher.node.innerHTML = launcherHtml(list);
    badges.watch(launcher);
    badges.watch(launcher); // twice is once
    expect(badges.watched).toBe(1);
    const texts = () =>
      Array.from(launcher.node.querySelectorAll(`.${BADGE_CLASS}`)).map(
        b => `${(b as HTMLElement).dataset.kernel}:${b.textContent}`
      );
    expect(texts()).toEqual(['env-0:?', 'env-1:?', 'env-0:?', 'env-1:?']);

    // A probe anywhere updates the cards and is saved.
    model.publish(record('env-1'));
    expect(texts()).toContain('env-1:✓ 2.13.0+cpu');
    const saved = (await state.fetch('jupyterlab-torch-doctor:badges')) as any;
    expect(saved['env-1'].text).toBe('✓ 2.13.0+cpu');

    // React re-renders the cards: the observer puts the badges back.
    launcher.node.innerHTML = launcherHtml(list);
    await flush();
    expect(texts()).toHaveLength(4);

    // A new cache reads the saved badges (a reload).
    const again = new BadgeCache(model, state);
    await again.ready;
    expect(again.get('env-1')?.text).toBe('✓ 2.13.0+cpu');

    model.updateSettings({ showLauncherBadges: false });
    expect(texts()).toEqual([]);
    model.updateSettings({ showLauncherBadges: true });
    expect(texts()).toHaveLength(4);

    // A kernelspec removed: its cards go, the others keep their badges.
    specs.set(list.slice(1));
    launcher.node.innerHTML = launcherHtml(list.slice(1));
    await flush();
    expect(texts()).toEqual(['env-1:✓ 2.13.0+cpu', 'env-1:✓ 2.13.0+cpu']);

    launcher.dispose();
    expect(badges.watched).toBe(0);
    badges.dispose();
    cache.dispose();
    again.dispose();
  });
});
