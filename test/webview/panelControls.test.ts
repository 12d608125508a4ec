import { strict as assert } from 'node:assert';
import { bigCast, CAST, eventMessage, initMessage, LIBRARY, OSKAR } from './panelFixtures';
import { openPanelPage, type PanelPage } from './panelHarness';
import { part, usePanelPage } from './panelSuite';

describe('panel webview: what the researcher does (headless Chromium, scripted host)', function () {
  const suite = usePanelPage();
  const { button, input, postedSince } = suite;
  let panel: PanelPage;
  beforeEach(() => { panel = suite.panel; });

  it('Enter sends, Shift+Enter breaks the line, and the Send button sends', async () => {
    await panel.post(initMessage());
    const n = panel.posted().length;
    await input().click();
    await panel.page.keyboard.type('line one');
    await panel.page.keyboard.press('Shift+Enter');
    await panel.page.keyboard.type('line two');
    await panel.page.keyboard.press('Enter');
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'say', 3000, n), { type: 'say', text: 'line one\nline two', target: null });
    assert.equal(await input().inputValue(), '', 'input cleared after sending');
    await input().fill('And the harbour master?');
    await button('Send').click();
    assert.deepEqual(postedSince(n).filter((m) => m.type === 'say')[1], { type: 'say', text: 'And the harbour master?', target: null });
    await input().fill('   ');
    await panel.page.keyboard.press('Enter');
    assert.equal(postedSince(n).filter((m) => m.type === 'say').length, 2, 'blank input is not sent');
  });

  it('@ chips toggle the target; @ + Tab completes a name and addresses that member', async () => {
    await panel.post(initMessage());
    const n = panel.posted().length;
    const oskarChip = button('@Oskar');
    await oskarChip.click();
    assert.equal(await oskarChip.getAttribute('aria-pressed'), 'true');
    await input().fill('Would the union sign?');
    await panel.page.keyboard.press('Enter');
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'say', 3000, n), { type: 'say', text: 'Would the union sign?', target: 'oskar' });
    assert.equal(await button('@Oskar').getAttribute('aria-pressed'), 'false', 'target resets after sending');

    await input().click();
    await panel.page.keyboard.type('@ma');
    await panel.page.keyboard.press('Tab');
    assert.equal(await input().inputValue(), '@Mara ');
    assert.equal(await button('@Mara').getAttribute('aria-pressed'), 'true');
    assert.ok(await input().evaluate((e) => e === document.activeElement), 'Tab completed instead of moving focus');
    await panel.page.keyboard.type('what now?');
    await panel.page.keyboard.press('Enter');
    const says = postedSince(n).filter((m) => m.type === 'say');
    assert.deepEqual(says[1], { type: 'say', text: 'what now?', target: 'mara' });

    // Clicking a pressed chip addresses everyone again.
    await button('@Ilse').click();
    await button('@Ilse').click();
    await input().fill('All of you.');
    await button('Send').click();
    assert.deepEqual(postedSince(n).filter((m) => m.type === 'say')[2], { type: 'say', text: 'All of you.', target: null });
  });

  it('✕ retires and the ⊕ menu adds members not on the panel; pending changes show', async () => {
    await panel.post(initMessage());
    const n = panel.posted().length;
    await button('Retire Oskar Lind').click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'retire', 3000, n), { type: 'retire', id: 'oskar' });

    await button('Add character').click();
    const items = panel.page.getByRole('menuitem');
    assert.deepEqual(await items.locator('.add-menu-name').allInnerTexts(), ['Tomás Reyes', 'June Okafor'], 'only library members not present');
    assert.deepEqual(await items.locator('.add-menu-tagline').allInnerTexts(), ['Port economist', 'Local journalist']);
    assert.ok(await items.first().evaluate((e) => e === document.activeElement), 'focus moves into the menu');
    await panel.page.keyboard.press('ArrowDown');
    await panel.page.keyboard.press('Enter');
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'add', 3000, n), { type: 'add', id: 'june' });
    assert.equal(await panel.page.locator('.add-menu').isVisible(), false, 'menu closes after choosing');

    await button('Add character').click();
    await panel.page.keyboard.press('Escape');
    assert.equal(await panel.page.locator('.add-menu').isVisible(), false, 'Esc closes the menu');
    assert.equal(await button('Add character').evaluate((e) => e === document.activeElement), true);

    const june = LIBRARY.find((m) => m.id === 'june')!;
    await panel.post({
      type: 'cast',
      cast: [CAST[0]!, { ...OSKAR, pending: 'retire' }, CAST[2]!, { ...june, pending: 'join' }],
      library: LIBRARY,
    });
    assert.match(await panel.page.locator('.chip[data-id="oskar"]').innerText(), /leaving/);
    assert.match(await panel.page.locator('.chip[data-id="june"]').innerText(), /joining/);
    assert.ok(await button('Retire Oskar Lind').isDisabled(), 'a pending retirement cannot be retired again');
    assert.equal(await button('@June').count(), 0, 'a pending joiner cannot be addressed yet');
  });

  it('edited members offer "Apply edit"; the last member cannot be retired', async () => {
    await panel.post(initMessage({ cast: [{ ...CAST[0]!, edited: true }] }));
    const n = panel.posted().length;
    assert.match(await panel.page.locator('.chip[data-id="mara"]').innerText(), /edited/);
    await panel.page.getByRole('button', { name: 'Apply edit' }).click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'applyEdit', 3000, n), { type: 'applyEdit', id: 'mara' });
    assert.ok(await button('Retire Mara Voss').isDisabled(), 'at least one member stays');
  });

  it('Stop (button and Esc) posts stop while answering; Send is disabled meanwhile', async () => {
    await panel.post(initMessage());
    assert.equal(await button('Stop').isVisible(), false, 'no Stop while idle');
    await panel.post({ type: 'answering', answering: true });
    await panel.post(eventMessage({ type: 'human-speak', turn: 3, text: 'Go on.', target: null }, 20));
    await panel.post(part({ turn: 3, item: 'speak', phase: 'delta', speaker: 'oskar', order: 1, text: 'The thing about cranes is' }));
    assert.ok(await button('Send').isDisabled());
    const n = panel.posted().length;
    await button('Stop').click();
    await panel.waitForPosted((m) => m.type === 'stop', 3000, n);
    await input().click();
    await panel.page.keyboard.type('hold on');
    await panel.page.keyboard.press('Enter');
    await panel.page.keyboard.press('Escape');
    await panel.waitForPosted((m) => m.type === 'stop', 3000, n + 1);
    assert.equal(postedSince(n).filter((m) => m.type === 'say').length, 0, 'Enter does not send while answering');
    assert.equal(await input().inputValue(), 'hold on', 'the draft is kept');

    await panel.post(eventMessage({ type: 'speak', turn: 3, speaker: 'oskar', order: 1, truncated: true, text: 'The thing about cranes is' }, 21));
    await panel.post(eventMessage({ type: 'error', turn: 3, kind: 'stopped', message: 'stopped by the researcher' }, 22));
    await panel.post({ type: 'answering', answering: false });
    assert.match(await panel.page.locator('.msg[data-turn="3"]').innerText(), /— cut off/);
    assert.equal(await panel.page.locator('.error-line').count(), 1);
    assert.equal(await button('Stop').isVisible(), false);
    assert.ok(await button('Send').isEnabled());
    const stops = panel.posted().filter((m) => m.type === 'stop').length;
    await panel.page.keyboard.press('Escape');
    assert.equal(panel.posted().filter((m) => m.type === 'stop').length, stops, 'Esc does nothing when idle');
  });

  it('banners show their actions, post them, and can be dismissed or cleared', async () => {
    await panel.post(initMessage());
    await panel.post({ type: 'banner', level: 'error', message: 'The API key was rejected (401).', actions: ['setApiKey', 'retry'] });
    const n = panel.posted().length;
    assert.equal(await panel.page.getByRole('alert').innerText().then((t) => t.includes('rejected (401)')), true);
    await button('Set API key').click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'action', 3000, n), { type: 'action', action: 'setApiKey' });
    await button('Retry').click();
    assert.deepEqual(postedSince(n).filter((m) => m.type === 'action')[1], { type: 'action', action: 'retry' });
    await button('Dismiss').click();
    assert.equal(await panel.page.locator('.banner').count(), 0);
    await panel.post({ type: 'banner', level: 'warning', message: 'Budget 80% used.', actions: ['raiseBudget'] });
    await panel.post({ type: 'banner', level: 'warning', message: 'Budget 80% used.', actions: ['raiseBudget'] });
    assert.equal(await panel.page.locator('.banner').count(), 1, 'the same message is one banner');
    await panel.post({ type: 'clearBanner' });
    assert.equal(await panel.page.locator('.banner').count(), 0);
  });

  it('keeps the drawer state and the draft across a reload (webview state)', async () => {
    await panel.post(initMessage());
    await button('Deliberation').click();
    await input().fill('half a thought');
    const state = (await panel.state()) as Record<string, unknown>;
    assert.equal(state.drawerOpen, true);
    assert.equal(state.draft, 'half a thought');

    const again = await openPanelPage({ browser: suite.browser, state: { ...state, hostKey: 'kept' } });
    try {
      await again.post(initMessage());
      assert.equal(await again.page.getByRole('button', { name: 'Deliberation', exact: true }).getAttribute('aria-expanded'), 'true');
      assert.equal(await again.page.getByRole('textbox', { name: 'Message the panel' }).inputValue(), 'half a thought');
      await again.page.getByRole('button', { name: 'Deliberation', exact: true }).click();
      const saved = (await again.state()) as Record<string, unknown>;
      assert.equal(saved.hostKey, 'kept', 'keys the webview does not own are preserved');
      assert.equal(saved.drawerOpen, false);
      assert.deepEqual(again.problems(), []);
    } finally {
      await again.close();
    }
  });

  it('switches themes by class and leaves VS Code’s own body classes alone', async () => {
    const vs = await openPanelPage({ browser: suite.browser, bodyClasses: ['vscode-dark'] });
    try {
      await vs.post(initMessage({ theme: 'vscode' }));
      await vs.post({ type: 'theme', theme: 'eink' });
      const classes = await vs.page.evaluate(() => [...document.body.classList]);
      assert.ok(classes.includes('vscode-dark') && classes.includes('theme-eink'), classes.join(' '));
      assert.ok(!classes.includes('theme-vscode') && !classes.includes('theme-cream'), classes.join(' '));
      assert.equal(await vs.page.locator('.drawer').evaluate((e) => getComputedStyle(e).transitionDuration), '0s', 'e-ink: no animation');
      assert.equal(await vs.page.locator('.msg .glyph').first().evaluate((e) => getComputedStyle(e).backgroundColor), 'rgba(0, 0, 0, 0)', 'e-ink: no colour fills');
      assert.deepEqual(vs.problems(), []);
    } finally {
      await vs.close();
    }
  });

  it('reduced motion disables the drawer slide', async () => {
    await panel.post(initMessage());
    const duration = () => panel.page.locator('.drawer').evaluate((e) => getComputedStyle(e).transitionDuration);
    assert.notEqual(await duration(), '0s');
    await panel.page.emulateMedia({ reducedMotion: 'reduce' });
    try {
      assert.equal(await duration(), '0s');
    } finally {
      await panel.page.emulateMedia({ reducedMotion: 'no-preference' });
    }
  });

  for (const width of [1100, 560]) {
    it(`a 12-member cast at ${width}px: roster and @ chips wrap, @ + Tab cycles the matches, a 12-line confer stays legible`, async () => {
      const cast = bigCast();
      await panel.page.setViewportSize({ width, height: 720 });
      try {
        await panel.post(initMessage({ cast, library: cast }));
        const m = await panel.page.evaluate(() => {
          const strip = document.querySelector('.roster-strip')!;
          const tops = new Set([...document.querySelectorAll('.chip')].map((c) => Math.round(c.getBoundingClientRect().top)));
          return {
            chips: document.querySelectorAll('.chip').length,
            rows: tops.size,
            docOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            stripOverflow: strip.scrollWidth - strip.clientWidth,
            outside: [...document.querySelectorAll('.chip, .add-member, .meters')]
              .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).length,
          };
        });
        assert.equal(m.chips, 12);
        assert.ok(m.rows >= 2, `chips wrap onto ${m.rows} rows`);
        assert.equal(m.docOverflow, 0, 'no horizontal page overflow');
        assert.equal(m.stripOverflow, 0, 'no horizontal strip overflow');
        assert.equal(m.outside, 0, 'nothing sticks out of the viewport');
        assert.equal(await panel.page.getByRole('button', { name: /^Retire / }).count(), 12);

        const targets = await panel.page.evaluate(() => {
          const row = document.querySelector('.targets')!;
          const chips = [...row.querySelectorAll('.target-chip')];
          return {
            chips: chips.length,
            rows: new Set(chips.map((c) => Math.round(c.getBoundingClientRect().top))).size,
            overflow: row.scrollWidth - row.clientWidth,
            outside: chips.filter((c) => c.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).length,
          };
        });
        assert.equal(targets.chips, 12);
        assert.ok(width > 1000 || targets.rows >= 2, `@ chips wrap onto ${targets.rows} rows`);
        assert.equal(targets.overflow, 0, 'no horizontal overflow in the @ row');
        assert.equal(targets.outside, 0);

        // `@a` matches Agnieszka (first name) and Henrike Albers (a later word): Tab cycles, Shift+Tab goes back.
        const n = panel.posted().length;
        await input().click();
        await panel.page.keyboard.type('@a');
        const pressed = () => panel.page.locator('.target-chip[aria-pressed="true"]').allInnerTexts();
        await panel.page.keyboard.press('Tab');
        assert.equal(await input().inputValue(), '@Agnieszka ');
        assert.deepEqual(await pressed(), ['@Agnieszka']);
        await panel.page.keyboard.press('Tab');
        assert.equal(await input().inputValue(), '@Henrike ');
        assert.deepEqual(await pressed(), ['@Henrike']);
        await panel.page.keyboard.press('Tab');
        assert.equal(await input().inputValue(), '@Agnieszka ', 'wraps round');
        await panel.page.keyboard.press('Shift+Tab');
        assert.equal(await input().inputValue(), '@Henrike ');
        assert.ok(await input().evaluate((e) => e === document.activeElement), 'focus never left the input');
        await panel.page.keyboard.type('will the co-op sign?');
        await panel.page.keyboard.press('Enter');
        assert.deepEqual(await panel.waitForPosted((msg) => msg.type === 'say', 3000, n), { type: 'say', text: 'will the co-op sign?', target: 'henrike-albers' });
        // A bare `@` walks the whole cast in roster order.
        await panel.page.keyboard.type('@');
        for (let i = 0; i < 5; i++) await panel.page.keyboard.press('Tab');
        assert.equal(await input().inputValue(), `@${cast[4]!.name.split(' ')[0]} `);

        // Twelve members confer on one turn: the drawer keeps every line readable.
        await panel.post(eventMessage({ type: 'human-speak', turn: 3, text: 'Everyone, one line each.', target: null }, 30));
        for (const [i, member] of cast.entries()) {
          await panel.post(eventMessage({ type: 'deliberation', turn: 3, speaker: member.id,
            text: `${member.name} thinks the berth question turns on the night shifts, and says so plainly (${i + 1}).` }, 31 + i));
        }
        await button('Deliberation').click();
        await panel.page.waitForTimeout(250); // the slide
        const d = await panel.page.evaluate(() => {
          const body = document.querySelector('.drawer-body')!;
          const lines = [...document.querySelectorAll('.confer-turn[data-turn="3"] .confer-line')];
          const bodyWidth = body.clientWidth;
          return {
            lines: lines.length,
            overflow: body.scrollWidth - body.clientWidth,
            narrowest: Math.min(...lines.map((l) => l.querySelector('.confer-text')!.getBoundingClientRect().width / bodyWidth)),
            clippedNames: lines.filter((l) => { const n = l.querySelector('.confer-name')!; return n.scrollWidth > n.clientWidth + 0.5; }).length,
            colours: new Set(lines.map((l) => getComputedStyle(l.querySelector('.confer-name')!).color)).size,
            fontPx: Math.min(...lines.map((l) => parseFloat(getComputedStyle(l.querySelector('.confer-text')!).fontSize))),
          };
        });
        assert.equal(d.lines, 12);
        assert.equal(d.overflow, 0, 'no sideways scrolling in the drawer');
        assert.ok(d.narrowest > 0.55, `every line's text keeps most of the drawer's width (narrowest ${d.narrowest.toFixed(2)})`);
        assert.equal(d.clippedNames, 0, 'names are never cut');
        assert.equal(d.colours, 12, 'each member keeps their own colour');
        assert.ok(d.fontPx >= 12, `text at least 12px (${d.fontPx})`);
      } finally {
        await panel.page.setViewportSize({ width: 1100, height: 720 });
      }
    });
  }
});
