import type { HostMessage, Meter, MemberView, Theme } from '../protocol';
import type { SessionEvent } from './sessionEvent';
import { Announcer } from './announcer';
import { Composer } from './composer';
import { DeliberationDrawer } from './drawer';
import { el } from './elements';
import type { HostBridge } from './hostBridge';
import { MemberDirectory } from './members';
import { MessageStream } from './messageStream';
import { MeterStrip } from './meterStrip';
import { Notices } from './notices';
import { RewindDialog } from './rewindDialog';
import { Roster } from './roster';
import { TurnLine } from './turnLine';
import { TurnTools } from './turnTools';

/** The Demo badge's accessible name (and tooltip). */
export const DEMO_BADGE_NAME = 'Demo session: scripted replies, no model called, nothing billed';

const THEME_CLASSES: readonly string[] = ['cream', 'light', 'dark', 'eink', 'vscode'].map((t) => `theme-${t}`);

/**
 * The panel: builds the layout once and routes each validated host message to the part that owns it.
 * It also owns the cross-cutting facts: the newest turn seen (older stream parts are stale), which turns
 * are still live (the turn line), and whether the panel is answering / read-only.
 */
export class PanelApp {
  private readonly members = new MemberDirectory();
  private readonly announcer = new Announcer();
  private readonly titleEl = el('h1', { class: 'title' });
  private readonly briefEl = el('span', { class: 'brief' });
  /** Shown on a session of the built-in demo, so its scripted replies are never taken for a model's. */
  private readonly demoBadge = el('span', { class: 'demo-badge', role: 'note', 'aria-label': DEMO_BADGE_NAME, title: DEMO_BADGE_NAME, hidden: true }, 'Demo');
  private readonly main = el('div', { class: 'main' });
  private readonly stream: MessageStream;
  private readonly drawer: DeliberationDrawer;
  private readonly roster: Roster;
  private readonly meters: MeterStrip;
  /** The newest human line, and the line of the turn the model declined (null once another turn starts). */
  private lastAsk: { turn: number; text: string } | null = null;
  private refusedLine: { turn: number; text: string } | null = null;
  /** The composer's edit is of the declined line: its Send is `editRefused`, not `edit`. */
  private editingRefused = false;
  private readonly notices: Notices;
  private readonly composer: Composer;
  private readonly line = new TurnLine();
  private readonly tools: TurnTools;
  private readonly rewind: RewindDialog;
  private meter: Meter | null = null;
  private newestTurn = -1;
  private answering = false;
  private readOnly = false;

  constructor(root: HTMLElement, host: HostBridge, title: string) {
    const saved = host.loadState();
    this.stream = new MessageStream(this.members, this.announcer, this.line);
    this.drawer = new DeliberationDrawer(this.members, this.announcer, (open) => {
      this.main.classList.toggle('drawer-open', open);
      host.saveState({ drawerOpen: open });
    });
    this.roster = new Roster(this.members, {
      retire: (id) => host.post({ type: 'retire', id }),
      add: (id) => host.post({ type: 'add', id }),
      applyEdit: (id) => host.post({ type: 'applyEdit', id }),
    });
    const carryOver = (): void => {
      if (!this.answering && !this.readOnly) host.post({ type: 'carryOver' });
    };
    this.meters = new MeterStrip((ttl) => host.post({ type: 'setTtl', ttl }), carryOver);
    this.notices = new Notices((action) => (action === 'editRefused' ? this.editRefused() : host.post({ type: 'action', action })), carryOver, () => this.composer.focus());
    this.rewind = new RewindDialog(this.members, (turn) => {
      if (!this.answering && !this.readOnly) host.post({ type: 'rewind', turn });
      // The dialog hands focus back to the "Rewind to here" that opened it, which the rewind hides (its turn is
      // now the last): the composer is where the researcher goes on from the turn rewound to.
      this.composer.focus();
    });
    this.composer = new Composer(this.members, {
      say: (text, target) => host.post({ type: 'say', text, target }),
      edit: (text) => {
        const refused = this.editingRefused;
        this.editingRefused = false;
        host.post(refused ? { type: 'editRefused', text } : { type: 'edit', text });
      },
      stop: () => host.post({ type: 'stop' }),
      continueSession: () => host.post({ type: 'action', action: 'continueSession' }),
      draftChanged: (draft, target) => host.saveState({ draft, target }),
    }, saved);
    this.tools = new TurnTools(this.stream, this.line, {
      regenerate: () => host.post({ type: 'regenerate' }),
      selectSample: (turn) => host.post({ type: 'selectSample', turn }),
      editLast: (text) => {
        this.editingRefused = false;
        this.composer.beginEdit(text);
      },
      rewindTo: (turn, quote) => {
        this.rewind.open(turn, quote);
        host.post({ type: 'previewRewind', turn });
      },
    });

    this.setTitle(title, null);
    const header = el('header', { class: 'panel-header' },
      el('div', { class: 'titles' }, this.titleEl, this.demoBadge, this.briefEl), this.drawer.toggle);
    // Landmarks: header (banner), this strip and the notices (regions), the stream (main), the drawer
    // (complementary, beside main rather than inside it), the composer (form).
    const strip = el('section', { class: 'roster-strip', 'aria-label': 'Panel members and costs' }, this.roster.element, this.meters.element);
    this.main.append(this.stream.element, this.drawer.element);
    root.replaceChildren(header, strip, this.notices.banners, this.main, this.notices.status, this.composer.element,
      this.announcer.element, this.rewind.element);
    this.drawer.setOpen(saved.drawerOpen);

    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.answering && !this.readOnly && !e.defaultPrevented) {
        e.preventDefault();
        host.post({ type: 'stop' });
      }
    });
  }

  handle(msg: HostMessage): void {
    switch (msg.type) {
      case 'init': {
        this.members.remember(msg.library);
        this.members.remember(msg.cast);
        this.setTitle(msg.title, msg.brief?.title ?? null);
        this.demoBadge.hidden = msg.demo !== true;
        this.applyTheme(msg.theme);
        this.stream.reset();
        this.drawer.reset();
        this.meters.reset();
        this.line.reset();
        this.rewind.close();
        this.composer.cancelEdit();
        this.notices.clearBanners();
        this.notices.contextWarning(null, msg.readOnly);
        this.newestTurn = -1;
        this.setCast(msg.cast, msg.library);
        for (const ev of msg.events) this.addEvent(ev, false);
        // Run markers and the turn tools once for the whole history, not once per event.
        this.stream.layout.refreshRuns();
        this.tools.refresh();
        this.setReadOnly(msg.readOnly, msg.canContinue);
        this.setMeter(msg.meter);
        this.setAnswering(msg.answering);
        break;
      }
      case 'event':
        this.addEvent(msg.event, true);
        break;
      case 'stream':
        if (msg.turn < this.newestTurn) return; // stale: a reply the host has already moved past
        this.newestTurn = msg.turn;
        this.notices.clearStatus();
        if (msg.item === 'line') this.drawer.addStreamPart(msg);
        else this.stream.addStreamPart(msg);
        break;
      case 'cast':
        this.setCast(msg.cast, msg.library);
        break;
      case 'answering':
        this.setAnswering(msg.answering);
        break;
      case 'banner':
        this.notices.banner(msg.level, msg.message, msg.actions);
        break;
      case 'clearBanner':
        this.notices.clearBanners();
        break;
      case 'theme':
        this.applyTheme(msg.theme);
        break;
      case 'meter':
        this.setMeter(msg.meter);
        break;
      case 'readOnly':
        this.setReadOnly(msg.readOnly, msg.canContinue);
        break;
      case 'rewindPreview':
        this.rewind.showPreview(msg.preview);
        break;
    }
  }

  /** "Edit your line" on the refusal banner: the declined line goes into the composer; Send asks it again. */
  private editRefused(): void {
    if (!this.refusedLine || this.answering || this.readOnly) return;
    this.composer.beginEdit(this.refusedLine.text);
    this.editingRefused = true;
  }

  /**
   * More of a replayed history after `init` (a long log delivered in slices so the page paints and answers
   * input between them): the same as if these events had come with `init`.
   */
  appendHistory(events: readonly SessionEvent[]): void {
    for (const ev of events) this.addEvent(ev, false);
    this.stream.layout.refreshRuns();
    this.tools.refresh();
  }

  private setMeter(meter: Meter | null): void {
    this.meter = meter;
    this.meters.setMeter(meter);
    this.notices.contextWarning(meter, this.readOnly);
  }

  private addEvent(ev: SessionEvent, live: boolean): void {
    this.newestTurn = Math.max(this.newestTurn, ev.turn);
    if (ev.type === 'retry') {
      if (live) this.notices.retry(ev);
      return;
    }
    if (live) this.notices.clearStatus();
    const moves = live && (ev.type === 'human-speak' || ev.type === 'floor' || ev.type === 'supersede');
    const focused = moves ? this.tools.focusedControl() : null;
    if (ev.type === 'human-speak') {
      this.line.add(ev);
      this.lastAsk = { turn: ev.turn, text: ev.text };
      this.refusedLine = null;
    }
    if (ev.type === 'refusal') this.refusedLine = this.lastAsk?.turn === ev.turn ? this.lastAsk : null;
    if (ev.type === 'deliberation') this.drawer.addEvent(ev, live);
    else this.stream.addEvent(ev, live);
    if (ev.type === 'supersede') {
      const changed = this.line.supersede(ev);
      this.stream.applySupersede(changed, live);
      for (const t of changed) this.drawer.markSuperseded(t, this.line.supersededBy(t));
      const chosen = ev.reason === 'select' ? ev.restored?.[0] : undefined;
      if (live && chosen !== undefined) {
        const samples = this.line.samples(chosen);
        this.announcer.announce(`Sample ${samples.indexOf(chosen) + 1} of ${samples.length} is now carried forward`);
      }
    }
    if (ev.type === 'floor') this.drawer.settle();
    if (ev.type === 'cost') this.meters.addCost(ev);
    if (moves) {
      const before = this.tools.lastLive;
      this.tools.refresh(focused);
      // The tools leave the page while a new turn has no floor yet (after Regenerate): focus to the composer.
      // (What holds focus now is checked, not `focused`: a sample step at its end hands focus to the other step.)
      const holder = document.activeElement;
      if (focused && !(holder instanceof HTMLElement && holder !== document.body && stillFocusable(holder))) this.composer.focus();
      // An edit in progress was of the line that was last; once another is last, it no longer applies.
      if (this.tools.lastLive !== before) this.composer.cancelEdit();
    }
  }

  private setCast(cast: MemberView[], library: MemberView[]): void {
    this.roster.update(cast, library);
    this.composer.setCast(cast);
  }

  private setAnswering(answering: boolean): void {
    const focused = document.activeElement;
    this.answering = answering;
    if (!answering) {
      this.stream.settle();
      this.drawer.settle();
    }
    document.body.classList.toggle('answering', answering);
    this.composer.setAnswering(answering);
    this.meters.setAnswering(answering);
    this.notices.setAnswering(answering);
    this.tools.setEnabled(!answering && !this.readOnly);
    if (answering) this.rewind.close();
    // Regenerate, Rewind or Stop pressed from the keyboard are disabled or hidden by the change they asked
    // for, which drops focus to <body>; the composer is where a keyboard user carries on (Esc stops from there).
    // (Checked on the element itself: the browser moves focus off a disabled control only at its next update.)
    if (focused instanceof HTMLElement && focused !== document.body && !stillFocusable(focused)) this.composer.focus();
  }

  private setReadOnly(readOnly: boolean, canContinue: boolean): void {
    this.readOnly = readOnly;
    document.body.classList.toggle('read-only', readOnly);
    this.roster.setReadOnly(readOnly);
    this.meters.setReadOnly(readOnly);
    this.composer.setReadOnly(readOnly, canContinue);
    this.tools.setEnabled(!this.answering && !readOnly);
    this.notices.contextWarning(this.meter, readOnly);
    if (readOnly) this.rewind.close();
  }

  private setTitle(title: string, brief: string | null): void {
    this.titleEl.textContent = title;
    this.briefEl.textContent = brief ? `Brief: ${brief}` : 'No brief';
    document.title = title;
  }

  private applyTheme(theme: Theme): void {
    // Only our own classes: VS Code puts its theme-kind classes (vscode-dark, vscode-high-contrast) on <body> too.
    document.body.classList.remove(...THEME_CLASSES);
    document.body.classList.add(`theme-${theme}`);
  }
}

/** Whether `element` can still hold focus: in the document, shown and not disabled. */
function stillFocusable(element: HTMLElement): boolean {
  return element.isConnected && !(element as HTMLButtonElement).disabled && element.checkVisibility();
}
