import { strict as assert } from 'node:assert';
import type { WebviewMessage } from '../../src/protocol';
import { focusRingOf, isVisibleRing } from './focusRing';
import { CAST, eventMessage, initMessage, LIBRARY, regeneratedEvents } from './panelFixtures';
import type { PanelPage } from './panelHarness';
import { part, usePanelPage } from './panelSuite';

/**
 * The panel driven with the keyboard alone (no click anywhere): every control reached with Tab shows a focus
 * ring with 3:1 contrast, and focus lands somewhere sensible after each menu, dialog and banner.
 */
describe('panel webview: keyboard only', function () {
  this.timeout(60_000);
  const suite = usePanelPage();
  let panel: PanelPage;
  beforeEach(() => { panel = suite.panel; });

  const activeName = (): Promise<string> => panel.page.evaluate(() => {
    const a = document.activeElement as HTMLElement | null;
    return a?.getAttribute('aria-label') ?? a?.textContent?.trim() ?? '';
  });
  /** Presses `key` and checks that whatever has focus then shows its ring. */
  async function press(key: string): Promise<void> {
    await panel.page.keyboard.press(key);
    const ring = await focusRingOf(panel.page);
    assert.ok(ring === null || isVisibleRing(ring), `after ${key}: ${JSON.stringify(ring)}`);
  }
  /** Tab (or Shift+Tab) until the control named `name` has focus, each stop showing its ring. */
  async function tabTo(name: string, back = false): Promise<void> {
    for (let i = 0; i < 80; i++) {
      await press(back ? 'Shift+Tab' : 'Tab');
      if ((await activeName()) === name) return;
    }
    assert.fail(`Tab never reached "${name}"`);
  }
  const lastPosted = async (type: WebviewMessage['type'], since: number): Promise<WebviewMessage> =>
    panel.waitForPosted((m) => m.type === type, 3000, since);

  it('a whole session: send, @ + Tab, Stop, drawer, retire and add, regenerate, rewind, banners', async () => {
    await panel.post(initMessage({ events: regeneratedEvents() }));
    await tabTo('Message the panel');

    // Send to one member: "@os" + Tab completes Oskar and addresses him; Enter sends.
    await panel.page.keyboard.type('@os');
    await press('Tab');
    assert.equal(await activeName(), 'Message the panel', 'Tab completed the name instead of moving on');
    await panel.page.keyboard.type('what about the cranes?');
    let mark = panel.posted().length;
    await press('Enter');
    assert.deepEqual(await lastPosted('say', mark), { type: 'say', text: 'what about the cranes?', target: 'oskar' });

    // Mid-stream, Esc stops the panel.
    await panel.post({ type: 'answering', answering: true });
    await panel.post(eventMessage({ type: 'human-speak', turn: 5, text: 'what about the cranes?', target: 'oskar' }, 40));
    await panel.post(part({ turn: 5, item: 'speak', phase: 'delta', speaker: 'oskar', order: 1, text: 'They stay until' }));
    mark = panel.posted().length;
    await press('Escape');
    await lastPosted('stop', mark);
    await panel.post(eventMessage({ type: 'error', turn: 5, kind: 'stopped', message: 'stopped' }, 41));
    await panel.post(eventMessage({ type: 'floor', turn: 5 }, 42));
    await panel.post({ type: 'answering', answering: false });

    // The drawer: opened from its toggle, closed from inside, focus back on the toggle.
    await tabTo('Deliberation', true);
    await press('Enter');
    assert.equal(await suite.button('Deliberation').getAttribute('aria-expanded'), 'true');
    await tabTo('Close drawer');
    await press('Enter');
    assert.equal(await activeName(), 'Deliberation', 'focus back on the toggle');
    assert.equal(await suite.button('Deliberation').getAttribute('aria-expanded'), 'false');

    // Retire with its ✕, add from the ⊕ menu (arrows, Enter), focus back on ⊕.
    await tabTo('Retire Ilse Brandt');
    mark = panel.posted().length;
    await press('Enter');
    assert.deepEqual(await lastPosted('retire', mark), { type: 'retire', id: 'ilse' });
    // The host answers with the cast: Ilse's ✕ comes back disabled (she is leaving), so focus moves on to ⊕.
    await panel.post({ type: 'cast', cast: CAST.map((m) => (m.id === 'ilse' ? { ...m, pending: 'retire' as const } : m)), library: LIBRARY });
    assert.equal(await activeName(), 'Add character', 'focus moved on from the disabled ✕, not dropped to <body>');
    await tabTo('Add character');
    await press('Enter');
    assert.match(await activeName(), /Tomás Reyes/, 'the menu opens on its first item');
    await press('ArrowDown');
    mark = panel.posted().length;
    await press('Enter');
    assert.deepEqual(await lastPosted('add', mark), { type: 'add', id: 'june' });
    assert.equal(await activeName(), 'Add character', 'focus back on ⊕');
    const june = LIBRARY.find((m) => m.id === 'june')!;
    await panel.post({ type: 'cast', cast: [...CAST.map((m) => (m.id === 'ilse' ? { ...m, pending: 'retire' as const } : m)), { ...june, pending: 'join' as const }], library: LIBRARY });
    assert.equal(await activeName(), 'Add character', 'still on ⊕ once the host has rebuilt the roster');

    // Regenerate the last live turn.
    await tabTo('Regenerate');
    mark = panel.posted().length;
    await press('Enter');
    await lastPosted('regenerate', mark);
    // The host answers as it does in VS Code: turn 5 set aside (the tools move to turn 4's floor, focus with
    // them), the new sample's line (no floor yet: the tools leave the page), then answering. Focus is never
    // dropped to <body>: it goes to the composer while the new sample streams.
    await panel.post(eventMessage({ type: 'supersede', turn: 6, reason: 'regenerate', turns: [5] }, 43));
    assert.equal(await activeName(), 'Regenerate', 'focus stays on the tools as they move');
    await panel.post(eventMessage({ type: 'human-speak', turn: 6, text: 'what about the cranes?', target: 'oskar', redo: 'regenerate', redo_of: 5 }, 44));
    assert.equal(await activeName(), 'Message the panel', 'the tools left the page: focus in the composer');
    await panel.post({ type: 'answering', answering: true });
    assert.equal(await activeName(), 'Message the panel', 'focus in the composer while the new sample streams');
    await panel.post(eventMessage({ type: 'floor', turn: 6 }, 45));
    await panel.post({ type: 'answering', answering: false });
    await tabTo('Regenerate', true);

    // Rewind: the dialog opens on Cancel; Esc closes it and focus returns to the button that opened it.
    await tabTo('Rewind to here');
    await press('Enter');
    assert.equal(await activeName(), 'Cancel');
    await panel.post({ type: 'rewindPreview', preview: { toTurn: 1, turns: [2, 4, 5], humanLines: 3, responses: 4, castChanges: [] } });
    await press('Escape');
    assert.equal(await panel.page.getByRole('dialog').count(), 0);
    assert.equal(await activeName(), 'Rewind to here', 'focus back where the rewind was asked');
    await press('Enter');
    await panel.post({ type: 'rewindPreview', preview: { toTurn: 1, turns: [2, 4, 5], humanLines: 3, responses: 4, castChanges: [] } });
    await press('Tab');
    assert.equal(await activeName(), 'Confirm rewind');
    mark = panel.posted().length;
    await press('Enter');
    assert.deepEqual(await lastPosted('rewind', mark), { type: 'rewind', turn: 1 });
    assert.equal(await activeName(), 'Message the panel', 'after the rewind the floor is the researcher\'s: focus in the composer');

    // Banners: reached by Tab, acted on with Enter; dismissing the one in focus moves focus on, not to <body>.
    await panel.post({ type: 'banner', level: 'error', message: 'The API key was rejected (401).', actions: ['setApiKey'] });
    await panel.post({ type: 'banner', level: 'warning', message: 'Budget 80% used.', actions: ['raiseBudget'] });
    await tabTo('Set API key', true);
    mark = panel.posted().length;
    await press('Enter');
    assert.deepEqual(await lastPosted('action', mark), { type: 'action', action: 'setApiKey' });
    await tabTo('Dismiss');
    await press('Enter');
    assert.equal(await activeName(), 'Raise budget', 'on to the next banner');
    await tabTo('Dismiss');
    await press('Enter');
    assert.equal(await activeName(), 'Message the panel', 'the last banner gone: back to the composer');
  });
});
