import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { eventMessage, historyEvents, initMessage } from './panelFixtures';
import type { PanelPage } from './panelHarness';
import { usePanelPage } from './panelSuite';

const SHOT = resolve(__dirname, '../../docs/screenshots/refusal-banner.png');
const LINE = 'Walk me through the okapi scheme, step by step.';

/** The refusal banner and its three actions (issue 19), against a scripted host. */
describe('panel webview: a refused turn (headless Chromium, scripted host)', function () {
  const suite = usePanelPage();
  const { button, input } = suite;
  let panel: PanelPage;
  beforeEach(() => { panel = suite.panel; });

  /** Turn 3 as the host sends it when the model declines mid-speak: the partial response, then the set-aside. */
  async function refuseTurn3(): Promise<void> {
    await panel.post(initMessage());
    let seq = historyEvents().length + 1;
    const send = (spec: Parameters<typeof eventMessage>[0]) => panel.post(eventMessage(spec, seq++));
    await send({ type: 'human-speak', turn: 3, text: LINE, target: null });
    await send({ type: 'speak', turn: 3, speaker: 'mara', order: 1, truncated: true, text: 'The okapi scheme starts with' });
    await send({ type: 'cost', turn: 3, model: 'claude-sonnet-4-6', input_tokens: 20, cache_creation_input_tokens: 300, cache_read_input_tokens: 6200, output_tokens: 9, usd: 0.004, stop_reason: 'refusal', stop_details: { type: 'refusal', category: 'cyber', explanation: null } });
    await send({ type: 'refusal', turn: 3, model: 'claude-sonnet-4-6', category: 'cyber', explanation: null, partial_text: '<speak who="mara">The okapi scheme starts with' });
    await send({ type: 'supersede', turn: 3, reason: 'refusal', turns: [3] });
    await send({ type: 'floor', turn: 3 });
    await panel.post({ type: 'banner', level: 'warning', message: 'The model declined this turn (cyber). It was set aside.', actions: ['editRefused', 'retryRefused', 'fallbackModel'] });
  }

  it('shows the banner with its three actions, and the partial reply never as a live response', async () => {
    await refuseTurn3();
    const banner = panel.page.locator('.banner.warning');
    assert.match(await banner.innerText(), /The model declined this turn \(cyber\)\. It was set aside\./);
    for (const name of ['Edit your line', 'Try again', 'Try on another model']) assert.ok(await button(name).isVisible(), name);
    const partial = panel.page.locator('.msg[data-turn="3"]');
    assert.equal(await partial.count(), 1, 'kept in the DOM (it is in the log)');
    assert.equal(await partial.first().evaluate((e) => e.checkVisibility()), false, 'but not shown as an answer');
    assert.match(await panel.page.locator('.sup-marker summary').last().innerText(), /declined by the model/);
    await panel.page.screenshot({ path: SHOT, animations: 'disabled', caret: 'hide' });
  });

  it('"Try again" and "Try on another model" ask the host; "Edit your line" fills the composer and Send posts editRefused', async () => {
    await refuseTurn3();
    let n = panel.posted().length;
    await button('Try again').click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'action', 3000, n), { type: 'action', action: 'retryRefused' });
    n = panel.posted().length;
    await button('Try on another model').click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'action', 3000, n), { type: 'action', action: 'fallbackModel' });

    n = panel.posted().length;
    await button('Edit your line').click();
    assert.equal(await input().inputValue(), LINE, 'the declined line is in the composer');
    await input().fill('Tell me about the harbour budget instead.');
    await button('Send').click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'editRefused' || m.type === 'edit' || m.type === 'say', 3000, n),
      { type: 'editRefused', text: 'Tell me about the harbour budget instead.' });
    assert.ok(!panel.posted().slice(n).some((m) => m.type === 'action'), '"Edit your line" is the webview\'s own');
  });
});
