import type { CompareView, MemberView } from '../../protocol';
import { finalLine } from '../store/sessionLine';
import { HUMAN_ID, type InteractiveLog } from '../store/sessionSchema';
import { sessionView } from './sessionView';

/** One replicate of a condition: its number, its session folder's name (the link) and its closed log. */
export interface CompareReplicate {
  replicate: number;
  folder: string;
  log: InteractiveLog;
}

/** What a compare page is about: its title, the condition's id and its settings as label/value pairs. */
export interface CompareSubject {
  title: string;
  conditionId: string;
  condition: Array<{ key: string; value: string }>;
}

type Part = { kind: 'speak'; lines: string[] } | { kind: 'pass' };

/** One replicate's k-th live turn: its number, floor line and each character's part, in speaking order. */
interface AlignedTurn {
  turn: number;
  floor: string | null;
  parts: Map<string, Part>;
}

/** The live turns of a log in order (superseded ones left out), each with its floor line and responses. */
export function liveTurns(log: InteractiveLog): AlignedTurn[] {
  const live = finalLine(log.events).live;
  const byTurn = new Map<number, AlignedTurn>(live.map((t) => [t, { turn: t, floor: null, parts: new Map() }]));
  const speaks: Array<{ turn: number; order: number; speaker: string; text: string }> = [];
  for (const e of log.events) {
    const at = 'turn' in e && typeof e.turn === 'number' ? byTurn.get(e.turn) : undefined;
    if (!at) continue;
    if (e.type === 'human-speak') at.floor = e.text;
    else if (e.type === 'speak' && e.speaker !== HUMAN_ID) speaks.push({ turn: e.turn, order: e.order, speaker: e.speaker, text: e.text });
    else if (e.type === 'pass' && !at.parts.has(e.speaker)) at.parts.set(e.speaker, { kind: 'pass' });
  }
  // Speakers in the order they spoke (a Map keeps insertion order), passes after them.
  speaks.sort((a, b) => a.turn - b.turn || a.order - b.order);
  const spoken = new Map<number, Map<string, Part>>();
  for (const s of speaks) {
    const m = spoken.get(s.turn) ?? new Map<string, Part>();
    spoken.set(s.turn, m);
    const prev = m.get(s.speaker);
    const lines = s.text.split(/\r?\n/);
    m.set(s.speaker, { kind: 'speak', lines: prev?.kind === 'speak' ? [...prev.lines, ...lines] : lines });
  }
  for (const t of byTurn.values()) {
    const m = spoken.get(t.turn) ?? new Map<string, Part>();
    for (const [who, p] of t.parts) if (!m.has(who)) m.set(who, p);
    t.parts = m;
  }
  return live.map((t) => byTurn.get(t)!);
}

const norm = (line: string): string => line.trim().replace(/\s+/g, ' ');

/**
 * The replicates of one condition side by side: row k holds every replicate's k-th live turn (so a regenerate
 * in one replicate does not shift the others). A line is marked when some other replicate's response of the same
 * character in the same row lacks it (compared trimmed, runs of spaces as one; blank lines never count); a
 * response is marked when another replicate has that character speak where this one passed, or the reverse, or
 * nothing at all in that row. With one replicate nothing is marked.
 */
export function compareView(subject: CompareSubject, replicates: readonly CompareReplicate[]): CompareView {
  const sorted = [...replicates].sort((a, b) => a.replicate - b.replicate);
  const turns = sorted.map((r) => liveTurns(r.log));
  const cast = new Map<string, MemberView>();
  for (const r of sorted) for (const m of sessionView(r.log).cast) if (!cast.has(m.id)) cast.set(m.id, { id: m.id, name: m.name, glyph: m.glyph, color: m.color });
  const depth = Math.max(0, ...turns.map((t) => t.length));
  const rows: CompareView['rows'] = [];
  for (let k = 0; k < depth; k++) {
    const here = turns.map((t) => t[k] ?? null);
    const lineSets = here.map((t) => {
      const m = new Map<string, Set<string>>();
      for (const [who, p] of t?.parts ?? []) if (p.kind === 'speak') m.set(who, new Set(p.lines.map(norm)));
      return m;
    });
    const kindOf = (i: number, who: string): string => here[i]?.parts.get(who)?.kind ?? 'none';
    const others = (i: number): number[] => here.map((_, j) => j).filter((j) => j !== i);
    const floors = new Set(here.filter((t) => t !== null).map((t) => t!.floor));
    rows.push({
      position: k + 1,
      floor: here.find((t) => t !== null)?.floor ?? null,
      floorDiffers: floors.size > 1 || here.some((t) => t === null),
      cells: here.map((t, i) => ({
        turn: t?.turn ?? null,
        responses: [...(t?.parts ?? [])].map(([who, p]) => ({
          speaker: who,
          kind: p.kind,
          differs: others(i).some((j) => kindOf(j, who) !== p.kind),
          lines: p.kind === 'pass' ? [] : p.lines.map((text) => ({
            text,
            differs: norm(text) !== '' && others(i).some((j) => !(lineSets[j]!.get(who)?.has(norm(text)) ?? false)),
          })),
        })),
      })),
    });
  }
  return {
    kind: 'compare', title: subject.title, conditionId: subject.conditionId, condition: subject.condition, cast: [...cast.values()],
    replicates: sorted.map((r) => ({ replicate: r.replicate, sessionId: r.log.session_id, href: `${r.folder}/view.html` })),
    rows,
  };
}
