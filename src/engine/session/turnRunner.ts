import { EngineError, type CastState } from '../cast/castState';
import type { Library } from '../cast/characters';
import { priceUsage } from '../cost/costMeter';
import type { SessionMeter } from '../cost/sessionMeter';
import { MAX_PAUSE_CONTINUATIONS, makeClient, streamCall, type CallResult, type ModelClient, type RetryNotice } from '../model/modelCall';
import { createTagParser, type EndReason } from '../parse/tagParser';
import type { ContextLog } from '../prompt/contextLog';
import { buildRequest, type CacheTtl, type PromptContext } from '../prompt/promptLayout';
import type { SessionJournal } from '../store/sessionJournal';
import type { NewEvent, SessionEvent } from '../store/sessionSchema';
import type { ResumeOptions, SessionUpdate } from './sessionOptions';
import { SessionWarmth } from './sessionWarmth';
import { TurnRecorder } from './turnRecorder';
import { TurnRedo, type RedoHost } from './turnRedo';
import { setAsideRefusedTurn, type RefusedTurn } from './turnRefusal';

/**
 * The session's turn loop and the state every turn touches: journal, cast, context, options, the turn counter
 * and the one call in flight. `PanelSession` owns the lifecycle (start, resume, close, carry-over) and hands
 * this object to the redo operations as their host, so they reach the state directly instead of through
 * callbacks. Invariant: at most one model call runs at a time (`running`), and every change is an event in the
 * journal before any watcher hears of it.
 */
export class TurnRunner implements RedoHost {
  private readonly listeners = new Set<(u: SessionUpdate) => void>();
  private abort: AbortController | null = null;
  private running: Promise<void> | null = null;
  /** The target of a turn whose call failed before anything arrived, so `retry` can ask again. */
  pendingRetry: { target: string | null } | null = null;
  /** The last turn, when the model declined it and it was set aside; cleared when the next turn starts. */
  refused: RefusedTurn | null = null;
  /** Rewind's set-aside, also used for a refused turn. */
  readonly redo = new TurnRedo(this);
  client: ModelClient;
  /** The cache's warmth: each call's TTL and the keep-warm pings between turns. */
  readonly warmth: SessionWarmth;

  constructor(
    readonly journal: SessionJournal,
    readonly cast: CastState,
    readonly ctx: ContextLog,
    public opts: ResumeOptions,
    readonly meterState: SessionMeter,
    private turn: number,
  ) {
    this.client = opts.client ?? makeClient({ apiKey: opts.apiKey, baseURL: opts.baseURL });
    this.warmth = new SessionWarmth(this);
  }

  get context(): PromptContext {
    return this.ctx.context;
  }
  get answering(): boolean {
    return this.running !== null;
  }
  get closed(): boolean {
    return this.journal.closed;
  }
  events(): readonly SessionEvent[] {
    return this.journal.events;
  }
  library(): Library {
    return this.opts.library;
  }
  currentTurn(): number {
    return this.turn;
  }
  nextTurn(): number {
    return ++this.turn;
  }
  castChanged(): void {
    this.emit({ kind: 'cast' });
  }
  forgetFailedTurn(): void {
    this.pendingRetry = null;
  }
  contextCut(): void {
    this.warmth.forgetLastRequest();
  }

  onUpdate(l: (u: SessionUpdate) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  emit(u: SessionUpdate): void {
    for (const l of this.listeners) l(u);
  }

  record(e: NewEvent): SessionEvent {
    const event = this.journal.append(e);
    // The meter counts a cost before anyone hears of it, so a watcher reading meter() sees this call.
    const warnings = event.type === 'cost' ? this.meterState.noteCost(event.usd, event.context_tokens, event.kind) : [];
    this.emit({ kind: 'event', event });
    for (const w of warnings) {
      if (w.kind === 'context') this.record({ type: 'anomaly', turn: event.turn, kind: 'context-warning', detail: w.message });
      this.emit({ kind: 'notice', level: 'warning', message: w.message, ...(w.kind === 'budget' ? { action: 'raiseBudget' as const } : {}) });
    }
    return event;
  }

  ensureOpen(): void {
    if (this.journal.closed) throw new EngineError('closed', 'this session is closed');
  }

  ensureIdle(): void {
    this.ensureOpen();
    if (this.running) throw new EngineError('busy', 'the panel is still answering: stop it first');
  }

  checkCanCall(): void {
    try {
      this.meterState.checkCanCall();
    } catch (err) {
      if (err instanceof EngineError && err.code === 'budget') this.emit({ kind: 'notice', level: 'error', message: err.message, action: 'raiseBudget' });
      throw err;
    }
  }

  /** Stops the answer being written, and keeping the cache warm until the next turn. */
  stop(): void {
    this.abort?.abort();
    this.warmth.pause();
  }

  /** Resolves when the call in flight (if any) has finished and been recorded. */
  async settled(): Promise<void> {
    await this.running;
  }

  /** Runs one model call as "the panel is answering": stoppable, one at a time, watchers told either side. */
  async whileAnswering<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const abort = new AbortController();
    this.abort = abort;
    let done!: () => void;
    this.running = new Promise<void>((r) => (done = r));
    this.emit({ kind: 'answering', answering: true });
    try {
      return await work(abort.signal);
    } finally {
      this.abort = null;
      this.running = null;
      done();
      this.emit({ kind: 'answering', answering: false });
    }
  }

  retryNotice(turn: number): (n: RetryNotice) => void {
    return (n) => {
      this.record({ type: 'retry', turn, status: n.status, attempt: n.attempt, wait_ms: n.waitMs });
      const what = n.kind === 'rate_limit' ? 'Rate limited' : n.kind === 'overloaded' ? 'The API is overloaded' : 'The call failed';
      this.emit({ kind: 'notice', level: 'warning', message: `${what}${n.status ? ` (${n.status})` : ''} — retrying in ${Math.round(n.waitMs / 1000)} s, attempt ${n.attempt}` });
    };
  }

  /**
   * The model call of the current turn: its reply streamed through the parser into events, then the floor.
   * `model` asks this one turn of another model than the session's (a refused turn tried on the fallback).
   */
  runTurn(target: string | null, model: string = this.opts.model): Promise<void> {
    const turn = this.turn;
    this.refused = null;
    return this.whileAnswering(async (signal) => {
      const recorder = new TurnRecorder(turn, { record: (e) => this.record(e), stream: (part) => this.emit({ kind: 'stream', part }) }, target, this.cast.members.length);
      const roster = {
        present: this.cast.members.map((c) => ({ id: c.id, name: c.name })),
        retired: this.cast.retiredMembers.map((c) => ({ id: c.id, name: c.name })),
      };
      const parser = createTagParser(roster, (e) => recorder.handle(e));
      const ttl = await this.warmth.beforeTurn();
      const request = buildRequest(this.context, { model, maxTokens: this.opts.maxTokens, ttl });
      const sentAt = this.warmth.clock.now();
      const result = await streamCall(this.client, request, { signal, onText: (delta) => parser.feed(delta), onRetry: this.retryNotice(turn) }, this.opts.apiKey);
      this.meterState.noteCall(sentAt, ttl);
      parser.end(endReason(result));
      const cost = this.recordCost(turn, result, ttl, undefined, model);
      if (cost?.type === 'cost') this.warmth.turnSent(request, ttl, sentAt, cost.context_tokens ?? 0);
      if (result.outcome === 'complete' && result.stopReason === 'refusal') {
        this.pendingRetry = null;
        this.refused = setAsideRefusedTurn(this, this.redo, turn, result, model);
      } else {
        this.finishTurn(turn, target, result, recorder.responders);
      }
      this.record({ type: 'floor', turn });
      await Promise.all([this.journal.turnBoundary(), this.ctx.sync()]);
    });
  }

  private finishTurn(turn: number, target: string | null, result: CallResult, responders: ReadonlySet<string>): void {
    if (result.text.length > 0) this.ctx.push({ role: 'assistant', content: [result.text] });
    this.ctx.reply(turn, result.text);
    this.pendingRetry = result.outcome === 'failed' && result.text.length === 0 ? { target } : null;
    if (result.outcome === 'aborted') {
      this.record({ type: 'error', turn, kind: 'stopped', message: 'Stopped by the researcher; what had arrived is kept.' });
    } else if (result.outcome === 'failed' && result.error) {
      this.record({ type: 'error', turn, kind: result.error.kind, message: result.error.message });
      const action = result.error.kind === 'authentication' ? 'setApiKey' : result.text.length === 0 ? 'retry' : undefined;
      this.emit({ kind: 'notice', level: 'error', message: result.error.message, ...(action ? { action } : {}) });
    } else if (result.outcome === 'complete') {
      this.noteStopReason(turn, result);
      const silent = this.cast.members.filter((c) => !responders.has(c.id));
      if (target === null && silent.length > 0 && this.cast.members.length > 0) {
        this.record({ type: 'anomaly', turn, kind: 'missing-response', detail: `no <speak> or <pass> from ${silent.map((c) => c.id).join(', ')}` });
      }
    }
  }

  /**
   * A complete call's stop reason, handled on purpose (docs/session-format.md, "Stop reasons"): end_turn and
   * stop_sequence are normal ends, max_tokens marks the cut response (the parser did), refusal never gets here;
   * the rest are anomalies the researcher should see.
   */
  private noteStopReason(turn: number, result: CallResult): void {
    const reason = result.stopReason;
    if (reason === 'model_context_window_exceeded') {
      const message = 'The reply hit the model\'s context window and was cut off. Carry the session over to a fresh one to keep going.';
      this.record({ type: 'anomaly', turn, kind: 'context-window-exceeded', detail: 'stop_reason model_context_window_exceeded: the reply was cut where the context window ended' });
      this.emit({ kind: 'notice', level: 'warning', message, action: 'carryOver' });
    } else if (reason === 'pause_turn') {
      this.record({ type: 'anomaly', turn, kind: 'pause-turn', detail: `the API paused the turn again after ${MAX_PAUSE_CONTINUATIONS} continuations; what had arrived is kept as the reply` });
    } else if (reason !== 'end_turn' && reason !== 'stop_sequence' && reason !== 'max_tokens') {
      // tool_use (no tools are sent), a value newer than this engine, or none at all: kept as a normal end.
      this.record({ type: 'anomaly', turn, kind: 'unknown-stop-reason', detail: `the call ended with stop_reason ${JSON.stringify(reason)}, which this engine does not know; the reply is kept as it arrived` });
    }
  }

  /**
   * One cost event per billed attempt of the call, in order, so every request the API served counts and totals
   * are their sum (`ttl`: what its breakpoints carried; `kind`: a keep-warm ping; `model`: the one asked).
   * Returns the last cost event, or null if nothing was billed.
   */
  recordCost(turn: number, result: CallResult, ttl: CacheTtl = this.opts.cacheTtl, kind?: 'keep-warm', model: string = this.opts.model): SessionEvent | null {
    let last: SessionEvent | null = null;
    for (const a of result.attempts) {
      const u = a.usage;
      const price = priceUsage(model, u, { ...(this.opts.prices ? { overrides: this.opts.prices } : {}), defaultTtl: ttl });
      if (!price.known) this.record({ type: 'anomaly', turn, kind: 'unknown-price', detail: `no price is known for model "${model}": tokens recorded, usd null` });
      const split = u.cache_creation_5m !== undefined || u.cache_creation_1h !== undefined
        ? { cache_creation: { ephemeral_5m_input_tokens: u.cache_creation_5m ?? 0, ephemeral_1h_input_tokens: u.cache_creation_1h ?? 0 } }
        : {};
      last = this.record({
        type: 'cost',
        turn,
        model,
        input_tokens: u.input_tokens,
        cache_creation_input_tokens: u.cache_creation_input_tokens,
        cache_read_input_tokens: u.cache_read_input_tokens,
        output_tokens: u.output_tokens,
        ...split,
        context_tokens: price.contextTokens,
        ...(u.service_tier ? { service_tier: u.service_tier } : {}),
        usd: price.usd,
        ...(kind ? { kind } : {}),
        attempt: a.attempt,
        ...(a.usageEstimated ? { usage_estimated: true } : {}),
        stop_reason: a.stopReason,
        ...(a.stopDetails ? { stop_details: a.stopDetails } : {}),
      });
    }
    return last;
  }
}

function endReason(r: CallResult): EndReason {
  if (r.outcome === 'aborted') return 'aborted';
  if (r.outcome === 'failed') return r.error?.kind === 'connection' ? 'dropped' : 'error';
  if (r.stopReason === 'refusal') return 'refusal';
  if (r.stopReason === 'max_tokens' || r.stopReason === 'model_context_window_exceeded') return 'max_tokens';
  return 'stop';
}
