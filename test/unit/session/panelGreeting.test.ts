import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Library } from '../../../src/engine/cast/characters';
import { PanelSession } from '../../../src/engine/session/panelSession';
import { auditSessions } from '../../../src/engine/store/sessionAudit';
import { interactiveLogSchema } from '../../../src/engine/store/sessionSchema';
import { usePanelRig } from './panelRig';

const SNAPSHOT = path.join(__dirname, '__snapshots__', 'greeting.snap.txt');

/** The sample library with Mara given a card's greetings (first message and one alternate), macros and all. */
function withGreetings(lib: Library): Library {
  const characters = new Map(lib.characters);
  characters.set('mara', { ...lib.characters.get('mara')!, greetings: ['*{{char}} looks up from the plans.* Ah, {{user}}. Sit down.', 'Welcome to the quay, {{USER}}. I am {{char}}.'] });
  return { ...lib, characters };
}

/** A request as the snapshot shows it: each message's role and text, cache markers noted. */
function renderMessages(raw: string): string {
  const body = JSON.parse(raw) as { messages: Array<{ role: string; content: Array<{ text: string; cache_control?: unknown }> }> };
  return body.messages.map((m, i) => `[${i}] ${m.role}${m.content.some((b) => b.cache_control) ? ' (cache breakpoint)' : ''}\n${m.content.map((b) => b.text).join('\n')}`).join('\n');
}

describe('a 1:1 session opened by a character\'s greeting (issue 15 item 5)', function () {
  this.timeout(20_000);
  const rig = usePanelRig('dp-greeting-');

  it('records the greeting as the character\'s first message and sends it as their reply, so the model continues from it', async () => {
    const session = await PanelSession.start(rig.options({ library: withGreetings(rig.lib), cast: ['mara'], greeting: 1 }));
    const greeting = session.events.find((e) => e.type === 'greeting');
    assert.deepEqual(greeting && { ...greeting, at: 'AT' }, { seq: 2, at: 'AT', turn: 0, type: 'greeting', speaker: 'mara', text: 'Welcome to the quay, the floor. I am Mara Voss.', greeting: 1 });
    assert.deepEqual(session.promptContext.messages.map((m) => m.role), ['user', 'assistant']);

    await session.say('Why the marina?', null);
    await session.say('And the berth?', null);
    const [first, second] = rig.api.requests;
    const actual = `${renderMessages(first!.raw)}\n---\n${renderMessages(second!.raw)}\n`;
    if (process.env.UPDATE_SNAPSHOTS === '1') {
      await fs.mkdir(path.dirname(SNAPSHOT), { recursive: true });
      await fs.writeFile(SNAPSHOT, actual);
    }
    assert.equal(actual, await fs.readFile(SNAPSHOT, 'utf8').catch(() => ''), 'prompt layout changed: review the diff, then UPDATE_SNAPSHOTS=1 to accept');

    // Append-only: the second request is the first, then its reply, then the new line; the greeting is read from cache.
    const m1 = JSON.parse(first!.raw).messages as unknown[];
    const m2 = JSON.parse(second!.raw).messages as unknown[];
    const strip = (ms: unknown[]) => JSON.parse(JSON.stringify(ms).replace(/,"cache_control":\{[^}]*\}/g, ''));
    assert.deepEqual(strip(m2.slice(0, m1.length)), strip(m1));
    assert.equal(m2.length, m1.length + 2);
    assert.ok(second!.usage!.cache_read_input_tokens > 0, 'the greeting and the first turn are read from the cache');

    // A rewind to before the first turn keeps the greeting: it opened the session.
    await session.rewind(0);
    assert.equal(session.promptContext.messages.length, 2);
    const { dir } = await session.close();
    const log = interactiveLogSchema.parse(JSON.parse(await fs.readFile(path.join(dir, 'event-log.json'), 'utf8')));
    assert.equal(log.events.filter((e) => e.type === 'greeting').length, 1);
    const transcript = await fs.readFile(path.join(dir, 'transcript.md'), 'utf8');
    assert.match(transcript, /## Before the first turn\n\n\*\*Mara Voss\*\* \*\(greeting, alternate 1\)\*: Welcome to the quay, the floor\. I am Mara Voss\./);
    assert.deepEqual((await auditSessions(rig.sessionsDir)).problems, []);
  });

  it('refuses a greeting for a panel of several, or one the character does not have, and writes nothing', async () => {
    const library = withGreetings(rig.lib);
    await assert.rejects(PanelSession.start(rig.options({ library, greeting: 0 })), /1:1 session: the cast must be one character/);
    await assert.rejects(PanelSession.start(rig.options({ library, cast: ['mara'], greeting: 2 })), /Mara Voss has 2 greetings; there is no greeting 2/);
    await assert.rejects(PanelSession.start(rig.options({ library, cast: ['oskar'], greeting: 0 })), /Oskar Lind has no greeting/);
    assert.deepEqual(await fs.readdir(rig.sessionsDir), []);
  });

  it('a carry-over of a greeted session does not greet again', async () => {
    const library = withGreetings(rig.lib);
    const session = await PanelSession.start(rig.options({ library, cast: ['mara'], brief: null, greeting: 0 }));
    rig.api.enqueue({ text: '<summary>They met.</summary>\n<member id="mara">Fine.</member>' });
    const { next } = await session.carryOver({ library, brief: null });
    assert.equal(next.events.some((e) => e.type === 'greeting'), false);
    await next.close();
  });
});
