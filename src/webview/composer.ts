import type { MemberView } from '../protocol';
import { el, setShown } from './elements';
import { paintMember, type MemberDirectory } from './members';

/** What the composer asks of the host (and of the saved UI state). */
export interface ComposerActions {
  say(text: string, target: string | null): void;
  stop(): void;
  continueSession(): void;
  /** The draft or target changed: persist it so a hidden tab comes back as it was. */
  draftChanged(draft: string, target: string | null): void;
}

/**
 * The input area: `@` chips to address one member, the textarea (Enter sends, Shift+Enter breaks the line,
 * `@ma` + Tab completes a name), Send, and Stop while the panel answers. In a read-only replay it is
 * replaced by "Continue this session" when that is possible.
 */
export class Composer {
  readonly element = el('footer', { class: 'composer' });
  private readonly targets = el('div', { class: 'targets', role: 'group', 'aria-label': 'Address one member' });
  private readonly input = el('textarea', {
    class: 'input', 'aria-label': 'Message the panel', rows: 2, spellcheck: 'true',
    placeholder: 'Speak to the panel…  (@name + Tab to address one member)',
  });
  private readonly send = el('button', { class: 'send', type: 'button', title: 'Send (Enter)' }, 'Send');
  private readonly stopButton = el('button', { class: 'stop', type: 'button', title: 'Stop the panel and take the floor (Esc)', hidden: true }, 'Stop');
  private readonly inputRow = el('div', { class: 'input-row' }, this.input, this.send, this.stopButton);
  private readonly replayRow = el('div', { class: 'replay-row', hidden: true },
    el('span', { class: 'replay-note' }, 'Replay of a closed session (read-only)'));
  private readonly continueButton = el('button', { class: 'continue', type: 'button' }, 'Continue this session');
  private speakers: MemberView[] = [];
  private target: string | null;
  private answering = false;

  constructor(
    private readonly members: MemberDirectory,
    private readonly actions: ComposerActions,
    initial: { draft: string; target: string | null },
  ) {
    this.input.value = initial.draft;
    this.target = initial.target;
    this.element.append(this.targets, this.inputRow, this.replayRow);
    this.replayRow.append(this.continueButton);
    this.send.addEventListener('click', () => this.submit());
    this.stopButton.addEventListener('click', () => this.actions.stop());
    this.continueButton.addEventListener('click', () => this.actions.continueSession());
    this.input.addEventListener('input', () => this.actions.draftChanged(this.input.value, this.target));
    this.input.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** Present members can be addressed; a pending joiner cannot until it has joined. */
  setCast(cast: readonly MemberView[]): void {
    this.speakers = cast.filter((m) => m.pending !== 'join');
    if (this.target && !this.speakers.some((m) => m.id === this.target)) this.target = null;
    this.renderTargets();
  }

  setAnswering(answering: boolean): void {
    this.answering = answering;
    this.send.disabled = answering;
    setShown(this.stopButton, answering);
    this.stopButton.disabled = !answering;
  }

  setReadOnly(readOnly: boolean, canContinue: boolean): void {
    setShown(this.targets, !readOnly);
    setShown(this.inputRow, !readOnly);
    setShown(this.replayRow, readOnly);
    setShown(this.continueButton, readOnly && canContinue);
  }

  focus(): void {
    this.input.focus();
  }

  private renderTargets(): void {
    const label = el('span', { class: 'targets-label' }, this.target ? 'to' : 'to everyone');
    const chips = this.speakers.map((m) => {
      const chip = el('button', {
        class: 'target-chip', type: 'button', 'aria-pressed': String(m.id === this.target), 'data-id': m.id,
        title: m.id === this.target ? `Only ${m.name} answers; click to address everyone` : `Address ${m.name} only`,
      }, `@${this.members.shortName(m.id)}`);
      paintMember(chip, m);
      chip.addEventListener('click', () => {
        this.setTarget(this.target === m.id ? null : m.id);
        this.input.focus();
      });
      return chip;
    });
    this.targets.replaceChildren(label, ...chips);
  }

  private setTarget(id: string | null): void {
    this.target = id;
    this.renderTargets();
    this.actions.draftChanged(this.input.value, this.target);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.isComposing) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      this.submit();
    } else if (e.key === 'Tab' && !e.shiftKey && this.complete()) {
      e.preventDefault();
    }
  }

  /** `@ma|` + Tab -> `@Mara |` and Mara becomes the target. False when there is nothing to complete. */
  private complete(): boolean {
    const caret = this.input.selectionStart ?? 0;
    if (caret !== this.input.selectionEnd) return false;
    const before = this.input.value.slice(0, caret);
    const m = /(^|\s)@([^\s@]*)$/.exec(before);
    if (!m) return false;
    const member = this.match(m[2]!);
    if (!member) return false;
    const start = caret - m[2]!.length - 1;
    const inserted = `@${this.members.shortName(member.id)} `;
    this.input.setRangeText(inserted, start, caret, 'end');
    this.setTarget(member.id);
    return true;
  }

  private match(query: string): MemberView | undefined {
    const q = query.toLowerCase();
    return this.speakers.find((m) => this.members.shortName(m.id).toLowerCase().startsWith(q))
      ?? this.speakers.find((m) => m.id.startsWith(q) || m.name.toLowerCase().startsWith(q));
  }

  private submit(): void {
    if (this.answering) return;
    let text = this.input.value.trim();
    if (!text) return;
    let target = this.target;
    // A leading `@name` addresses that member even without Tab; the address itself is not part of the words.
    const lead = /^@([^\s@]+)\s+([\s\S]+)$/.exec(text);
    if (lead) {
      const named = this.speakers.find((m) => this.members.shortName(m.id).toLowerCase() === lead[1]!.toLowerCase() || m.id === lead[1]!.toLowerCase());
      if (named && (target === null || target === named.id)) {
        target = named.id;
        text = lead[2]!.trim();
      }
    }
    this.actions.say(text, target);
    this.input.value = '';
    this.target = null;
    this.renderTargets();
    this.actions.draftChanged('', null);
  }
}
