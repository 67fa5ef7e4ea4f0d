/**
 * UI benchmarks in jsdom: rendering the panel for a large report, and
 * decorating a Launcher with 30 kernelspecs. Prints medians; asserts
 * nothing about time.
 *
 *   npm run bench:ui
 */
import { advise } from '../src/advice/engine';
import type { IFinding } from '../src/advice/types';
import { decorate } from '../src/badges/decorator';
import { badgeOf, unprobed } from '../src/badges/badge';
import {
  FakeModel,
  loadBase,
  loadCase,
  NO_KERNEL,
  reportState
} from '../src/__tests__/canned';
import { launcherHtml, manySpecs } from '../src/badges/__tests__/launcherDom';
import { TorchDoctorPanel } from '../src/panel/panel';
import { msg } from '../src/report/message';
import { median, ms, timeIt } from './stats';

const RUNS = 50;
const lines: string[] = [];

afterAll(() => process.stdout.write('\n' + lines.join('\n') + '\n'));

it('panel render: 8 GPUs and 30 findings', async () => {
  const big = loadCase('h100-cu126-ok');
  big.nvidia.gpus = Array.from({ length: 8 }, (_, i) => ({
    ...big.nvidia.gpus[0],
    index: i
  }));
  const state = reportState(big);
  const advice = state.advice!;
  const extra: IFinding[] = Array.from({ length: 30 }, (_, i) => ({
    id: `synthetic-${i}`,
    severity: i % 3 === 0 ? 'warning' : 'info',
    message: msg(
      'Finding %1: a sentence of the length the engine writes, with a version 2.13.0+cpu in it.',
      i
    ),
    evidence: { 'nvidia.driver': '580.95.05', 'gpu.index': i, ok: true }
  }));
  const bigState = {
    ...state,
    advice: { ...advice, findings: extra }
  };
  const small = reportState(loadBase('real-torch-cpu'));
  const model = new FakeModel();
  const panel = new TorchDoctorPanel({ model });
  document.body.appendChild(panel.node);
  const render = (s: typeof small) => () => {
    model.set(NO_KERNEL);
    model.set(s);
  };
  await timeIt(5, render(bigState)); // warm-up
  const bigMs = median(await timeIt(RUNS, render(bigState)));
  // The big report really rendered: 30 findings and 8 GPU lines.
  expect(panel.node.querySelectorAll('details').length).toBe(30);
  expect(panel.node.textContent).toContain('GPU 7');
  const smallMs = median(await timeIt(RUNS, render(small)));
  lines.push(
    `panel render, 8 GPUs + 30 findings: median ${ms(bigMs)} (${RUNS} runs)`,
    `panel render, real torch-cpu report (baseline): median ${ms(smallMs)}; ratio ${(bigMs / smallMs).toFixed(2)}×`
  );
  panel.dispose();
});

it('launcher badges: 30 kernelspecs per render', async () => {
  const specs = manySpecs(30);
  const root = document.createElement('div');
  document.body.appendChild(root);
  const cached = badgeOf({
    kernelName: 'x',
    kernelId: 'k',
    outcome: {
      kind: 'report',
      kernelId: 'k',
      report: loadBase('real-torch-cpu'),
      roundTripMs: 1
    },
    advice: advise(loadBase('real-torch-cpu')),
    at: new Date(0)
  });
  // One "not probed" badge, as LauncherBadges keeps it.
  const notProbed = unprobed();
  const badgeFor = (s: { name: string; language: string }) =>
    s.language !== 'python' ? null : s.name.endsWith('0') ? notProbed : cached;
  // decorate alone, on freshly built cards (as after a Launcher render):
  const decorateOnly: number[] = [];
  const cards: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    root.innerHTML = launcherHtml(specs);
    const t = performance.now();
    cards.push(decorate(root, specs, badgeFor));
    decorateOnly.push(performance.now() - t);
  }
  const again = await timeIt(RUNS, () => decorate(root, specs, badgeFor));
  const html = await timeIt(RUNS, () => {
    root.innerHTML = launcherHtml(specs);
  });
  expect(cards[0]).toBe(40); // 20 Python specs × Notebook and Console
  lines.push(
    `launcher decorate, 30 kernelspecs (60 kernel cards, 40 badged), new cards: median ${ms(median(decorateOnly))} per render (target < 5 ms)`,
    `launcher decorate, unchanged cards (observer re-run): median ${ms(median(again))}`,
    `baseline, building those cards' DOM (jsdom innerHTML): median ${ms(median(html))}; decorate/build ratio ${(median(decorateOnly) / median(html)).toFixed(2)}×`
  );
});
