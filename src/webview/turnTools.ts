import { el, setShown } from './elements';
import type { MessageStream } from './messageStream';
import type { TurnLine } from './turnLine';

/** What the turn actions ask for; the host answers with events (or, for a rewind, a preview first). */
export interface TurnToolActions {
  regenerate(): void;
  selectSample(turn: number): void;
  /** Put the last human line in the composer to be edited and resent. */
  editLast(text: string): void;
  /** Ask to rewind to the end of `turn` (the caller confirms first). */
  rewindTo(turn: number, quote: string): void;
}

/**
 * The actions on the live line. Only the last live turn can be regenerated, edited or flipped between its
 * samples, so those controls exist once and move to whichever turn is last; every earlier live floor line
 * carries its own "Rewind to here" (created with the line, hidden by CSS where it does not apply). Nothing
 * here works while the panel answers or in a replay: the few moving controls are disabled, and the per-line
 * ones are switched off all at once by the stream layout.
 */
export class TurnTools {
  private readonly prev = el('button', { type: 'button', class: 'sample-step', 'aria-label': 'Previous sample', title: 'Carry the previous sample forward instead' }, '‹');
  private readonly next = el('button', { type: 'button', class: 'sample-step', 'aria-label': 'Next sample', title: 'Carry the next sample forward instead' }, '›');
  private readonly count = el('span', { class: 'sample-count' });
  private readonly swiper = el('span', { class: 'swiper', role: 'group', 'aria-label': 'Samples of this turn' }, this.prev, this.count, this.next);
  private readonly regenerate = el('button', {
    type: 'button', class: 'regenerate', 'aria-label': 'Regenerate', title: 'Ask the same line again: another sample (this one stays in the log)',
  }, el('span', { 'aria-hidden': 'true' }, '↻ '), 'Regenerate');
  private readonly bar = el('span', { class: 'turn-tools' }, this.swiper, this.regenerate);
  private readonly edit = el('button', {
    type: 'button', class: 'line-action edit-last', 'aria-label': 'Edit last line', title: 'Edit this line and ask it again (the original stays in the log)',
  }, el('span', { class: 'line-action-icon', 'aria-hidden': 'true' }, '✎'), el('span', { class: 'line-action-label' }, 'Edit'));
  private last: number | null = null;
  private samples: readonly number[] = [];
  private enabled = true;

  constructor(
    private readonly stream: MessageStream,
    private readonly line: TurnLine,
    actions: TurnToolActions,
  ) {
    this.regenerate.addEventListener('click', () => actions.regenerate());
    this.prev.addEventListener('click', () => this.step(-1, actions));
    this.next.addEventListener('click', () => this.step(1, actions));
    this.edit.addEventListener('click', () => {
      const info = this.last === null ? undefined : this.line.get(this.last);
      if (info) actions.editLast(info.text);
    });
    // One listener for every floor line's rewind button, however long the session.
    stream.layout.list.addEventListener('click', (e) => {
      const button = (e.target as Element | null)?.closest<HTMLButtonElement>('.rewind-here');
      if (!button || stream.layout.disabled) return;
      const turn = Number(button.dataset.turn);
      if (this.line.isLive(turn) && turn !== this.last) actions.rewindTo(turn, this.line.get(turn)?.text ?? '');
    });
  }

  /** Off while the panel answers or in a replay. */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.stream.layout.setDisabled(!enabled);
    this.regenerate.disabled = !enabled;
    this.edit.disabled = !enabled;
    this.paintSteps();
  }

  /** The turn the tools sit on, or null. */
  get lastLive(): number | null {
    return this.last;
  }

  /** The tool that has keyboard focus, if any: take it before the blocks move (moving blurs). */
  focusedControl(): HTMLButtonElement | null {
    const a = document.activeElement;
    return a instanceof HTMLButtonElement && (this.bar.contains(a) || a === this.edit) ? a : null;
  }

  /**
   * Moves the tools to the current last live turn; cheap, so it runs after every event that could move it.
   * `focused` (from focusedControl) gets focus back afterwards.
   */
  refresh(focused: HTMLButtonElement | null = null): void {
    const last = this.line.lastLive();
    if (last !== this.last) {
      if (this.last !== null) this.stream.layout.get(this.last)?.element.classList.remove('last-live');
      if (last !== null) this.stream.layout.get(last)?.element.classList.add('last-live');
      this.last = last;
    }
    const slot = last === null ? undefined : this.stream.floorActions(last);
    if (slot) slot.append(this.edit);
    else this.edit.remove();
    const row = last === null ? undefined : this.stream.floorReturnRow(last);
    if (row) row.prepend(this.bar);
    else this.bar.remove();
    this.samples = last === null ? [] : this.line.samples(last);
    this.paintSteps();
    // Moving a focused element blurs it; a keyboard reader flipping samples keeps their place (on the other
    // step when the one they pressed has reached the end).
    if (focused && focused.isConnected && document.activeElement !== focused) {
      const other = focused === this.prev ? this.next : focused === this.next ? this.prev : null;
      (focused.disabled && other && !other.disabled ? other : focused).focus();
    }
  }

  private paintSteps(): void {
    const at = this.last === null ? -1 : this.samples.indexOf(this.last);
    setShown(this.swiper, this.samples.length > 1);
    this.count.textContent = `${at + 1} / ${this.samples.length}`;
    this.count.title = `Sample ${at + 1} of ${this.samples.length}: the one carried forward`;
    this.prev.disabled = !this.enabled || at <= 0;
    this.next.disabled = !this.enabled || at < 0 || at >= this.samples.length - 1;
  }

  private step(by: number, actions: TurnToolActions): void {
    if (this.last === null) return;
    const target = this.samples[this.samples.indexOf(this.last) + by];
    if (target !== undefined) actions.selectSample(target);
  }
}
