import { el } from './elements';

const KEEP = 4;
const PREVIEW_CHARS = 100;

/**
 * The polite live region. Each completed response is added as its own line (rather than replacing the
 * region's text) so two responses finishing close together are both read out.
 */
export class Announcer {
  readonly element = el('div', { class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'false', role: 'status' });

  announce(text: string): void {
    this.element.append(el('div', {}, text));
    while (this.element.childElementCount > KEEP) this.element.firstElementChild?.remove();
  }

  /** "Mara Voss: first 100 chars…" */
  response(name: string, text: string): void {
    const flat = text.replace(/\s+/g, ' ').trim();
    const preview = flat.length > PREVIEW_CHARS ? `${flat.slice(0, PREVIEW_CHARS)}…` : flat;
    this.announce(`${name}: ${preview}`);
  }
}
