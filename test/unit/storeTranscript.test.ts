import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { interactiveLogSchema, type InteractiveLog } from '../../src/engine/sessionSchema';
import { escapeMarkdownBlock, escapeMarkdownInline } from '../../src/engine/store/markdownText';
import { renderTranscript } from '../../src/engine/store/transcript';
import { INTERACTIVE_FIXTURE } from './storeTestSession';

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '**not bold** and __not bold__ and *not em* ~~not struck~~',
  '[click](javascript:alert(1)) and ![img](http://x/y.png) and [ref][1]',
  '`code` and ``` a fence',
  '# not a heading',
  '- not a list\n+ nor this\n1. nor this\n2) nor this',
  '> not a quote',
  '    indented, not code',
  '<details><summary>fake</summary>',
  '</details> <!-- comment --> <https://example.com>',
  '&lt;b&gt; stays an entity &amp; &#60;',
  '| a | b |\n|---|---|\n| c | d |',
  'Setext\n===\nand\n---',
  'price $40 and $x^2$ math',
  'back\\slash \\*',
];

// Raw HTML on: the most dangerous way a viewer could render the transcript.
const md = new MarkdownIt({ html: true, linkify: false });
const ALLOWED_TAGS = new Set(['h1', 'h2', 'ul', 'li', 'p', 'strong', 'em', 'br', 'details', 'summary']);

function tagsIn(html: string): Set<string> {
  return new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1].toLowerCase()));
}

function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

function fixtureLog(): InteractiveLog {
  return interactiveLogSchema.parse(JSON.parse(readFileSync(path.join(INTERACTIVE_FIXTURE, 'event-log.json'), 'utf8')));
}

/** The fixture with every piece of free text replaced by hostile text. */
function hostileLog(): InteractiveLog {
  const log = fixtureLog();
  let n = 0;
  const next = (): string => HOSTILE[n++ % HOSTILE.length];
  log.title = '<script>t()</script> **T**';
  log.participants = log.participants.map((p) => ({ ...p, name: `<img src=x onerror=${p.id}()> *${p.id}*` }));
  log.events = log.events.map((e) => {
    switch (e.type) {
      case 'human-speak':
      case 'deliberation':
      case 'speak':
        return { ...e, text: next() };
      case 'anomaly':
        return { ...e, kind: '<b>k</b>', detail: next() };
      case 'error':
        return { ...e, kind: '<i>', message: next() };
      default:
        return e;
    }
  });
  // Make sure every hostile string appears at least once as a response.
  const turn = log.events[log.events.length - 1].turn;
  let seq = log.events[log.events.length - 1].seq;
  for (const text of HOSTILE) log.events.push({ seq: ++seq, at: '2026-11-22T05:00:00.000Z', turn, type: 'speak', speaker: 'mara', text, order: 1, truncated: false });
  return log;
}

describe('store: transcript', () => {
  it('never lets model, human or file text become HTML or markup', () => {
    const html = md.render(renderTranscript(hostileLog()));
    assert.deepEqual([...tagsIn(html)].filter((t) => !ALLOWED_TAGS.has(t)), []);
    assert.ok(!/<script|<img|<a |<code|<pre|<table|<h[3-6]|<blockquote|<ol/.test(html));
    const text = textOf(html);
    for (const s of HOSTILE) {
      for (const line of s.split('\n')) assert.ok(text.includes(line.trim()), `rendered text lost: ${line}`);
    }
    assert.ok(text.includes('<img src=x onerror=mara()> *mara*'), 'names stay text');
  });

  it('escapes each hostile line so that markdown-it renders it back as the same text', () => {
    for (const s of HOSTILE) {
      const html = md.renderInline(escapeMarkdownInline(s));
      assert.equal(textOf(html), s.replace(/\s+/g, ' ').trim(), s);
      assert.deepEqual([...tagsIn(html)], []);
    }
    const block = md.render(escapeMarkdownBlock('one\ntwo\n\n\nthree'));
    assert.equal(block, '<p>one<br>\ntwo</p>\n<p>three</p>\n');
  });

  it('shows cast, floor lines with the addressee, the confer collapsed, passes, cut responses, per-turn cost and totals', () => {
    const out = renderTranscript(fixtureLog());
    assert.match(out, /^# The harbour deal\n/);
    assert.match(out, /- \*\*Ilse Brandt\*\* \(ilse\) · joined at turn 0, retired at turn 3/);
    assert.match(out, /\*\*From the floor\*\* → \*\*@Mara Voss\*\*: Mara, what does the ferry cost\?/);
    assert.match(out, /<details>\n<summary>Confer \(3 lines\)<\/summary>\n\n\*\*Oskar Lind:\*\* This is my fight/);
    assert.match(out, /\*Ilse Brandt passes\.\*/);
    assert.match(out, /\*\*Oskar Lind\*\* \*\(cut off\)\*: And the yard got/);
    assert.match(out, /\*Turn 2 cost: \$0\.0063 · 45 input, 610 cache write, 9,010 cache read, 88 output tokens\*/);
    assert.match(out, /## Totals\n\n- Cost: \$0\.0482/);
    // Responses in delivery order within turn 1.
    assert.ok(out.indexOf('**Oskar Lind**: Sell it') < out.indexOf('**Mara Voss**: Four hundred'));
    assert.match(renderTranscript(fixtureLog(), { mara: 'M. Voss <3' }), /\*\*M\. Voss &lt;3\*\*: Four hundred/, 'names can be overridden');
  });

  it('matches the committed fixture transcript (UPDATE_FIXTURES=1 rewrites it)', () => {
    const file = path.join(INTERACTIVE_FIXTURE, 'transcript.md');
    const out = renderTranscript(fixtureLog());
    if (process.env.UPDATE_FIXTURES === '1') writeFileSync(file, out);
    assert.equal(out, readFileSync(file, 'utf8'));
  });
});
