import { strict as assert } from 'node:assert';
import { CAST, cost, eventMessage, initMessage, meter } from './panelFixtures';
import type { PanelPage } from './panelHarness';
import { part, usePanelPage } from './panelSuite';

describe('panel webview: what the host sends (headless Chromium, scripted host)', function () {
  const suite = usePanelPage();
  const { button, input, text, postedSince } = suite;
  let panel: PanelPage;
  beforeEach(() => { panel = suite.panel; });

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
    assert.match(await page.locator('.cache').innerText(), /^cache warm [23]:\d\d$/, 'counting down from about 3:20 (a loaded machine renders late)');
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
    assert.match((await text('[aria-live="polite"]')).join('\n'), /Mara Voss: A costed plan\. Show me one\./);
    assert.equal((await text('[aria-live="polite"] > div')).length, 1, 'announced once');

    // An event with no stream before it (e.g. the host replayed late) still appears once.
    await panel.post(eventMessage({ type: 'speak', turn: 3, speaker: 'oskar', order: 2, truncated: false, text: 'Then come to the union hall.' }, 23));
    assert.equal(await msg.count(), 2);
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
    suite.expectProblems(/CSP violation: script-src/, /Content Security Policy/);
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
    // A loaded machine may take a few hundred ms to render: read where the countdown is, then see it tick once.
    const first = /^cache warm 0:0([56])$/.exec(await cache.innerText());
    assert.ok(first, 'the countdown shows the seconds left, rounded up');
    const next = `cache warm 0:0${Number(first[1]) - 1}`;
    await panel.page.waitForFunction((want) => document.querySelector('.cache')?.textContent === want, next, { timeout: 2500 });
    assert.match(await panel.page.locator('.total').innerText(), /\$0\.047 \/ \$0\.050/);
    assert.ok(await panel.page.locator('.total').evaluate((e) => e.classList.contains('near-budget')));
    await panel.post({ type: 'meter', meter: meter({ cacheWarmUntil: Date.now() - 1, coldWriteUsd: 0.04, write1hUsd: 0.082 }) });
    assert.equal(await cache.innerText(), 'cold: next write ≈ $0.040');
    assert.match((await button('1h').getAttribute('title')) ?? '', /1-hour rate ≈ \$0\.082/, 'the 1h write price is shown before switching');
    const n = panel.posted().length;
    await button('1h').click();
    assert.deepEqual(await panel.waitForPosted((m) => m.type === 'setTtl', 3000, n), { type: 'setTtl', ttl: '1h' });
    await button('5m').click();
    await panel.page.waitForTimeout(30);
    assert.equal(postedSince(n).filter((m) => m.type === 'setTtl').length, 1, 'the active TTL is not re-sent');
  });

  it('meter: keep-warm pings count in the total and the strip, not in the turn they follow', async () => {
    await panel.post(initMessage());
    assert.equal(await panel.page.locator('.kept-warm').isVisible(), false, 'nothing kept warm yet');
    await panel.post(eventMessage(cost(2, 0.004, { cache_read_input_tokens: 13_000, output_tokens: 1, kind: 'keep-warm' }), 30));
    await panel.post({ type: 'meter', meter: meter({ keptWarm: { count: 3, usd: 0.012 }, warmth: 'keep-warm' }) });
    assert.equal(await panel.page.locator('.kept-warm').innerText(), 'kept warm 3× · $0.012');
    assert.deepEqual(await text('.turn-cost'), ['$0.041', '$0.006'], 'the turn costs are the turns alone');
    assert.match(await panel.page.locator('.total').innerText(), /\$0\.051/, 'the total includes the ping');
  });

  it("meter under auto: the TTL auto chose in place of the toggle, and whether it pings", async () => {
    await panel.post(initMessage());
    const chip = panel.page.locator('.ttl-auto');
    assert.equal(await chip.isVisible(), false, 'the toggle, not the chip, outside auto');
    assert.equal(await button('1h').isVisible(), true);
    await panel.post({ type: 'meter', meter: meter({ ttl: '5m', warmth: 'auto', autoTtl: '1h', keepingWarm: 'expiring', cacheWarmUntil: Date.now() + 50 * 60_000 }) });
    assert.equal(await chip.innerText(), '1h — auto', 'what auto wrote the tail with, not the 5m setting');
    assert.equal(await button('1h').isVisible(), false, 'the setting is not used by auto: no toggle');
    assert.match(await chip.getAttribute('title') ?? '', /auto cached this gap for 1 hour/);
    assert.match(await panel.page.locator('.ttl-auto-text').textContent() ?? '', /chosen by auto: 1 hour for this gap/);
    assert.match(await panel.page.locator('.cache').innerText(), /^cache warm [45]\d:\d\d · will expire$/);
    await panel.post({ type: 'meter', meter: meter({ ttl: '1h', warmth: 'auto', autoTtl: '5m', keepingWarm: 'pinging' }) });
    assert.equal(await chip.innerText(), '5m — auto');
    assert.match(await panel.page.locator('.cache').innerText(), /^cache warm [23]:\d\d · pinging$/);
    assert.match(await panel.page.locator('.cache-text').textContent() ?? '', /being kept warm while you think/);
    await panel.post({ type: 'meter', meter: meter({ warmth: 'auto', autoTtl: '5m', cacheWarmUntil: Date.now() - 1, coldWriteUsd: 0.155 }) });
    assert.equal(await panel.page.locator('.cache').innerText(), 'cold: next write ≈ $0.155');
    assert.match(await panel.page.locator('.ttl-auto-text').textContent() ?? '', /5 minutes for the next turn/);
    await panel.post({ type: 'meter', meter: meter({ warmth: 'keep-warm', keepingWarm: 'pinging' }) });
    assert.equal(await chip.isVisible(), false, 'keep-warm uses the setting: the toggle is back');
    assert.equal(await button('5m').getAttribute('aria-pressed'), 'true');
    assert.match(await panel.page.locator('.cache').innerText(), / · pinging$/);
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
});
