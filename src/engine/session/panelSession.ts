// Room `engine/session`: one running session — lifecycle (panelSession), the turn loop (turnRunner), redo
// (turnRedo), event recording from parser output (turnRecorder), restore and options, the play script and
// carry-over. May import every other engine room and the protocol's types; nothing imports it but the CLI,
// the extension, tests and benchmarks.
import * as path from 'node:path';
import type { Meter } from '../../protocol';
import { CastState, EngineError } from '../cast/castState';
import type { Brief, Character, Library } from '../cast/characters';
import { SessionMeter } from '../cost/sessionMeter';
import { makeClient } from '../model/modelCall';
import { ContextLog } from '../prompt/contextLog';
import { type CacheTtl, type DeliberationDepth, type PromptContext } from '../prompt/promptLayout';
import { linkContinuation } from '../store/sessionContinuation';
import { writeIndex } from '../store/sessionIndex';
import { SessionJournal } from '../store/sessionJournal';
import type { SessionConditions, SessionEvent } from '../store/sessionSchema';
import { writeCarryOverSummary } from './carryOver';
import type { PanelSessionOptions, ResumeOptions, SessionUpdate } from './sessionOptions';
import { conditionChanges, conditionsNow, runConditions } from './runConditions';
import { billedSinceResume, openClosedSession, openNewSession, undoResume } from './sessionOpening';
import type { RewindPreview } from '../prompt/turnLedger';
import { askPanel } from './humanTurn';
import type { RefusedTurn } from './turnRefusal';
import { TurnRunner } from './turnRunner';

export { EngineError } from '../cast/castState';
export { hasContext, inspectClosedSession } from './sessionRestore';
export type { PanelSessionOptions, ResumeOptions, SessionUpdate } from './sessionOptions';
export type { RefusedTurn } from './turnRefusal';

/**
 * One running megaprompt session: its lifecycle (start, resume, carry-over, close) and the public operations
 * the panel and the CLI call. The turn loop and the state it touches live in `TurnRunner`; the redo
 * operations in `TurnRedo`. One turn runs at a time; cast changes queue for the next boundary. Everything
 * that happens is an event in the journal first.
 */
export class PanelSession {
  private readonly runner: TurnRunner;

  private constructor(journal: SessionJournal, cast: CastState, ctx: ContextLog, opts: ResumeOptions, turn: number, private readonly resumedFrom?: { contextSize: number }) {
    const meter = new SessionMeter(() => this.runner.opts);
    this.runner = new TurnRunner(journal, cast, ctx, opts, meter, turn);
    let lastCost: SessionEvent | undefined;
    for (const e of journal.events) {
      if (e.type !== 'cost') continue;
      meter.noteCost(e.usd, e.context_tokens, e.kind);
      lastCost = e;
    }
    // A continued session is still warm if its last call was recent: the cache outlives the process.
    if (lastCost) meter.noteCall(Date.parse(lastCost.at));
  }

  static async start(o: PanelSessionOptions): Promise<PanelSession> {
    const { journal, cast, ctx, opts, turn } = await openNewSession(o);
    return new PanelSession(journal, cast, ctx, opts, turn);
  }

  /** Continue a closed session in its own folder, with the context exactly as it was last sent. */
  static async resume(sessionDir: string, o: ResumeOptions): Promise<PanelSession> {
    const { journal, cast, ctx, opts, turn, resumedFrom } = await openClosedSession(sessionDir, o);
    return new PanelSession(journal, cast, ctx, opts, turn, resumedFrom);
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
    return this.runner.answering;
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
    return this.runner.onUpdate(l);
  }

  queueJoin(c: Character): void {
    this.runner.ensureOpen();
    this.cast.queueJoin(c);
    this.runner.emit({ kind: 'cast' });
  }
  queueRetire(id: string): void {
    this.runner.ensureOpen();
    this.cast.queueRetire(id);
    this.runner.emit({ kind: 'cast' });
  }
  queueRevise(c: Character): void {
    this.runner.ensureOpen();
    this.cast.queueRevise(c);
    this.runner.emit({ kind: 'cast' });
  }

  setApiKey(key: string): void {
    this.runner.opts = { ...this.opts, apiKey: key };
    if (!this.opts.client) this.runner.client = makeClient({ apiKey: key, baseURL: this.opts.baseURL });
  }
  setCacheTtl(ttl: CacheTtl): void {
    this.runner.opts = { ...this.opts, cacheTtl: ttl };
    this.noteConditions();
  }
  setModel(model: string): void {
    this.runner.opts = { ...this.opts, model };
    if (this.journal.closed) return;
    this.journal.setModel(model);
    this.noteConditions();
  }

  /** The run's conditions in force now (SPEC 9): the log's `conditions` with every change folded in. */
  get conditions(): SessionConditions {
    return conditionsNow(this.journal.header.conditions!, this.journal.events);
  }

  /** Records a `condition-change` when what the session now runs with differs from the conditions in force. */
  private noteConditions(next = runConditions({ ...this.opts, system: this.context.system })): void {
    if (this.journal.closed) return;
    const changes = conditionChanges(this.conditions, next);
    if (changes) this.runner.record({ type: 'condition-change', turn: this.runner.currentTurn(), changes });
  }
  setBudget(usd: number | null): void {
    this.runner.opts = { ...this.opts, budgetUsd: usd };
  }
  setWarmth(mode: NonNullable<ResumeOptions['warmth']>, keepWarmMinutes = this.opts.keepWarmMinutes): void {
    this.runner.opts = { ...this.opts, warmth: mode, ...(keepWarmMinutes !== undefined ? { keepWarmMinutes } : {}) };
    this.runner.warmth.refreshPolicy();
  }

  /** Context and cache figures for the sub-strip. */
  meter(now = this.runner.warmth.clock.now()): Meter {
    return this.runner.warmth.meter(now);
  }

  /** One human turn. Resolves when the floor returns; API failures become events and notices, not rejections. */
  say(text: string, target: string | null): Promise<void> {
    return askPanel(this.runner, text, target);
  }

  /** The last turn when the model declined it (it was set aside), for "Try again" / "Edit your line". */
  get refusedTurn(): RefusedTurn | null {
    return this.runner.refused;
  }

  /**
   * Ask the refused (set-aside) turn again: unchanged, with its line edited (`text`), or of another model
   * (`model`, the fallback). Logged as a re-asked turn (`redo_of` the refused turn) with the model it went to.
   */
  askRefusedAgain(o: { text?: string; model?: string } = {}): Promise<void> {
    const refused = this.runner.refused;
    if (!refused) return Promise.reject(new EngineError('bad-input', 'there is no refused turn to ask again'));
    const edited = o.text !== undefined && o.text !== refused.text;
    const model = o.model !== undefined && o.model !== this.opts.model ? o.model : undefined;
    return askPanel(this.runner, edited ? o.text! : refused.text, refused.target, { redo_of: refused.turn, redo: edited ? 'edit' : 'regenerate', ...(model ? { model } : {}) });
  }

  /** Another sample of the last turn: same context, new call; the earlier reply stays in the log, superseded. */
  regenerate(): Promise<void> {
    return this.runner.redo.redo('regenerate', null);
  }

  /** Resend the last human line, edited; the original stays in the log, superseded. */
  edit(text: string): Promise<void> {
    return this.runner.redo.redo('edit', text);
  }

  /** What `rewind(toTurn)` would supersede and undo, for a confirmation. */
  rewindPreview(toTurn: number): RewindPreview {
    return this.runner.redo.preview(toTurn);
  }

  /**
   * Go back to the end of `toTurn` (0 = before the first turn): later turns are superseded, the context is
   * cut back to exactly what was sent then, and the roster returns to what it was, logged as join/leave.
   */
  rewind(toTurn: number): Promise<RewindPreview> {
    return this.runner.redo.rewind(toTurn);
  }

  /** The samples of the last turn (it and its regenerations), for flipping between them. */
  samples(): number[] {
    return this.runner.redo.samples();
  }

  /** Carry a different sample of the last turn forward; the one it replaces is superseded. */
  selectSample(turn: number): Promise<void> {
    return this.runner.redo.selectSample(turn);
  }

  /**
   * Carry the session over to a fresh one: the model summarises it over the live (cached) context, this
   * session closes, and a new session opens with the same cast (their current files) and the summary. Retired
   * members' materials are dropped here, and only here. Both logs link to each other.
   */
  async carryOver(o: { library: Library; brief: Brief | null; depth?: DeliberationDepth }): Promise<{ closedDir: string; next: PanelSession }> {
    this.runner.ensureIdle();
    const present = this.cast.members.map((c) => o.library.characters.get(c.id) ?? c);
    const summary = await this.runner.whileAnswering(async (signal) => {
      const result = await writeCarryOverSummary(this.runner.client, this.context, present, {
        model: this.opts.model,
        maxTokens: this.opts.maxTokens,
        ttl: this.opts.cacheTtl,
        apiKey: this.opts.apiKey,
        signal,
        onRetry: this.runner.retryNotice(this.runner.currentTurn()),
      });
      this.runner.recordCost(this.runner.currentTurn(), result.call);
      if (result.call.outcome !== 'complete' || result.summary.length === 0) {
        const message = result.call.error?.message ?? (result.call.outcome === 'aborted' ? 'the carry-over was stopped' : 'the model wrote no summary');
        this.runner.record({ type: 'error', turn: this.runner.currentTurn(), kind: 'carry-over', message });
        throw new EngineError('bad-input', `carry-over failed: ${message}`);
      }
      return result.summary;
    });
    const next = await PanelSession.start({
      ...this.opts,
      deliberationDepth: o.depth ?? this.opts.deliberationDepth,
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
      this.runner.emit({ kind: 'notice', level: 'error', message });
    }
    return { closedDir: dir, next };
  }

  /** Re-run the last turn's call after it failed with nothing received (the context already ends with its line). */
  async retry(): Promise<void> {
    this.runner.ensureIdle();
    const failed = this.runner.pendingRetry;
    if (!failed) throw new EngineError('bad-input', 'there is no failed turn to retry');
    this.runner.checkCanCall();
    await this.runner.runTurn(failed.target);
  }

  stop(): void {
    this.runner.stop();
  }

  /** Ends a failed continuation: the folder goes back exactly as it was, or, if a call was billed since the resume, closes. */
  async endContinuation(): Promise<'restored' | 'closed'> {
    if (!this.resumedFrom) throw new EngineError('bad-input', 'only a continued session can be ended without a trace');
    this.stop();
    await this.runner.settled();
    if (billedSinceResume(this.events)) return this.close().then(() => 'closed');
    await undoResume(this.dir, { ctx: this.ctx, journal: this.journal, lock: null, contextSize: this.resumedFrom.contextSize });
    return 'restored';
  }

  async close(): Promise<{ dir: string }> {
    if (this.journal.closed) throw new EngineError('closed', 'this session is already closed');
    await this.runner.warmth.dispose();
    if (this.runner.answering) {
      this.stop();
      await this.runner.settled();
    }
    await this.ctx.sync();
    this.ctx.close();
    await this.journal.close();
    await writeIndex(path.dirname(this.journal.dir));
    return { dir: this.journal.dir };
  }

  private get journal(): SessionJournal {
    return this.runner.journal;
  }
  private get cast(): CastState {
    return this.runner.cast;
  }
  private get ctx(): ContextLog {
    return this.runner.ctx;
  }
  private get opts(): ResumeOptions {
    return this.runner.opts;
  }
  private get context(): PromptContext {
    return this.runner.context;
  }
}
