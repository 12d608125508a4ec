import type Anthropic from '@anthropic-ai/sdk';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Meter } from '../protocol';
import { writeCarryOverSummary } from './carryOver';
import { CastState, EngineError } from './castState';
import type { Brief, Character, Library } from './characters';
import { ContextLog } from './contextLog';
import { priceUsage } from './costMeter';
import { makeClient, streamCall, type CallResult, type RetryNotice } from './modelCall';
import { buildRequest, openingSystem, userTurnText, type CacheTtl, type PromptContext, type StageDirection } from './promptLayout';
import { SessionMeter } from './sessionMeter';
import type { PanelSessionOptions, ResumeOptions, SessionUpdate } from './sessionOptions';
import { restoreSession } from './sessionRestore';
import type { NewEvent, SessionEvent } from './sessionSchema';
import { linkContinuation } from './store/sessionContinuation';
import { SESSION_FILES } from './store/sessionFiles';
import { writeIndex } from './store/sessionIndex';
import { SessionJournal } from './store/sessionJournal';
import { createTagParser, type EndReason } from './tagParser';
import type { RewindPreview } from './turnLedger';
import { TurnRecorder } from './turnRecorder';
import { TurnRedo } from './turnRedo';

export { EngineError } from './castState';
export type { PanelSessionOptions, ResumeOptions, SessionUpdate } from './sessionOptions';


/**
 * One running megaprompt session: the cast, the context sent to the model, and the journal. One turn runs at a
 * time; cast changes queue for the next boundary. Everything that happens is an event in the journal first.
 */
export class PanelSession {
  private listeners = new Set<(u: SessionUpdate) => void>();
  private abort: AbortController | null = null;
  private running: Promise<void> | null = null;
  private turn: number;
  private readonly meterState = new SessionMeter(() => this.opts);
  private pendingRetry: { target: string | null } | null = null;
  private client: Anthropic;
  private readonly redoOps: TurnRedo;

  private constructor(
    private readonly journal: SessionJournal,
    private readonly cast: CastState,
    private readonly ctx: ContextLog,
    private opts: ResumeOptions,
    turn: number,
  ) {
    this.turn = turn;
    this.client = opts.client ?? makeClient({ apiKey: opts.apiKey, baseURL: opts.baseURL });
    let lastCost: SessionEvent | undefined;
    for (const e of journal.events) {
      if (e.type !== 'cost') continue;
      this.meterState.noteCost(e.usd, e.context_tokens);
      lastCost = e;
    }
    // A continued session is still warm if its last call was recent: the cache outlives the process.
    if (lastCost) this.meterState.noteCall(Date.parse(lastCost.at));
    this.redoOps = new TurnRedo({
      ctx,
      cast,
      events: () => this.events,
      library: () => this.opts.library,
      currentTurn: () => this.turn,
      nextTurn: () => ++this.turn,
      record: (e) => this.record(e),
      castChanged: () => this.emit({ kind: 'cast' }),
      forgetFailedTurn: () => (this.pendingRetry = null),
      runTurn: (target) => this.runTurn(target),
      ensureIdle: () => this.ensureIdle(),
      checkCanCall: () => this.checkBudgetAndWindow(),
    });
  }

  static async start(o: PanelSessionOptions): Promise<PanelSession> {
    if (!o.apiKey && !o.client) throw new EngineError('no-key', 'No API key: set ANTHROPIC_API_KEY (or, in VS Code, run "Dialogue: Set API Key").');
    const cast = o.cast.map((id) => {
      const c = o.library.characters.get(id);
      if (!c) throw new EngineError('unknown-character', `unknown character "${id}" (known: ${[...o.library.characters.keys()].join(', ') || 'none'})`);
      return c;
    });
    if (new Set(o.cast).size !== o.cast.length) throw new EngineError('bad-input', 'the cast lists a character twice');
    const title = o.title ?? o.brief?.title ?? cast.map((c) => c.name).join(', ');
    const journal = await SessionJournal.create(o.sessionsDir, {
      session_id: '',
      title,
      started_at: new Date().toISOString(),
      model: o.model,
      brief: o.brief ? { id: o.brief.id, title: o.brief.title } : null,
      ...(o.carriedOver ? { continues_from: o.carriedOver.from } : {}),
    });
    const ctx = ContextLog.create(path.join(journal.dir, SESSION_FILES.context), openingSystem(o.deliberationDepth, o.brief, cast, o.carriedOver));
    const session = new PanelSession(journal, new CastState(cast), ctx, o, 0);
    for (const c of cast) journal.noteParticipant({ id: c.id, name: c.name, glyph: c.glyph, color: c.color });
    session.record({ type: 'intro', turn: 0, brief: journal.header.brief, cast: cast.map((c) => c.id), ...(o.carriedOver ? { carried_over: o.carriedOver } : {}) });
    await ctx.sync();
    return session;
  }

  /** Continue a closed session in its own folder, with the context exactly as it was last sent. */
  static async resume(sessionDir: string, o: ResumeOptions): Promise<PanelSession> {
    if (!o.apiKey && !o.client) throw new EngineError('no-key', 'No API key: set ANTHROPIC_API_KEY (or, in VS Code, run "Dialogue: Set API Key").');
    const restored = await restoreSession(sessionDir, o.library);
    const journal = await SessionJournal.resume(sessionDir);
    const ctx = ContextLog.open(path.join(sessionDir, SESSION_FILES.context));
    const session = new PanelSession(journal, restored.cast, ctx, o, restored.turn);
    journal.setModel(o.model);
    session.record({ type: 'resume', turn: restored.turn });
    return session;
  }

  get id(): string {
    return this.journal.header.session_id;
  }
  get dir(): string {
    return this.journal.dir;
  }
  get title(): string {
    return this.journal.header.title;
  }
  get brief(): { id: string; title: string } | null {
    return this.journal.header.brief;
  }
  get events(): readonly SessionEvent[] {
    return this.journal.events;
  }
  get answering(): boolean {
    return this.running !== null;
  }
  get closed(): boolean {
    return this.journal.closed;
  }
  /** The context as it will be sent next (for tests and the benchmark). */
  get promptContext(): Readonly<PromptContext> {
    return this.context;
  }

  castView(): { present: Character[]; pending: Array<{ id: string; change: 'join' | 'retire' | 'revise' }> } {
    return { present: [...this.cast.members], pending: [...this.cast.queued] };
  }

  onUpdate(l: (u: SessionUpdate) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  queueJoin(c: Character): void {
    this.ensureOpen();
    this.cast.queueJoin(c);
    this.emit({ kind: 'cast' });
  }
  queueRetire(id: string): void {
    this.ensureOpen();
    this.cast.queueRetire(id);
    this.emit({ kind: 'cast' });
  }
  queueRevise(c: Character): void {
    this.ensureOpen();
    this.cast.queueRevise(c);
    this.emit({ kind: 'cast' });
  }

  setApiKey(key: string): void {
    this.opts = { ...this.opts, apiKey: key };
    if (!this.opts.client) this.client = makeClient({ apiKey: key, baseURL: this.opts.baseURL });
  }
  setCacheTtl(ttl: CacheTtl): void {
    this.opts = { ...this.opts, cacheTtl: ttl };
  }
  setModel(model: string): void {
    this.opts = { ...this.opts, model };
    this.journal.setModel(model);
  }
  setBudget(usd: number | null): void {
    this.opts = { ...this.opts, budgetUsd: usd };
  }

  /** Context and cache figures for the sub-strip. */
  meter(now = Date.now()): Meter {
    return this.meterState.meter(now);
  }

  /** One human turn. Resolves when the floor returns; API failures become events and notices, not rejections. */
  async say(text: string, target: string | null): Promise<void> {
    this.ensureOpen();
    if (this.running) throw new EngineError('busy', 'the panel is still answering: stop it first');
    if (text.trim().length === 0) throw new EngineError('bad-input', 'say something first');
    this.checkBudgetAndWindow();
    const landing = this.cast.queued;
    const addressee = target === null ? null : this.cast.find(target);
    const willBePresent = target === null || (this.cast.isPresent(target) && !landing.some((q) => q.id === target && q.change === 'retire')) || landing.some((q) => q.id === target && q.change === 'join');
    if (target !== null && (!addressee || !willBePresent)) {
      const joiner = landing.find((q) => q.id === target && q.change === 'join');
      if (!joiner) throw new EngineError('unknown-character', `"${target}" is not on the panel`);
    }
    this.turn++;
    const turn = this.turn;
    const directions = this.cast.land();
    for (const d of directions) {
      if (d.kind === 'join') {
        this.journal.noteParticipant({ id: d.character.id, name: d.character.name, glyph: d.character.glyph, color: d.character.color });
        this.record({ type: 'join', turn, speaker: d.character.id, profile_sha256: d.character.sha256 });
      } else if (d.kind === 'retire') {
        this.record({ type: 'leave', turn, speaker: d.character.id });
      } else {
        this.record({ type: 'revise', turn, speaker: d.character.id, profile_sha256: d.character.sha256 });
      }
    }
    if (directions.length > 0) this.emit({ kind: 'cast' });
    this.record({ type: 'human-speak', turn, text, target });
    const addressed = target === null ? null : this.cast.find(target)!;
    const all: StageDirection[] = addressed ? [...directions, { kind: 'address', character: addressed }] : directions;
    this.ctx.push({ role: 'user', content: [userTurnText(text, all)] });
    this.ctx.open(turn, this.context.messages.length - 1);
    await this.runTurn(target);
  }

  /** Another sample of the last turn: same context, new call; the earlier reply stays in the log, superseded. */
  regenerate(): Promise<void> {
    return this.redoOps.redo('regenerate', null);
  }

  /** Resend the last human line, edited; the original stays in the log, superseded. */
  edit(text: string): Promise<void> {
    return this.redoOps.redo('edit', text);
  }

  /** What `rewind(toTurn)` would supersede and undo, for a confirmation. */
  rewindPreview(toTurn: number): RewindPreview {
    return this.redoOps.preview(toTurn);
  }

  /**
   * Go back to the end of `toTurn` (0 = before the first turn): later turns are superseded, the context is
   * cut back to exactly what was sent then, and the roster returns to what it was, logged as join/leave.
   */
  rewind(toTurn: number): Promise<RewindPreview> {
    return this.redoOps.rewind(toTurn);
  }

  /** The samples of the last turn (it and its regenerations), for flipping between them. */
  samples(): number[] {
    return this.redoOps.samples();
  }

  /** Carry a different sample of the last turn forward; the one it replaces is superseded. */
  selectSample(turn: number): Promise<void> {
    return this.redoOps.selectSample(turn);
  }

  /**
   * Carry the session over to a fresh one: the model summarises it over the live (cached) context, this
   * session closes, and a new session opens with the same cast (their current files) and the summary. Retired
   * members' materials are dropped here, and only here. Both logs link to each other.
   */
  async carryOver(o: { library: Library; brief: Brief | null }): Promise<{ closedDir: string; next: PanelSession }> {
    this.ensureIdle();
    const present = this.cast.members.map((c) => o.library.characters.get(c.id) ?? c);
    const summary = await this.whileAnswering(async (signal) => {
      const result = await writeCarryOverSummary(this.client, this.context, present, {
        model: this.opts.model,
        maxTokens: this.opts.maxTokens,
        ttl: this.opts.cacheTtl,
        apiKey: this.opts.apiKey,
        signal,
        onRetry: this.retryNotice(this.turn),
      });
      this.recordCost(this.turn, result.call);
      if (result.call.outcome !== 'complete' || result.summary.length === 0) {
        const message = result.call.error?.message ?? (result.call.outcome === 'aborted' ? 'the carry-over was stopped' : 'the model wrote no summary');
        this.record({ type: 'error', turn: this.turn, kind: 'carry-over', message });
        throw new EngineError('bad-input', `carry-over failed: ${message}`);
      }
      return result.summary;
    });
    const next = await PanelSession.start({
      ...this.opts,
      library: o.library,
      cast: present.map((c) => c.id),
      brief: o.brief,
      title: this.title,
      sessionsDir: path.dirname(this.dir),
      carriedOver: { from: this.id, summary },
    });
    const { dir } = await this.close();
    try {
      await linkContinuation(dir, next.id);
      await writeIndex(path.dirname(dir));
    } catch (err) {
      // Both sessions are intact and the new one already names the old; only the back-link is missing, so
      // carry on with the new session and say exactly what to fix rather than strand it unreturned.
      const message = `The new session started, but linking ${path.basename(dir)} to it failed: ${err instanceof Error ? err.message : String(err)}. Run \`node dist/cli.js audit\` on the sessions folder.`;
      this.emit({ kind: 'notice', level: 'error', message });
    }
    return { closedDir: dir, next };
  }

  private ensureIdle(): void {
    this.ensureOpen();
    if (this.running) throw new EngineError('busy', 'the panel is still answering: stop it first');
  }

  /** Re-run the last turn's call after it failed with nothing received (the context already ends with its line). */
  async retry(): Promise<void> {
    this.ensureOpen();
    if (this.running) throw new EngineError('busy', 'the panel is still answering');
    if (!this.pendingRetry) throw new EngineError('bad-input', 'there is no failed turn to retry');
    this.checkBudgetAndWindow();
    await this.runTurn(this.pendingRetry.target);
  }

  stop(): void {
    this.abort?.abort();
  }

  async close(): Promise<{ dir: string }> {
    if (this.journal.closed) throw new EngineError('closed', 'this session is already closed');
    if (this.running) {
      this.stop();
      await this.running;
    }
    await this.ctx.sync();
    this.ctx.close();
    await this.journal.close();
    await writeIndex(path.dirname(this.journal.dir));
    return { dir: this.journal.dir };
  }

  /** Runs one model call as "the panel is answering": stoppable, one at a time, watchers told either side. */
  private async whileAnswering<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
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

  private retryNotice(turn: number): (n: RetryNotice) => void {
    return (n) => {
      this.record({ type: 'retry', turn, status: n.status, attempt: n.attempt, wait_ms: n.waitMs });
      const what = n.kind === 'rate_limit' ? 'Rate limited' : n.kind === 'overloaded' ? 'The API is overloaded' : 'The call failed';
      this.emit({ kind: 'notice', level: 'warning', message: `${what}${n.status ? ` (${n.status})` : ''} — retrying in ${Math.round(n.waitMs / 1000)} s, attempt ${n.attempt}` });
    };
  }

  private runTurn(target: string | null): Promise<void> {
    const turn = this.turn;
    return this.whileAnswering(async (signal) => {
      const recorder = new TurnRecorder(turn, { record: (e) => this.record(e), stream: (part) => this.emit({ kind: 'stream', part }) }, target);
      const roster = {
        present: this.cast.members.map((c) => ({ id: c.id, name: c.name })),
        retired: this.cast.retiredMembers.map((c) => ({ id: c.id, name: c.name })),
      };
      const parser = createTagParser(roster, (e) => recorder.handle(e));
      const request = buildRequest(this.context, { model: this.opts.model, maxTokens: this.opts.maxTokens, ttl: this.opts.cacheTtl });
      const result = await streamCall(
        this.client,
        request,
        {
          signal,
          onText: (delta) => parser.feed(delta),
          onRetry: this.retryNotice(turn),
        },
        this.opts.apiKey,
      );
      this.meterState.noteCall();
      parser.end(endReason(result));
      this.recordCost(turn, result);
      this.finishTurn(turn, target, result, recorder.responders);
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
    } else if (result.outcome === 'complete' && target === null) {
      const silent = this.cast.members.filter((c) => !responders.has(c.id));
      if (silent.length > 0 && this.cast.members.length > 0) {
        this.record({ type: 'anomaly', turn, kind: 'missing-response', detail: `no <speak> or <pass> from ${silent.map((c) => c.id).join(', ')}` });
      }
    }
  }

  private recordCost(turn: number, result: CallResult): void {
    if (!result.usage) return; // nothing was billed: the request never reached the model
    const u = result.usage;
    const price = priceUsage(this.opts.model, u, { ...(this.opts.prices ? { overrides: this.opts.prices } : {}), defaultTtl: this.opts.cacheTtl });
    if (!price.known) this.record({ type: 'anomaly', turn, kind: 'unknown-price', detail: `no price is known for model "${this.opts.model}": tokens recorded, usd null` });
    const split = u.cache_creation_5m !== undefined || u.cache_creation_1h !== undefined
      ? { cache_creation: { ephemeral_5m_input_tokens: u.cache_creation_5m ?? 0, ephemeral_1h_input_tokens: u.cache_creation_1h ?? 0 } }
      : {};
    this.record({
      type: 'cost',
      turn,
      model: this.opts.model,
      input_tokens: u.input_tokens,
      cache_creation_input_tokens: u.cache_creation_input_tokens,
      cache_read_input_tokens: u.cache_read_input_tokens,
      output_tokens: u.output_tokens,
      ...split,
      context_tokens: price.contextTokens,
      usd: price.usd,
    });
  }

  private checkBudgetAndWindow(): void {
    try {
      this.meterState.checkCanCall();
    } catch (err) {
      if (err instanceof EngineError && err.code === 'budget') this.emit({ kind: 'notice', level: 'error', message: err.message, action: 'raiseBudget' });
      throw err;
    }
  }

  private record(e: NewEvent): SessionEvent {
    const event = this.journal.append(e);
    // The meter counts a cost before anyone hears of it, so a watcher reading meter() sees this call.
    const warnings = event.type === 'cost' ? this.meterState.noteCost(event.usd, event.context_tokens) : [];
    this.emit({ kind: 'event', event });
    for (const w of warnings) {
      if (w.kind === 'context') this.record({ type: 'anomaly', turn: event.turn, kind: 'context-warning', detail: w.message });
      this.emit({ kind: 'notice', level: 'warning', message: w.message, ...(w.kind === 'budget' ? { action: 'raiseBudget' as const } : {}) });
    }
    return event;
  }

  private get context(): PromptContext {
    return this.ctx.context;
  }


  private ensureOpen(): void {
    if (this.journal.closed) throw new EngineError('closed', 'this session is closed');
  }

  private emit(u: SessionUpdate): void {
    for (const l of this.listeners) l(u);
  }
}

function endReason(r: CallResult): EndReason {
  if (r.outcome === 'aborted') return 'aborted';
  if (r.outcome === 'failed') return r.error?.kind === 'connection' ? 'dropped' : 'error';
  return r.stopReason === 'max_tokens' ? 'max_tokens' : 'stop';
}


/** Exposed for the CLI's `--resume`: the context file must exist for a byte-for-byte continuation. */
export async function hasContext(sessionDir: string): Promise<boolean> {
  try {
    await fs.access(path.join(sessionDir, SESSION_FILES.context));
    return true;
  } catch {
    return false;
  }
}
