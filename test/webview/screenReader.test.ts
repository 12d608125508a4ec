import { strict as assert } from 'node:assert';
import { eventMessage, initMessage, meter } from './panelFixtures';
import { openPanelPage, type PanelPage } from './panelHarness';
import { part, usePanelPage } from './panelSuite';

/** What a screen reader hears: the live region, the confer's announcements, the meters' text alternatives. */
describe('panel webview: screen readers and reduced motion', function () {
  const suite = usePanelPage();
  let panel: PanelPage;
  beforeEach(() => { panel = suite.panel; });
  const said = (): Promise<string[]> => panel.page.locator('[aria-live="polite"] > div').allTextContents();

  async function askTurn3(): Promise<void> {
    await panel.post(initMessage());
    await panel.post({ type: 'answering', answering: true });
    await panel.post(eventMessage({ type: 'human-speak', turn: 3, text: 'What would change your mind?', target: null }, 20));
  }

  it('announces each completed response once, the name then the whole text as rendered; history never', async () => {
    await panel.post(initMessage());
    assert.deepEqual(await said(), [], 'a replayed history is not read out');
    await askTurn3();
    const long = `A **costed** plan, with the berth in it. ${'Every clause signed before the quay closes. '.repeat(5).trim()}`;
    await panel.post(part({ turn: 3, item: 'speak', phase: 'start', speaker: 'mara', order: 1, text: '' }));
    await panel.post(part({ turn: 3, item: 'speak', phase: 'delta', speaker: 'mara', order: 1, text: long.slice(0, 30) }));
    assert.deepEqual(await said(), [], 'nothing while it streams');
    await panel.post(part({ turn: 3, item: 'speak', phase: 'delta', speaker: 'mara', order: 1, text: long.slice(30) }));
    await panel.post(part({ turn: 3, item: 'speak', phase: 'end', speaker: 'mara', order: 1, text: long }));
    await panel.post(eventMessage({ type: 'speak', turn: 3, speaker: 'mara', order: 1, truncated: false, text: long }, 21));
    const plain = long.replace(/\*\*/g, '');
    assert.deepEqual(await said(), [`Mara Voss: ${plain}`], 'once, whole, without markdown marks');
    await panel.post(eventMessage({ type: 'speak', turn: 3, speaker: 'oskar', order: 2, truncated: true, text: 'Then come to the' }, 22));
    assert.deepEqual(await said(), [`Mara Voss: ${plain}`, 'Oskar Lind: Then come to the (cut off)']);
  });

  it('does not announce the confer unless focus is in the drawer, then each line once', async () => {
    await askTurn3();
    const line = async (speaker: string, order: number, text: string, seq: number): Promise<void> => {
      await panel.post(part({ turn: 3, item: 'line', phase: 'start', speaker, order, text: '' }));
      await panel.post(part({ turn: 3, item: 'line', phase: 'delta', speaker, order, text }));
      await panel.post(part({ turn: 3, item: 'line', phase: 'end', speaker, order, text }));
      await panel.post(eventMessage({ type: 'deliberation', turn: 3, speaker, text }, seq));
    };
    await line('mara', 1, 'Numbers first.', 21);
    await suite.button('Deliberation').click();
    await line('oskar', 2, 'Jobs first.', 22);
    assert.deepEqual(await said(), [], 'drawer open but focus on its toggle: silent');
    await panel.page.locator('.drawer-body').focus();
    await line('ilse', 3, 'Zoning *first*.', 23);
    assert.deepEqual(await said(), ['Ilse Brandt, conferring: Zoning first.'], 'focus in the drawer: said once');
    await suite.input().focus();
    await line('mara', 4, 'Fine.', 24);
    assert.equal((await said()).length, 1, 'silent again once focus leaves');
  });

  it('gives the cost and warmth meters text alternatives', async () => {
    await panel.post(initMessage({ meter: meter({ budgetUsd: 2, cacheWarmUntil: Date.now() + 192_400 }) }));
    const ctx = panel.page.getByRole('meter', { name: 'Context used' });
    assert.equal(await ctx.getAttribute('aria-valuetext'), '21% of the context window: 41k of 200k tokens');
    const strip = await panel.page.locator('.roster-strip').ariaSnapshot();
    assert.match(strip, /Session cost so far: \$0\.047 of a \$2\.00 budget\./);
    assert.match(strip, /Cache warm for 3 minutes 1\d seconds more/);
    assert.doesNotMatch(strip, /\$0\.047 \/ \$2\.00|cache warm 3:/, 'the drawn figures are hidden from the reader');
    const stream = await panel.page.getByRole('main', { name: 'Conversation' }).ariaSnapshot();
    assert.match(stream, /This turn cost \$0\.041: 120 input tokens, 6\.2k written to the cache, 0 read from it, 420 output\./);
    await panel.post({ type: 'meter', meter: meter({ cacheWarmUntil: Date.now() - 1, coldWriteUsd: 0.031 }) });
    assert.match(await panel.page.locator('.roster-strip').ariaSnapshot(), /Cache cold: the next turn writes the whole context again, about \$0\.031\./);
  });

  it('has its landmarks: banner, main (the stream), complementary (the drawer), a form, named regions', async () => {
    await panel.post(initMessage());
    const page = panel.page;
    await suite.button('Deliberation').click(); // closed, the drawer is hidden from everyone
    for (const [role, name] of [['main', 'Conversation'], ['complementary', 'Deliberation drawer'], ['form', 'Speak to the panel'],
      ['region', 'Panel members and costs']] as const) {
      assert.equal(await page.getByRole(role, { name, exact: true }).count(), 1, `${role} "${name}"`);
    }
    assert.equal(await page.getByRole('banner').count(), 1);
    assert.equal(await page.locator('main aside, main [role="complementary"]').count(), 0, 'the drawer is beside main, not in it');
  });

  for (const reduce of [false, true]) {
    it(`${reduce ? 'with' : 'without'} reduced motion (Playwright emulation): ${reduce ? 'nothing moves' : 'the caret blinks and the drawer slides'}`, async () => {
      const own = await openPanelPage({ browser: suite.browser, reducedMotion: reduce });
      try {
        await own.post(initMessage());
        await own.post({ type: 'answering', answering: true });
        await own.post(eventMessage({ type: 'human-speak', turn: 3, text: 'Go on.', target: null }, 20));
        await own.post(part({ turn: 3, item: 'speak', phase: 'delta', speaker: 'mara', order: 1, text: 'Numbers' }));
        await own.page.getByRole('button', { name: 'Deliberation', exact: true }).click();
        const moving = await own.page.evaluate(() => ({
          animations: document.getAnimations().length,
          drawer: getComputedStyle(document.querySelector('.drawer')!).transitionDuration,
        }));
        if (reduce) assert.deepEqual(moving, { animations: 0, drawer: '0s' });
        else assert.ok(moving.animations > 0 && moving.drawer !== '0s', JSON.stringify(moving));
      } finally {
        await own.close();
      }
    });
  }
});
