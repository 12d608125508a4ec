import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SCHEMA_VERSION, formatJsonPath, parseEventLog } from '../../../src/engine/store/sessionSchema';
import { EVENT_LOG_SCHEMA_FILE, eventLogJsonSchema, eventLogJsonSchemaText } from '../../../src/engine/store/eventLogJsonSchema';
import { BATCH_FIXTURE, INTERACTIVE_FIXTURE } from './storeTestSession';

const REPO = path.join(__dirname, '..', '..', '..');
// The product's shared folder sits beside the clone (as on CI); DIALOGUE_SHARED_DIR points elsewhere.
const SHARED_DIR = process.env.DIALOGUE_SHARED_DIR ?? path.join(REPO, '..', 'shared');
const SHARED_BATCH = path.join(SHARED_DIR, 'fixtures', 'batch-log', 'event-log.json');

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

describe('store: log schema', () => {
  it('the shared batch fixture (../shared/fixtures) validates and our copy of it is identical', function () {
    // On CI the shared folder is always there: a missing one must fail, not pass by skipping.
    if (!existsSync(SHARED_BATCH) && process.env.CI !== 'true') this.skip();
    assert.ok(existsSync(SHARED_BATCH), `the shared fixture is missing at ${SHARED_BATCH} (set DIALOGUE_SHARED_DIR)`);
    assert.deepEqual(readJson(SHARED_BATCH), readJson(path.join(BATCH_FIXTURE, 'event-log.json')), 'the copy matches the shared fixture');
    assert.ok(parseEventLog(readJson(SHARED_BATCH)).ok);
  });

  it('the committed JSON Schema is what scripts/genSchema.ts generates (run it after changing sessionSchema.ts)', () => {
    assert.equal(readFileSync(path.join(REPO, EVENT_LOG_SCHEMA_FILE), 'utf8'), eventLogJsonSchemaText());
  });

  it('publishes draft-07 with an id, a title, and objects left open for future fields', () => {
    const schema = eventLogJsonSchema();
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.equal(schema.$id, `urn:dialogue-panel:event-log:v${SCHEMA_VERSION}`);
    assert.equal(typeof schema.title, 'string');
    const text = JSON.stringify(schema);
    assert.ok(!text.includes('"additionalProperties":false'), 'a closed object would reject logs from newer versions');
    for (const type of ['intro', 'human-speak', 'deliberation', 'speak', 'pass', 'join', 'leave', 'cost', 'floor', 'anomaly', 'error', 'think']) {
      assert.ok(text.includes(`"const":"${type}"`), type);
    }
  });

  it('validates the batch two-actor fixture (no mode, think/speak, no totals)', () => {
    const r = parseEventLog(readJson(path.join(BATCH_FIXTURE, 'event-log.json')));
    assert.ok(r.ok && r.log.mode === undefined && r.log.events.some((e) => e.type === 'think'));
    const asBatch = { ...(readJson(path.join(BATCH_FIXTURE, 'event-log.json')) as object), mode: 'batch' };
    assert.ok(parseEventLog(asBatch).ok);
  });

  it('validates the interactive fixture and ignores unknown fields', () => {
    const log = readJson(path.join(INTERACTIVE_FIXTURE, 'event-log.json')) as { events: object[] };
    const future = { ...log, viewer_hint: 'x', events: log.events.map((e) => ({ ...e, sentiment: 0.5 })) };
    const r = parseEventLog(future);
    assert.ok(r.ok && r.log.mode === 'interactive');
  });

  it('rejects events of the other form and says where', () => {
    const batch = readJson(path.join(BATCH_FIXTURE, 'event-log.json')) as { participants: unknown[]; events: Array<Record<string, unknown>> };
    batch.events[0] = { ...batch.events[0], type: 'cost' };
    batch.participants.push({ id: 'third', name: 'Third' });
    const r = parseEventLog(batch);
    assert.ok(!r.ok);
    assert.deepEqual(r.issues.map((i) => i.path).sort(), ['events[0].type', 'participants']);
    const interactive = readJson(path.join(INTERACTIVE_FIXTURE, 'event-log.json')) as { events: Array<Record<string, unknown>> };
    interactive.events[1] = { ...interactive.events[1], type: 'think' };
    const r2 = parseEventLog(interactive);
    assert.ok(!r2.ok && r2.issues[0].path === 'events[1].type');
    const r3 = parseEventLog({ mode: 'duet' });
    assert.ok(!r3.ok && r3.issues[0].path === 'mode');
    const r4 = parseEventLog([]);
    assert.ok(!r4.ok && r4.issues[0].path === '$');
  });

  it('formats JSON paths', () => {
    assert.equal(formatJsonPath(['events', 12, 'speaker']), 'events[12].speaker');
    assert.equal(formatJsonPath([]), '$');
    assert.equal(formatJsonPath(['a b', 0]), '["a b"][0]');
  });
});
