import type { EventLog } from '../store/sessionSchema';

/** Per-character tallies of one session's live turns (superseded turns left out). `words` sums every speak. */
export interface CharacterCounts {
  spoke: number;
  passed: number;
  led: number;
  words: number;
}

/**
 * What one closed session amounts to, for summary.csv and stats. `turns` counts live turns (those no
 * supersede set aside), `calls` every turn that reached its floor; tokens and usd sum every cost event.
 */
export interface SessionCounts {
  turns: number;
  calls: number;
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
  /** null when any call has no known price */
  usd: number | null;
  anomalies: Record<string, number>;
  refusals: number;
  errors: Record<string, number>;
  characters: Record<string, CharacterCounts>;
  /** the opening cast, from the intro event */
  cast: string[];
}

const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;

/** Counts one session log's events (either form; the legacy two-actor log has speak events without order). */
export function countSession(log: Pick<EventLog, 'events'>): SessionCounts {
  const out: SessionCounts = {
    turns: 0,
    calls: 0,
    input_tokens: 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: 0,
    usd: 0,
    anomalies: {},
    refusals: 0,
    errors: {},
    characters: {},
    cast: [],
  };
  const events = log.events as ReadonlyArray<{ type: string; turn?: number; [k: string]: unknown }>;
  const superseded = new Set<number>();
  for (const e of events) {
    if (e.type !== 'supersede') continue;
    for (const t of (e.turns as number[]) ?? []) superseded.add(t);
    for (const t of (e.restored as number[] | undefined) ?? []) superseded.delete(t);
  }
  const live = (e: { turn?: number }): boolean => e.turn === undefined || !superseded.has(e.turn);
  const who = (id: string): CharacterCounts => (out.characters[id] ??= { spoke: 0, passed: 0, led: 0, words: 0 });
  const ledTurns = new Set<number>();
  for (const e of events) {
    switch (e.type) {
      case 'intro':
        out.cast = [...((e.cast as string[] | undefined) ?? [])];
        for (const id of out.cast) who(id);
        break;
      case 'join':
        who(e.speaker as string);
        break;
      case 'human-speak':
        if (live(e)) out.turns++;
        break;
      case 'floor':
        out.calls++;
        break;
      case 'cost':
        out.input_tokens += e.input_tokens as number;
        out.cache_creation_input_tokens += e.cache_creation_input_tokens as number;
        out.cache_read_input_tokens += e.cache_read_input_tokens as number;
        out.output_tokens += e.output_tokens as number;
        out.usd = out.usd === null || e.usd === null ? null : out.usd + (e.usd as number);
        break;
      case 'speak': {
        if (!live(e) || (e.speaker as string) === 'human') break;
        const c = who(e.speaker as string);
        c.spoke++;
        c.words += words(e.text as string);
        if (e.turn !== undefined && !ledTurns.has(e.turn)) {
          ledTurns.add(e.turn);
          c.led++;
        }
        break;
      }
      case 'pass':
        if (live(e)) who(e.speaker as string).passed++;
        break;
      case 'anomaly':
        out.anomalies[e.kind as string] = (out.anomalies[e.kind as string] ?? 0) + 1;
        break;
      case 'refusal':
        out.refusals++;
        break;
      case 'error':
        out.errors[e.kind as string] = (out.errors[e.kind as string] ?? 0) + 1;
        break;
    }
  }
  if (out.usd !== null) out.usd = Math.round(out.usd * 1_000_000) / 1_000_000;
  return out;
}
