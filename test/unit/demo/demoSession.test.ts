import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadLibrary } from '../../../src/engine/cast/characters';
import { DEMO_PACING, demoFetch } from '../../../src/engine/demo/demoFetch';
import { DEMO_NOTICE, readPrompt, scriptedReply } from '../../../src/engine/demo/demoScript';
import { demoOptions, demoSessionsDir, isDemoSessionDir, startDemoSession } from '../../../src/engine/demo/demoSession';
import { PanelSession } from '../../../src/engine/session/panelSession';
import { DEMO_MODEL } from '../../../src/engine/cost/modelTable';
import { makeClient } from '../../../src/engine/model/modelCall';
import { auditSessions } from '../../../src/engine/store/sessionAudit';
import { DEMO_TRANSCRIPT_LINE } from '../../../src/engine/store/transcript';
import { interactiveLogSchema, type CostEvent } from '../../../src/engine/store/sessionSchema';

const repoCharacters = path.resolve(__dirname, '..', '..', '..', 'characters');
const FAST = { chunkSize: 64, delayMs: 0 };

describe('the built-in demo (issue 17 item 4)', function () {
  this.timeout(30_000);
  let storage: string;

  beforeEach(async () => {
    storage = await fs.mkdtemp(path.join(os.tmpdir(), 'dp-demo-'));
  });
  afterEach(async () => {
    await fs.rm(storage, { recursive: true, force: true });
  });

  it('a demo session runs real turns through the SDK, is labelled demo in its log and transcript, lives in the demo folder, costs $0 and passes audit', async () => {
    const library = await loadLibrary(repoCharacters);
    const sessionsDir = demoSessionsDir(storage);
    const session = await startDemoSession({ library, sessionsDir, pacing: FAST });
    assert.ok(isDemoSessionDir(session.dir, storage), `${session.dir} is not in ${sessionsDir}`);
    assert.equal(session.conditions.demo, true);
    await session.say('Should the marina go ahead this year?', null);
    await session.say('And the berth?', 'oskar');
    const { dir } = await session.close();

    const log = interactiveLogSchema.parse(JSON.parse(await fs.readFile(path.join(dir, 'event-log.json'), 'utf8')));
    assert.equal(log.conditions?.demo, true, 'the log says it is a demo');
    assert.equal(log.model, DEMO_MODEL);
    assert.equal(log.conditions?.prices?.source.includes('demo'), true);
    const types = log.events.map((e) => e.type);
    assert.ok(types.includes('deliberation') && types.includes('speak'), `the demo wrote a real turn: ${types.join(' ')}`);
    assert.equal(types.filter((t) => t === 'anomaly').length, 0, 'the scripted replies follow the wire format');
    const speaks = log.events.filter((e) => e.type === 'speak');
    assert.ok(speaks[0]!.type === 'speak' && speaks[0]!.text.includes(DEMO_NOTICE), 'the first response says it is a demo');
    assert.deepEqual(speaks.filter((e) => e.turn === 2).map((e) => e.type === 'speak' && e.speaker), ['oskar'], 'an addressed turn gets one answer');

    const costs = log.events.filter((e): e is CostEvent => e.type === 'cost');
    assert.equal(costs.length, 2);
    assert.ok(costs.every((c) => c.usd === 0 && c.model === DEMO_MODEL), 'priced at $0');
    assert.ok(costs[0]!.cache_creation_input_tokens > 0 && costs[1]!.cache_read_input_tokens > 0, 'the second turn reads what the first wrote');
    assert.equal(log.totals.usd, 0);

    const transcript = await fs.readFile(path.join(dir, 'transcript.md'), 'utf8');
    assert.equal(transcript.split('\n')[2], DEMO_TRANSCRIPT_LINE, 'the line under the title says demo');
    assert.deepEqual((await auditSessions(sessionsDir)).problems, []);
  });

  it('Carry over in a demo: a scripted summary opens a fresh demo session in the demo folder', async () => {
    const library = await loadLibrary(repoCharacters);
    const sessionsDir = demoSessionsDir(storage);
    const session = await startDemoSession({ library, sessionsDir, pacing: FAST });
    await session.say('Should the marina go ahead this year?', null);
    const { closedDir, next } = await session.carryOver({ library, brief: library.briefs.get('harbour-deal') ?? null });
    assert.ok(isDemoSessionDir(closedDir, storage) && isDemoSessionDir(next.dir, storage), 'both stay in the demo folder');
    assert.equal(next.conditions.demo, true);
    const carried = next.events.find((e) => e.type === 'intro');
    assert.ok(carried?.type === 'intro' && JSON.stringify(carried).includes('every reply was scripted'), `the fresh session opens from the demo's summary: ${JSON.stringify(carried)}`);
    await next.close();
    assert.deepEqual((await auditSessions(sessionsDir)).problems, []);
  });

  it('a real session records no demo condition', async () => {
    const library = await loadLibrary(repoCharacters);
    const { demo: _demo, ...real } = demoOptions({ library, sessionsDir: path.join(storage, 'sessions'), pacing: FAST });
    const session = await PanelSession.start({ ...real, cast: ['mara'], brief: null });
    assert.equal(session.conditions.demo, undefined);
    await session.close();
  });

  it('the in-process API streams the real SSE protocol to the real SDK, paced, and refuses what it does not serve', async () => {
    const client = makeClient({ apiKey: 'demo', baseURL: 'https://demo.invalid', fetch: demoFetch(DEMO_PACING) });
    const system = [{ type: 'text' as const, text: '<character id="mara" name="Mara Voss">x</character>\n<character id="ilse" name="Ilse Brandt">y</character>' }];
    const stream = client.messages.stream({ model: DEMO_MODEL, max_tokens: 100, system, messages: [{ role: 'user', content: 'From the floor: "Hello <b>there</b>"' }] });
    let deltas = 0;
    stream.on('text', () => deltas++);
    const message = await stream.finalMessage();
    const text = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    assert.ok(deltas > 5, `streamed in pieces (${deltas})`);
    assert.equal(message.stop_reason, 'end_turn');
    assert.ok(message.usage.input_tokens > 0 && message.usage.output_tokens > 0);
    assert.ok(!text.includes('<b>'), 'the floor line is quoted without tags');
    await assert.rejects(client.messages.countTokens({ model: DEMO_MODEL, messages: [{ role: 'user', content: 'x' }] }), /404/);
  });

  it('scripts a sensible reply for any cast: confer then answers, a pass every third turn, one speak when addressed', () => {
    const system = '<character id="ada" name="Ada">a</character><character id="bo" name="Bo">b</character>';
    const third = scriptedReply(readPrompt(system, ['From the floor: "one"', 'From the floor: "two"', 'From the floor: "Why \\"not\\"?"']));
    assert.match(third, /^<confer>\n<line who="(ada|bo)">/);
    assert.match(third, /<pass who="(ada|bo)"\/>/);
    assert.match(third, /Why "not"\?/);
    const addressed = scriptedReply(readPrompt(system, ['From the floor: "hi"\n<address id="bo"/> Only Bo answers']));
    assert.match(addressed, /^<speak who="bo">[^]*<\/speak>$/);
    const joined = readPrompt(system, ['<stage>\n<join id="cy" name="Cy">c</join>\n<retire id="ada"/></stage>\nFrom the floor: "x"']);
    assert.deepEqual(joined.cast.map((m) => m.id), ['bo', 'cy']);
  });
});
