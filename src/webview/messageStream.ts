import type { StreamPart } from '../protocol';
import type { SessionEvent } from './sessionEvent';
import type { Announcer } from './announcer';
import { el } from './elements';
import { BottomFollower } from './bottomFollower';
import { glyphAvatar, paintMember, type MemberDirectory } from './members';
import { renderMarkdown } from './safeMarkdown';
import { StreamLayout } from './streamLayout';
import { StreamedText } from './streamedText';
import type { TurnLine } from './turnLine';
import { addCall, fillTurnCost, type TurnCost } from './turnCost';


interface Spoken {
  body: StreamedText;
  main: HTMLElement;
  confirmed: boolean;
  announced: boolean;
}

/**
 * The main chat: floor lines, one message per character, passes, cast changes, per-turn cost beside the
 * floor-returns marker. It only ever appends (or edits the one message being streamed); nothing already
 * on screen is re-rendered. A superseded turn is only collapsed (see StreamLayout), never removed.
 */
export class MessageStream {
  /** The scroll container, and the page's `main` landmark (focusable so the keyboard can scroll it). */
  readonly element = el('main', { class: 'stream', 'aria-label': 'Conversation', tabindex: '0' });
  readonly layout = new StreamLayout();
  private readonly spoken = new Map<string, Spoken>();
  /** Messages still streaming (kept apart so settling them never walks the whole history). */
  private readonly open = new Set<Spoken>();
  private readonly costs = new Map<number, TurnCost>();
  private readonly floorMarkers = new Map<number, HTMLElement>();
  private readonly floorReturnRows = new Map<number, HTMLElement>();
  private readonly floorActionSlots = new Map<number, HTMLElement>();
  private readonly follower = new BottomFollower(this.element, this.layout.list);

  constructor(
    private readonly members: MemberDirectory,
    private readonly announcer: Announcer,
    private readonly line: TurnLine,
  ) {
    this.element.append(this.layout.list);
  }

  reset(): void {
    this.layout.reset();
    this.spoken.clear();
    this.open.clear();
    this.costs.clear();
    this.floorMarkers.clear();
    this.floorReturnRows.clear();
    this.floorActionSlots.clear();
    this.follower.reset();
  }

  /** `live` is false while replaying history: nothing is announced then. */
  addEvent(ev: SessionEvent, live: boolean): void {
    switch (ev.type) {
      case 'intro':
        this.intro(ev);
        break;
      case 'human-speak':
        this.floorLine(ev.text, ev.target, ev.turn);
        break;
      case 'speak':
        this.speak(ev, live);
        break;
      case 'greeting': {
        // Said before the first turn, with no model call: a message of that character, marked as the greeting.
        const entry = this.newMessage(`0:greeting:${ev.speaker}`, ev.speaker, ev.turn, 1);
        entry.confirmed = true;
        entry.announced = !live;
        this.open.delete(entry);
        entry.body.finish(ev.text);
        entry.main.closest('article')?.classList.add('greeting');
        entry.main.firstElementChild?.append(el('span', { class: 'greeting-tag' }, ' · greeting'));
        break;
      }
      case 'pass': {
        const m = this.members.get(ev.speaker);
        const row = el('div', { class: 'pass' }, glyphAvatar(m, 'small'), `${this.members.shortName(ev.speaker)} passes`);
        this.append(row, ev.turn);
        break;
      }
      case 'join':
      case 'leave': {
        const name = this.members.name(ev.speaker);
        if (ev.reason !== undefined) {
          const why = ev.reason === 'rewind' ? 'rewind' : 'the declined turn was set aside';
          this.layout.appendTop(this.note(`${name} ${ev.type === 'join' ? 'rejoins' : 'leaves'} the panel (${why})`, 'cast-change'));
        } else {
          this.append(this.note(`${name} ${ev.type === 'join' ? 'joins' : 'leaves'} the panel`, 'cast-change'), ev.turn);
        }
        break;
      }
      case 'revise':
        this.append(this.note(`${this.members.name(ev.speaker)}'s profile was updated`, 'cast-change'), ev.turn);
        break;
      case 'lore': // a card's lorebook entry joined this turn's stage directions
        this.append(this.note(`${this.members.name(ev.speaker)} recalls: ${ev.name}`, 'cast-change'), ev.turn);
        break;
      case 'resume':
        this.layout.appendTop(this.note('Session continued', 'intro'));
        break;
      case 'supersede':
        if (ev.reason === 'rewind') {
          const n = ev.turns.length;
          this.layout.appendTop(this.note(`Rewound: ${n === 1 ? 'the last turn is' : `${n} turns are`} superseded (kept in the log)`, 'rewind'));
        }
        break;
      case 'cost':
        // Keep-warm pings fall between turns: the meter strip shows them, the turn's own cost does not.
        if (ev.kind !== 'keep-warm') this.addCost(ev);
        break;
      case 'floor':
        this.settle();
        this.floorReturns(ev.turn);
        break;
      case 'anomaly':
        if (ev.kind === 'context-warning') {
          this.append(el('div', { class: 'context-warning', role: 'note' },
            el('span', { class: 'context-warning-icon', 'aria-hidden': 'true' }, '⚠'),
            el('span', {}, `Context nearly full: ${ev.detail}. Carry the session over to keep going.`)), ev.turn);
        } else {
          this.append(el('details', { class: 'anomaly' },
            el('summary', {}, `Off-format reply (${ev.kind})`),
            el('div', { class: 'anomaly-detail' }, ev.detail)), ev.turn);
        }
        break;
      case 'error':
        this.append(el('div', { class: `error-line kind-${ev.kind === 'stopped' ? 'stopped' : 'failed'}`, role: 'note' },
          ev.kind === 'stopped' ? 'Stopped — the panel was cut off' : `Error (${ev.kind}): ${ev.message}`), ev.turn);
        break;
      case 'refusal':
        // Marked where the turn was: what had arrived stays in the log, never as an answer in the chat.
        this.append(el('div', { class: 'refusal-line', role: 'note' },
          `The model declined this turn${ev.category ? ` (${ev.category})` : ''}. It was set aside: the panel's next turn does not see it.`), ev.turn);
        break;
      case 'deliberation':
      case 'retry':
        break; // the drawer and the notice line own these
    }
  }

  /** The turns whose liveness changed: collapse or restore their blocks; `refresh` redraws the run markers. */
  applySupersede(changed: readonly number[], refresh: boolean): void {
    for (const t of changed) this.layout.setSuperseded(t, this.line.supersededBy(t));
    if (refresh) this.layout.refreshRuns();
  }

  /** The `floor returns` row of a turn, once its floor has returned. */
  floorReturnRow(turn: number): HTMLElement | undefined {
    return this.floorReturnRows.get(turn);
  }

  /** The slot for actions on a turn's floor line (Rewind to here / Edit last line). */
  floorActions(turn: number): HTMLElement | undefined {
    return this.floorActionSlots.get(turn);
  }

  /** A live fragment of a response. The caller has already dropped stale turns. */
  addStreamPart(part: StreamPart): void {
    const key = `${part.turn}:${part.order}:${part.speaker}`;
    let entry = this.spoken.get(key);
    if (entry?.confirmed) return;
    if (!entry) entry = this.newMessage(key, part.speaker, part.turn, part.order);
    if (part.phase === 'end') {
      // Parser contract: an end's text is the whole trimmed text (deltas concatenated); empty means "as streamed".
      entry.body.finish(part.text || entry.body.text);
      this.open.delete(entry);
      if (part.truncated) this.markCut(entry);
      this.announceOnce(entry, part.speaker, part.truncated === true);
    } else {
      entry.body.append(part.text);
    }
    this.scrollSoon();
  }

  private speak(ev: Extract<SessionEvent, { type: 'speak' }>, live: boolean): void {
    const key = `${ev.turn}:${ev.order}:${ev.speaker}`;
    const entry = this.spoken.get(key) ?? this.newMessage(key, ev.speaker, ev.turn, ev.order);
    entry.confirmed = true;
    this.open.delete(entry);
    if (!entry.body.finished || entry.body.text !== ev.text) entry.body.finish(ev.text);
    if (ev.truncated) this.markCut(entry);
    if (live) this.announceOnce(entry, ev.speaker, ev.truncated);
    else entry.announced = true;
    this.scrollSoon();
  }

  private newMessage(key: string, speaker: string, turn: number, order: number): Spoken {
    const m = this.members.get(speaker);
    const body = new StreamedText('msg-text');
    const name = el('div', { class: 'msg-name' }, m.name);
    const main = el('div', { class: 'msg-main' }, name, body.element);
    const article = el('article', { class: 'msg', 'data-turn': turn, 'data-order': order, 'data-speaker': speaker },
      glyphAvatar(m), main);
    paintMember(article, m);
    this.append(article, turn);
    const entry: Spoken = { body, main, confirmed: false, announced: false };
    this.spoken.set(key, entry);
    this.open.add(entry);
    return entry;
  }

  /**
   * The floor returned (or the answer ended) with messages whose end never came — e.g. a speaker the engine
   * refused: show what arrived as final text rather than leave them streaming forever.
   */
  settle(): void {
    for (const entry of this.open) {
      if (!entry.body.finished) entry.body.finish(entry.body.text);
    }
    this.open.clear();
  }

  private markCut(entry: Spoken): void {
    if (entry.main.querySelector('.msg-cut')) return;
    entry.main.append(el('div', { class: 'msg-cut' }, '— cut off'));
  }

  /** Once per message, when it is complete: its rendered text (what the eye reads), not the raw markdown. */
  private announceOnce(entry: Spoken, speaker: string, cut: boolean): void {
    if (entry.announced) return;
    entry.announced = true;
    this.announcer.response(this.members.name(speaker), entry.body.element.textContent ?? entry.body.text, cut);
  }

  private intro(ev: Extract<SessionEvent, { type: 'intro' }>): void {
    const names = ev.cast.map((id) => this.members.name(id));
    const brief = ev.brief ? ` · ${ev.brief.title}` : '';
    this.layout.appendTop(this.note(`The panel opens: ${listNames(names)}${brief}`, 'intro'));
    if (ev.carried_over) {
      const summary = el('div', { class: 'carried-summary' });
      summary.append(renderMarkdown(ev.carried_over.summary));
      this.layout.appendTop(el('div', { class: 'carried-over' },
        el('p', { class: 'carried-from' }, 'Continues ', el('span', { class: 'carried-session' }, ev.carried_over.from)),
        el('details', { class: 'carried-details' }, el('summary', {}, 'Summary carried over'), summary)));
    }
  }

  private floorLine(text: string, target: string | null, turn: number): void {
    const actions = el('span', { class: 'floor-actions' },
      el('button', {
        type: 'button', class: 'line-action rewind-here', 'data-turn': turn, 'aria-label': 'Rewind to here',
        title: 'Go back to the end of this turn: later turns are superseded (kept in the log)',
      }, el('span', { class: 'line-action-icon', 'aria-hidden': 'true' }, '↶'), el('span', { class: 'line-action-label' }, 'Rewind to here')));
    const line = el('div', { class: 'floor-line', 'data-turn': turn },
      el('span', { class: 'floor-who' }, 'You'));
    if (target) {
      const chip = el('span', { class: 'floor-target' }, `@${this.members.shortName(target)}`);
      paintMember(chip, this.members.get(target));
      line.append(chip);
    }
    line.append(actions, el('span', { class: 'floor-text' }, text));
    this.floorActionSlots.set(turn, actions);
    const group = this.line.get(turn)?.group ?? turn;
    this.layout.block(turn, group).element.append(line);
    this.scrollSoon();
  }

  private addCost(ev: Extract<SessionEvent, { type: 'cost' }>): void {
    const c = addCall(this.costs.get(ev.turn), ev);
    this.costs.set(ev.turn, c);
    const marker = this.floorMarkers.get(ev.turn);
    if (marker) fillTurnCost(marker, c);
  }

  private floorReturns(turn: number): void {
    // The figure is for the eye (its breakdown is a hover title); a screen reader gets the sentence beside it.
    const cost = el('span', { class: 'turn-cost', 'aria-hidden': 'true' });
    const spoken = el('span', { class: 'sr-only turn-cost-text' });
    const marker = el('div', { class: 'floor-return', 'data-turn': turn },
      cost, spoken, el('span', { class: 'floor-rule', 'aria-hidden': 'true' }), el('span', { class: 'floor-mark' }, 'floor returns'));
    this.floorMarkers.set(turn, cost);
    this.floorReturnRows.set(turn, marker);
    const c = this.costs.get(turn);
    if (c) fillTurnCost(cost, c);
    this.append(marker, turn);
  }

  private note(text: string, kind: string): HTMLElement {
    return el('div', { class: `note ${kind}` }, text);
  }

  /**
   * Into the turn's block. Turn 0 (before any line) and late events of a turn already superseded (e.g. a
   * failed carry-over after a rewind) go at the end of the chat instead, where they can be seen.
   */
  private append(node: HTMLElement, turn: number): void {
    if (turn === 0 || this.line.supersededBy(turn) !== undefined) this.layout.appendTop(node);
    else this.layout.block(turn, this.line.get(turn)?.group ?? turn).element.append(node);
    this.scrollSoon();
  }

  private scrollSoon(): void {
    this.follower.soon();
  }
}

function listNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
