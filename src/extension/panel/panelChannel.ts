import type { HostMessage, StreamPart } from '../../protocol';
import type { LogSink } from '../logSink';

/**
 * The host's side of one webview's message pipe.
 *
 * Nothing is posted before the webview says `ready` (a message posted earlier can arrive before its
 * listener exists and is lost). On `ready` the webview gets `init`, a snapshot of the whole state, then
 * the replay of any response still streaming, then whatever was queued that the snapshot does not already
 * contain. A second `ready` (the webview reloaded) gets the same treatment, so the panel can always rebuild.
 *
 * Stream parts of a turn older than the newest turn seen are dropped: late deltas of a stopped turn must
 * not land in the next one.
 */

type InitMessage = Extract<HostMessage, { type: 'init' }>;

export interface PanelChannelOptions {
  post(msg: HostMessage): void;
  /** The full current state; called at every `ready`. */
  snapshot(): InitMessage;
  log: LogSink;
}

interface OpenStream {
  start: StreamPart;
  text: string;
}

// Kinds the `init` snapshot carries; a queued copy would duplicate or regress it.
const COVERED_BY_SNAPSHOT: ReadonlySet<HostMessage['type']> = new Set([
  'init', 'event', 'stream', 'cast', 'answering', 'theme', 'meter', 'readOnly',
]);

const streamKey = (p: Pick<StreamPart, 'turn' | 'item' | 'order'>): string => `${p.turn}:${p.item}:${p.order}`;

export class PanelChannel {
  private ready = false;
  private queue: HostMessage[] = [];
  private latestTurn = 0;
  private readonly open = new Map<string, OpenStream>();

  constructor(private readonly o: PanelChannelOptions) {}

  get isReady(): boolean {
    return this.ready;
  }

  /** The newest turn seen in events or stream parts. */
  get turn(): number {
    return this.latestTurn;
  }

  send(msg: HostMessage): void {
    if (msg.type === 'stream' && !this.track(msg)) return;
    if (msg.type === 'event') this.settle(msg.event);
    if (msg.type === 'answering' && !msg.answering) this.open.clear();
    if (this.ready) this.o.post(msg);
    else this.queue.push(msg);
  }

  /** The webview said `ready` (first load or a reload). */
  markReady(): void {
    this.ready = true;
    this.o.post(this.o.snapshot());
    for (const s of this.open.values()) {
      this.o.post(s.start);
      if (s.text) this.o.post({ ...s.start, phase: 'delta', text: s.text });
    }
    const queued = this.queue.filter((m) => !COVERED_BY_SNAPSHOT.has(m.type));
    this.queue = [];
    for (const m of queued) this.o.post(m);
  }

  /**
   * The panel now shows another session (a carry-over): its turns count from 0 again, so the stale-turn filter
   * and any half-streamed reply are reset, nothing queued for the old session is delivered, and a ready webview
   * is rebuilt from a fresh `init`.
   */
  restart(): void {
    this.latestTurn = 0;
    this.open.clear();
    this.queue = [];
    if (this.ready) this.o.post(this.o.snapshot());
  }

  /** The webview went away (disposed); queue again until the next `ready`. */
  markGone(): void {
    this.ready = false;
  }

  /** False when the part is stale and must be dropped. */
  private track(part: StreamPart): boolean {
    if (part.turn < this.latestTurn) {
      this.o.log.debug(`dropped stale stream part of turn ${part.turn} (now ${this.latestTurn})`);
      return false;
    }
    this.advance(part.turn);
    const key = streamKey(part);
    if (part.phase === 'start') {
      this.open.set(key, { start: { ...part, phase: 'start' }, text: '' });
    } else if (part.phase === 'delta') {
      const s = this.open.get(key);
      if (s) s.text += part.text;
    } else {
      this.open.delete(key);
    }
    return true;
  }

  /** A completed event finalises the stream it matches (the engine journals it after the stream's end). */
  private settle(e: { type: string; turn: number; speaker?: string; order?: number }): void {
    this.advance(e.turn);
    if (e.type === 'floor') {
      for (const [k, s] of this.open) if (s.start.turn <= e.turn) this.open.delete(k);
      return;
    }
    const item = e.type === 'speak' ? 'speak' : e.type === 'deliberation' ? 'line' : null;
    if (!item) return;
    for (const [k, s] of this.open) {
      const p = s.start;
      if (p.turn === e.turn && p.item === item && p.speaker === e.speaker && (item === 'line' || p.order === e.order)) {
        // One event completes one item; a speaker's later confer line may already be streaming.
        this.open.delete(k);
        return;
      }
    }
  }

  private advance(turn: number): void {
    if (turn <= this.latestTurn) return;
    this.latestTurn = turn;
    for (const [k, s] of this.open) if (s.start.turn < turn) this.open.delete(k);
  }
}
