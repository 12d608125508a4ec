import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { loadLibrary, type Library } from '../../../src/engine/cast/characters';
import { buildRequest, openingSystem, userTurnText, type PromptContext } from '../../../src/engine/prompt/promptLayout';

// A prompt change must show up as a readable diff in review: refresh with UPDATE_SNAPSHOTS=1 npm run test:unit
const SNAPSHOT = path.join(__dirname, '__snapshots__', 'promptLayout.snap.txt');

function stripCache(req: ReturnType<typeof buildRequest>): unknown {
  return JSON.parse(JSON.stringify(req, (k, v: unknown) => (k === 'cache_control' ? undefined : v)));
}

/** A plain-text rendering so a prompt change reads as prose in a diff, cache markers included. */
function renderRequest(req: ReturnType<typeof buildRequest>, i: number): string {
  const mark = (b: { cache_control?: { ttl?: string } }) => (b.cache_control ? `  [cache breakpoint${b.cache_control.ttl ? ` ${b.cache_control.ttl}` : ''}]` : '');
  const out = [`######## request ${i + 1}: ${req.model}, max_tokens ${req.max_tokens}`];
  req.system.forEach((b, j) => out.push(`==== system[${j}]${mark(b)}`, b.text));
  req.messages.forEach((m, j) => m.content.forEach((b) => out.push(`==== messages[${j}] ${m.role}${mark(b)}`, b.text)));
  return out.join('\n');
}

describe('promptLayout', () => {
  let lib: Library;
  before(async () => {
    lib = await loadLibrary(path.join(__dirname, '..', '..', '..', 'characters'));
  });
  const c = (id: string) => {
    const ch = lib.characters.get(id);
    if (!ch) throw new Error(`sample character ${id} missing`);
    return ch;
  };

  function scripted(): ReturnType<typeof buildRequest>[] {
    const ctx: PromptContext = { system: openingSystem('full', lib.briefs.get('harbour-deal')!, [c('mara'), c('oskar'), c('ilse')]), messages: [] };
    const requests: ReturnType<typeof buildRequest>[] = [];
    const turn = (text: string, dirs: Parameters<typeof userTurnText>[1], reply: string) => {
      ctx.messages.push({ role: 'user', content: [userTurnText(text, dirs)] });
      requests.push(buildRequest(ctx, { model: 'claude-sonnet-5-5', maxTokens: 2048, ttl: '5m' }));
      ctx.messages.push({ role: 'assistant', content: [reply] });
    };
    turn('Where do you each stand on the marina?', [], '<speak who="mara">It stays.</speak>');
    turn('Tomás, you have been listening.', [{ kind: 'join', character: c('tomas') }], '<speak who="tomas">Sí.</speak>');
    turn('Oskar has to go; anything else?', [{ kind: 'retire', character: c('oskar') }], '<speak who="ilse">No.</speak>');
    turn('Mara, the flood line?', [{ kind: 'address', character: c('mara') }], '<speak who="mara">Above it.</speak>');
    return requests;
  }

  it('matches the snapshot of the assembled requests', async () => {
    const actual = scripted().map(renderRequest).join('\n');
    if (process.env.UPDATE_SNAPSHOTS === '1') await fs.writeFile(SNAPSHOT, actual + '\n');
    const expected = await fs.readFile(SNAPSHOT, 'utf8').catch(() => '');
    assert.equal(actual + '\n', expected, 'prompt layout changed: review the diff, then UPDATE_SNAPSHOTS=1 to accept');
  });

  it('keeps the append-only invariant: each request extends the previous one only at its end', () => {
    const reqs = scripted().map(stripCache) as Array<{ system: unknown; messages: unknown[] }>;
    for (let i = 1; i < reqs.length; i++) {
      assert.deepEqual(reqs[i]!.system, reqs[0]!.system, 'system never changes');
      const prev = reqs[i - 1]!.messages;
      assert.deepEqual(reqs[i]!.messages.slice(0, prev.length), prev);
      assert.equal(reqs[i]!.messages.length, prev.length + 2, 'one reply and one new user message');
    }
  });

  it('uses at most 4 breakpoints: the last system block and the last user message, with the ttl', () => {
    for (const ttl of ['5m', '1h'] as const) {
      const ctx: PromptContext = { system: openingSystem('brief', null, [c('mara'), c('ilse')]), messages: [{ role: 'user', content: ['x'] }, { role: 'assistant', content: ['y'] }, { role: 'user', content: ['z'] }] };
      const req = buildRequest(ctx, { model: 'm', maxTokens: 10, ttl });
      const marks = JSON.stringify(req).match(/cache_control/g) ?? [];
      assert.equal(marks.length, 2);
      assert.ok(req.system[req.system.length - 1]!.cache_control);
      assert.ok(req.messages[2]!.content[0]!.cache_control);
      assert.equal(req.messages[0]!.content[0]!.cache_control, undefined);
      assert.equal(req.system[0]!.cache_control, undefined);
      assert.equal(req.system[2]!.cache_control?.ttl, ttl === '1h' ? '1h' : undefined);
    }
  });

  it('puts a joiner\'s materials and the retire instruction in the user message, never the system', () => {
    const text = userTurnText('hello', [{ kind: 'join', character: c('tomas') }, { kind: 'retire', character: c('oskar') }]);
    assert.match(text, /<join id="tomas" name="Tomás Reyes">/);
    assert.match(text, /slipway/);
    assert.match(text, /<retire id="oskar"\/> .*Stop voicing Oskar Lind \(oskar\)/);
    assert.match(text, /From the floor: "hello"$/);
  });

  it('states the wire format, relevance order, passes, address and one-member rules', () => {
    const rules = openingSystem('full', null, [c('mara')])[0]!;
    for (const needle of ['<confer>', '<line who="ID">', '<speak who="ID">', '<pass who="ID"/>', 'relevance-led', 'actually said before them', 'only one member present', '<address id="ID"/>']) {
      assert.ok(rules.includes(needle), `rules mention ${needle}`);
    }
    assert.notEqual(openingSystem('off', null, [c('mara')])[0], rules, 'depth changes the rules');
  });
});
