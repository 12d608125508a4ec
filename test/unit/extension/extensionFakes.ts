import type { Brief, Character, Library } from '../../../src/engine/cast/characters';
import type { SessionUpdate } from '../../../src/engine/session/panelSession';
import type { SessionEvent } from '../../../src/engine/store/sessionSchema';
import type { RewindPreview } from '../../../src/engine/prompt/turnLedger';
import type { LogSink } from '../../../src/extension/logSink';
import type { LiveSession } from '../../../src/extension/panel/panelController';
import type { Meter } from '../../../src/protocol';

/** Small stand-ins for VS Code and the engine, so host logic runs in plain mocha. */

export class ArrayLog implements LogSink {
  readonly lines: Array<{ level: string; message: string }> = [];
  private add(level: string, m: string | Error): void {
    this.lines.push({ level, message: m instanceof Error ? m.message : m });
  }
  trace(m: string): void { this.add('trace', m); }
  debug(m: string): void { this.add('debug', m); }
  info(m: string): void { this.add('info', m); }
  warn(m: string): void { this.add('warn', m); }
  error(m: string | Error): void { this.add('error', m); }
  text(): string {
    return this.lines.map((l) => `${l.level}: ${l.message}`).join('\n');
  }
}

/** An in-memory Memento (vscode.Memento's get/update). */
export class MemoryMemento {
  private readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.parse(JSON.stringify(value)));
    return Promise.resolve();
  }
}

/** An in-memory SecretStorage. */
export class MemorySecrets {
  readonly data = new Map<string, string>();
  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.data.get(key));
  }
  store(key: string, value: string): Promise<void> {
    this.data.set(key, value);
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.data.delete(key);
    return Promise.resolve();
  }
}

export function character(id: string, name: string, over: Partial<Character> = {}): Character {
  return { id, name, glyph: name[0]!, color: '#c0563f', profile: `${name} profile`, sha256: 'a'.repeat(64), file: `/ws/characters/${id}.md`, ...over };
}

export function libraryOf(...characters: Character[]): Library {
  return { characters: new Map(characters.map((c) => [c.id, c])), briefs: new Map(), problems: [] };
}

let seq = 0;
const at = '2026-11-22T04:07:00.000Z';
/** Builders for session events with increasing seq. */
export const ev = {
  reset(): void { seq = 0; },
  intro: (cast: string[]): SessionEvent => ({ seq: ++seq, at, turn: 0, type: 'intro', brief: null, cast }),
  human: (turn: number, text: string, target: string | null = null): SessionEvent => ({ seq: ++seq, at, turn, type: 'human-speak', text, target }),
  line: (turn: number, speaker: string, text: string): SessionEvent => ({ seq: ++seq, at, turn, type: 'deliberation', speaker, text }),
  speak: (turn: number, speaker: string, order: number, text: string): SessionEvent => ({ seq: ++seq, at, turn, type: 'speak', speaker, order, text, truncated: false }),
  cost: (turn: number, usd: number | null): SessionEvent => ({
    seq: ++seq, at, turn, type: 'cost', model: 'claude-sonnet-5-5', input_tokens: 10, cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0, output_tokens: 5, usd,
  }),
  floor: (turn: number): SessionEvent => ({ seq: ++seq, at, turn, type: 'floor' }),
};

/** A PanelSession double: records calls, lets the test push updates. */
export class FakeSession implements LiveSession {
  readonly id: string;
  readonly dir: string;
  readonly title = 'Harbour deal';
  readonly brief = { id: 'harbour', title: 'Harbour deal' };
  readonly calls: Array<[string, ...unknown[]]> = [];
  private readonly log: SessionEvent[];
  private readonly listeners = new Set<(u: SessionUpdate) => void>();
  present: Character[];
  pending: Array<{ id: string; change: 'join' | 'retire' | 'revise' }> = [];
  answering = false;
  closed = false;
  meterValue: Meter = { contextTokens: 1200, contextWindow: 200_000, cacheWarmUntil: null, ttl: '5m', coldWriteUsd: null, budgetUsd: null };
  /** set to make the next call of that name throw. */
  failNext: { method: string; error: Error } | null = null;
  /** what `rewindPreview` / `rewind` answer. */
  preview: RewindPreview = { toTurn: 0, turns: [], humanLines: 0, responses: 0, castChanges: [] };
  /** the session `carryOver` hands back (default: a new double in a sibling folder, with this cast). */
  carryOverTo: FakeSession | null = null;
  /** the brief `carryOver` was given. */
  carriedWith: { library: Library; brief: Brief | null } | null = null;

  constructor(present: Character[], events: SessionEvent[] = [], dir = '/ws/sessions/2026-11-22T0407Z-harbour') {
    this.present = present;
    this.log = [...events];
    this.dir = dir;
    this.id = dir.split('/').at(-1)!;
  }

  get events(): readonly SessionEvent[] {
    return this.log;
  }
  get listenerCount(): number {
    return this.listeners.size;
  }

  private call(method: string, ...args: unknown[]): void {
    this.calls.push([method, ...args]);
    if (this.failNext?.method === method) {
      const { error } = this.failNext;
      this.failNext = null;
      throw error;
    }
  }

  castView() {
    return { present: [...this.present], pending: [...this.pending] };
  }
  meter(): Meter {
    return this.meterValue;
  }
  onUpdate(l: (u: SessionUpdate) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  queueJoin(c: Character): void { this.call('queueJoin', c.id); }
  queueRetire(id: string): void { this.call('queueRetire', id); }
  queueRevise(c: Character): void { this.call('queueRevise', c.id); }
  setCacheTtl(ttl: '5m' | '1h'): void { this.call('setCacheTtl', ttl); this.meterValue = { ...this.meterValue, ttl }; }
  setModel(m: string): void { this.call('setModel', m); }
  setBudget(usd: number | null): void { this.call('setBudget', usd); }
  setWarmth(mode: 'off' | 'keep-warm' | 'auto', minutes?: number): void { this.call('setWarmth', mode, minutes); }
  setApiKey(key: string): void { this.call('setApiKey', key); }
  async say(text: string, target: string | null): Promise<void> { this.call('say', text, target); }
  async retry(): Promise<void> { this.call('retry'); }
  async askRefusedAgain(o: { text?: string; model?: string } = {}): Promise<void> { this.call('askRefusedAgain', o); }
  async regenerate(): Promise<void> { this.call('regenerate'); }
  async edit(text: string): Promise<void> { this.call('edit', text); }
  rewindPreview(turn: number): RewindPreview { this.call('rewindPreview', turn); return { ...this.preview, toTurn: turn }; }
  async rewind(turn: number): Promise<RewindPreview> { this.call('rewind', turn); return { ...this.preview, toTurn: turn }; }
  async selectSample(turn: number): Promise<void> { this.call('selectSample', turn); }
  async carryOver(o: { library: Library; brief: Brief | null }): Promise<{ closedDir: string; next: FakeSession }> {
    this.call('carryOver');
    this.carriedWith = o;
    this.closed = true;
    const next = this.carryOverTo ?? new FakeSession([...this.present], [], `${this.dir}-next`);
    return { closedDir: this.dir, next };
  }
  stop(): void { this.call('stop'); }
  async close(): Promise<{ dir: string }> {
    this.call('close');
    this.closed = true;
    return { dir: this.dir };
  }

  /** Appends to the log (for events) and notifies listeners, as the engine does. */
  emit(u: SessionUpdate): void {
    if (u.kind === 'event') this.log.push(u.event);
    if (u.kind === 'answering') this.answering = u.answering;
    for (const l of this.listeners) l(u);
  }
}

/** The bundled extension's entry points, as the activation tests load them. */
export type ExtensionModule = { activate(ctx: unknown): void; deactivate(): void };

/** Polls `probe` until it gives a truthy value (no fixed sleeps in tests); fails naming `what`. */
export async function until<T>(what: string, probe: () => T | undefined | false, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
