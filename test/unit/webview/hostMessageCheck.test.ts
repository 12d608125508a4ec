import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { HOST_MESSAGE_SCHEMA_FILE, hostMessageJsonSchemaText } from '../../../src/hostMessageJsonSchema';
import { hostMessageSchema, type HostMessage } from '../../../src/protocol';
import { interactiveLogSchema } from '../../../src/engine/store/sessionSchema';
import { parseHostMessage } from '../../../src/webview/hostMessages';
import { compileJsonSchema } from '../../../src/webview/jsonSchemaCheck';
import { CAST, LIBRARY, eventMessage, initMessage, longHistory, meter, regeneratedEvents } from '../../webview/panelFixtures';

// The webview checks host messages with a JSON Schema generated from protocol.ts's zod schema, so it ships
// without zod. These tests hold the two to the same verdict on real messages and on every single-field
// mutation of them: a check the generated validator lost (or added) fails here.
const ROOT = path.join(__dirname, '..', '..', '..');
const FIXTURE_SESSIONS = path.join(ROOT, 'test', 'fixtures', 'sessions', 'interactive');

function corpus(): unknown[] {
  const messages: HostMessage[] = [
    initMessage(),
    initMessage({ events: regeneratedEvents(), readOnly: true, canContinue: true, meter: null, brief: null }),
    initMessage({ events: longHistory(3), meter: meter({ contextWindow: null, cacheWarmUntil: null, coldWriteUsd: null, write1hUsd: 0.5, budgetUsd: 2 }) }),
    { type: 'stream', turn: 3, item: 'line', phase: 'start', speaker: 'mara', order: 1, text: '' },
    { type: 'stream', turn: 3, item: 'speak', phase: 'end', speaker: 'oskar', order: 2, text: 'done', truncated: true },
    { type: 'cast', cast: CAST.map((m) => ({ ...m, edited: true, pending: 'retire' as const })), library: LIBRARY },
    { type: 'answering', answering: true },
    { type: 'banner', level: 'warning', message: 'Budget nearly spent', actions: ['raiseBudget', 'carryOver'] },
    { type: 'clearBanner' },
    { type: 'theme', theme: 'eink' },
    { type: 'meter', meter: meter() },
    { type: 'readOnly', readOnly: false, canContinue: true },
    { type: 'rewindPreview', preview: { toTurn: 0, turns: [1, 2], humanLines: 2, responses: 4, castChanges: [{ id: 'tomas', change: 'leave' }] } },
  ];
  for (const event of regeneratedEvents()) messages.push(eventMessage(event, event.seq));
  // Every event of the committed session fixtures, as the host would forward it.
  for (const folder of readdirSync(FIXTURE_SESSIONS)) {
    const log = interactiveLogSchema.parse(JSON.parse(readFileSync(path.join(FIXTURE_SESSIONS, folder, 'event-log.json'), 'utf8')));
    for (const event of log.events) messages.push({ type: 'event', event });
  }
  return messages;
}

/** Every leaf and object of `value`, with the path to it. */
function* places(value: unknown, at: Array<string | number> = []): Generator<Array<string | number>> {
  yield at;
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* places(value[i], [...at, i]);
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) yield* places(v, [...at, k]);
}

const REPLACEMENTS: unknown[] = [null, undefined, '', 'Not An Id', 'mara', 0, -1, 1.5, 2 ** 60, Number.NaN, true, [], {}, ['x']];

/** Copies of `message` with the value at one place replaced (or deleted, or an unknown key added). */
function* mutants(message: unknown): Generator<unknown> {
  for (const at of places(message)) {
    for (const replacement of [...REPLACEMENTS, 'DELETE', 'EXTRA']) {
      const copy = structuredClone(message) as Record<string | number, unknown>;
      if (at.length === 0) {
        if (replacement === 'EXTRA') yield { ...(copy as object), unknown_field: 1 };
        else if (replacement !== 'DELETE') yield replacement;
        continue;
      }
      let parent: Record<string | number, unknown> = copy;
      for (const key of at.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
      const last = at[at.length - 1]!;
      if (replacement === 'DELETE') {
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
      } else if (replacement === 'EXTRA') {
        const target = parent[last];
        if (typeof target !== 'object' || target === null || Array.isArray(target)) continue;
        (target as Record<string, unknown>).unknown_field = 'kept';
      } else {
        parent[last] = replacement;
      }
      yield copy;
    }
  }
}

describe('webview: host messages checked without zod', () => {
  it('the generated schema file is up to date with src/protocol.ts (else: node --import tsx scripts/genSchema.ts)', () => {
    assert.equal(readFileSync(path.join(ROOT, HOST_MESSAGE_SCHEMA_FILE), 'utf8'), hostMessageJsonSchemaText());
  });

  it('accepts every real host message zod accepts', () => {
    const messages = corpus();
    assert.ok(messages.length > 60, `corpus of ${messages.length}`);
    for (const message of messages) {
      assert.equal(hostMessageSchema.safeParse(message).success, true, `zod rejects a corpus message: ${JSON.stringify(message).slice(0, 200)}`);
      const parsed = parseHostMessage(message);
      assert.ok(parsed.ok, `webview rejects ${JSON.stringify(message).slice(0, 200)}: ${parsed.ok ? '' : parsed.error}`);
    }
  });

  it('gives zod\'s verdict on every single-field mutation of the corpus', () => {
    let checked = 0;
    let rejected = 0;
    // One message of each shape: init cut to its first events, and one event message per event type (the
    // others only repeat the same shapes, and zod parsing every mutant is the slow part).
    const seen = new Set<string>();
    const small = corpus()
      .map((m) => m as HostMessage)
      .filter((m) => m.type !== 'event' || (!seen.has(m.event.type) && seen.add(m.event.type)))
      .map((m) => (m.type === 'init' ? { ...m, events: m.events.slice(0, 3) } : m));
    for (const message of small) {
      for (const mutant of mutants(message)) {
        const zodOk = hostMessageSchema.safeParse(mutant).success;
        const ours = parseHostMessage(mutant);
        if (ours.ok !== zodOk) {
          assert.fail(`zod says ${zodOk ? 'valid' : 'invalid'}, the webview says ${ours.ok ? 'valid' : `invalid (${ours.error})`}: ${JSON.stringify(mutant)?.slice(0, 300)}`);
        }
        checked += 1;
        if (!zodOk) rejected += 1;
      }
    }
    // Both verdicts are exercised in bulk, so neither "always valid" nor "always invalid" could pass.
    assert.ok(checked > 5_000 && rejected > checked / 4 && rejected < checked, `${checked} mutants, ${rejected} invalid`);
  });

  it('names the first problem and where it is', () => {
    const bad = parseHostMessage({ type: 'stream', turn: 1, item: 'speak', phase: 'delta', speaker: 'Mara!', order: 1, text: 'x' });
    assert.ok(!bad.ok);
    assert.match(bad.error, /^speaker: "Mara!" does not match/);
    const nested = parseHostMessage({ type: 'event', event: { seq: 1, at: 't', turn: 0, type: 'speak', speaker: 'mara', text: 'x', order: 0, truncated: false } });
    assert.ok(!nested.ok);
    assert.match(nested.error, /^event\.order: expected > 0, got 0/);
    assert.match((parseHostMessage({ type: 'nonsense' }) as { error: string }).error, /type/);
    const missing = parseHostMessage({ type: 'event', event: { seq: 1, at: 't', turn: 0, type: 'speak', speaker: 'mara', text: 'x', truncated: false } });
    assert.equal(missing.ok ? '' : missing.error, 'event.order: missing');
  });

  it('refuses a schema keyword it does not implement instead of skipping it', () => {
    assert.throws(() => compileJsonSchema({ type: 'string', format: 'email' }), /unsupported JSON Schema keyword "format"/);
    assert.throws(() => compileJsonSchema({ $ref: '#/definitions/missing', definitions: {} })('x'), /unresolvable \$ref/);
  });
});
