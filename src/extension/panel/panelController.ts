import type { Character } from '../../engine/cast/characters';
import type { SessionEvent } from '../../engine/store/sessionSchema';
import { parseWebviewMessage, type BannerAction, type HostMessage, type Meter, type Theme } from '../../protocol';
import { describeError } from '../logSink';
import { rosterView, type RosterView } from './memberViews';
import { PanelChannel } from './panelChannel';
import { bannerForError } from './panelBanners';
import { carriedOverBanner, carryOverInputs, CARRYING_OVER_BANNER, codedError } from './panelCarryOver';
import { askRefusedAgain, handleLiveMessage } from './panelMessages';
import { forwardUpdate, type UpdateTarget } from './panelUpdates';
import { MeterRefresher, spentUsd } from './panelMeter';
import type { CarryOverResult, LiveSession, PanelControllerDeps, ReplaySource } from './panelTypes';

export type { CarryOverResult, LiveSession, PanelControllerDeps, ReplaySource } from './panelTypes';

/**
 * One webview panel <-> one session. A live session can be talked to; a replayed one (a closed log, or a
 * live one after `close()`) is read-only until the researcher continues it. No `vscode` here: the glue in
 * `panels.ts` hands in `post` and feeds `receive`, so all of this is tested without a window.
 */

type Mode = { kind: 'live'; session: LiveSession } | { kind: 'replay'; replay: ReplaySource };

export class PanelController {
  private mode: Mode;
  private readonly channel: PanelChannel;
  private unsubscribe: (() => void) | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly meter: MeterRefresher;
  private disposed = false;
  private readonly updateTarget: UpdateTarget;

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
    const panel = this;
    this.updateTarget = {
      get sessionDir() {
        return panel.sessionDir;
      },
      log: deps.log,
      contextWarning: null,
      send: (m) => this.channel.send(m),
      refreshMeter: () => this.refreshMeter(),
      sendCast: () => this.sendCast(),
      changed: () => this.changed(),
    };
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

  /** USD spent so far (see `spentUsd`). */
  totalUsd(): number | null {
    return spentUsd(this.events);
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
    await this.guard(() =>
      handleLiveMessage(session, msg, {
        send: (m) => this.channel.send(m),
        fromLibrary: (id) => this.fromLibrary(id),
        log: this.deps.log,
        refreshMeter: () => this.refreshMeter(),
        carryOver: () => this.carryOver(),
      }),
    );
  }

  private fromLibrary(id: string): Character {
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
        case 'tryDemo':
          return this.deps.tryDemo?.();
        case 'raiseBudget':
          return this.deps.openSettings('dialogue.budgetUsd');
        case 'continueSession':
          return this.continueSession();
        case 'carryOver':
          await this.carryOver();
          return;
        case 'retryRefused':
        case 'fallbackModel':
        case 'editRefused':
          return this.live && askRefusedAgain(this.live, action, { ...this.deps, send: (m) => this.channel.send(m) });
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
    this.updateTarget.contextWarning = null;
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
    this.unsubscribe = session.onUpdate((u) => forwardUpdate(u, this.updateTarget));
  }

  private roster(): RosterView {
    if (this.mode.kind === 'replay') return this.mode.replay.roster;
    return rosterView(this.mode.session.castView(), this.deps.library(), this.deps.avatarUri);
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
      ...(this.deps.isDemo?.(this.sessionDir) ? { demo: true } : {}),
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

