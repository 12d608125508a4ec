import type { InteractiveLog } from '../../src/engine/store/sessionSchema';
import { HOSTILE, interactiveLog } from './exportFixtures';
import { answeredTurn, stamp, type EventSpec } from './panelFixtures';

const Q1 = 'Where does each of you stand on the marina?';
const Q2 = 'And the price?';

/**
 * Three replicates of one condition, hand-made so every mark can be checked by eye:
 * - turn 1: Mara's first line is the same everywhere; her second line differs in replicate 2; Oskar speaks in
 *   replicates 1 and 2 but passes in 3 (his response is marked in all three, his lines in 1 and 2 are not: 1 and 2
 *   agree, but 3 has no lines of his).
 * - turn 2: identical text in every replicate except replicate 3, whose Mara line is hostile markup; replicate 2
 *   regenerated turn 2 (its turn 2 is superseded, turn 3 is the live one), so its row 2 shows "its turn 3".
 */
export function compareReplicates(): InteractiveLog[] {
  const turn2 = (mara: string): EventSpec[] => answeredTurn(2, Q2, [['mara', mara]]);
  const r1: EventSpec[] = [
    ...answeredTurn(1, Q1, [['mara', 'The marina pays for the flats.\nI will not move on that.'], ['oskar', 'The union wants the night shift kept.']]),
    ...turn2('Eleven million, give or take.'),
  ];
  const r2: EventSpec[] = [
    ...answeredTurn(1, Q1, [['mara', 'The marina pays for the flats.\nMaybe the flats can shrink.'], ['oskar', 'The union wants the night shift kept.']]),
    ...turn2('A first draft said nine.'),
    { type: 'supersede', turn: 3, reason: 'regenerate', turns: [2] },
    ...answeredTurn(3, Q2, [['mara', 'Eleven million, give or take.']], { redo_of: 2, redo: 'regenerate' }),
  ];
  const r3turn1 = answeredTurn(1, Q1, [['mara', 'The marina pays for the flats.\nI will not move on that.']]);
  r3turn1.splice(r3turn1.length - 1, 0, { type: 'pass', turn: 1, speaker: 'oskar', order: 2 }); // before the floor
  const r3: EventSpec[] = [...r3turn1, ...turn2(`Eleven million ${HOSTILE.img} ${HOSTILE.script}`)];
  const intro: EventSpec = { type: 'intro', turn: 0, brief: null, cast: ['mara', 'oskar'] };
  return [r1, r2, r3].map((specs, i) =>
    interactiveLog(stamp([intro, ...specs]), {
      session_id: `2026-12-01T1000Z-run-00000000${i + 1}0-harbour`,
      title: `run ${i + 1}`,
      participants: [
        { id: 'human', name: 'Human', kind: 'human', joined_turn: 0, left_turn: null },
        { id: 'mara', name: 'Mara Voss', kind: 'character', glyph: 'M', color: '#c0563f', joined_turn: 0, left_turn: null },
        { id: 'oskar', name: 'Oskar Lind', kind: 'character', glyph: 'O', color: '#3c6e9e', joined_turn: 0, left_turn: null },
      ],
    }),
  );
}
