import type { SessionEvent } from './sessionEvent';

type CostEvent = Extract<SessionEvent, { type: 'cost' }>;

/**
 * Anthropic's prices per token, relative to uncached input: cache writes 1.25× (5-minute) or 2× (1-hour),
 * cache reads 0.1×, output 5×. These ratios hold for every Claude model in the price table, so a call's
 * known total (`usd`) can be split into its parts without the webview knowing the model's prices.
 */
const WEIGHT = { input: 1, write5m: 1.25, write1h: 2, read: 0.1, output: 5 } as const;

/** One turn's cost, split by what it paid for (USD); every field is ≥ 0 and they sum to the turn's total. */
export interface TurnCostSplit {
  turn: number;
  input: number;
  cacheWrite: number;
  cacheRead: number;
  output: number;
  /** a call of this turn had no known price (its share is missing from the figures). */
  unknown: boolean;
}

/** What one character did over the session (superseded turns excluded: what the conversation kept). */
export interface CharacterStats {
  id: string;
  responses: number;
  /** characters of speech: the "speaking share" is this over everyone's. */
  chars: number;
  /** turns in which this character spoke first. */
  led: number;
  passes: number;
}

/**
 * Figures for the summary pictures, folded from events in log order (init's history, then live events).
 * O(1) per event; the supersede bookkeeping only marks turns, the totals are computed when asked.
 */
export class SessionStats {
  private readonly costs = new Map<number, TurnCostSplit>();
  private readonly speech: Array<{ turn: number; speaker: string; chars: number; order: number }> = [];
  private readonly passes: Array<{ turn: number; speaker: string }> = [];
  private readonly superseded = new Set<number>();

  reset(): void {
    this.costs.clear();
    this.speech.length = 0;
    this.passes.length = 0;
    this.superseded.clear();
  }

  add(ev: SessionEvent): void {
    switch (ev.type) {
      case 'cost':
        this.addCost(ev);
        break;
      case 'speak':
        this.speech.push({ turn: ev.turn, speaker: ev.speaker, chars: ev.text.length, order: ev.order });
        break;
      case 'pass':
        this.passes.push({ turn: ev.turn, speaker: ev.speaker });
        break;
      case 'supersede':
        for (const t of ev.turns) this.superseded.add(t);
        for (const t of ev.restored ?? []) this.superseded.delete(t);
        break;
      default:
        break;
    }
  }

  /** Every priced turn in turn order, superseded ones included: they were paid for. */
  turnCosts(): TurnCostSplit[] {
    return [...this.costs.values()].sort((a, b) => a.turn - b.turn);
  }

  characters(): CharacterStats[] {
    const by = new Map<string, CharacterStats>();
    const get = (id: string): CharacterStats => {
      let s = by.get(id);
      if (!s) by.set(id, (s = { id, responses: 0, chars: 0, led: 0, passes: 0 }));
      return s;
    };
    const leader = new Map<number, { speaker: string; order: number }>();
    for (const s of this.speech) {
      if (this.superseded.has(s.turn)) continue;
      const c = get(s.speaker);
      c.responses++;
      c.chars += s.chars;
      const l = leader.get(s.turn);
      if (!l || s.order < l.order) leader.set(s.turn, { speaker: s.speaker, order: s.order });
    }
    for (const l of leader.values()) get(l.speaker).led++;
    for (const p of this.passes) if (!this.superseded.has(p.turn)) get(p.speaker).passes++;
    return [...by.values()];
  }

  private addCost(ev: CostEvent): void {
    const c = this.costs.get(ev.turn) ?? { turn: ev.turn, input: 0, cacheWrite: 0, cacheRead: 0, output: 0, unknown: false };
    this.costs.set(ev.turn, c);
    if (ev.usd === null) {
      c.unknown = true;
      return;
    }
    const w1h = ev.cache_creation?.ephemeral_1h_input_tokens ?? 0;
    const w5m = ev.cache_creation ? ev.cache_creation.ephemeral_5m_input_tokens : ev.cache_creation_input_tokens;
    const parts = {
      input: ev.input_tokens * WEIGHT.input,
      cacheWrite: w5m * WEIGHT.write5m + w1h * WEIGHT.write1h,
      cacheRead: ev.cache_read_input_tokens * WEIGHT.read,
      output: ev.output_tokens * WEIGHT.output,
    };
    const weight = parts.input + parts.cacheWrite + parts.cacheRead + parts.output;
    if (weight === 0) return;
    const perUnit = ev.usd / weight;
    c.input += parts.input * perUnit;
    c.cacheWrite += parts.cacheWrite * perUnit;
    c.cacheRead += parts.cacheRead * perUnit;
    c.output += parts.output * perUnit;
  }
}
