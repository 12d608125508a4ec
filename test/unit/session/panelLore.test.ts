import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importCards } from '../../../src/engine/cards/characterCards';
import { loadLibrary, type Library } from '../../../src/engine/cast/characters';
import { PanelSession } from '../../../src/engine/session/panelSession';
import { auditSessions } from '../../../src/engine/store/sessionAudit';
import { countTokens } from '../../standIn/messagesStandIn';
import { b64, pngWith, v2Card } from '../cards/cardBuilders';
import { usePanelRig } from './panelRig';

type Body = { system: Array<{ text: string }>; messages: Array<{ role: string; content: Array<{ text: string }> }> };
const strip = (raw: string): Body => JSON.parse(raw, (k, v: unknown) => (k === 'cache_control' ? undefined : v)) as Body;
const loreIn = (text: string): string[] => [...text.matchAll(/<lore id="([a-z0-9-]+)" entry="([^"]*)"/g)].map((m) => `${m[1]}:${m[2]}`);

describe('lorebooks in the megaprompt (against the stand-in)', () => {
  const rig = usePanelRig('dp-lore-');
  let work: string;
  let library: Library;
  beforeEach(async () => {
    // The sample cast plus a card character with a lorebook (keyed, case-sensitive, selective and constant entries).
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-lore-lib-'));
    const chars = path.join(work, 'characters');
    await fs.cp(path.join(__dirname, '..', '..', '..', 'characters'), chars, { recursive: true });
    const card = path.join(work, 'bram.png');
    await fs.writeFile(card, pngWith([['chara', b64(v2Card)]]));
    await importCards([card], chars);
    library = await loadLibrary(chars);
    assert.deepEqual(library.problems, []);
  });
  afterEach(() => fs.rm(work, { recursive: true, force: true }));

  it('recalls each keyed entry once, in the user message of the turn that names it; the context only grows at its end', async () => {
    const s = await PanelSession.start(rig.options({ library, cast: ['mara', 'oskar', 'bram-okafor'] }));
    // Turn 1's reply names the reef and a wreck in a response, and the lighthouse only backstage (the confer).
    rig.api.enqueue({
      text: '<confer>\n<line who="mara">Mara: the lighthouse matters here.</line>\n</confer>\n<speak who="bram-okafor">The reef took another wreck last winter.</speak>\n<speak who="mara">Morning.</speak>\n<pass who="oskar"/>',
    });
    const floor = ['Good morning, everyone.', 'Go on.', 'Is the pike fishing good near the lighthouses?', 'What about the lighthouse, and Pike?', 'The lighthouse again.'];
    for (const line of floor) await s.say(line, null);
    const expected = [[], ['bram-okafor:3'], [], ['bram-okafor:1', 'bram-okafor:2'], []];

    const bodies = rig.api.requests.map((r) => strip(r.raw));
    assert.equal(bodies.length, floor.length);
    // The constant entry is part of Bram's materials in the system block, which never changes.
    assert.match(bodies[0]!.system.map((b) => b.text).join('\n'), /## Lore\n\nBram Okafor always carries a brass compass\./);
    for (let i = 0; i < bodies.length; i++) {
      const last = bodies[i]!.messages.at(-1)!;
      assert.equal(last.role, 'user');
      assert.deepEqual(loreIn(last.content[0]!.text), expected[i], `turn ${i + 1}: the lore in its own user message`);
      if (i === 0) continue;
      assert.deepEqual(bodies[i]!.system, bodies[0]!.system, `turn ${i + 1} keeps the system block`);
      assert.deepEqual(bodies[i]!.messages.slice(0, bodies[i - 1]!.messages.length), bodies[i - 1]!.messages, `turn ${i + 1} rewrites no earlier message`);
      // The cache reads everything before the new tail and writes only the tail (reply + user message with its lore).
      const usage = rig.api.requests[i]!.usage!;
      const tail = bodies[i]!.messages.slice(-2).reduce((n, m) => n + m.content.reduce((k, b) => k + countTokens(b.text), 0), 0);
      const before = rig.api.requests[i - 1]!.usage!;
      assert.ok(Math.abs(usage.cache_creation_input_tokens - tail) <= tail * 0.05 + 8, `turn ${i + 1}: wrote ${usage.cache_creation_input_tokens}, tail ${tail}`);
      assert.ok(usage.cache_read_input_tokens >= before.cache_read_input_tokens + before.cache_creation_input_tokens - 2, `turn ${i + 1} reads the whole earlier prompt`);
    }
    const lore = s.events.filter((e) => e.type === 'lore');
    assert.deepEqual(
      lore.map((e) => (e.type === 'lore' ? [e.turn, e.speaker, e.entry, e.name, e.key] : [])),
      [
        [2, 'bram-okafor', '3', 'reef', 'reef'],
        [4, 'bram-okafor', '1', 'Old Lighthouse', 'lighthouse'],
        [4, 'bram-okafor', '2', 'Pike', 'Pike'],
      ],
    );
    // Macros in the entry are resolved in the prompt.
    assert.match(bodies[3]!.messages.at(-1)!.content[0]!.text, /<lore id="bram-okafor" entry="1" name="Old Lighthouse">Bram Okafor knows the Old Lighthouse/);

    // A rewind cuts the recalled entries out of the context, so they can be recalled again.
    await s.rewind(3);
    await s.say('Back to the lighthouse.', null);
    assert.deepEqual(loreIn(strip(rig.api.requests.at(-1)!.raw).messages.at(-1)!.content[0]!.text), ['bram-okafor:1']);
    const { dir } = await s.close();
    assert.deepEqual((await auditSessions(path.dirname(dir))).problems, []);
    assert.match(await fs.readFile(path.join(dir, 'transcript.md'), 'utf8'), /Bram Okafor recalls lore: Old Lighthouse \(named: lighthouse\)/);
  });
});
