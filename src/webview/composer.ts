import type { MemberView } from '../protocol';
import { el, setShown } from './elements';
import { paintMember, type MemberDirectory } from './members';

/** What the composer asks of the host (and of the saved UI state). */
export interface ComposerActions {
  say(text: string, target: string | null): void;
  /** Resend the last human line with these words (edit mode). */
  edit(text: string): void;
  stop(): void;
  continueSession(): void;
  /** The draft or target changed: persist it so a hidden tab comes back as it was. */
  draftChanged(draft: string, target: string | null): void;
}

/** An `@` completion in progress: Tab again replaces `inserted` with the next match. */
interface Completion {
  start: number;
  inserted: string;
  matches: MemberView[];
  index: number;
}

/**
 * The input area: `@` chips to address one member, the textarea (Enter sends, Shift+Enter breaks the line,
 * `@ma` + Tab completes a name and Tab again cycles through the other matches), Send, and Stop while the
 * panel answers. In edit mode the textarea holds the last human line and Send resends it; Esc leaves edit
 * mode and brings the draft back. In a read-only replay it is replaced by "Continue this session" when
 * that is possible.
 */
export class Composer {
  /** A `form` landmark; it never submits (the CSP forbids form actions): Send and Enter post to the host. */
  readonly element = el('form', { class: 'composer', 'aria-label': 'Speak to the panel' });
  private readonly targets = el('div', { class: 'targets', role: 'group', 'aria-label': 'Address one member' });
  private readonly input = el('textarea', {
    class: 'input', 'aria-label': 'Message the panel', rows: 2, spellcheck: 'true',
    placeholder: 'Speak to the panel…  (@name + Tab to address one member)',
  });
  private readonly send = el('button', { class: 'send', type: 'button', title: 'Send (Enter)' }, 'Send');
  private readonly stopButton = el('button', { class: 'stop', type: 'button', title: 'Stop the panel and take the floor (Esc)', hidden: true }, 'Stop');
  private readonly inputRow = el('div', { class: 'input-row' }, this.input, this.send, this.stopButton);
  private readonly cancelEditButton = el('button', { class: 'cancel-edit', type: 'button', title: 'Leave edit mode (Esc)' }, 'Cancel edit');
  private readonly editBar = el('div', { class: 'edit-bar', role: 'status', hidden: true },
    el('span', { class: 'edit-note' }, '✎ Editing your last line — Send asks it again, Esc cancels'), this.cancelEditButton);
  private readonly replayRow = el('div', { class: 'replay-row', hidden: true },
    el('span', { class: 'replay-note' }, 'Replay of a closed session (read-only)'));
  private readonly continueButton = el('button', { class: 'continue', type: 'button' }, 'Continue this session');
  private speakers: MemberView[] = [];
  private target: string | null;
  private answering = false;
  private completion: Completion | null = null;
  /** The draft put aside while editing; null when not in edit mode. */
  private heldDraft: string | null = null;

  constructor(
    private readonly members: MemberDirectory,
    private readonly actions: ComposerActions,
    initial: { draft: string; target: string | null },
  ) {
    this.input.value = initial.draft;
    this.target = initial.target;
    this.element.append(this.targets, this.editBar, this.inputRow, this.replayRow);
    this.replayRow.append(this.continueButton);
    this.element.addEventListener('submit', (e) => e.preventDefault());
    this.send.addEventListener('click', () => this.submit());
    this.stopButton.addEventListener('click', () => this.actions.stop());
    this.continueButton.addEventListener('click', () => this.actions.continueSession());
    this.cancelEditButton.addEventListener('click', () => { this.cancelEdit(); this.input.focus(); });
    this.input.addEventListener('input', () => {
      this.completion = null;
      // The words being edited are not the draft: the draft put aside comes back when the edit ends.
      if (!this.editing) this.actions.draftChanged(this.input.value, this.target);
    });
    this.input.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** Present members can be addressed; a pending joiner cannot until it has joined. */
  setCast(cast: readonly MemberView[]): void {
    this.speakers = cast.filter((m) => m.pending !== 'join');
    if (this.target && !this.speakers.some((m) => m.id === this.target)) this.target = null;
    this.renderTargets();
  }

  get editing(): boolean {
    return this.heldDraft !== null;
  }

  /** Edit mode: the last human line goes into the textarea; the draft is put aside until the edit ends. */
  beginEdit(text: string): void {
    if (this.answering) return;
    if (!this.editing) this.heldDraft = this.input.value;
    this.input.value = text;
    this.completion = null;
    setShown(this.editBar, true);
    setShown(this.targets, false);
    this.element.classList.add('editing');
    this.input.focus();
    this.input.setSelectionRange(text.length, text.length);
  }

  cancelEdit(): void {
    if (!this.editing) return;
    this.input.value = this.heldDraft ?? '';
    this.heldDraft = null;
    setShown(this.editBar, false);
    setShown(this.targets, !this.element.classList.contains('read-only'));
    this.element.classList.remove('editing');
  }

  setAnswering(answering: boolean): void {
    if (answering) this.cancelEdit();
    this.answering = answering;
    this.send.disabled = answering;
    setShown(this.stopButton, answering);
    this.stopButton.disabled = !answering;
  }

  setReadOnly(readOnly: boolean, canContinue: boolean): void {
    if (readOnly) this.cancelEdit();
    this.element.classList.toggle('read-only', readOnly);
    setShown(this.targets, !readOnly && !this.editing);
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
    } else if (e.key === 'Tab' && !e.altKey && !e.ctrlKey && !e.metaKey && this.complete(e.shiftKey ? -1 : 1)) {
      e.preventDefault();
    } else if (e.key === 'Escape' && this.editing) {
      // Ours, not the panel's: Esc here leaves edit mode and must not also reach the Stop shortcut.
      e.preventDefault();
      e.stopPropagation();
      this.cancelEdit();
    }
  }

  /**
   * `@ma|` + Tab -> `@Mara |` and Mara becomes the target; Tab again (Shift+Tab back) swaps in the next match,
   * so a large cast stays quick to address. False when there is nothing to complete (Tab moves focus).
   */
  private complete(step: 1 | -1): boolean {
    const caret = this.input.selectionStart ?? 0;
    if (caret !== this.input.selectionEnd || this.editing) return false;
    const c = this.completion;
    const cycling = c !== null && caret === c.start + c.inserted.length && this.input.value.slice(c.start, caret) === c.inserted;
    if (cycling) {
      c.index = (c.index + step + c.matches.length) % c.matches.length;
      this.insertCompletion(c, caret);
      return true;
    }
    if (step < 0) return false;
    const before = this.input.value.slice(0, caret);
    const m = /(^|\s)@([^\s@]*)$/.exec(before);
    if (!m) return false;
    const matches = this.matches(m[2]!);
    if (matches.length === 0) return false;
    const next: Completion = { start: caret - m[2]!.length - 1, inserted: '', matches, index: 0 };
    this.insertCompletion(next, caret);
    return true;
  }

  private insertCompletion(c: Completion, caret: number): void {
    const member = c.matches[c.index]!;
    const inserted = `@${this.members.shortName(member.id)} `;
    this.input.setRangeText(inserted, c.start, caret, 'end');
    c.inserted = inserted;
    this.completion = c;
    this.setTarget(member.id);
  }

  /** Members whose first name starts with the query, then id or full name, then any later word of the name. */
  private matches(query: string): MemberView[] {
    const q = query.toLowerCase();
    const tiers: Array<(m: MemberView) => boolean> = [
      (m) => this.members.shortName(m.id).toLowerCase().startsWith(q),
      (m) => m.id.startsWith(q) || m.name.toLowerCase().startsWith(q),
      (m) => m.name.toLowerCase().split(/\s+/).some((w) => w.startsWith(q)),
    ];
    const out: MemberView[] = [];
    for (const tier of tiers) for (const m of this.speakers) if (!out.includes(m) && tier(m)) out.push(m);
    return out;
  }

  private submit(): void {
    if (this.answering) return;
    let text = this.input.value.trim();
    if (!text) return;
    if (this.editing) {
      this.actions.edit(text);
      this.cancelEdit();
      return;
    }
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
