import { strict as assert } from 'node:assert';
import { createTagParser } from '../../../src/engine/parse/tagParser';
import type { NewEvent } from '../../../src/engine/store/sessionSchema';
import { TurnRecorder } from '../../../src/engine/session/turnRecorder';

const ADA = { id: 'ada', name: 'Ada' };
const BRAM = { id: 'bram', name: 'Bram' };

/** Runs one reply through the real parser into a recorder and returns the anomalies it recorded. */
function anomalies(reply: string, o: { addressed?: string; present?: Array<{ id: string; name: string }> } = {}): Array<{ kind: string; detail: string }> {
  const present = o.present ?? [ADA, BRAM];
  const events: NewEvent[] = [];
  const recorder = new TurnRecorder(3, { record: (e) => events.push(e), stream: () => {} }, o.addressed ?? null, present.length);
  const parser = createTagParser({ present, retired: [] }, (e) => recorder.handle(e));
  parser.feed(reply);
  parser.end('stop');
  return events.flatMap((e) => (e.type === 'anomaly' ? [{ kind: e.kind, detail: e.detail }] : []));
}

describe('turn recorder: what the model did off-format at the turn level', () => {
  it('flags a confer on an @-addressed turn, keeping its lines', () => {
    const found = anomalies('<confer><line who="ada">hm</line></confer><speak who="ada">Yes.</speak>', { addressed: 'ada' });
    assert.deepEqual(found.map((a) => a.kind), ['unexpected-confer']);
    assert.match(found[0]!.detail, /addressed to ada/);
  });

  it('flags a confer when the panel has one member', () => {
    const found = anomalies('<confer><line who="ada">alone</line></confer><speak who="ada">Yes.</speak>', { present: [ADA] });
    assert.deepEqual(found.map((a) => a.kind), ['unexpected-confer']);
    assert.match(found[0]!.detail, /one member/);
  });

  it('does not flag the ordinary shape', () => {
    assert.deepEqual(anomalies('<confer><line who="ada">a</line><line who="bram">b</line></confer><speak who="bram">B.</speak><pass who="ada"/>'), []);
    assert.deepEqual(anomalies('<speak who="ada">Only me.</speak>', { addressed: 'ada' }), []);
  });

  it('flags a member who answers twice in a turn: speak twice, or speak and pass', () => {
    assert.deepEqual(anomalies('<speak who="ada">One.</speak><speak who="bram">B.</speak><speak who="ada">Two.</speak>').map((a) => a.kind), ['repeat-response']);
    const found = anomalies('<speak who="bram">B.</speak><pass who="bram"/><pass who="ada"/>');
    assert.deepEqual(found.map((a) => a.kind), ['repeat-response']);
    assert.match(found[0]!.detail, /bram passed again/);
  });
});
