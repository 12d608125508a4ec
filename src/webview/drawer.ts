import type { StreamPart } from '../protocol';
import type { Announcer } from './announcer';
import type { SessionEvent } from './sessionEvent';
import { el } from './elements';
import { paintMember, type MemberDirectory } from './members';
import { StreamedText } from './streamedText';
import type { SupersedeReason } from './turnLine';

interface ConferLine {
  speaker: string;
  order: number;
  body: StreamedText;
  confirmed: boolean;
  announced: boolean;
}

interface TurnSection {
  node: HTMLElement;
  heading: HTMLElement;
  list: HTMLElement;
  lines: ConferLine[];
}

/**
 * The deliberation drawer: the confer of each turn, one section per turn, filling live. It slides in from
 * the right over (or, on wide panels, beside) the chat; while it is closed, new confer activity lights a
 * dot on its toggle. A superseded turn's confer is collapsed under a "superseded" heading, as in the chat.
 * The confer is not announced to screen readers (the responses are what the chat is for) unless the reader
 * has moved focus into the drawer: then each completed line is said once.
 */
export class DeliberationDrawer {
  readonly toggle = el('button', {
    class: 'drawer-toggle', type: 'button', 'aria-label': 'Deliberation', 'aria-expanded': 'false',
    'aria-controls': 'deliberation-drawer', title: 'Deliberation: the panel conferring',
  }, el('span', { class: 'drawer-toggle-icon', 'aria-hidden': 'true' }, '⇤'), el('span', { class: 'drawer-toggle-label', 'aria-hidden': 'true' }, 'Deliberation'), el('span', { class: 'unseen-dot', 'aria-hidden': 'true' }));
  readonly element = el('aside', { class: 'drawer', id: 'deliberation-drawer', 'aria-label': 'Deliberation drawer' });
  /** Focusable: it scrolls, and focus inside it is what turns on the confer's announcements. */
  private readonly body = el('div', { class: 'drawer-body', tabindex: '0', role: 'group', 'aria-label': 'The confer, newest turn first' });
  private readonly empty = el('p', { class: 'drawer-empty' }, 'When the panel confers before answering, their back-and-forth appears here.');
  private readonly sections = new Map<number, TurnSection>();
  private readonly streaming = new Set<ConferLine>();
  private readonly superseded = new Map<number, SupersedeReason>();
  private isOpen = false;

  constructor(
    private readonly members: MemberDirectory,
    private readonly announcer: Announcer,
    private readonly onOpenChange: (open: boolean) => void,
  ) {
    const close = el('button', { class: 'drawer-close', type: 'button', 'aria-label': 'Close drawer', title: 'Close' }, '✕');
    close.addEventListener('click', () => { this.setOpen(false); this.toggle.focus(); });
    this.toggle.addEventListener('click', () => this.setOpen(!this.isOpen));
    this.element.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.isOpen) {
        e.stopPropagation();
        this.setOpen(false);
        this.toggle.focus();
      }
    });
    this.element.append(el('div', { class: 'drawer-head' }, el('h2', {}, 'Deliberation'), close), this.body);
    this.body.append(this.empty);
  }

  get open(): boolean {
    return this.isOpen;
  }

  setOpen(open: boolean): void {
    this.isOpen = open;
    this.element.classList.toggle('open', open);
    this.toggle.setAttribute('aria-expanded', String(open));
    if (open) this.toggle.classList.remove('unseen');
    this.onOpenChange(open);
  }

  reset(): void {
    this.sections.clear();
    this.streaming.clear();
    this.superseded.clear();
    this.body.replaceChildren(this.empty);
    this.toggle.classList.remove('unseen');
  }

  addEvent(ev: Extract<SessionEvent, { type: 'deliberation' }>, live: boolean): void {
    const section = this.section(ev.turn);
    const line = section.lines.find((l) => !l.confirmed && l.speaker === ev.speaker)
      ?? this.newLine(section, ev.speaker, section.lines.length + 1);
    line.confirmed = true;
    this.streaming.delete(line);
    if (!line.body.finished || line.body.text !== ev.text) line.body.finish(ev.text);
    if (live) {
      this.noteActivity();
      this.announceOnce(line);
    } else {
      line.announced = true;
    }
  }

  /** A live fragment of a confer line (the caller has already dropped stale turns). */
  addStreamPart(part: StreamPart): void {
    const section = this.section(part.turn);
    let line = section.lines.find((l) => l.order === part.order && l.speaker === part.speaker);
    if (line?.confirmed) return;
    line ??= this.newLine(section, part.speaker, part.order);
    if (part.phase === 'end') {
      line.body.finish(part.text || line.body.text);
      this.streaming.delete(line);
      this.announceOnce(line);
    } else {
      line.body.append(part.text);
    }
    this.noteActivity();
  }

  /** Collapses (reason) or restores (undefined) the turn's confer. */
  markSuperseded(turn: number, reason: SupersedeReason | undefined): void {
    if (reason === undefined) this.superseded.delete(turn);
    else this.superseded.set(turn, reason);
    const s = this.sections.get(turn);
    if (s) this.paintSuperseded(turn, s);
  }

  private paintSuperseded(turn: number, s: TurnSection): void {
    const reason = this.superseded.get(turn);
    s.heading.querySelector('.confer-state')?.remove();
    s.node.classList.toggle('superseded', reason !== undefined);
    s.list.hidden = reason !== undefined;
    if (reason === undefined) return;
    const toggle = el('button', {
      type: 'button', class: 'confer-show', 'aria-expanded': 'false', 'aria-controls': `confer-${turn}`,
      'aria-label': `Show superseded turn ${turn}`,
    }, 'show');
    toggle.addEventListener('click', () => {
      const show = s.list.hidden;
      s.list.hidden = !show;
      toggle.setAttribute('aria-expanded', String(show));
      toggle.setAttribute('aria-label', `${show ? 'Hide' : 'Show'} superseded turn ${turn}`);
      toggle.textContent = show ? 'hide' : 'show';
    });
    s.heading.append(el('span', { class: 'confer-state' }, el('span', { class: 'confer-tag' }, 'superseded'), toggle));
  }

  private announceOnce(line: ConferLine): void {
    if (line.announced || !this.isOpen || !this.element.contains(document.activeElement)) return;
    line.announced = true;
    this.announcer.confer(this.members.name(line.speaker), line.body.element.textContent ?? line.body.text);
  }

  private noteActivity(): void {
    if (!this.isOpen) this.toggle.classList.add('unseen');
  }

  private section(turn: number): TurnSection {
    let s = this.sections.get(turn);
    if (s) return s;
    this.empty.remove();
    const list = el('div', { class: 'confer-lines', id: `confer-${turn}` });
    const heading = el('h3', {}, el('span', { class: 'confer-title' }, `Turn ${turn}`));
    // Newest turn on top: the live confer is what the reader opens the drawer for.
    const node = el('section', { class: 'confer-turn', 'data-turn': turn }, heading, list);
    const later = [...this.sections.entries()].filter(([t]) => t > turn).sort((a, b) => a[0] - b[0])[0];
    const anchor = later ? later[1].node : null;
    if (anchor) anchor.after(node);
    else this.body.prepend(node);
    s = { node, heading, list, lines: [] };
    this.sections.set(turn, s);
    if (this.superseded.has(turn)) this.paintSuperseded(turn, s);
    return s;
  }

  private newLine(section: TurnSection, speaker: string, order: number): ConferLine {
    const m = this.members.get(speaker);
    const body = new StreamedText('confer-text');
    const row = el('div', { class: 'confer-line', 'data-speaker': speaker },
      el('span', { class: 'confer-name' }, `${this.members.shortName(speaker)}:`), body.element);
    paintMember(row, m);
    const line: ConferLine = { speaker, order, body, confirmed: false, announced: false };
    section.lines.push(line);
    section.list.append(row);
    this.streaming.add(line);
    return line;
  }

  /** Lines whose end never came are shown as they stand once the answer is over. */
  settle(): void {
    for (const line of this.streaming) {
      if (!line.body.finished) line.body.finish(line.body.text);
    }
    this.streaming.clear();
  }
}
