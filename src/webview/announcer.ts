import { el } from './elements';

const KEEP = 4;

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

  /**
   * "Mara Voss: <the whole response>": the name first, then the text as it reads on screen (markdown already
   * rendered, so no `**`), whitespace flattened. The whole of it: a screen reader user has no other way to hear
   * a response without leaving the composer.
   */
  response(name: string, text: string, cut = false): void {
    this.announce(`${name}: ${flatten(text)}${cut ? ' (cut off)' : ''}`);
  }

  /** A confer line, said only while the reader is in the drawer (the caller checks). */
  confer(name: string, text: string): void {
    this.announce(`${name}, conferring: ${flatten(text)}`);
  }
}

function flatten(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
