import { strict as assert } from 'node:assert';
import { compareView, liveTurns } from '../../../src/engine/export/compareView';
import { compareReplicates } from '../../webview/compareFixtures';
import { HOSTILE } from '../../webview/exportFixtures';

const SUBJECT = { title: 'harbour: sonnet', conditionId: 'c-0123abcd', condition: [{ key: 'model', value: 'claude-sonnet-4-6' }] };

function view() {
  const logs = compareReplicates();
  // given out of order: columns come out in replicate order
  return compareView(SUBJECT, [2, 0, 1].map((i) => ({ replicate: i + 1, folder: logs[i]!.session_id, log: logs[i]! })));
}

describe('compareView: replicates of one condition, turn-aligned, differing lines marked', () => {
  it('aligns row k to each replicate\'s k-th live turn (a regenerated turn does not shift the others)', () => {
    assert.deepEqual(liveTurns(compareReplicates()[1]!).map((t) => t.turn), [1, 3]);
    const v = view();
    assert.deepEqual(v.replicates.map((r) => r.replicate), [1, 2, 3]);
    assert.deepEqual(v.replicates.map((r) => r.href), compareReplicates().map((l) => `${l.session_id}/view.html`));
    assert.deepEqual(v.rows.map((r) => r.cells.map((c) => c.turn)), [[1, 1, 1], [2, 3, 2]]);
    assert.deepEqual(v.rows.map((r) => [r.floor, r.floorDiffers]), [['Where does each of you stand on the marina?', false], ['And the price?', false]]);
  });

  it('marks exactly the lines some other replicate lacks, and a pass where others spoke (checked by hand)', () => {
    const [row1, row2] = view().rows;
    const marks = (cells: typeof row1.cells): string[][] => cells.map((c) => c.responses.flatMap((r) => [
      ...(r.differs ? [`${r.speaker}: ${r.kind} differs`] : []),
      ...r.lines.filter((l) => l.differs).map((l) => `${r.speaker}: ${l.text}`),
    ]));
    assert.deepEqual(marks(row1!.cells), [
      // replicate 1: Mara's second line is missing from replicate 2; Oskar's line is missing from replicate 3 (a pass)
      ['mara: I will not move on that.', 'oskar: speak differs', 'oskar: The union wants the night shift kept.'],
      ['mara: Maybe the flats can shrink.', 'oskar: speak differs', 'oskar: The union wants the night shift kept.'],
      ['mara: I will not move on that.', 'oskar: pass differs'],
    ]);
    // the shared first line is never marked; the speaking order is kept (Mara, then Oskar)
    assert.deepEqual(row1!.cells[0]!.responses.map((r) => [r.speaker, r.lines[0]?.differs ?? null]), [['mara', false], ['oskar', true]]);
    // turn 2: replicates 1 and 2 (its regenerated turn 3) agree with each other but not with replicate 3
    assert.deepEqual(marks(row2!.cells), [['mara: Eleven million, give or take.'], ['mara: Eleven million, give or take.'], [`mara: Eleven million ${HOSTILE.img} ${HOSTILE.script}`]]);
  });

  it('compares lines trimmed with runs of spaces as one, never marks blank lines, and marks nothing with one replicate', () => {
    const [log] = compareReplicates();
    const one = compareView(SUBJECT, [{ replicate: 1, folder: 'a', log: log! }]);
    assert.ok(one.rows.every((r) => !r.floorDiffers && r.cells.every((c) => c.responses.every((x) => !x.differs && x.lines.every((l) => !l.differs)))));
    const spaced = structuredClone(log!);
    for (const e of spaced.events) if (e.type === 'speak' && e.turn === 2) e.text = '  Eleven   million,  give or take.\n\n';
    const two = compareView(SUBJECT, [{ replicate: 1, folder: 'a', log: log! }, { replicate: 2, folder: 'b', log: spaced }]);
    assert.deepEqual(two.rows[1]!.cells[1]!.responses[0]!.lines.map((l) => [l.text, l.differs]), [['  Eleven   million,  give or take.', false], ['', false], ['', false]]);
  });

  it('a replicate with fewer turns gets an empty cell, and that row is marked as differing', () => {
    const logs = compareReplicates();
    const short = structuredClone(logs[0]!);
    short.events = short.events.filter((e) => !('turn' in e) || e.turn !== 2);
    const v = compareView(SUBJECT, [{ replicate: 1, folder: 'a', log: logs[0]! }, { replicate: 2, folder: 'b', log: short }]);
    assert.equal(v.rows[1]!.cells[1]!.turn, null);
    assert.equal(v.rows[1]!.floorDiffers, true);
    assert.deepEqual(v.rows[1]!.cells[0]!.responses[0]!.lines.map((l) => l.differs), [true]);
  });
});
