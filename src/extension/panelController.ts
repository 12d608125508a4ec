import type { Library } from '../engine/characters';
import type { PanelSession, SessionUpdate } from '../engine/panelSession';
import type { SessionEvent } from '../engine/sessionSchema';
import { parseWebviewMessage, type BannerAction, type HostMessage, type Meter, type Theme, type WebviewMessage } from '../protocol';
import { describeError, type LogSink } from './logSink';
import { rosterView, type RosterView } from './memberViews';
import { PanelChannel } from './panelChannel';
import { bannerForContextWarning, bannerForError, bannerForNotice } from './panelBanners';
import { carriedOverBanner, carryOverInputs, CARRYING_OVER_BANNER, codedError } from './panelCarryOver';
import { MeterRefresher, type SetTimer } from './panelMeter';

/**
 * One webview panel <-> one session. A live session can be talked to; a replayed one (a closed log, or a
 * live one after `close()`) is read-only until the researcher continues it. No `vscode` here: the glue in
 * `panels.ts` hands in `post` and feeds `receive`, so all of this is tested without a window.
 */

/**
 * The part of PanelSession a panel uses. `carryOver` hands back the next session as a LiveSession too, so a
 * test double can stand in for both ends of a carry-over.
 */
export type LiveSession = Pick<
  PanelSession,
  | 'id' | 'dir' | 'title' | 'brief' | 'events' | 'answering' | 'closed' | 'castView' | 'meter' | 'onUpdate'
  | 'queueJoin' | 'queueRetire' | 'queueRevise' | 'setCacheTtl' | 'setModel' | 'setBudget' | 'setApiKey'
  | 'say' | 'retry' | 'stop' | 'close'
  | 'regenerate' | 'edit' | 'rewindPreview' | 'rewind' | 'selectSample'
> & {
  carryOver(o: Parameters<PanelSession['carryOver']>[0]): Promise<{ closedDir: string; next: LiveSession }>;
};

/** What a carry-over left behind: the closed folder, and the folder the panel now continues in. */
export interface CarryOverResult {
  closedDir: string;
  nextDir: string;
}

/** A closed session shown read-only; `events` are the log's, in order. */
export interface ReplaySource {
  dir: string;
  title: string;
  brief: { id: string; title: string } | null;
  events: readonly SessionEvent[];
  roster: RosterView;
  canContinue: boolean;
}

export interface PanelControllerDeps {
  post(msg: HostMessage): void;
  log: LogSink;
  library(): Library | null;
  theme(): Theme;
  /** Runs the "set API key" flow; the host hands the new key to every live session itself. */
  setApiKey(): Promise<void>;
  openSettings(query: string): void;
  /** Re-opens a closed session for new turns; undefined when it could not (the host explains why). */
  continueSession(dir: string): Promise<LiveSession | undefined>;
  now?: () => number;
  setTimer?: SetTimer;
}

type Mode = { kind: 'live'; session: LiveSession } | { kind: 'replay'; replay: ReplaySource };

export class PanelController {
  private mode: Mode;
  private readonly channel: PanelChannel;
  private unsubscribe: (() => void) | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly meter: MeterRefresher;
  private disposed = false;
  // The engine journals a context warning as an anomaly, then notifies with the same text: that pairing is
  // how its notice is told apart from other warnings without matching on wording.
  private contextWarning: string | null = null;

  constructor(private readonly deps: PanelControllerDeps, source: { live: LiveSession } | { replay: ReplaySource }) {
    this.channel = new PanelChannel({ post: (m) => deps.post(m), snapshot: () => this.snapshot(), log: deps.log });
    this.meter = new MeterRefresher({
      send: (meter) => this.channel.send({ type: 'meter', meter }),
      wentCold: () => {
        this.refreshMeter();
        this.changed();
      },
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.setTimer ? { setTimer: deps.setTimer } : {}),
    });
    this.mode = 'live' in source ? { kind: 'live', session: source.live } : { kind: 'replay', replay: source.replay };
    if ('live' in source) this.subscribe(source.live);
  }

  get sessionDir(): string {
    return this.mode.kind === 'live' ? this.mode.session.dir : this.mode.replay.dir;
  }
  get title(): string {
    return this.mode.kind === 'live' ? this.mode.session.title : this.mode.replay.title;
  }
  /** The session that can take turns, or null while read-only. */
  get live(): LiveSession | null {
    return this.mode.kind === 'live' ? this.mode.session : null;
  }
  get readOnly(): boolean {
    return this.mode.kind === 'replay';
  }
  get events(): readonly SessionEvent[] {
    return this.mode.kind === 'live' ? this.mode.session.events : this.mode.replay.events;
  }

  /** USD spent so far: the sum of priced cost events; null when calls were made but none could be priced. */
  totalUsd(): number | null {
    let sum = 0;
    let priced = 0;
    let calls = 0;
    for (const e of this.events) {
      if (e.type !== 'cost') continue;
      calls++;
      if (e.usd !== null) {
        sum += e.usd;
        priced++;
      }
    }
    return calls > 0 && priced === 0 ? null : Math.round(sum * 1e6) / 1e6;
  }

  /** Fires when cost, mode or cast changed (status bar, open-panel registry). */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every message from the webview, unparsed. */
  async receive(data: unknown): Promise<void> {
    const parsed = parseWebviewMessage(data);
    if (!parsed.ok) {
      this.deps.log.warn(`dropped an invalid message from the webview: ${parsed.error}`);
      return;
    }
    const msg = parsed.msg;
    if (msg.type === 'ready') return this.channel.markReady();
    if (msg.type === 'log') {
      const level = msg.level === 'warn' ? 'warn' : msg.level;
      return this.deps.log[level](`webview: ${msg.message}`);
    }
    if (msg.type === 'action') return this.runAction(msg.action);
    const session = this.live;
    if (!session) {
      this.deps.log.warn(`ignored "${msg.type}" from the webview: the panel is read-only`);
      return;
    }
    await this.guard(() => this.handleLive(session, msg));
  }

  private async handleLive(session: LiveSession, msg: WebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'say':
        this.channel.send({ type: 'clearBanner' });
        return session.say(msg.text, msg.target);
      case 'stop':
        return session.stop();
      case 'add':
        return session.queueJoin(this.fromLibrary(msg.id));
      case 'retire':
        return session.queueRetire(msg.id);
      case 'applyEdit':
        return session.queueRevise(this.fromLibrary(msg.id));
      case 'setTtl':
        session.setCacheTtl(msg.ttl);
        return this.refreshMeter();
      case 'regenerate':
        this.channel.send({ type: 'clearBanner' });
        return session.regenerate();
      case 'edit':
        this.channel.send({ type: 'clearBanner' });
        return session.edit(msg.text);
      case 'previewRewind':
        return this.channel.send({ type: 'rewindPreview', preview: session.rewindPreview(msg.turn) });
      case 'rewind':
        this.channel.send({ type: 'clearBanner' });
        await session.rewind(msg.turn);
        return;
      case 'selectSample':
        return session.selectSample(msg.turn);
      case 'carryOver':
        await this.carryOver();
        return;
      default:
        this.deps.log.warn(`unhandled webview message "${msg.type}"`);
    }
  }

  private fromLibrary(id: string) {
    const c = this.deps.library()?.characters.get(id);
    if (!c) throw codedError('unknown-character', `"${id}" is not in the character library (is its file valid?)`);
    return c;
  }

  private async runAction(action: BannerAction): Promise<void> {
    await this.guard(async () => {
      switch (action) {
        case 'setApiKey':
          await this.deps.setApiKey();
          return this.channel.send({ type: 'clearBanner' });
        case 'retry': {
          const session = this.live;
          if (!session) return;
          this.channel.send({ type: 'clearBanner' });
          return session.retry();
        }
        case 'openSettings':
          return this.deps.openSettings('dialogue');
        case 'raiseBudget':
          return this.deps.openSettings('dialogue.budgetUsd');
        case 'continueSession':
          return this.continueSession();
        case 'carryOver':
          await this.carryOver();
          return;
      }
    });
  }

  private async guard(run: () => unknown): Promise<void> {
    try {
      await run();
    } catch (err) {
      this.deps.log.warn(`panel action failed: ${describeError(err)}`);
      this.channel.send(bannerForError(err));
    }
  }

  /** Re-opens the replayed session for new turns (no-op while live). */
  async continueSession(): Promise<boolean> {
    if (this.mode.kind !== 'replay') return true;
    const session = await this.deps.continueSession(this.mode.replay.dir);
    if (!session || this.disposed) return false;
    this.attach(session);
    return true;
  }

  /** Switches a replay to a live session of the same folder, sending only what the webview lacks. */
  attach(session: LiveSession): void {
    const seen = this.events.at(-1)?.seq ?? 0;
    this.mode = { kind: 'live', session };
    this.subscribe(session);
    this.channel.send({ type: 'readOnly', readOnly: false, canContinue: false });
    for (const event of session.events) if (event.seq > seen) this.channel.send({ type: 'event', event });
    this.sendCast();
    this.refreshMeter();
    this.changed();
  }

  /** Closes the live session (writing its folder) and leaves the panel as a read-only replay. */
  async close(): Promise<string> {
    if (this.mode.kind !== 'live') return this.mode.replay.dir;
    const session = this.mode.session;
    if (session.answering) session.stop();
    const roster = this.roster();
    const { dir } = await session.close();
    this.becomeReplay(session, dir, roster);
    return dir;
  }

  /**
   * Summarises the live session into a fresh one with the same cast and brief (their current files), then
   * shows the fresh session in this same panel. Rejects (the old session still live) when there is nothing
   * to carry over with or the summary call fails.
   */
  async carryOver(): Promise<CarryOverResult> {
    const session = this.live;
    if (!session) throw codedError('closed', 'this session is closed: only a running session can be carried over');
    if (session.answering) throw codedError('busy', 'the panel is still answering: stop it first, then carry over');
    const inputs = carryOverInputs(session.brief, this.deps.library());
    this.channel.send({ type: 'clearBanner' });
    this.channel.send(CARRYING_OVER_BANNER);
    let result: { closedDir: string; next: LiveSession };
    try {
      result = await session.carryOver(inputs);
    } catch (err) {
      this.channel.send({ type: 'clearBanner' });
      // The engine may fail after closing the old session; the panel must not keep offering it for turns.
      if (session.closed && this.live === session) this.becomeReplay(session, session.dir, this.roster());
      throw err;
    }
    const { closedDir, next } = result;
    if (this.disposed) {
      // The tab went away while the summary was written: nobody will talk to the fresh session, so end it.
      await next.close();
      return { closedDir, nextDir: next.dir };
    }
    this.switchTo(next);
    this.channel.send(carriedOverBanner(closedDir, next.dir));
    this.deps.log.info(`session ${closedDir} carried over to ${next.dir}`);
    return { closedDir, nextDir: next.dir };
  }

  /** The panel now shows `next`, a different session: the webview is rebuilt from its state. */
  private switchTo(next: LiveSession): void {
    this.mode = { kind: 'live', session: next };
    this.contextWarning = null;
    this.subscribe(next);
    this.channel.restart();
    this.refreshMeter();
    this.changed();
  }

  private becomeReplay(session: LiveSession, dir: string, roster: RosterView): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.meter.cancel();
    this.mode = {
      kind: 'replay',
      replay: { dir, title: session.title, brief: session.brief, events: [...session.events], roster: { cast: roster.cast, library: [] }, canContinue: true },
    };
    this.channel.send({ type: 'readOnly', readOnly: true, canContinue: true });
    this.changed();
  }

  libraryChanged(): void {
    if (this.mode.kind === 'live') this.sendCast();
  }

  setTheme(theme: Theme): void {
    this.channel.send({ type: 'theme', theme });
  }

  /** The live session's context/cache figures now; null while read-only. */
  currentMeter(): Meter | null {
    return this.live?.meter(this.meter.now()) ?? null;
  }

  /** Sends the context/cache meter, and schedules a resend for the moment the cache goes cold. */
  refreshMeter(): void {
    this.meter.refresh(this.disposed ? null : this.live);
  }

  /** The webview was destroyed; messages queue until a new one says `ready`. */
  webviewGone(): void {
    this.channel.markGone();
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.meter.cancel();
    this.listeners.clear();
  }

  private subscribe(session: LiveSession): void {
    this.unsubscribe?.();
    this.unsubscribe = session.onUpdate((u) => this.onUpdate(u));
  }

  private onUpdate(u: SessionUpdate): void {
    switch (u.kind) {
      case 'event':
        this.channel.send({ type: 'event', event: u.event });
        if (u.event.type === 'cost') {
          // The engine tells its watchers of a cost before it has counted it in its meter: read the meter
          // once the engine's own bookkeeping for this event is done.
          queueMicrotask(() => {
            this.refreshMeter();
            this.changed();
          });
        } else if (u.event.type === 'join' || u.event.type === 'leave' || u.event.type === 'revise') {
          this.sendCast();
          this.changed();
        } else if (u.event.type === 'supersede') {
          // A rewind or a sample choice changes what the context carries without a call.
          this.refreshMeter();
        } else if (u.event.type === 'anomaly' && u.event.kind === 'context-warning') {
          this.contextWarning = u.event.detail;
        }
        return;
      case 'stream':
        return this.channel.send(u.part);
      case 'answering':
        return this.channel.send({ type: 'answering', answering: u.answering });
      case 'cast':
        this.sendCast();
        return this.changed();
      case 'notice': {
        this.deps.log[u.level === 'warning' ? 'warn' : u.level](`session ${this.sessionDir}: ${u.message}`);
        const aboutContext = u.action === undefined && this.contextWarning === u.message;
        this.contextWarning = null;
        return this.channel.send(aboutContext ? bannerForContextWarning(u) : bannerForNotice(u));
      }
    }
  }

  private roster(): RosterView {
    if (this.mode.kind === 'replay') return this.mode.replay.roster;
    return rosterView(this.mode.session.castView(), this.deps.library());
  }

  private sendCast(): void {
    this.channel.send({ type: 'cast', ...this.roster() });
  }

  private snapshot(): Extract<HostMessage, { type: 'init' }> {
    const live = this.live;
    const replay = this.mode.kind === 'replay' ? this.mode.replay : null;
    return {
      type: 'init',
      title: this.title,
      brief: live ? live.brief : (replay?.brief ?? null),
      ...this.roster(),
      theme: this.deps.theme(),
      readOnly: !live,
      canContinue: replay?.canContinue ?? false,
      events: [...this.events],
      answering: live?.answering ?? false,
      meter: this.currentMeter(),
    };
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

