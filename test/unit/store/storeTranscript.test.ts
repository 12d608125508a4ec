import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { interactiveLogSchema, type InteractiveLog, type NewEvent, type SessionEvent } from '../../../src/engine/store/sessionSchema';
import { sumCostTotals } from '../../../src/engine/store/costTotals';
import { keepModelMarkdown } from '../../../src/engine/store/markdownKept';
import { escapeMarkdownBlock, escapeMarkdownInline } from '../../../src/engine/store/markdownText';
import { deriveParticipants } from '../../../src/engine/store/sessionLog';
import { renderTranscript } from '../../../src/engine/store/transcript';
import { turnsPhrase } from '../../../src/engine/store/transcriptSuperseded';
import { CARRIED_FIXTURE, CAST, INTERACTIVE_FIXTURE, REDO_FIXTURE } from './storeTestSession';

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
// The transcript's own structure, plus the model markdown it keeps (emphasis, strikethrough, code, lists).
const ALLOWED_TAGS = new Set(['h1', 'h2', 'ul', 'ol', 'li', 'p', 'strong', 'em', 's', 'code', 'pre', 'br', 'details', 'summary']);

/** Text with markdown's own marks dropped, for "was any of the words lost" comparisons. */
function loose(text: string): string {
  return text.split('\n').map((l) => l.replace(/^\s*([-+*]|\d+[.)])\s+/, '')).join(' ').replace(/[*_~`\\]/g, '').replace(/\s+/g, ' ').trim();
}

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

function fixtureLog(folder = INTERACTIVE_FIXTURE): InteractiveLog {
  return interactiveLogSchema.parse(JSON.parse(readFileSync(path.join(folder, 'event-log.json'), 'utf8')));
}

/** A fixture with every piece of free text replaced by hostile text. */
function hostileLog(folder = INTERACTIVE_FIXTURE): InteractiveLog {
  const log = fixtureLog(folder);
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
    assert.ok(!/<script|<img|<a |<table|<h[3-6]|<blockquote/.test(html));
    const text = textOf(html);
    for (const s of HOSTILE) {
      for (const line of s.split('\n')) assert.ok(loose(text).includes(loose(line)), `rendered text lost: ${line}`);
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

  it("keeps the model's markdown (emphasis, lists, code) and still neutralises HTML, links, headings and open fences", () => {
    const render = (t: string): string => md.render(keepModelMarkdown(t));
    assert.match(render('It costs **two** piers, *not* one, ~~three~~.'), /<strong>two<\/strong> piers, <em>not<\/em> one, <s>three<\/s>/);
    const list = render('Options:\n- sell the pier\n- keep it\n  and wait\n1. first\n2. second');
    assert.match(list, /<ul>\n<li>sell the pier<\/li>\n<li>keep it\nand wait<\/li>\n<\/ul>/);
    assert.match(list, /<ol>\n<li>first<\/li>\n<li>second<\/li>\n<\/ol>/);
    assert.match(render('Use `a < b && c` here'), /<code>a &lt; b &amp;&amp; c<\/code>/, 'code keeps its characters, as code');
    assert.match(render('```ts\nif (a < b) { run("<script>") }\n```'), /<pre><code class="language-ts">if \(a &lt; b\) \{ run\(&quot;&lt;script&gt;&quot;\) \}\n<\/code><\/pre>/);
    assert.equal(tagsIn(render('[click](javascript:alert(1)) ![x](http://t/p.png) <https://example.com> <b>no</b> # no')).has('a'), false);
    assert.ok(!/<h1|<img|<b>/.test(render('# heading\n<img src=x onerror=y()>\n![x](http://t/p.png)')));
    // An unclosed fence is closed at the end of the model's text: what follows in the transcript is not code.
    const log = fixtureLog();
    const first = log.events.findIndex((e) => e.type === 'speak');
    log.events[first] = { ...log.events[first], text: '```\nopen code' } as SessionEvent;
    const transcript = md.render(renderTranscript(log));
    assert.match(transcript, /<pre><code>open code\n<\/code><\/pre>\n<p><strong>[^<]+<\/strong>: /, 'the next response is not swallowed');
    assert.match(render('a line\nanother line'), /a line<br>\nanother line/, 'line breaks kept');
  });

  it('tells apart speakers whose display names collide or read as the floor', () => {
    const log = fixtureLog();
    const named = (id: string, name: string) => log.participants.find((p) => p.id === id)!.name = name;
    named('mara', 'Oskar Lind');
    named('ilse', 'From the floor');
    const out = renderTranscript(log);
    assert.match(out, /\*\*Oskar Lind \(mara\)\*\*: Four hundred/);
    assert.match(out, /\*\*Oskar Lind \(oskar\)\*\*/);
    assert.match(out, /From the floor \(ilse\)/);
    assert.match(renderTranscript(fixtureLog()), /\*\*Mara Voss\*\*: Four hundred/, 'distinct names stay as they are');
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

  it('matches the committed fixture transcripts (UPDATE_FIXTURES=1 rewrites them)', () => {
    for (const folder of [INTERACTIVE_FIXTURE, REDO_FIXTURE, CARRIED_FIXTURE]) {
      const file = path.join(folder, 'transcript.md');
      const out = renderTranscript(fixtureLog(folder));
      if (process.env.UPDATE_FIXTURES === '1') writeFileSync(file, out);
      assert.equal(out, readFileSync(file, 'utf8'), folder);
    }
  });
});

/** A log from bare events at one-second steps: participants and totals derived as close does. */
function logOf(events: NewEvent[]): InteractiveLog {
  const stamped = events.map((e, i) => ({ ...e, seq: i + 1, at: new Date(Date.UTC(2026, 10, 23, 10, 0, i)).toISOString() })) as SessionEvent[];
  const notes = new Map([...CAST, { id: 'teo', name: 'Teo Amari' }].map((p) => [p.id, p]));
  return interactiveLogSchema.parse({
    schema_version: 1, mode: 'interactive', session_id: '2026-11-23T1000Z-t', started_at: '2026-11-23T10:00:00.000Z', ended_at: null, model: 'm', brief: null,
    participants: deriveParticipants(stamped, notes), events: stamped, totals: sumCostTotals(stamped),
  });
}

function turn(t: number, text: string, answer: string, extra: Partial<Extract<NewEvent, { type: 'human-speak' }>> = {}): NewEvent[] {
  return [
    { type: 'human-speak', turn: t, text, target: null, ...extra },
    { type: 'speak', turn: t, speaker: 'mara', text: answer, order: 1, truncated: false },
    { type: 'cost', turn: t, model: 'm', input_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 100 * t, output_tokens: 2, usd: 0.001 * t },
    { type: 'floor', turn: t },
  ];
}

const intro: NewEvent = { type: 'intro', turn: 0, brief: null, cast: ['mara', 'oskar'] };

describe('store: transcript of the final line', () => {
  const out = renderTranscript(fixtureLog(REDO_FIXTURE));
  const at = (needle: string): number => {
    const i = out.indexOf(needle);
    assert.ok(i >= 0, `missing: ${needle}`);
    return i;
  };

  it('shows only the live turns as sections, in order, with the rewind noted where it happened', () => {
    assert.deepEqual([...out.matchAll(/^## (.*)$/gm)].map((m) => m[1]), ['Cast', 'Turn 1', 'Turn 2', 'Rewind', 'Turn 8', 'Turn 10', 'Totals']);
    assert.ok(at('## Turn 2') < at('<summary>1 other sample</summary>') && at('<summary>1 other sample</summary>') < at('## Rewind') && at('## Rewind') < at('## Turn 8'));
    assert.match(out, /## Rewind\n\n\*\*Rewound to turn 2\*\*: turns 5–7 superseded \(3 human lines, 6 responses\)\.\n\n\*Teo Amari leaves the panel \(the rewind\)\.\*\n\n\*Ilse Brandt is back on the panel \(the rewind\)\.\*/);
  });

  it('lists the other samples of a live turn compactly, with their own cost, the floor line only when it differs', () => {
    const turn2 = out.slice(at('## Turn 2'), at('## Rewind'));
    assert.match(turn2, /\*\*Mara Voss\*\*: Forty million over ten years, paid by fares\./, 'the chosen sample (turn 2, selected back) is the live one');
    assert.match(turn2, /<details>\n<summary>1 other sample<\/summary>\n\n\*\*Turn 3\*\* · another sample of turn 2 · \$0\.0014\n\n- \*\*Mara Voss:\*\* Thirty-eight million/);
    assert.doesNotMatch(turn2, /- From the floor/, 'a regenerated sample repeats the line, so it is not shown again');
    const turn10 = out.slice(at('## Turn 10'), at('## Totals'));
    assert.match(turn10, /^## Turn 10\n\n\*Turn 9's line, edited and asked again\.\*\n\n\*\*From the floor\*\* → \*\*@Ilse Brandt\*\*: Ilse, would that contract hold up in court\?/);
    assert.match(turn10, /\*\*Turn 9\*\* · \$0\.0026\n\n- From the floor → @Ilse Brandt: Ilse, is that contract worth the paper\?\n- \*\*Ilse Brandt:\*\* Only if someone reads it twice\./);
  });

  it('lists rewound turns with their earlier samples, cast changes, cut responses and errors', () => {
    const rewind = out.slice(at('## Rewind'), at('## Turn 8'));
    assert.match(rewind, /<summary>4 superseded turns<\/summary>/);
    assert.deepEqual([...rewind.matchAll(/^\*\*Turn (\d+)\*\*/gm)].map((m) => Number(m[1])), [4, 5, 6, 7]);
    assert.match(rewind, /\*\*Turn 4\*\* · \$0\.0053\n\n- \*Ilse Brandt retires\.\*\n- \*Teo Amari joins\.\*\n- From the floor: Teo, you ran the last prot sale/);
    assert.match(rewind, /\*\*Turn 5\*\* · turn 4's line, edited · \$0\.0016/);
    assert.match(rewind, /- \*\*Teo Amari:\*\* \*\(cut off\)\* Then you find out what the harbour is wo\n- \*Error \(stopped\)\*/);
  });

  it('keeps per-turn costs per call, and totals over every call, superseded ones included', () => {
    const log = fixtureLog(REDO_FIXTURE);
    assert.match(out, /\*Turn 8 cost: \$0\.0035 · 55 input, 700 cache write, 9,610 cache read, 70 output tokens\*/);
    assert.match(out, new RegExp(`- Cost: \\$${log.totals.usd!.toFixed(4).replace('.', '\\.')} · 3,747 input`));
    assert.equal(log.totals.usd, sumCostTotals(log.events).usd);
    assert.match(out, /- Turns: 4 in the final line, 6 superseded \(their calls are in the cost above\)\n$/);
  });

  it('an edited turn carries the cast changes that landed with the line it re-asks', () => {
    const text = renderTranscript(logOf([
      intro,
      { type: 'join', turn: 1, speaker: 'teo', profile_sha256: 'a'.repeat(64) },
      ...turn(1, 'Teo, welcom?', 'Hello.'),
      { type: 'supersede', turn: 2, reason: 'edit', turns: [1] },
      ...turn(2, 'Teo, welcome!', 'Hello again.', { redo_of: 1, redo: 'edit' }),
    ]));
    assert.match(text, /## Turn 2\n\n\*Turn 1's line, edited and asked again\.\*\n\n\*Teo Amari joins the panel\.\*\n\n\*\*From the floor\*\*: Teo, welcome!/);
    assert.match(text, /\*\*Turn 1\*\* · \$0\.0010\n\n- From the floor: Teo, welcom\?\n- \*\*Mara Voss:\*\* Hello\./, 'the sample does not repeat the join');
    assert.doesNotMatch(text, /## Turn 1\b/);
  });

  it('rewinding to the start, and a superseded turn nothing replaced, are still listed', () => {
    const toStart = renderTranscript(logOf([intro, ...turn(1, 'One?', 'A.'), { type: 'supersede', turn: 2, reason: 'regenerate', turns: [1] }, ...turn(2, 'One?', 'B.', { redo_of: 1, redo: 'regenerate' }), { type: 'supersede', turn: 2, reason: 'rewind', turns: [2] }, ...turn(3, 'Fresh.', 'C.')]));
    assert.match(toStart, /\*\*Rewound to the start\*\*: turn 2 superseded \(1 human line, 1 response\)\./);
    assert.match(toStart, /<summary>2 superseded turns<\/summary>[\s\S]*\*\*Turn 1\*\*[\s\S]*\*\*Turn 2\*\* · another sample of turn 1/);
    assert.deepEqual([...toStart.matchAll(/^## (.*)$/gm)].map((m) => m[1]), ['Cast', 'Rewind', 'Turn 3', 'Totals']);
    const orphan = renderTranscript(logOf([intro, ...turn(1, 'One?', 'A.'), { type: 'supersede', turn: 1, reason: 'regenerate', turns: [1] }]));
    assert.match(orphan, /## Set aside\n\n\*\*Superseded\*\* \(regenerate\): turn 1 superseded \(1 human line, 1 response\), and nothing in the line replaced it\./);
    assert.match(orphan, /- Turns: 0 in the final line, 1 superseded/);
  });

  it('cuts long superseded responses to one short line without splitting an escape or a character', () => {
    const long = `${'word '.repeat(30)}<b>${'x'.repeat(40)}`;
    const emoji = `${'y'.repeat(159)}😀 tail`;
    const text = renderTranscript(logOf([intro, ...turn(1, 'Q?', long), { type: 'speak', turn: 1, speaker: 'oskar', text: emoji, order: 2, truncated: false }, { type: 'supersede', turn: 2, reason: 'regenerate', turns: [1] }, ...turn(2, 'Q?', 'Short.', { redo_of: 1, redo: 'regenerate' })]));
    const item = /- \*\*Mara Voss:\*\* (.*)/.exec(text)![1];
    assert.equal(item, `${'word '.repeat(30).trim()}…`);
    assert.equal(/- \*\*Oskar Lind:\*\* (.*)/.exec(text)![1], `${'y'.repeat(159)}…`);
    assert.ok(!text.includes('<b>'));
  });

  it('never lets text in superseded samples, rewinds, links or a carried-over summary become HTML', () => {
    const log = hostileLog(REDO_FIXTURE);
    log.continued_in = '<img src=x onerror=1>';
    log.events[0] = { ...log.events[0], type: 'intro', brief: null, cast: ['mara', 'oskar', 'ilse'], carried_over: { from: '<script>x()</script>', summary: HOSTILE.join('\n\n') } };
    const html = md.render(renderTranscript(log));
    assert.deepEqual([...tagsIn(html)].filter((t) => !ALLOWED_TAGS.has(t)), []);
    const text = textOf(html);
    for (const s of HOSTILE) assert.ok(text.includes(s.replace(/\s+/g, ' ').trim()) || s.split('\n').every((l) => loose(text).includes(loose(l))), `rendered text lost: ${s}`);
    assert.ok(text.includes('<img src=x onerror=1>') && text.includes('<script>x()</script>'));
  });

  it('names runs of turns compactly', () => {
    assert.equal(turnsPhrase([5]), 'turn 5');
    assert.equal(turnsPhrase([7, 5, 6]), 'turns 5–7');
    assert.equal(turnsPhrase([2, 5, 6, 9, 10, 11]), 'turns 2, 5, 6, 9–11');
  });

  it('shows the carry-over links and the carried-over summary', () => {
    const carried = renderTranscript(fixtureLog(CARRIED_FIXTURE));
    assert.match(carried, /- Continues from: 2026-11-23T0915Z-the-harbour-deal-again\n/);
    assert.match(carried, /## Before the first turn\n\n\*Carried over from session 2026-11-23T0915Z-the-harbour-deal-again: [^\n]*\n\n<details>\n<summary>The carried-over summary<\/summary>\n\nThe panel weighed/);
    assert.match(out, /- Continued in: 2026-11-23T0941Z-the-harbour-deal-again\n/);
  });
});
