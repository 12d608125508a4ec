import { strict as assert } from 'node:assert';
import type { SessionEvent } from '../../src/webview/sessionEvent';
import { TurnLine } from '../../src/webview/turnLine';
import { stamp, type EventSpec } from './panelFixtures';

type Supersede = Extract<SessionEvent, { type: 'supersede' }>;
const rewound = (turns: number[]): Supersede => stamp([{ type: 'supersede', turn: 9, reason: 'rewind', turns }])[0] as Supersede;

/** Folds the human-speak and supersede events of a script into a TurnLine, as the panel does. */
function fold(specs: EventSpec[]): TurnLine {
  const line = new TurnLine();
  for (const ev of stamp(specs)) {
    if (ev.type === 'human-speak') line.add(ev);
    else if (ev.type === 'supersede') line.supersede(ev);
  }
  return line;
}

const say = (turn: number, text: string, redo?: { of: number; kind: 'regenerate' | 'edit' }): EventSpec =>
  ({ type: 'human-speak', turn, text, target: null, ...(redo ? { redo_of: redo.of, redo: redo.kind } : {}) });

describe('TurnLine (the webview’s fold of supersede events; plain Node)', () => {
  it('regenerations share a sample group; an edit starts a new one but keeps the place on screen', () => {
    const line = fold([
      say(1, 'a'),
      say(2, 'b'),
      { type: 'supersede', turn: 3, reason: 'regenerate', turns: [2] },
      say(3, 'b', { of: 2, kind: 'regenerate' }),
      { type: 'supersede', turn: 4, reason: 'edit', turns: [3] },
      say(4, 'b, edited', { of: 3, kind: 'edit' }),
      { type: 'supersede', turn: 5, reason: 'regenerate', turns: [4] },
      say(5, 'b, edited', { of: 4, kind: 'regenerate' }),
    ]);
    assert.equal(line.lastLive(), 5);
    assert.deepEqual(line.samples(5), [4, 5], 'the edited line and its regeneration');
    assert.deepEqual(line.samples(3), [2, 3]);
    assert.deepEqual([2, 3, 4, 5].map((t) => line.get(t)!.group), [2, 2, 2, 2], 'all shown where turn 2 was');
    assert.deepEqual([1, 2, 3, 4, 5].map((t) => line.isLive(t)), [true, false, false, false, true]);
    assert.equal(line.supersededBy(3), 'edit');
  });

  it('a select restores the chosen sample; a rewind leaves the earlier turn last', () => {
    const line = fold([
      say(1, 'a'),
      say(2, 'b'),
      { type: 'supersede', turn: 3, reason: 'regenerate', turns: [2] },
      say(3, 'b', { of: 2, kind: 'regenerate' }),
      { type: 'supersede', turn: 3, reason: 'select', turns: [3], restored: [2] },
    ]);
    assert.equal(line.lastLive(), 2);
    assert.equal(line.supersededBy(3), 'select');
    assert.equal(line.supersededBy(2), undefined);
    assert.deepEqual(line.supersede(rewound([2])), [2]);
    assert.equal(line.lastLive(), 1);
    assert.deepEqual(line.supersede(rewound([2, 99])), [], 'already superseded or unknown turns change nothing');
  });

  it('has no last turn before the first line, or when every turn is superseded', () => {
    assert.equal(new TurnLine().lastLive(), null);
    const line = fold([say(1, 'a'), { type: 'supersede', turn: 1, reason: 'rewind', turns: [1] }]);
    assert.equal(line.lastLive(), null);
    assert.deepEqual(line.samples(7), []);
  });
});
