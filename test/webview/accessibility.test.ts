import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import type { HostMessage, Theme } from '../../src/protocol';
import { countByImpact, describeViolations, runAxe, unexplained, type AxeAllowance, type AxeViolation, type Impact } from './axeCheck';
import { CAST, eventMessage, historyEvents, ILSE, initMessage, JUNE, LIBRARY, MARA, meter, OSKAR, regeneratedEvents, stamp } from './panelFixtures';
import { focusRingOf, isVisibleRing, type FocusRing } from './focusRing';
import { launchPanelBrowser, openPanelPage, type PanelPage } from './panelHarness';
import { part } from './panelSuite';
import { PANEL_LOOKS } from './vscodeThemes';

/**
 * axe-core on the panel in every look (its four themes, and "follow VS Code" in VS Code's light, dark and both
 * high-contrast kinds) in each state a researcher meets: empty, streaming, a full turn with the drawer open,
 * a superseded turn shown, the rewind dialog, an error banner. Every violation fails the test unless the
 * allow-list below explains it. `AXE_REPORT=1` prints the node counts per look and impact.
 */

/** Accepted violations, each with the reason it is acceptable. Nothing serious or critical may be listed. */
const ALLOWED: readonly AxeAllowance[] = [];

type State = (panel: PanelPage, theme: Theme) => Promise<void>;

const linkTurn = (): HostMessage[] => [
  eventMessage({ type: 'human-speak', turn: 3, text: 'Where is the plan written down?', target: 'mara' }, 15),
  eventMessage({ type: 'speak', turn: 3, speaker: 'mara', order: 1, truncated: false,
    text: 'In [the draft agreement](https://example.org/draft), clause `9`:\n\n> the berth is built before the quay closes' }, 16),
  eventMessage({ type: 'floor', turn: 3 }, 17),
];

const STATES: Record<string, State> = {
  async empty(panel, theme) {
    await panel.post(initMessage({
      theme, events: stamp([{ type: 'intro', turn: 0, brief: { id: 'harbour-deal', title: 'The harbour deal' }, cast: ['mara', 'oskar', 'ilse'] }]),
      meter: meter({ contextTokens: 6_200, cacheWarmUntil: null }),
    }));
  },
  async streaming(panel, theme) {
    await panel.post(initMessage({ theme }));
    await panel.post({ type: 'answering', answering: true });
    await panel.post(eventMessage({ type: 'human-speak', turn: 3, text: 'What would change your mind?', target: null }, 20));
    await panel.post(part({ turn: 3, item: 'line', phase: 'start', speaker: 'mara', order: 1, text: '' }));
    await panel.post(part({ turn: 3, item: 'line', phase: 'delta', speaker: 'mara', order: 1, text: 'Numbers first.' }));
    await panel.post(part({ turn: 3, item: 'speak', phase: 'start', speaker: 'oskar', order: 1, text: '' }));
    await panel.post(part({ turn: 3, item: 'speak', phase: 'delta', speaker: 'oskar', order: 1, text: 'A written guarantee for the night ' }));
  },
  async 'full turn, drawer open'(panel, theme) {
    await panel.post(initMessage({
      theme, events: historyEvents(),
      cast: [{ ...MARA, edited: true }, { ...OSKAR, pending: 'retire' }, ILSE, { ...JUNE, pending: 'join' }], library: LIBRARY,
    }));
    await panel.postMany(linkTurn());
    await panel.page.getByRole('button', { name: 'Deliberation', exact: true }).click();
    await panel.page.getByRole('button', { name: 'Add character', exact: true }).click();
  },
  async 'superseded turn'(panel, theme) {
    await panel.post(initMessage({
      theme, events: regeneratedEvents(), cast: CAST,
      meter: meter({ cacheWarmUntil: Date.now() - 1000, coldWriteUsd: 0.031 }),
    }));
    await panel.page.locator('.sup-marker summary').first().click();
    await panel.page.getByRole('button', { name: 'Deliberation', exact: true }).click();
    await panel.page.getByRole('button', { name: 'Show superseded turn 3', exact: true }).click();
  },
  async 'rewind dialog'(panel, theme) {
    await panel.post(initMessage({ theme, events: regeneratedEvents() }));
    await panel.page.getByRole('button', { name: 'Rewind to here', exact: true }).first().click();
    await panel.post({
      type: 'rewindPreview',
      preview: { toTurn: 1, turns: [2, 4], humanLines: 2, responses: 4, castChanges: [{ id: 'june', change: 'leave' }] },
    });
  },
  async 'error banner'(panel, theme) {
    await panel.post(initMessage({ theme, meter: meter({ budgetUsd: 0.055, contextTokens: 170_000 }) }));
    await panel.post(eventMessage({ type: 'human-speak', turn: 3, text: 'And the 2027 review?', target: null }, 15));
    await panel.post(eventMessage({ type: 'error', turn: 3, kind: 'api', message: 'The API key was rejected (401).' }, 16));
    await panel.post(eventMessage({ type: 'error', turn: 3, kind: 'stopped', message: 'stopped' }, 17));
    await panel.post({ type: 'banner', level: 'error', message: 'The API key was rejected (401).', actions: ['setApiKey', 'retry'] });
    await panel.post({ type: 'banner', level: 'warning', message: 'Budget 80% used.', actions: ['raiseBudget'] });
  },
};

const report: Array<{ look: string; state: string; counts: Record<Impact, number> }> = [];

describe('accessibility: axe-core on the panel in every theme and state', function () {
  this.timeout(120_000);
  let browser: Browser;
  before(async () => { browser = await launchPanelBrowser(); });
  after(async () => {
    await browser?.close();
    if (process.env.AXE_REPORT) printReport(process.env.AXE_REPORT === 'detail');
  });

  for (const look of PANEL_LOOKS) {
    describe(look.name, () => {
      let panel: PanelPage;
      before(async () => { panel = await openPanelPage({ browser, theme: look.theme, ...look.options }); });
      after(async () => { await panel?.close(); });

      for (const [state, setUp] of Object.entries(STATES)) {
        it(`${state}: no violation the allow-list does not explain`, async () => {
          await panel.reset();
          await setUp(panel, look.theme);
          const violations = await runAxe(panel.page);
          report.push({ look: look.name, state, counts: countByImpact(violations) });
          // Serious and critical ones fail even when listed: the allow-list is for moderate and minor ones only.
          const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
          assert.equal(grave.length, 0, `${look.name} / ${state}:\n${describeViolations(grave)}`);
          const left: AxeViolation[] = unexplained(violations, ALLOWED);
          assert.equal(left.length, 0, `${look.name} / ${state}:\n${describeViolations(left)}`);
          assert.deepEqual(panel.problems(), []);
        });
      }

      it('every control Tab reaches shows a focus ring with 3:1 contrast', async () => {
        await panel.reset();
        await STATES['full turn, drawer open']!(panel, look.theme);
        await panel.page.keyboard.press('Escape'); // the ⊕ menu: back to its button
        await panel.post({ type: 'banner', level: 'error', message: 'The API key was rejected (401).', actions: ['setApiKey'] });
        await panel.page.locator('.title').click();
        const seen: FocusRing[] = [];
        for (let i = 0; i < 60; i++) {
          await panel.page.keyboard.press('Tab');
          const ring = await focusRingOf(panel.page);
          if (!ring || seen.some((r) => r.element === ring.element)) continue;
          seen.push(ring);
        }
        assert.ok(seen.length >= 15, `Tab reached ${seen.length} controls`);
        const bad = seen.filter((r) => !isVisibleRing(r));
        assert.deepEqual(bad, [], `${look.name}: focus rings missing or faint`);
      });
    });
  }

  it('every allow-list entry says why', () => {
    for (const a of ALLOWED) assert.ok(a.reason.length > 20, `${a.rule}: a reason`);
  });
});

function printReport(detail: boolean): void {
  if (detail) for (const r of report) process.stdout.write(`${r.look} / ${r.state}: ${JSON.stringify(r.counts)}\n`);
  const looks = [...new Set(report.map((r) => r.look))];
  const lines = ['look                         critical serious moderate minor'];
  for (const look of looks) {
    const sum: Record<Impact, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
    for (const r of report.filter((x) => x.look === look)) for (const k of Object.keys(sum) as Impact[]) sum[k] += r.counts[k];
    lines.push(`${look.padEnd(28)} ${String(sum.critical).padStart(8)} ${String(sum.serious).padStart(7)} ${String(sum.moderate).padStart(8)} ${String(sum.minor).padStart(5)}`);
  }
  process.stdout.write(`\naxe violations (nodes), all states:\n${lines.join('\n')}\n`);
}
