import type { RewindPreviewView } from '../protocol';
import { el } from './elements';
import type { MemberDirectory } from './members';

const QUOTE_CHARS = 90;

/**
 * The confirmation before a rewind: what the host says would be superseded (asked for with `previewRewind`,
 * answered by `rewindPreview`), then Confirm rewind or Cancel. Modal, so nothing else changes underneath it;
 * Esc cancels.
 */
export class RewindDialog {
  readonly element = el('dialog', { class: 'rewind-dialog', 'aria-labelledby': 'rewind-title', 'aria-describedby': 'rewind-what' });
  private readonly what = el('p', { class: 'rewind-what', id: 'rewind-what' });
  private readonly list = el('ul', { class: 'rewind-list' });
  private readonly cancel = el('button', { type: 'button', class: 'dialog-cancel' }, 'Cancel');
  private readonly confirm = el('button', { type: 'button', class: 'dialog-confirm' }, 'Confirm rewind');
  private pending: number | null = null;

  constructor(
    private readonly members: MemberDirectory,
    onConfirm: (turn: number) => void,
  ) {
    this.element.append(
      el('h2', { id: 'rewind-title', class: 'dialog-title' }, 'Rewind'),
      this.what, this.list,
      el('p', { class: 'rewind-note' }, 'Nothing is deleted: superseded turns stay in the log, collapsed in the chat.'),
      el('div', { class: 'dialog-actions' }, this.cancel, this.confirm),
    );
    this.cancel.addEventListener('click', () => this.close());
    this.confirm.addEventListener('click', () => {
      const turn = this.pending;
      this.close();
      if (turn !== null) onConfirm(turn);
    });
    this.element.addEventListener('close', () => { this.pending = null; });
  }

  get isOpen(): boolean {
    return this.element.open;
  }

  /** Opens at once (so the click is answered); the list fills when the host's preview arrives. */
  open(turn: number, quote: string): void {
    this.pending = turn;
    const flat = quote.replace(/\s+/g, ' ').trim();
    const short = flat.length > QUOTE_CHARS ? `${flat.slice(0, QUOTE_CHARS)}…` : flat;
    this.what.textContent = `Go back to just after “${short}”. The panel forgets everything since.`;
    this.list.replaceChildren(el('li', { class: 'rewind-loading' }, 'Checking what this would supersede…'));
    this.confirm.disabled = true;
    if (!this.element.open) this.element.showModal();
    this.cancel.focus();
  }

  /** The host's answer; ignored unless it is for the rewind this dialog is asking about. */
  showPreview(p: RewindPreviewView): void {
    if (!this.element.open || p.toTurn !== this.pending) return;
    const items: HTMLElement[] = [];
    if (p.turns.length === 0) {
      items.push(el('li', {}, 'Nothing comes after this turn: there is nothing to rewind.'));
    } else {
      items.push(el('li', {}, count(p.humanLines, 'human line')), el('li', {}, count(p.responses, 'response')));
      const changes = p.castChanges.map((c) => `${this.members.shortName(c.id)} ${c.change === 'leave' ? 'leaves' : 'rejoins'}`);
      items.push(el('li', {}, changes.length > 0 ? `Cast: ${changes.join(', ')}` : 'No cast changes'));
    }
    this.list.replaceChildren(...items);
    this.confirm.disabled = p.turns.length === 0;
  }

  close(): void {
    if (this.element.open) this.element.close();
    this.pending = null;
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'} superseded`;
}
