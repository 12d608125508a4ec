import type { MemberView } from '../protocol';
import { el, setShown } from './elements';
import { glyphAvatar, paintMember, type MemberDirectory } from './members';

/** What the roster asks the host for; each becomes one webview message. */
export interface RosterActions {
  retire(id: string): void;
  add(id: string): void;
  applyEdit(id: string): void;
}

/**
 * The roster sub-strip: a chip per present member (✕ retires, "Apply edit" re-reads an edited file), pending
 * cast changes, and ⊕ with a menu of library members not on the panel. Cast changes are rare, so the chips
 * are simply rebuilt, keeping keyboard focus where it was.
 */
export class Roster {
  readonly element = el('ul', { class: 'roster-chips', 'aria-label': 'Panel members' });
  private readonly addButton = el('button', {
    class: 'add-member', type: 'button', 'aria-label': 'Add character', 'aria-haspopup': 'menu', 'aria-expanded': 'false',
    // Keyed like the chips' buttons: the rebuild moves ⊕'s item, and a moved element loses focus.
    'data-focus-key': 'add',
    title: 'Add a character from the library',
  }, '⊕');
  private readonly menu = el('div', { class: 'add-menu', role: 'menu', 'aria-label': 'Character library', hidden: true });
  private readonly addItem = el('li', { class: 'chip-add' }, this.addButton, this.menu);
  private cast: MemberView[] = [];
  private library: MemberView[] = [];
  private readOnly = false;

  constructor(
    private readonly members: MemberDirectory,
    private readonly actions: RosterActions,
  ) {
    this.addButton.addEventListener('click', () => (this.menu.hidden ? this.openMenu() : this.closeMenu(true)));
    this.menu.addEventListener('keydown', (e) => this.menuKey(e));
    document.addEventListener('pointerdown', (e) => {
      if (!this.menu.hidden && !this.addItem.contains(e.target as Node)) this.closeMenu(false);
    });
    this.addItem.addEventListener('focusout', (e) => {
      if (!this.menu.hidden && !this.addItem.contains(e.relatedTarget as Node | null)) this.closeMenu(false);
    });
  }

  update(cast: MemberView[], library: MemberView[]): void {
    this.cast = cast;
    this.library = library;
    this.members.remember(library);
    this.members.remember(cast);
    this.render();
  }

  setReadOnly(readOnly: boolean): void {
    this.readOnly = readOnly;
    this.render();
  }

  private render(): void {
    const focusKey = (document.activeElement as HTMLElement | null)?.dataset?.focusKey;
    const staying = this.cast.filter((m) => m.pending !== 'retire' && m.pending !== 'join').length;
    const chips = this.cast.map((m) => this.chip(m, staying));
    if (!this.readOnly) chips.push(this.addItem);
    if (this.menu.hidden === false) this.fillMenu();
    this.element.replaceChildren(...chips);
    if (focusKey) this.refocus(focusKey);
  }

  /**
   * Puts focus back on the control that had it before the rebuild. A ✕ just pressed comes back disabled (the
   * member is leaving), and a disabled button cannot hold focus: focus moves on to the next control in the
   * strip (⊕ at the end) rather than falling to <body>, where a keyboard user would have to start over.
   */
  private refocus(focusKey: string): void {
    const keyed = [...this.element.querySelectorAll<HTMLButtonElement>('button[data-focus-key]')];
    const at = keyed.findIndex((b) => b.dataset.focusKey === focusKey);
    if (at < 0) return;
    keyed.slice(at).find((b) => !b.disabled)?.focus();
  }

  private chip(m: MemberView, staying: number): HTMLElement {
    const first = this.members.shortName(m.id);
    const label = el('span', { class: 'chip-name', title: m.tagline ? `${m.name} — ${m.tagline}` : m.name },
      el('span', { 'aria-hidden': 'true' }, first), el('span', { class: 'sr-only' }, m.name));
    const chip = el('li', { class: `chip${m.pending ? ` pending-${m.pending}` : ''}`, 'data-id': m.id }, glyphAvatar(m), label);
    paintMember(chip, m);
    if (m.pending === 'join') chip.append(badge('joining', 'Joins at the next turn'));
    if (m.pending === 'retire') chip.append(badge('leaving', 'Leaves at the next turn'));
    if (m.pending === 'revise') chip.append(badge('update queued', 'The edited profile applies at the next turn'));
    if (m.edited && m.pending !== 'revise') {
      chip.append(badge('edited', 'The character file changed since this member joined'));
      if (!this.readOnly) {
        const apply = el('button', {
          class: 'apply-edit', type: 'button', 'aria-label': `Apply edit to ${m.name}`, 'data-focus-key': `apply:${m.id}`,
          title: 'Use the changed profile from the next turn',
        }, 'Apply edit');
        apply.addEventListener('click', () => this.actions.applyEdit(m.id));
        chip.append(apply);
      }
    }
    if (!this.readOnly) {
      const last = staying <= 1 && m.pending !== 'join';
      const retire = el('button', {
        class: 'retire', type: 'button', 'aria-label': `Retire ${m.name}`, 'data-focus-key': `retire:${m.id}`,
        title: last ? 'At least one member stays on the panel' : `Retire ${m.name} at the next turn`,
        disabled: m.pending === 'retire' || last,
      }, '✕');
      retire.addEventListener('click', () => this.actions.retire(m.id));
      chip.append(retire);
    }
    return chip;
  }

  private available(): MemberView[] {
    const present = new Set(this.cast.map((m) => m.id));
    return this.library.filter((m) => !present.has(m.id));
  }

  private fillMenu(): void {
    const items = this.available().map((m) => {
      const item = el('button', { class: 'add-menu-item', type: 'button', role: 'menuitem', tabindex: '-1', 'data-id': m.id },
        glyphAvatar(m, 'small'), el('span', { class: 'add-menu-name' }, m.name));
      if (m.tagline) item.append(el('span', { class: 'add-menu-tagline' }, m.tagline));
      paintMember(item, m);
      item.addEventListener('click', () => {
        this.actions.add(m.id);
        this.closeMenu(true);
      });
      return item;
    });
    if (items.length === 0) {
      items.push(el('button', { class: 'add-menu-item', type: 'button', role: 'menuitem', tabindex: '-1', 'aria-disabled': 'true' },
        'Everyone in the library is on the panel'));
    }
    this.menu.replaceChildren(...items);
  }

  private openMenu(): void {
    this.fillMenu();
    setShown(this.menu, true);
    this.addButton.setAttribute('aria-expanded', 'true');
    this.menuItems()[0]?.focus();
  }

  private closeMenu(refocus: boolean): void {
    setShown(this.menu, false);
    this.addButton.setAttribute('aria-expanded', 'false');
    if (refocus) this.addButton.focus();
  }

  private menuItems(): HTMLElement[] {
    return [...this.menu.querySelectorAll<HTMLElement>('[role="menuitem"]')];
  }

  private menuKey(e: KeyboardEvent): void {
    const items = this.menuItems();
    const at = items.indexOf(document.activeElement as HTMLElement);
    const move = (i: number): void => items[(i + items.length) % items.length]?.focus();
    if (e.key === 'ArrowDown') move(at + 1);
    else if (e.key === 'ArrowUp') move(at - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(items.length - 1);
    else if (e.key === 'Escape') this.closeMenu(true);
    else if (e.key === 'Tab') { this.closeMenu(false); return; }
    else return;
    e.preventDefault();
    e.stopPropagation();
  }
}

function badge(text: string, title: string): HTMLElement {
  return el('span', { class: 'chip-badge', title }, text);
}
