import { strict as assert } from 'node:assert';
import type { Browser } from 'playwright-core';
import type { HostMessage, StreamPart, WebviewMessage } from '../../src/protocol';
import { bigCast, CAST, eventMessage, initMessage, LIBRARY, meter, OSKAR } from './panelFixtures';
import { launchPanelBrowser, openPanelPage, type PanelPage } from './panelHarness';

const part = (p: Omit<StreamPart, 'type'>): HostMessage => ({ type: 'stream', ...p });

describe('panel webview (headless Chromium, scripted host)', function () {
  let browser: Browser;
  let panel: PanelPage;
  /** Problems a test provokes on purpose; anything else fails the test. */
  let expectedProblems: RegExp[] = [];

  // One page for the file, reloaded before each test: opening a fresh one costs several times more.
  before(async () => {
    browser = await launchPanelBrowser();
    panel = await openPanelPage({ browser });
  });
  after(async () => {
    await panel?.close();
    await browser?.close();
  });
  beforeEach(async () => {
    expectedProblems = [];
    await panel.reset();
  });
  afterEach(() => {
    const problems = panel.problems().filter((p) => !expectedProblems.some((re) => re.test(p)));
    assert.deepEqual(problems, [], 'no CSP violations, console errors or page errors');
  });

  const button = (name: string) => panel.page.getByRole('button', { name, exact: true });
  const input = () => panel.page.getByRole('textbox', { name: 'Message the panel', exact: true });
  const text = (selector: string) => panel.page.locator(selector).allInnerTexts();
  const postedSince = (n: number): WebviewMessage[] => panel.posted().slice(n);

  it('says ready first, exactly once, before anything is sent to it', async () => {
    assert.deepEqual(panel.posted(), [{ type: 'ready' }]);
    await panel.post(initMessage());
    assert.equal(panel.posted().filter((m) => m.type === 'ready').length, 1);
  });

  it('init renders header, roster, history, costs and the drawer', async () => {
    await panel.post(initMessage());
    const page = panel.page;
    assert.equal(await page.locator('.title').innerText(), 'Harbour deal — panel');
    assert.match(await page.locator('.brief').innerText(), /The harbour deal/);
    for (const m of CAST) assert.equal(await button(`Retire ${m.name}`).count(), 1, `retire button for ${m.name}`);
    assert.equal(await button('Add character').count(), 1);
    assert.deepEqual(await text('.msg .msg-name'), ['Oskar Lind', 'Mara Voss', 'Ilse Brandt']);
    assert.equal(await page.locator('.msg strong').innerText(), 'night shift', 'markdown rendered');
    assert.equal(await page.locator('.msg li').count(), 2);
    assert.deepEqual(await panel.page.locator('.pass').allTextContents(), ['IIlse passes'], 'glyph, then the quiet line');
    assert.deepEqual(await text('.turn-cost'), ['$0.041', '$0.006']);
    assert.match(await page.locator('.total').innerText(), /\$0\.047/);
    assert.match((await text('.floor-line'))[1]!, /@Ilse/);
    // The turn's cost sits left of the floor-returns marker.
    const costBox = await page.locator('.turn-cost').first().boundingBox();
    const markBox = await page.locator('.floor-mark').first().boundingBox();
    assert.ok(costBox && markBox && costBox.x + costBox.width < markBox.x, 'cost left of the floor marker');
    assert.deepEqual(await panel.page.locator('.confer-turn h3').allTextContents(), ['Turn 1']);
    assert.equal(await page.locator('.confer-line').count(), 3);
    assert.match(await page.locator('.ctx-text').innerText(), /41k \/ 200k · 21%/);
    assert.match(await page.locator('.cache').innerText(), /^cache warm 3:1\d$/);
  });

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

  it('streams the confer into the drawer live and the responses into the chat', async () => {
    await panel.post(initMessage());
    await panel.post({ type: 'answering', answering: true });
    await panel.post(eventMessage({ type: 'human-speak', turn: 3, text: 'What would change your mind?', target: null }, 20));
    await panel.post(part({ turn: 3, item: 'line', phase: 'start', speaker: 'mara', order: 1, text: '' }));
    await panel.post(part({ turn: 3, item: 'line', phase: 'delta', speaker: 'mara', order: 1, text: 'Numbers. If Oskar shows me ' }));
    const toggle = button('Deliberation');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.ok(await toggle.evaluate((b) => b.classList.contains('unseen')), 'unseen-activity dot while closed');
    await toggle.click();
    assert.ok(!(await toggle.evaluate((b) => b.classList.contains('unseen'))), 'dot cleared on open');
    const live = panel.page.locator('.confer-turn[data-turn="3"] .confer-line');
    assert.equal(await live.textContent(), 'Mara:Numbers. If Oskar shows me ');
    await panel.post(part({ turn: 3, item: 'line', phase: 'delta', speaker: 'mara', order: 1, text: 'a plan that keeps the berth…' }));
    assert.match(await live.innerText(), /keeps the berth…$/);
    await panel.post(part({ turn: 3, item: 'line', phase: 'end', speaker: 'mara', order: 1, text: 'Numbers. If Oskar shows me a plan that keeps the berth…' }));
    await panel.post(eventMessage({ type: 'deliberation', turn: 3, speaker: 'mara', text: 'Numbers. If Oskar shows me a plan that keeps the berth…' }, 21));
    assert.equal(await live.count(), 1, 'the event finalises the streamed line, no duplicate');
    assert.deepEqual(await text('.confer-turn h3'), ['Turn 3', 'Turn 1'], 'newest turn on top');

    await panel.post(part({ turn: 3, item: 'speak', phase: 'start', speaker: 'mara', order: 1, text: '' }));
    await panel.post(part({ turn: 3, item: 'speak', phase: 'delta', speaker: 'mara', order: 1, text: 'A **costed** plan. ' }));
    const msg = panel.page.locator('.msg[data-turn="3"]');
    assert.equal(await msg.locator('.msg-text').textContent(), 'A **costed** plan. ', 'partial text visible mid-stream, as plain text');
    assert.ok(await msg.locator('.msg-text').evaluate((e) => e.classList.contains('streaming')));
    await panel.post(part({ turn: 3, item: 'speak', phase: 'delta', speaker: 'mara', order: 1, text: 'Show me one.' }));
    assert.equal(await msg.locator('.msg-text').innerText(), 'A **costed** plan. Show me one.');
    await panel.post(part({ turn: 3, item: 'speak', phase: 'end', speaker: 'mara', order: 1, text: 'A **costed** plan. Show me one.' }));
    assert.equal(await msg.locator('.msg-text strong').innerText(), 'costed', 'markdown rendered at the end');
    await panel.post(eventMessage({ type: 'speak', turn: 3, speaker: 'mara', order: 1, truncated: false, text: 'A **costed** plan. Show me one.' }, 22));
    assert.equal(await msg.count(), 1, 'the speak event matches the streamed message');
    assert.match((await text('[aria-live="polite"]')).join('\n'), /Mara Voss: A \*\*costed\*\* plan\. Show me one\./);
    assert.equal((await text('[aria-live="polite"] > div')).length, 1, 'announced once');

    // An event with no stream before it (e.g. the host replayed late) still appears once.
    await panel.post(eventMessage({ type: 'speak', turn: 3, speaker: 'oskar', order: 2, truncated: false, text: 'Then come to the union hall.' }, 23));
    assert.equal(await msg.count(), 2);
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

  it('drops and logs invalid messages without touching the page', async () => {
    await panel.post(initMessage());
    const before = await panel.page.locator('#app').innerHTML();
    const n = panel.posted().length;
    await panel.postRaw({ type: 'event', event: { type: 'speak', speaker: 'mara' } });
    await panel.postRaw('not even an object');
    await panel.postRaw({ type: 'stream', turn: 3, item: 'speak', phase: 'delta', speaker: 'Mara Voss', order: 1, text: 'x' });
    const logs = postedSince(n);
    assert.equal(logs.length, 3);
    for (const m of logs) assert.ok(m.type === 'log' && m.level === 'error', JSON.stringify(m));
    assert.match((logs[0] as { message: string }).message, /"event"/);
    assert.equal(await panel.page.locator('#app').innerHTML(), before);
  });

  it('drops stream parts of a turn older than the newest turn seen', async () => {
    await panel.post(initMessage());
    await panel.post(eventMessage({ type: 'human-speak', turn: 3, text: 'Next question.', target: null }, 20));
    await panel.post(part({ turn: 2, item: 'speak', phase: 'delta', speaker: 'ilse', order: 2, text: 'late words from turn 2' }));
    await panel.post(part({ turn: 2, item: 'line', phase: 'delta', speaker: 'ilse', order: 1, text: 'late confer' }));
    assert.equal(await panel.page.getByText('late words').count(), 0);
    assert.equal(await panel.page.getByText('late confer').count(), 0);
    await panel.post(part({ turn: 4, item: 'speak', phase: 'delta', speaker: 'mara', order: 1, text: 'turn four' }));
    await panel.post(part({ turn: 3, item: 'speak', phase: 'delta', speaker: 'mara', order: 1, text: 'stale three' }));
    assert.equal(await panel.page.getByText('turn four').count(), 1);
    assert.equal(await panel.page.getByText('stale three').count(), 0);
  });

  it('settles a response and a confer line whose end never came when the floor returns', async () => {
    await panel.post(initMessage());
    await panel.post(eventMessage({ type: 'human-speak', turn: 3, text: 'Quickly?', target: null }, 20));
    await panel.post(part({ turn: 3, item: 'line', phase: 'delta', speaker: 'oskar', order: 1, text: 'I will keep it *short*' }));
    await panel.post(part({ turn: 3, item: 'speak', phase: 'delta', speaker: 'oskar', order: 1, text: 'No *deal*' }));
    assert.equal(await panel.page.locator('.streaming').count(), 2);
    await panel.post(eventMessage({ type: 'floor', turn: 3 }, 21));
    assert.equal(await panel.page.locator('.streaming').count(), 0);
    assert.equal(await panel.page.locator('.msg[data-turn="3"] em').innerText(), 'deal', 'final text rendered');
  });

  it('renders model text containing HTML as literal text, never as elements', async () => {
    await panel.post(initMessage());
    const evil = 'Look: <img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script> ' +
      '<a href="javascript:window.__pwned=3">click</a> [docs](https://example.com/plan) ![map](https://example.com/m.png)';
    await panel.post(eventMessage({ type: 'human-speak', turn: 3, text: '<b>bold?</b> <img src=y onerror=alert(1)>', target: null }, 20));
    await panel.post(part({ turn: 3, item: 'line', phase: 'delta', speaker: 'mara', order: 1, text: evil }));
    await panel.post(part({ turn: 3, item: 'line', phase: 'end', speaker: 'mara', order: 1, text: evil }));
    await panel.post(part({ turn: 3, item: 'speak', phase: 'delta', speaker: 'mara', order: 1, text: evil }));
    assert.match(await panel.page.locator('.msg[data-turn="3"] .msg-text').innerText(), /<img src=x onerror=/);
    await panel.post(part({ turn: 3, item: 'speak', phase: 'end', speaker: 'mara', order: 1, text: evil }));
    await panel.post(eventMessage({ type: 'speak', turn: 3, speaker: 'mara', order: 1, truncated: false, text: evil }, 21));
    await panel.post({ type: 'banner', level: 'error', message: '<img src=z onerror="window.__pwned=4">', actions: [] });
    const page = panel.page;
    assert.equal(await page.locator('#app img, #app script, #app a, #app b, #app iframe').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    const shown = await page.locator('.msg[data-turn="3"] .msg-text').innerText();
    assert.ok(shown.includes('<img src=x onerror="window.__pwned=1">'), shown);
    assert.ok(shown.includes('<script>window.__pwned=2</script>'), shown);
    assert.ok(shown.includes('docs (https://example.com/plan)'), 'links shown as text with their URL');
    assert.ok(shown.includes('[image: map] (https://example.com/m.png)'), shown);
    assert.match(await page.locator('.floor-line[data-turn="3"]').innerText(), /<b>bold\?<\/b> <img src=y/);
    assert.match(await page.locator('.confer-turn[data-turn="3"]').textContent() ?? '', /<script>window\.__pwned=2<\/script>/);
  });

  it('enforces its CSP: an injected inline script is blocked and reported', async () => {
    await panel.post(initMessage());
    expectedProblems = [/CSP violation: script-src/, /Content Security Policy/];
    await panel.page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.body.append(s);
    });
    await panel.page.waitForTimeout(50);
    assert.equal(await panel.page.evaluate(() => (window as unknown as { __inline?: number }).__inline), undefined);
    assert.ok(panel.problems().some((p) => /CSP violation: script-src/.test(p)), 'the violation was seen');
  });

  it('a replayed session is read-only and offers "Continue this session"', async () => {
    await panel.post(initMessage({ readOnly: true, canContinue: true }));
    assert.equal(await input().isVisible(), false);
    assert.equal(await panel.page.getByRole('button', { name: /^Retire / }).count(), 0);
    assert.equal(await button('Add character').count(), 0);
    assert.equal(await panel.page.locator('.msg').count(), 3, 'history replayed');
    const n = panel.posted().length;
    await button('Continue this session').click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'action', 3000, n), { type: 'action', action: 'continueSession' });
    await panel.post({ type: 'readOnly', readOnly: false, canContinue: false });
    assert.equal(await input().isVisible(), true);
    assert.equal(await button('Retire Mara Voss').count(), 1);
  });

  it('shows retries as a transient notice that clears when output arrives', async () => {
    await panel.post(initMessage());
    await panel.post(eventMessage({ type: 'human-speak', turn: 3, text: 'Again?', target: null }, 20));
    await panel.post(eventMessage({ type: 'retry', turn: 3, status: 529, attempt: 2, wait_ms: 2000 }, 21));
    const status = panel.page.locator('.transient');
    assert.equal(await status.innerText(), 'Overloaded (529) — retrying in 2 s, attempt 2');
    await panel.post(part({ turn: 3, item: 'speak', phase: 'start', speaker: 'ilse', order: 1, text: '' }));
    assert.equal(await status.isVisible(), false);
  });

  it('meter: warm countdown ticks, cold shows the next write, TTL toggle posts setTtl, budget shown', async () => {
    await panel.post(initMessage({ meter: meter({ cacheWarmUntil: Date.now() + 5_400, budgetUsd: 0.05 }) }));
    const cache = panel.page.locator('.cache');
    assert.equal(await cache.innerText(), 'cache warm 0:06');
    await panel.page.waitForFunction(() => document.querySelector('.cache')?.textContent === 'cache warm 0:05', null, { timeout: 2500 });
    assert.match(await panel.page.locator('.total').innerText(), /\$0\.047 \/ \$0\.050/);
    assert.ok(await panel.page.locator('.total').evaluate((e) => e.classList.contains('near-budget')));
    await panel.post({ type: 'meter', meter: meter({ cacheWarmUntil: Date.now() - 1, coldWriteUsd: 0.04 }) });
    assert.equal(await cache.innerText(), 'cold: next write ≈ $0.040');
    const n = panel.posted().length;
    await button('1h').click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'setTtl', 3000, n), { type: 'setTtl', ttl: '1h' });
    await button('5m').click();
    await panel.page.waitForTimeout(30);
    assert.equal(postedSince(n).filter((m) => m.type === 'setTtl').length, 1, 'the active TTL is not re-sent');
  });

  it('shows "—" as the total when no call has a known price', async () => {
    await panel.post(initMessage({ events: [] }));
    assert.equal(await panel.page.locator('.total').innerText().then((t) => t.trim()), '—');
    await panel.post(eventMessage({ type: 'cost', turn: 1, model: 'x-unknown', input_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1, usd: null }, 1));
    await panel.post(eventMessage({ type: 'floor', turn: 1 }, 2));
    assert.equal((await panel.page.locator('.total').innerText()).trim(), '—');
    assert.deepEqual(await text('.turn-cost'), ['—']);
  });

  it('anomalies and errors are shown discreetly', async () => {
    await panel.post(initMessage());
    await panel.post(eventMessage({ type: 'anomaly', turn: 2, kind: 'stray-text', detail: 'Sure! Here is the panel:' }, 20));
    await panel.post(eventMessage({ type: 'error', turn: 2, kind: 'rate_limit', message: 'Too many requests' }, 21));
    const anomaly = panel.page.locator('details.anomaly');
    assert.equal(await anomaly.getAttribute('open'), null, 'collapsed');
    assert.match(await anomaly.innerText(), /Off-format reply \(stray-text\)/);
    assert.match(await panel.page.locator('.error-line').innerText(), /rate_limit.*Too many requests/);
  });

  it('keeps the drawer state and the draft across a reload (webview state)', async () => {
    await panel.post(initMessage());
    await button('Deliberation').click();
    await input().fill('half a thought');
    const state = (await panel.state()) as Record<string, unknown>;
    assert.equal(state.drawerOpen, true);
    assert.equal(state.draft, 'half a thought');

    const again = await openPanelPage({ browser, state: { ...state, hostKey: 'kept' } });
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
    const vs = await openPanelPage({ browser, bodyClasses: ['vscode-dark'] });
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
    it(`wraps a 12-member cast without horizontal overflow at ${width}px`, async () => {
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
      } finally {
        await panel.page.setViewportSize({ width: 1100, height: 720 });
      }
    });
  }
});
